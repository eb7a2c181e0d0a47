// Store throughput: batched adds (validation, NFC, source match keys, dedup check, LMDB), point
// reads and full iteration, on UN Parallel Corpus Arabic-English sentences (DHAKIRA_SHARED_DIR)
// repeated to 200k pairs.
//
//   build/benchmarks/store_bench [--benchmark_filter=...]
// Goal (import): >= 100k pairs/s into the store before the fuzzy index.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "dhakira/store.h"
#include "dhakira/translation_memory.h"
#include "store/encoding.h"
#include "store/unit_prep.h"

namespace {

namespace fs = std::filesystem;

constexpr size_t kPairs = 200000;
constexpr size_t kBatch = 10000;

struct Corpus {
  std::vector<std::string> ar, en;
};

const Corpus& LoadCorpus() {
  static const Corpus corpus = [] {
    Corpus c;
    const fs::path dir = fs::path(DHAKIRA_SHARED_DIR) / "corpora" / "un-testsets-ar-en";
    for (const char* set : {"UNv1.0.devset", "UNv1.0.testset"}) {
      std::ifstream ar(dir / (std::string(set) + ".ar")), en(dir / (std::string(set) + ".en"));
      std::string a, e;
      while (std::getline(ar, a) && std::getline(en, e)) {
        if (a.empty() || e.empty()) continue;
        c.ar.push_back(a);
        c.en.push_back(e);
      }
    }
    return c;
  }();
  return corpus;
}

// The i-th pair: corpus line i % n; repetitions get a marker so that every pair is distinct.
dhakira::SegmentPair MakePair(size_t i) {
  const Corpus& c = LoadCorpus();
  const size_t n = c.ar.size();
  dhakira::SegmentPair p;
  p.src_lang = "ar";
  p.tgt_lang = "en";
  p.source = c.ar[i % n];
  p.target = c.en[i % n];
  if (i >= n) {
    const std::string mark = " (" + std::to_string(i / n) + ")";
    p.source += mark;
    p.target += mark;
  }
  p.origin = "UN";
  p.doc_id = "doc" + std::to_string(i / 20);
  p.doc_position = static_cast<uint32_t>(i % 20);
  return p;
}

class TempTm {
 public:
  TempTm() {
    std::string tmpl = (fs::temp_directory_path() / "dhakira_store_bench_XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) abort();
    path_ = tmpl;
  }
  ~TempTm() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string tm() const { return (fs::path(path_) / "tm").string(); }

 private:
  std::string path_;
};

std::unique_ptr<dhakira::Store> OpenStore(const std::string& path, uint32_t prepare_threads = 0) {
  dhakira::StoreOptions options;
  options.sync = false;
  options.prepare_threads = prepare_threads;
  auto store = dhakira::TranslationMemory::Open(path, options);
  if (!store.ok()) {
    fprintf(stderr, "%s\n", store.status().ToString().c_str());
    abort();
  }
  return std::move(*store);
}

void Fill(dhakira::Store& store, size_t pairs, dhakira::DuplicatePolicy policy) {
  for (size_t start = 0; start < pairs; start += kBatch) {
    dhakira::WriteBatch batch;
    for (size_t i = start; i < std::min(pairs, start + kBatch); ++i) batch.Add(MakePair(i));
    auto r = store.Write(batch, policy);
    if (!r.ok()) {
      fprintf(stderr, "%s\n", r.status().ToString().c_str());
      abort();
    }
  }
}

// Batched adds into a fresh TM (the import path). Pair construction is outside the timed region.
// Args: duplicate policy, prepare threads (0 = one per hardware thread).
void BM_BatchedAdd(benchmark::State& state) {
  const auto policy = static_cast<dhakira::DuplicatePolicy>(state.range(0));
  const auto threads = static_cast<uint32_t>(state.range(1));
  if (LoadCorpus().ar.empty()) {
    state.SkipWithError("corpus not found under DHAKIRA_SHARED_DIR");
    return;
  }
  std::vector<dhakira::WriteBatch> batches;
  for (size_t start = 0; start < kPairs; start += kBatch) {
    batches.emplace_back();
    for (size_t i = start; i < start + kBatch; ++i) batches.back().Add(MakePair(i));
  }
  uint64_t file_bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    TempTm dir;
    auto store = OpenStore(dir.tm(), threads);
    state.ResumeTiming();
    for (const auto& batch : batches) {
      auto r = store->Write(batch, policy);
      if (!r.ok()) {
        state.SkipWithError(r.status().ToString().c_str());
        return;
      }
    }
    state.PauseTiming();
    file_bytes = store->Stats()->file_bytes;
    store.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kPairs));
  state.counters["file_MB"] = static_cast<double>(file_bytes) / (1 << 20);
}
BENCHMARK(BM_BatchedAdd)
    ->Args({static_cast<int>(dhakira::DuplicatePolicy::kSkip), 1})
    ->Args({static_cast<int>(dhakira::DuplicatePolicy::kSkip), 0})
    ->Args({static_cast<int>(dhakira::DuplicatePolicy::kKeepBoth), 0})
    ->Iterations(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// The parts of an add, one thread, per pair: validation + NFC + match keys (UnitPreparer), then
// encoding. What is left of BM_BatchedAdd/0/1 is LMDB and the transaction bookkeeping.
void BM_PrepareOnly(benchmark::State& state) {
  constexpr size_t kN = 20000;
  std::vector<dhakira::SegmentPair> pairs;
  for (size_t i = 0; i < kN; ++i) pairs.push_back(MakePair(i));
  dhakira::store_internal::UnitPreparer preparer;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<dhakira::SegmentPair> work = pairs;
    state.ResumeTiming();
    for (auto& p : work) {
      auto s = preparer.Prepare(&p);
      if (!s.ok()) state.SkipWithError(s.ToString().c_str());
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kN));
}
BENCHMARK(BM_PrepareOnly)->Unit(benchmark::kMillisecond);

