// Text pipeline throughput: normalize+tokenize and sentence splitting on real Arabic news text
// (NTREX-128 newstest2019 Arabic reference, one sentence per line). Target: normalize+tokenize at
// >= 20 MB/s of Arabic news text on one core.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "dhakira/text.h"

namespace {

const std::string& Corpus(const char* name) {
  static std::string ar, en;
  std::string& text = std::string(name) == "ar" ? ar : en;
  if (text.empty()) {
    const std::string path = std::string(DHAKIRA_SHARED_DIR) + "/corpora/ntrex128/" +
                             (std::string(name) == "ar" ? "newstest2019-ref.arb.txt" : "newstest2019-src.eng.txt");
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  return text;
}

std::vector<std::string> CorpusLines(const char* name) {
  std::vector<std::string> lines;
  std::stringstream ss(Corpus(name));
  std::string line;
  while (std::getline(ss, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// Normalizes every line (a news sentence: the TM's unit of work) once per iteration.
void NormalizeLines(benchmark::State& state, const char* language) {
  const std::vector<std::string> lines = CorpusLines(language);
  if (lines.empty()) {
    state.SkipWithError("corpus not found under DHAKIRA_SHARED_DIR/corpora/ntrex128");
    return;
  }
  dhakira::NormalizerOptions options;
  options.language = language;
  auto normalizer = dhakira::Normalizer::Create(options);
  if (!normalizer.ok()) {
    state.SkipWithError(normalizer.status().ToString().c_str());
    return;
  }
  int64_t bytes = 0, tokens = 0;
  for (auto _ : state) {
    for (const std::string& line : lines) {
      auto result = (*normalizer)->Normalize(line);
      benchmark::DoNotOptimize(result);
      bytes += static_cast<int64_t>(line.size());
      tokens += static_cast<int64_t>(result->tokens.size());
    }
  }
  state.SetBytesProcessed(bytes);
  state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(tokens), benchmark::Counter::kIsRate);
  state.counters["segments"] = static_cast<double>(lines.size());
}
void BM_NormalizeArabicLines(benchmark::State& state) { NormalizeLines(state, "ar"); }
void BM_NormalizeEnglishLines(benchmark::State& state) { NormalizeLines(state, "en"); }
BENCHMARK(BM_NormalizeArabicLines)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NormalizeEnglishLines)->Unit(benchmark::kMillisecond);

// The whole corpus as one text (one BreakIterator pass).
void BM_NormalizeArabicDocument(benchmark::State& state) {
  const std::string& text = Corpus("ar");
  if (text.empty()) {
    state.SkipWithError("corpus not found");
    return;
  }
  dhakira::NormalizerOptions options;
  options.language = "ar";
  options.max_input_bytes = 64u << 20;
  auto normalizer = dhakira::Normalizer::Create(options);
  for (auto _ : state) {
    auto result = (*normalizer)->Normalize(text);
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_NormalizeArabicDocument)->Unit(benchmark::kMillisecond);

// Splitting: the corpus's lines joined into paragraphs of 10 sentences, separated by blank lines.
void SplitParagraphs(benchmark::State& state, const char* language) {
  const std::vector<std::string> lines = CorpusLines(language);
  if (lines.empty()) {
    state.SkipWithError("corpus not found");
    return;
  }
  std::string text;
  for (size_t i = 0; i < lines.size(); ++i) {
    text += lines[i];
    text += (i % 10 == 9) ? "\n\n" : " ";
  }
  auto splitter = dhakira::SentenceSplitter::Create({.language = language});
  size_t sentences = 0;
  for (auto _ : state) {
    auto result = (*splitter)->Split(text);
    benchmark::DoNotOptimize(result);
    sentences = result->size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["sentences"] = static_cast<double>(sentences);
  state.counters["lines"] = static_cast<double>(lines.size());
}
void BM_SplitArabic(benchmark::State& state) { SplitParagraphs(state, "ar"); }
void BM_SplitEnglish(benchmark::State& state) { SplitParagraphs(state, "en"); }
BENCHMARK(BM_SplitArabic)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SplitEnglish)->Unit(benchmark::kMillisecond);

// Construction cost (ICU iterator instantiation, CLDR number symbols).
void BM_CreateNormalizer(benchmark::State& state) {
  for (auto _ : state) {
    auto normalizer = dhakira::Normalizer::Create({.language = "ar-SY"});
    benchmark::DoNotOptimize(normalizer);
  }
}
BENCHMARK(BM_CreateNormalizer)->Unit(benchmark::kMicrosecond);

void BM_CreateSplitter(benchmark::State& state) {
  for (auto _ : state) {
    auto splitter = dhakira::SentenceSplitter::Create({.language = "ar"});
    benchmark::DoNotOptimize(splitter);
  }
}
BENCHMARK(BM_CreateSplitter)->Unit(benchmark::kMicrosecond);

void BM_CanonicalLanguage(benchmark::State& state) {
  for (auto _ : state) {
    auto tag = dhakira::CanonicalLanguage("AR_sy");
    benchmark::DoNotOptimize(tag);
  }
}
BENCHMARK(BM_CanonicalLanguage)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
