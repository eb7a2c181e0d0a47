// Load generator for the dhakira gRPC service: N concurrent clients, each on its own channel (as N CAT
// tools would be), calling Lookup (or Get) back to back for a fixed time; reports throughput and latency
// percentiles. Optionally streams an import into the server at the same time, to measure reads during writes.
//
//   service_load_bench --server unix:/run/user/0/dhakira.sock --queries /tmp/bench/queries.perturbed
//       [--clients 4] [--seconds 10] [--rpc lookup|get] [--src-lang ar --tgt-lang en] [--threshold 70]
//       [--top 5] [--import FILE.tsv]
//
// Targets (issue 6): >= 5,000 lookups/s with 4 clients on 2 cores, p99 <= 5 ms over the Unix socket; during
// an import, p99 at most twice the idle figure.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "dhakira/v1/translation_memory.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  std::string server;
  std::string queries;
  std::string rpc = "lookup";
  std::string src_lang = "ar";
  std::string tgt_lang = "en";
  std::string import_file;
  int clients = 4;
  double seconds = 10;
  double threshold = 70;
  int top = 5;
};

int Usage(const char* msg) {
  std::cerr << "service_load_bench: " << msg << "\n"
            << "usage: service_load_bench --server ADDRESS [--queries FILE] [--clients N] [--seconds S]\n"
               "       [--rpc lookup|get] [--src-lang L] [--tgt-lang L] [--threshold T] [--top N]\n"
               "       [--import FILE.tsv]\n";
  return 2;
}

struct ClientResult {
  std::vector<double> latencies_us;
  uint64_t errors = 0;
  std::map<std::string, uint64_t> error_messages;
  uint64_t matches = 0;
};

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