void BM_EncodeOnly(benchmark::State& state) {
  constexpr size_t kN = 20000;
  std::vector<dhakira::SegmentPair> pairs;
  dhakira::store_internal::UnitPreparer preparer;
  for (size_t i = 0; i < kN; ++i) {
    pairs.push_back(MakePair(i));
    if (!preparer.Prepare(&pairs.back()).ok()) abort();
  }
  std::string buf;
  size_t bytes = 0;
  for (auto _ : state) {
    for (const auto& p : pairs) {
      buf.clear();
      dhakira::store_internal::EncodeUnit(p, &buf);
      bytes += buf.size();
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kN));
  state.counters["value_bytes"] = static_cast<double>(bytes) / (state.iterations() * kN);
}
BENCHMARK(BM_EncodeOnly)->Unit(benchmark::kMillisecond);

// Re-importing the same pairs: every add is a dedup hit (verified against the stored texts).
void BM_ReimportDuplicates(benchmark::State& state) {
  TempTm dir;
  auto store = OpenStore(dir.tm());
  constexpr size_t kN = 50000;
  Fill(*store, kN, dhakira::DuplicatePolicy::kSkip);
  for (auto _ : state) Fill(*store, kN, dhakira::DuplicatePolicy::kSkip);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kN));
}
BENCHMARK(BM_ReimportDuplicates)->Iterations(2)->Unit(benchmark::kMillisecond);

// Random point reads (decode with tokens) from a 200k TM.
void BM_Get(benchmark::State& state) {
  static TempTm dir;
  static std::unique_ptr<dhakira::Store> store = [] {
    auto s = OpenStore(dir.tm());
    Fill(*s, kPairs, dhakira::DuplicatePolicy::kKeepBoth);
    return s;
  }();
  std::mt19937_64 rng(1);
  for (auto _ : state) {
    auto p = store->Get(1 + rng() % kPairs);
    if (!p.ok()) state.SkipWithError(p.status().ToString().c_str());
    benchmark::DoNotOptimize(p);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Get)->Threads(1)->Threads(2);

// Full iteration (what export does).
void BM_ForEach(benchmark::State& state) {
  TempTm dir;
  auto store = OpenStore(dir.tm());
  Fill(*store, kPairs, dhakira::DuplicatePolicy::kKeepBoth);
  for (auto _ : state) {
    size_t n = 0;
    auto s = store->ForEach([&](const dhakira::SegmentPair& p) {
      n += p.source.size();
      return true;
    });
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kPairs));
}
BENCHMARK(BM_ForEach)->Iterations(3)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
