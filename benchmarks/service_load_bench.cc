// Load generator for the dhakira gRPC service: N concurrent clients, each on its own channel (as N
// CAT tools would be), calling Lookup (or a one-segment BatchLookup, as `dhakira match --server`
// sends, or Get) back to back; reports calls/s and latency percentiles. With --import FILE it
// measures twice and reports both: first idle, then while one more client streams FILE into the
// server's Import (reads during a bulk write).
//
//   service_load_bench --server unix:$XDG_RUNTIME_DIR/dhakira.sock --queries
//   /tmp/match-bench/queries.real
//       [--clients 4] [--seconds 10] [--warmup 1] [--rpc lookup|batch|get] [--src-lang ar
//       --tgt-lang en]
//       [--threshold 70] [--top 5] [--import FILE.tsv [--import-seconds S]]
//
// Queries: one a line (empty lines skipped), taken in turn by each client from its own starting
// point. Idle phase: --warmup seconds not counted, then --seconds counted. Import phase: counted
// from the start of the Import call until it returns (or --import-seconds, when given, whichever
// comes first). The import is measured too (pairs/s); its file should hold pairs not yet in the TM,
// else it only reads. Exit code: 0, or 1 when a call failed (the first error messages are printed),
// 2 on bad arguments.
//
// Targets (issue 6): >= 5,000 lookups/s with 4 clients on 2 cores, p99 <= 5 ms over the Unix
// socket; during an import, p99 at most twice the idle figure.
#include <absl/synchronization/mutex.h>
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
  double warmup = 1;
  double import_seconds = 0;  // 0 = as long as the import runs
  double threshold = 70;
  int top = 5;
};

int Usage(const std::string& msg) {
  std::cerr << "service_load_bench: " << msg << "\n"
            << "usage: service_load_bench --server ADDRESS --queries FILE [--clients N] [--seconds S]\n"
               "       [--warmup S] [--rpc lookup|batch|get] [--src-lang L] [--tgt-lang L] [--threshold "
               "T]\n"
               "       [--top N] [--import FILE.tsv [--import-seconds S]]\n";
  return 2;
}

// What the clients measured in one phase.
struct Phase {
  std::string name;
  double seconds = 0;
  std::vector<double> latencies_us;  // successful calls
  uint64_t errors = 0;
  uint64_t matches = 0;
  std::map<std::string, uint64_t> error_messages;  // the first few
};

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

// The clients: each on its own channel (separate connections, like separate CAT tools), created
// once and kept for both phases.
class Load {
 public:
  Load(const Args& args, std::vector<std::string> queries, uint64_t units)
      : args_(args), queries_(std::move(queries)), units_(units) {
    for (int c = 0; c < args.clients; ++c) {
      grpc::ChannelArguments ch_args;
      ch_args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL,
                     1);  // no connection sharing between clients
      stubs_.push_back(dhakira::v1::TranslationMemory::NewStub(
          grpc::CreateCustomChannel(args.server, grpc::InsecureChannelCredentials(), ch_args)));
    }
  }

  // Runs all clients until `stop` becomes true; counts only while `counting` is true.
  void Run(std::atomic<bool>& stop, std::atomic<bool>& counting, Phase* phase) {
    std::vector<Phase> per_client(stubs_.size());
    std::vector<std::thread> threads;
    for (size_t c = 0; c < stubs_.size(); ++c) {
      threads.emplace_back([&, c] { Client(c, stop, counting, &per_client[c]); });
    }
    for (auto& t : threads) t.join();
    for (Phase& p : per_client) {
      phase->latencies_us.insert(phase->latencies_us.end(), p.latencies_us.begin(), p.latencies_us.end());
      phase->errors += p.errors;
      phase->matches += p.matches;
      for (const auto& [msg, n] : p.error_messages) phase->error_messages[msg] += n;
    }
  }

 private:
  // The lookup options every request of the run carries.
  void FillOptions(dhakira::v1::LookupOptions* options) const {
    options->set_src_lang(args_.src_lang);
    options->set_tgt_lang(args_.tgt_lang);
    options->set_threshold(args_.threshold);
    options->set_top(static_cast<uint32_t>(args_.top));
  }

  void Client(size_t c, std::atomic<bool>& stop, std::atomic<bool>& counting, Phase* r) {
    dhakira::v1::TranslationMemory::Stub& stub = *stubs_[c];
    r->latencies_us.reserve(1 << 16);
    std::mt19937_64 rng(c + 1 + next_seed_++);
    size_t qi = (c * 7919 + next_seed_ * 104729) % std::max<size_t>(1, queries_.size());
    while (!stop.load(std::memory_order_relaxed)) {
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
      grpc::Status st;
      uint64_t matches = 0;
      const auto t0 = Clock::now();
      if (args_.rpc == "lookup") {
        dhakira::v1::LookupRequest req;
        req.set_source(queries_[qi++ % queries_.size()]);
        FillOptions(req.mutable_options());
        dhakira::v1::LookupResponse resp;
        st = stub.Lookup(&ctx, req, &resp);
        matches = static_cast<uint64_t>(resp.matches_size());
      } else if (args_.rpc == "batch") {
        dhakira::v1::BatchLookupRequest req;
        req.add_segments()->set_source(queries_[qi++ % queries_.size()]);
        FillOptions(req.mutable_options());
        dhakira::v1::BatchLookupResponse resp;
        st = stub.BatchLookup(&ctx, req, &resp);
        if (st.ok() && resp.results_size() == 1 && resp.results(0).has_error()) {
          st = grpc::Status(grpc::StatusCode::UNKNOWN, resp.results(0).error().message());
        }
        matches = resp.results_size() == 1 ? static_cast<uint64_t>(resp.results(0).matches_size()) : 0;
      } else {
        dhakira::v1::GetRequest req;
        req.set_id(units_ == 0 ? 1 : 1 + rng() % units_);
        dhakira::v1::Unit resp;
        st = stub.Get(&ctx, req, &resp);
      }
      const auto t1 = Clock::now();
      if (!counting.load(std::memory_order_relaxed)) continue;
      if (st.ok()) {
        r->latencies_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
        r->matches += matches;
      } else {
        ++r->errors;
        if (r->error_messages.size() < 5) ++r->error_messages[st.error_message()];
      }
    }
  }

  const Args& args_;
  std::vector<std::string> queries_;
  uint64_t units_;
  std::vector<std::unique_ptr<dhakira::v1::TranslationMemory::Stub>> stubs_;
  std::atomic<uint64_t> next_seed_{0};
};

