// What damage detection costs (docs/storage.md "Damage detection"): the meta-page check every open
// runs, against the whole read-only open, and the page walk of `dhakira check` (structure only, as
// the CLI runs it before a command on a TM of up to 64 MiB, and with every unit decoded).
//
//   build/benchmarks/check_bench [--benchmark_filter=...]
// Goals: the meta check is a small part of an open (measured 4.5 µs against 88 µs); the structure
// walk stays near 1.1 ms per MiB of pages (0.17 s for 100k pairs, 1.7 s for 1M).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "dhakira/store.h"
#include "dhakira/translation_memory.h"
#include "store/verify.h"

namespace {

namespace fs = std::filesystem;

// A TM of `pairs` synthetic Arabic–English pairs in a temporary directory, made once per size.
const std::string& Tm(int pairs) {
  static std::map<int, std::string> made;
  auto it = made.find(pairs);
  if (it != made.end()) return it->second;
  const std::string dir = (fs::temp_directory_path() / ("dhakira-check-bench-" + std::to_string(pairs))).string();
  fs::remove_all(dir);
  auto store = dhakira::TranslationMemory::Open(dir, dhakira::StoreOptions{});
  if (!store.ok()) std::abort();
  dhakira::WriteBatch batch;
  for (int i = 0; i < pairs; ++i) {
    dhakira::SegmentPair p;
    p.src_lang = "ar";
    p.tgt_lang = "en";
    p.source = "أعلنت الوزارة عن خطة رقم " + std::to_string(i) + " لتحسين واقع المخابز في المحافظة";
    p.target = "The ministry announced plan number " + std::to_string(i) + " to improve bakeries";
    batch.Add(std::move(p));
    if (batch.size() == 5000 || i + 1 == pairs) {
      if (!(*store)->Write(batch, dhakira::DuplicatePolicy::kSkip).ok()) std::abort();
      batch.Clear();
    }
  }
  return made[pairs] = dir;
}

void BM_ValidateMetaPages(benchmark::State& state) {
  const std::string data = Tm(1000) + "/data.mdb";
  const uint64_t size = fs::file_size(data);
  for (auto _ : state) {
    benchmark::DoNotOptimize(dhakira::store_internal::ValidateMetaPages(data, size).ok());
  }
}
BENCHMARK(BM_ValidateMetaPages);

void BM_OpenReadOnly(benchmark::State& state) {
  const std::string& tm = Tm(1000);
  for (auto _ : state) {
    auto store = dhakira::TranslationMemory::Open(tm, dhakira::StoreOptions{.read_only = true});
    if (!store.ok()) state.SkipWithError(store.status().ToString().c_str());
  }
}
BENCHMARK(BM_OpenReadOnly)->Unit(benchmark::kMicrosecond);

void BM_CheckTm(benchmark::State& state) {
  const std::string& tm = Tm(static_cast<int>(state.range(0)));
  dhakira::CheckOptions options;
  options.decode_units = state.range(1) != 0;
  for (auto _ : state) {
    auto report = dhakira::CheckTm(tm, options);
    if (!report.ok() || !report->ok()) state.SkipWithError("the TM does not check");
  }
  state.counters["MiB"] = static_cast<double>(fs::file_size(tm + "/data.mdb")) / (1 << 20);
}
BENCHMARK(BM_CheckTm)
    ->ArgsProduct({{10000, 50000}, {0, 1}})
    ->ArgNames({"pairs", "decode"})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
