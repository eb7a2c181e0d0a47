// Fuzzy-match benchmark on the 1M-pair TM of ../shared/bench/make_tm.py (issue 4 speed goals).
//
//   python3 ../shared/bench/make_tm.py /tmp/bench --size 1000000      (once, outside the repository)
//   build/benchmarks/match_bench --data /tmp/bench --tm /tmp/dhakira-bench-tm [--size N] [--queries N]
//                                [--recall-queries N] [--thresholds 50,70] [--top 5] [--warmup 1]
//                                [--per-query FILE]
//
// When --tm does not exist yet, it is built from DATA/tm.tsv through the Store batch API (timed: this is
// import including indexing). Then: open + first query time, per query set and threshold the latency
// distribution of indexed lookups (one thread), recall against --brute-force on the first
// --recall-queries queries, index size per database, and RSS. Plain text report on stdout.
// --per-query writes one tab-separated line per timed lookup (set, threshold, query index, ms,
// postings, candidates, verified, scored, matches) for looking into the distribution.
#include <lmdb.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "dhakira/match.h"
#include "dhakira/store.h"
#include "dhakira/translation_memory.h"
#include "index/fuzzy_index.h"
#include "store/store_internal.h"
#include "tm/translation_memory_impl.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// CPU time of this thread in ms: on a shared, overloaded machine wall-clock percentiles mostly measure
// preemption; both are reported.
double ThreadCpuMs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

std::string ProcStatus(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return line.substr(std::strlen(field) + 1);
  }
  return "?";
}

std::vector<std::string> ReadLines(const std::string& path, size_t limit) {
  std::ifstream in(path);
  std::vector<std::string> out;
  std::string line;
  while (out.size() < limit && std::getline(in, line)) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * (v.size() - 1) + 0.5));
  return v[i];
}

double Mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