struct ImportResult {
  bool ok = false;
  std::string line;  // summary or error
  double seconds = 0;
  uint64_t added = 0;
};

// Streams `path` into the server's Import RPC in 256 KiB chunks.
ImportResult RunImport(const Args& args) {
  ImportResult result;
  auto stub =
      dhakira::v1::TranslationMemory::NewStub(grpc::CreateChannel(args.server, grpc::InsecureChannelCredentials()));
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
  bool sending = writer->Write(first);
  std::ifstream in(args.import_file, std::ios::binary);
  std::string buf(256 << 10, '\0');
  while (sending && in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const std::streamsize n = in.gcount();
    if (n <= 0) break;
    dhakira::v1::ImportRequest chunk;
    chunk.set_data(buf.data(), static_cast<size_t>(n));
    sending = writer->Write(chunk);
  }
  writer->WritesDone();
  grpc::Status st = writer->Finish();
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!st.ok()) {
    result.line = "import failed: " + st.error_message();
    return result;
  }
  result.ok = true;
  result.added = summary.added();
  char line[256];
  std::snprintf(line, sizeof line, "import: read %llu, added %llu, skipped %llu in %.1f s (%.0f pairs/s read)",
                static_cast<unsigned long long>(summary.read()), static_cast<unsigned long long>(summary.added()),
                static_cast<unsigned long long>(summary.skipped_duplicates() + summary.skipped_invalid()),
                result.seconds, result.seconds > 0 ? summary.read() / result.seconds : 0.0);
  result.line = line;
  return result;
}

struct Summary {
  double per_second = 0, p50 = 0, p90 = 0, p99 = 0;
};