// Streams `path` into the server's Import RPC in 256 KiB chunks; returns the server's summary line.
std::string RunImport(const std::shared_ptr<grpc::Channel>& channel, const Args& args, double* seconds) {
  auto stub = dhakira::v1::TranslationMemory::NewStub(channel);
  grpc::ClientContext ctx;
  dhakira::v1::ImportSummary summary;
  const auto start = Clock::now();
  auto writer = stub->Import(&ctx, &summary);
  dhakira::v1::ImportRequest first;
  auto* options = first.mutable_options();
  options->set_file_name(args.import_file);
  options->set_src_lang(args.src_lang);
  options->set_tgt_lang(args.tgt_lang);
  options->set_origin("load-bench");
  writer->Write(first);
  std::ifstream in(args.import_file, std::ios::binary);
  std::string buf(256 << 10, '\0');
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const std::streamsize n = in.gcount();
    if (n <= 0) break;
    dhakira::v1::ImportRequest chunk;
    chunk.set_data(buf.data(), static_cast<size_t>(n));
    if (!writer->Write(chunk)) break;
  }
  writer->WritesDone();
  grpc::Status st = writer->Finish();
  *seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!st.ok()) return "import failed: " + st.error_message();
  return "import: read " + std::to_string(summary.read()) + ", added " + std::to_string(summary.added()) +
         ", skipped " + std::to_string(summary.skipped_duplicates() + summary.skipped_invalid());
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        Usage((std::string(name) + " needs a value").c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--server") args.server = next("--server");
    else if (a == "--queries") args.queries = next("--queries");
    else if (a == "--clients") args.clients = std::atoi(next("--clients"));
    else if (a == "--seconds") args.seconds = std::atof(next("--seconds"));
    else if (a == "--rpc") args.rpc = next("--rpc");
    else if (a == "--src-lang") args.src_lang = next("--src-lang");
    else if (a == "--tgt-lang") args.tgt_lang = next("--tgt-lang");
    else if (a == "--threshold") args.threshold = std::atof(next("--threshold"));
    else if (a == "--top") args.top = std::atoi(next("--top"));
    else if (a == "--import") args.import_file = next("--import");
    else return Usage(("unknown argument " + a).c_str());
  }
  if (args.server.empty()) return Usage("--server is required");
  if (args.clients < 1 || args.clients > 256) return Usage("--clients must be 1 .. 256");
  if (args.rpc != "lookup" && args.rpc != "get") return Usage("--rpc must be lookup or get");

  std::vector<std::string> queries;
  if (args.rpc == "lookup") {
    if (args.queries.empty()) return Usage("--queries FILE is required for --rpc lookup");
    std::ifstream in(args.queries);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) queries.push_back(line);
    }
    if (queries.empty()) return Usage("no queries read");
  }

  // Units in the TM, for --rpc get (random ids).
  uint64_t units = 0;
  {
    auto stub = dhakira::v1::TranslationMemory::NewStub(
        grpc::CreateChannel(args.server, grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    dhakira::v1::StatsResponse stats;
    grpc::Status st = stub->Stats(&ctx, dhakira::v1::StatsRequest(), &stats);
    if (!st.ok()) {
      std::cerr << "service_load_bench: cannot reach " << args.server << ": " << st.error_message() << "\n";
      return 1;
    }
    units = stats.units();
  }

  std::atomic<bool> stop{false};
  std::vector<ClientResult> results(static_cast<size_t>(args.clients));
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int c = 0; c < args.clients; ++c) {
    threads.emplace_back([&, c] {
      // Own channel per client: separate connections, like separate CAT tools.
      grpc::ChannelArguments ch_args;
      ch_args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // no connection sharing between clients
      auto channel = grpc::CreateCustomChannel(args.server, grpc::InsecureChannelCredentials(), ch_args);
      auto stub = dhakira::v1::TranslationMemory::NewStub(channel);
      ClientResult& r = results[static_cast<size_t>(c)];
      r.latencies_us.reserve(1 << 16);
      std::mt19937_64 rng(static_cast<uint64_t>(c) + 1);
      size_t qi = static_cast<size_t>(c) * 7919;
      while (!stop.load(std::memory_order_relaxed)) {
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        grpc::Status st;
        const auto t0 = Clock::now();
        if (args.rpc == "lookup") {
          dhakira::v1::LookupRequest req;
          req.set_source(queries[qi++ % queries.size()]);
          req.mutable_options()->set_src_lang(args.src_lang);
          req.mutable_options()->set_tgt_lang(args.tgt_lang);
          req.mutable_options()->set_threshold(args.threshold);
          req.mutable_options()->set_top(static_cast<uint32_t>(args.top));
          dhakira::v1::LookupResponse resp;
          st = stub->Lookup(&ctx, req, &resp);
          if (st.ok()) r.matches += static_cast<uint64_t>(resp.matches_size());
        } else {
          dhakira::v1::GetRequest req;
          req.set_id(units == 0 ? 1 : 1 + rng() % units);
          dhakira::v1::Unit resp;
          st = stub->Get(&ctx, req, &resp);
        }
        const auto t1 = Clock::now();
        if (st.ok()) {
          r.latencies_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
        } else {
          ++r.errors;
          if (r.error_messages.size() < 5) ++r.error_messages[st.error_message()];
        }
      }
    });
  }

  std::string import_line;
  double import_seconds = 0;
  std::thread importer;
  if (!args.import_file.empty()) {
    importer = std::thread([&] {
      auto channel = grpc::CreateChannel(args.server, grpc::InsecureChannelCredentials());
      import_line = RunImport(channel, args, &import_seconds);
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(args.seconds));
  stop = true;
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  if (importer.joinable()) importer.join();

  std::vector<double> all;
  uint64_t errors = 0, matches = 0;
  for (auto& r : results) {
    all.insert(all.end(), r.latencies_us.begin(), r.latencies_us.end());
    errors += r.errors;
    matches += r.matches;
    for (const auto& [msg, n] : r.error_messages) std::cerr << "error (" << n << "x): " << msg << "\n";
  }
  const double ok = static_cast<double>(all.size());
  std::printf("rpc=%s clients=%d seconds=%.1f units=%llu\n", args.rpc.c_str(), args.clients, elapsed,
              static_cast<unsigned long long>(units));
  std::printf("calls=%.0f errors=%llu throughput=%.0f/s matches/call=%.2f\n", ok,
              static_cast<unsigned long long>(errors), ok / elapsed, ok > 0 ? matches / ok : 0.0);
  std::printf("latency_us p50=%.0f p90=%.0f p99=%.0f p99.9=%.0f max=%.0f\n", Percentile(all, 50),
              Percentile(all, 90), Percentile(all, 99), Percentile(all, 99.9),
              all.empty() ? 0.0 : *std::max_element(all.begin(), all.end()));
  if (!import_line.empty()) std::printf("%s (%.1f s)\n", import_line.c_str(), import_seconds);
  return errors == 0 ? 0 : 1;
}