int Fail(const dhakira::Status& s, const char* what) {
  std::fprintf(stderr, "match_bench: %s: %s\n", what, s.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data = "/tmp/bench", tm = "/tmp/dhakira-bench-tm";
  size_t size = 1000000, queries = 1000, recall_queries = 200;
  uint32_t top = 5;
  bool warmup = true;
  std::string per_query_path;  // --per-query FILE: one line per timed lookup
  std::vector<double> thresholds = {50, 70};
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--data") {
      data = v;
    } else if (k == "--tm") {
      tm = v;
    } else if (k == "--size") {
      size = std::stoul(v);
    } else if (k == "--queries") {
      queries = std::stoul(v);
    } else if (k == "--recall-queries") {
      recall_queries = std::stoul(v);
    } else if (k == "--warmup") {
      warmup = v != "0";
    } else if (k == "--per-query") {
      per_query_path = v;
    } else if (k == "--top") {
      top = static_cast<uint32_t>(std::stoul(v));
    } else if (k == "--thresholds") {
      thresholds.clear();
      size_t p = 0;
      while (p < v.size()) {
        const size_t c = v.find(',', p);
        thresholds.push_back(std::stod(v.substr(p, c - p)));
        p = c == std::string::npos ? v.size() : c + 1;
      }
    } else {
      std::fprintf(stderr, "match_bench: unknown option %s\n", k.c_str());
      return 2;
    }
  }

  if (!fs::exists(tm)) {
    dhakira::StoreOptions so;
    so.sync = false;
    so.initial_map_size = 8ull << 30;
    auto store = dhakira::TranslationMemory::Open(tm, so);
    if (!store.ok()) return Fail(store.status(), "creating the TM");
    std::ifstream in(data + "/tm.tsv");
    if (!in) {
      std::fprintf(stderr, "match_bench: cannot read %s/tm.tsv (run make_tm.py first)\n", data.c_str());
      return 1;
    }
    const auto t0 = Clock::now();
    dhakira::WriteBatch batch;
    std::string line;
    size_t n = 0;
    while (n < size && std::getline(in, line)) {
      const size_t tab = line.find('\t');
      if (tab == std::string::npos) continue;
      dhakira::SegmentPair p;
      p.src_lang = "ar";
      p.tgt_lang = "en";
      p.source = line.substr(0, tab);
      p.target = line.substr(tab + 1);
      if (p.source.find_first_not_of(' ') == std::string::npos ||
          p.target.find_first_not_of(' ') == std::string::npos) {
        continue;
      }
      batch.Add(std::move(p));
      ++n;
      if (batch.size() == 10000) {
        auto r = (*store)->Write(batch, dhakira::DuplicatePolicy::kKeepBoth);
        if (!r.ok()) return Fail(r.status(), "importing");
        batch.Clear();
      }
    }
    if (!batch.empty()) {
      auto r = (*store)->Write(batch, dhakira::DuplicatePolicy::kKeepBoth);
      if (!r.ok()) return Fail(r.status(), "importing");
    }
    const double secs = Ms(Clock::now() - t0) / 1000;
    std::printf("import: %zu pairs in %.1f s (%.0f pairs/s), including normalization and indexing\n", n, secs,
                n / secs);
  }

  // Open the TM and answer a first query.
  const auto first_queries = ReadLines(data + "/queries.real", 1);
  const auto t_open = Clock::now();
  auto store = dhakira::root::OpenTranslationMemory(tm);  // the parts, for the index figures below
  if (!store.ok()) return Fail(store.status(), "opening the TM");
  const double open_ms = Ms(Clock::now() - t_open);
  auto matcher = (*store)->NewMatcher();
  if (!matcher.ok()) return Fail(matcher.status(), "creating the matcher");
  const double create_ms = Ms(Clock::now() - t_open) - open_ms;
  dhakira::MatchOptions o;
  o.src_lang = "ar";
  o.tgt_lang = "en";
  o.top = top;
  o.threshold = 70;
  if (!first_queries.empty()) {
    auto r = (*matcher)->Match(first_queries[0], o);
    if (!r.ok()) return Fail(r.status(), "first query");
  }
  const double total_ms = Ms(Clock::now() - t_open);
  std::printf("open + first query: %.1f ms (TranslationMemory::Open %.1f, NewMatcher %.1f, first query %.1f)\n",
              total_ms, open_ms, create_ms, total_ms - open_ms - create_ms);

  auto stats = (*store)->Stats();
  if (stats.ok()) {
    std::printf("TM: %llu units, data file %.1f MB\n", static_cast<unsigned long long>(stats->segments),
                stats->file_bytes / 1e6);
  }
  // Index size per database (pages × page size).
  {
    dhakira::LmdbStore* lmdb = &(*store)->lmdb_store();
    const dhakira::index::FuzzyIndex& fuzzy = (*store)->fuzzy_index();
    MDB_stat est;
    mdb_env_stat(lmdb->env(), &est);
    dhakira::Status s = lmdb->Read([&](MDB_txn* txn) -> dhakira::Status {
      const std::pair<const char*, MDB_dbi> dbs[] = {
          {"index.src", fuzzy.src_dbi()}, {"index.tgt", fuzzy.tgt_dbi()}, {"index.seg", fuzzy.seg_dbi()}};
      double total = 0;
      for (const auto& [name, dbi] : dbs) {
        MDB_stat st;
        if (mdb_stat(txn, dbi, &st) != MDB_SUCCESS) continue;
        const double mb =
            static_cast<double>(st.ms_branch_pages + st.ms_leaf_pages + st.ms_overflow_pages) * est.ms_psize / 1e6;
        total += mb;
        std::printf("  %-10s %8.1f MB, %llu entries\n", name, mb, static_cast<unsigned long long>(st.ms_entries));
      }
      std::printf("  index total %.1f MB (pages counted at the main level; dup sub-trees add to it)\n", total);
      return dhakira::Status::OK();
    });
    if (!s.ok()) return Fail(s, "index stats");
  }

  // Warm-up: one untimed pass over every query set, so the figures below are the steady state of a
  // serving process (pages of the TM mapped); the cold cost is the "open + first query" figure above.
  if (warmup) {
    const auto tw = Clock::now();
    size_t n = 0;
    for (const char* set : {"queries.perturbed", "queries.fresh", "queries.real"}) {
      for (const auto& q : ReadLines(data + "/" + set, queries)) {
        o.threshold = 50;
        (*matcher)->Match(q, o).status().IgnoreError();
        ++n;
      }
    }
    std::printf("warm-up: %zu queries at threshold 50 in %.1f s\n", n, Ms(Clock::now() - tw) / 1000);
  }

  std::FILE* per_query = nullptr;
  if (!per_query_path.empty()) {
    per_query = std::fopen(per_query_path.c_str(), "w");
    if (per_query == nullptr) {
      std::fprintf(stderr, "match_bench: cannot write %s: %s\n", per_query_path.c_str(), std::strerror(errno));
      return 1;
    }
    std::fprintf(per_query, "set\tthreshold\tquery\tms\tpostings\tcandidates\tverified\tscored\tmatches\n");
  }
  std::printf("\n%-18s %5s %9s %9s %9s %9s %9s %15s %8s %s\n", "queries", "thr", "p50 ms", "p90 ms", "p99 ms", "max ms",
              "mean ms", "recall lists=", "matches", "per query: postings read / candidates / verified / scored");
  for (const char* set : {"queries.perturbed", "queries.fresh", "queries.real"}) {
    const auto qs = ReadLines(data + "/" + set, queries);
    if (qs.empty()) continue;
    for (double t : thresholds) {
      o.threshold = t;
      o.brute_force = false;
      std::vector<double> lat, cpu;
      std::vector<std::vector<uint64_t>> got;
      size_t matches = 0, errors = 0;
      dhakira::MatchStats sum;
      for (const auto& q : qs) {
        const double c0 = ThreadCpuMs();
        const auto t0 = Clock::now();
        auto r = (*matcher)->Match(q, o);
        lat.push_back(Ms(Clock::now() - t0));
        cpu.push_back(ThreadCpuMs() - c0);
        std::vector<uint64_t> ids;
        if (r.ok()) {
          for (const auto& m : r->matches) ids.push_back(m.pair.id);
          matches += ids.size();
          sum.postings += r->stats.postings;
          sum.candidates += r->stats.candidates;
          sum.verified += r->stats.verified;
          sum.scored += r->stats.scored;
          if (per_query != nullptr) {
            std::fprintf(per_query, "%s\t%.0f\t%zu\t%.4f\t%llu\t%llu\t%llu\t%llu\t%zu\n", set, t, lat.size() - 1,
                         lat.back(), static_cast<unsigned long long>(r->stats.postings),
                         static_cast<unsigned long long>(r->stats.candidates),
                         static_cast<unsigned long long>(r->stats.verified),
                         static_cast<unsigned long long>(r->stats.scored), ids.size());
          }
        } else {
          ++errors;
        }
        got.push_back(std::move(ids));
      }
      // Recall against the brute-force scan on the first recall_queries queries.
      size_t want_total = 0, found = 0, equal_lists = 0, checked = 0;
      o.brute_force = true;
      for (size_t i = 0; i < qs.size() && i < recall_queries; ++i) {
        auto r = (*matcher)->Match(qs[i], o);
        if (!r.ok()) continue;
        ++checked;
        std::vector<uint64_t> want;
        for (const auto& m : r->matches) want.push_back(m.pair.id);
        want_total += want.size();
        for (uint64_t id : want) found += std::count(got[i].begin(), got[i].end(), id);
        equal_lists += want == got[i];
      }
      char recall[64];
      std::snprintf(recall, sizeof recall, "%.2f%% %zu/%zu", want_total ? 100.0 * found / want_total : 100.0,
                    equal_lists, checked);
      const double nq = static_cast<double>(qs.size());
      std::printf("%-18s %5.0f %9.3f %9.3f %9.3f %9.3f %9.3f %15s %8zu %.0f / %.0f / %.0f / %.0f%s\n", set, t,
                  Percentile(lat, 50), Percentile(lat, 90), Percentile(lat, 99), Percentile(lat, 100), Mean(lat),
                  recall, matches, sum.postings / nq, sum.candidates / nq, sum.verified / nq, sum.scored / nq,
                  errors ? " (errors)" : "");
      std::printf("%-18s %5s %9.3f %9.3f %9.3f %9.3f %9.3f   (thread CPU time)\n", "", "", Percentile(cpu, 50),
                  Percentile(cpu, 90), Percentile(cpu, 99), Percentile(cpu, 100), Mean(cpu));
      std::fflush(stdout);
    }
  }
  if (per_query != nullptr && std::fclose(per_query) != 0) {
    std::fprintf(stderr, "match_bench: writing %s failed\n", per_query_path.c_str());
    return 1;
  }
  std::printf("\nRSS while serving: %s (peak %s)\n", ProcStatus("VmRSS:").c_str(), ProcStatus("VmHWM:").c_str());
  return 0;
}