Summary Print(Phase& p, const std::string& rpc) {
  Summary s;
  const double ok = static_cast<double>(p.latencies_us.size());
  s.per_second = p.seconds > 0 ? ok / p.seconds : 0;
  s.p50 = Percentile(p.latencies_us, 50) / 1000;
  s.p90 = Percentile(p.latencies_us, 90) / 1000;
  s.p99 = Percentile(p.latencies_us, 99) / 1000;
  const double p999 = Percentile(p.latencies_us, 99.9) / 1000;
  const double max =
      p.latencies_us.empty() ? 0 : *std::max_element(p.latencies_us.begin(), p.latencies_us.end()) / 1000;
  std::printf(
      "%-7s %s=%.0f errors=%llu %ss/s=%.0f matches/call=%.2f  ms: p50=%.2f p90=%.2f p99=%.2f "
      "p99.9=%.2f max=%.1f  (%.1f s)\n",
      p.name.c_str(), (rpc + "s").c_str(), ok, static_cast<unsigned long long>(p.errors), rpc.c_str(), s.per_second,
      ok > 0 ? p.matches / ok : 0.0, s.p50, s.p90, s.p99, p999, max, p.seconds);
  for (const auto& [msg, n] : p.error_messages)
    std::fprintf(stderr, "  error (%llux): %s\n", static_cast<unsigned long long>(n), msg.c_str());
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  // As the server does (server.cc): no abseil deadlock detector on gRPC's locks (Debian's abseil is
  // built without NDEBUG, so it is on otherwise and costs the client CPU the server then lacks).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&](const char* name) -> std::string {
      if (i + 1 >= argc) {
        Usage(std::string(name) + " needs a value");
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--server")
      args.server = next("--server");
    else if (a == "--queries")
      args.queries = next("--queries");
    else if (a == "--clients")
      args.clients = std::atoi(next("--clients").c_str());
    else if (a == "--seconds")
      args.seconds = std::atof(next("--seconds").c_str());
    else if (a == "--warmup")
      args.warmup = std::atof(next("--warmup").c_str());
    else if (a == "--rpc")
      args.rpc = next("--rpc");
    else if (a == "--src-lang")
      args.src_lang = next("--src-lang");
    else if (a == "--tgt-lang")
      args.tgt_lang = next("--tgt-lang");
    else if (a == "--threshold")
      args.threshold = std::atof(next("--threshold").c_str());
    else if (a == "--top")
      args.top = std::atoi(next("--top").c_str());
    else if (a == "--import")
      args.import_file = next("--import");
    else if (a == "--import-seconds")
      args.import_seconds = std::atof(next("--import-seconds").c_str());
    else
      return Usage("unknown argument " + a);
  }
  if (args.server.empty()) return Usage("--server is required");
  if (args.clients < 1 || args.clients > 256) return Usage("--clients must be 1 .. 256");
  if (args.seconds <= 0 || args.warmup < 0 || args.import_seconds < 0) {
    return Usage("--seconds must be > 0, --warmup and --import-seconds >= 0");
  }
  if (args.rpc != "lookup" && args.rpc != "batch" && args.rpc != "get") {
    return Usage("--rpc must be lookup, batch or get");
  }
  if (args.threshold <= 0 || args.threshold > 101) return Usage("--threshold must be in (0, 101]");
  if (args.top < 1 || args.top > 1000) return Usage("--top must be 1 .. 1000");
  if (!args.import_file.empty() && !std::ifstream(args.import_file)) {
    return Usage("cannot read the --import file " + args.import_file);
  }

  std::vector<std::string> queries;
  if (args.rpc != "get") {
    if (args.queries.empty()) return Usage("--queries FILE is required for --rpc " + args.rpc);
    std::ifstream in(args.queries);
    if (!in) return Usage("cannot read the --queries file " + args.queries);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) queries.push_back(line);
    }
    if (queries.empty()) return Usage("no queries in " + args.queries);
  }

  // Units in the TM, for --rpc get (random ids) and the report.
  uint64_t units = 0;
  {
    auto stub =
        dhakira::v1::TranslationMemory::NewStub(grpc::CreateChannel(args.server, grpc::InsecureChannelCredentials()));
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
  std::printf("server=%s units=%llu rpc=%s clients=%d queries=%zu threshold=%g top=%d\n", args.server.c_str(),
              static_cast<unsigned long long>(units), args.rpc.c_str(), args.clients, queries.size(), args.threshold,
              args.top);
  std::fflush(stdout);

  Load load(args, queries, units);
  std::atomic<bool> stop{false}, counting{false};

  // Idle: warm up (connections, server thread pool, page cache), then count.
  Phase idle;
  idle.name = "idle";
  {
    std::thread timer([&] {
      std::this_thread::sleep_for(std::chrono::duration<double>(args.warmup));
      const auto start = Clock::now();
      counting = true;
      std::this_thread::sleep_for(std::chrono::duration<double>(args.seconds));
      counting = false;
      idle.seconds = std::chrono::duration<double>(Clock::now() - start).count();
      stop = true;
    });
    load.Run(stop, counting, &idle);
    timer.join();
  }
  const Summary idle_summary = Print(idle, args.rpc);
  std::fflush(stdout);
  bool failed = idle.errors > 0;

  if (!args.import_file.empty()) {
    Phase during;
    during.name = "import";
    stop = false;
    ImportResult import;
    std::thread importer([&] {
      const auto start = Clock::now();
      counting = true;
      std::atomic<bool> done{false};
      std::thread cap;
      if (args.import_seconds > 0) {
        cap = std::thread([&] {
          const auto until = start + std::chrono::duration<double>(args.import_seconds);
          while (!done && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
          counting = false;
          stop = true;
        });
      }
      import = RunImport(args);
      counting = false;
      done = true;
      if (during.seconds == 0) during.seconds = std::chrono::duration<double>(Clock::now() - start).count();
      stop = true;
      if (cap.joinable()) cap.join();
      if (args.import_seconds > 0) {
        during.seconds = std::min(during.seconds, args.import_seconds);
      }
    });
    load.Run(stop, counting, &during);
    importer.join();
    const Summary during_summary = Print(during, args.rpc);
    std::printf("%s\n", import.line.c_str());
    if (idle_summary.p99 > 0 && idle_summary.per_second > 0) {
      std::printf("during the import: p99 %.1fx idle, %ss/s %.0f%% of idle\n", during_summary.p99 / idle_summary.p99,
                  args.rpc.c_str(), 100 * during_summary.per_second / idle_summary.per_second);
    }
    failed = failed || during.errors > 0 || !import.ok;
  }
  return failed ? 1 : 0;
}
