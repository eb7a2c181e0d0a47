// Alignment time against document length (the DP is banded: time and memory should grow linearly).
// Documents are the ntrex-news dev articles concatenated (../shared), falling back to a synthetic
// pool.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "dhakira/align.h"

namespace {

struct Corpus {
  std::vector<std::string> ar, en;
};

const Corpus& Load() {
  static const Corpus corpus = [] {
    Corpus c;
    const std::string dir = std::string(DHAKIRA_SHARED_DIR) + "/align-eval/dev/ntrex-news";
    std::error_code ec;
    std::vector<std::string> docs;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
      if (e.path().extension() == ".ar") docs.push_back(e.path().stem().string());
    std::sort(docs.begin(), docs.end());
    for (const std::string& d : docs) {
      auto ar = dhakira::ReadDocument(dir + "/" + d + ".ar", "ar", true);
      auto en = dhakira::ReadDocument(dir + "/" + d + ".en", "en", true);
      if (!ar.ok() || !en.ok()) continue;
      c.ar.insert(c.ar.end(), ar->begin(), ar->end());
      c.en.insert(c.en.end(), en->begin(), en->end());
    }
    if (c.ar.empty()) {
      for (int k = 0; k < 2000; ++k) {
        c.ar.push_back("قال الوزير إن الإنتاج بلغ " + std::to_string(k) + " طن.");
        c.en.push_back("The minister said production reached " + std::to_string(k) + " tonnes.");
      }
    }
    return c;
  }();
  return corpus;
}

std::shared_ptr<const dhakira::Lexicon> Lex() {
  static std::shared_ptr<const dhakira::Lexicon> lex = [] {
    auto l = dhakira::Lexicon::LoadDefault("ar", "en");
    return l.ok() ? std::make_shared<const dhakira::Lexicon>(std::move(l).value()) : nullptr;
  }();
  return lex;
}

// state.range(0) source sentences (with the matching share of target sentences).
void BM_AlignDocument(benchmark::State& state) {
  const Corpus& c = Load();
  const size_t n = std::min<size_t>(static_cast<size_t>(state.range(0)), c.ar.size());
  const size_t m = std::min(c.en.size(), n * c.en.size() / c.ar.size());
  std::vector<std::string> ar(c.ar.begin(), c.ar.begin() + static_cast<long>(n));
  std::vector<std::string> en(c.en.begin(), c.en.begin() + static_cast<long>(m));
  static const dhakira::AlignOptions options = [] {
    dhakira::AlignOptions o;
    o.src_lang = "ar";
    o.tgt_lang = "en";
    return o;
  }();
  auto aligner = dhakira::Aligner::Create(options, Lex());
  if (!aligner.ok()) {
    state.SkipWithError(aligner.status().ToString().c_str());
    return;
  }
  uint32_t band = 0;
  for (auto _ : state) {
    auto r = (*aligner)->Align(ar, en);
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      return;
    }
    band = r->band;
    benchmark::DoNotOptimize(r->links.data());
  }
  state.counters["sentences"] = static_cast<double>(n + m);
  state.counters["band"] = band;
  state.counters["us_per_sentence"] = benchmark::Counter(
      static_cast<double>(n + m), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.SetComplexityN(static_cast<int64_t>(n + m));
}
BENCHMARK(BM_AlignDocument)
    ->RangeMultiplier(2)
    ->Range(64, 1024)
    ->Unit(benchmark::kMillisecond)
    ->Complexity(benchmark::oN);

void BM_LoadDefaultLexicon(benchmark::State& state) {
  for (auto _ : state) {
    auto l = dhakira::Lexicon::LoadDefault("ar", "en");
    benchmark::DoNotOptimize(l.ok());
  }
}
BENCHMARK(BM_LoadDefaultLexicon)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
