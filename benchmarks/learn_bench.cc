// What `align --learn` costs per article on a large TM: the read of the learned lexicon for the article's
// words (TranslationMemory::LearnedLexicon), and the whole learned alignment (default lexicon merged with
// the learned pairs, aligner made, article aligned), for every sample article in data/articles.
//
//   python3 ../shared/bench/make_tm.py /tmp/tm1m --size 1000000
//   build/cli/dhakira --db /tmp/tm1m.db import /tmp/tm1m/tm.tsv --src-lang ar --tgt-lang en --no-sync
//   build/benchmarks/learn_bench /tmp/tm1m.db [ARTICLES_DIR] [ROUNDS]
//
// The TM is opened read-only (open it writable once if it was written before it kept a lexicon). The first
// round reads from disk (cold page cache, if dropped before), later rounds from memory; both are printed.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "dhakira/align.h"
#include "dhakira/translation_memory.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point from) { return std::chrono::duration<double, std::milli>(Clock::now() - from).count(); }

struct Article {
  std::string name;
  std::vector<std::string> ar, en;
};

std::vector<Article> ReadArticles(const fs::path& dir) {
  std::vector<Article> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    const std::string suffix = ".ar.split";
    if (file.size() <= suffix.size() || file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    Article a;
    a.name = file.substr(0, file.size() - suffix.size());
    auto ar = dhakira::ReadDocument(entry.path().string(), "ar", true);
    auto en = dhakira::ReadDocument((dir / (a.name + ".en.split")).string(), "en", true);
    if (!ar.ok() || !en.ok()) continue;
    a.ar = std::move(ar).value();
    a.en = std::move(en).value();
    out.push_back(std::move(a));
  }
  std::sort(out.begin(), out.end(), [](const Article& x, const Article& y) { return x.name < y.name; });
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: learn_bench TM_DIR [ARTICLES_DIR] [ROUNDS]\n");
    return 2;
  }
  const fs::path articles_dir = argc > 2 ? fs::path(argv[2]) : fs::path(DHAKIRA_SOURCE_DIR) / "data" / "articles";
  const int rounds = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;
  dhakira::StoreOptions store_options;
  store_options.read_only = true;
  store_options.create_if_missing = false;
  auto opened_at = Clock::now();
  auto tm = dhakira::TranslationMemory::Open(argv[1], store_options);
  if (!tm.ok()) {
    std::fprintf(stderr, "%s\n", tm.status().ToString().c_str());
    return 1;
  }
  std::printf("open: %.1f ms\n", Ms(opened_at));
  auto loaded_at = Clock::now();
  auto base = dhakira::Lexicon::LoadDefault("ar", "en");
  if (!base.ok()) return 1;
  std::printf("default lexicon: %.1f ms (%zu word pairs)\n", Ms(loaded_at), base->size());
  dhakira::LearnOptions learn;
  learn.src_lang = "ar";
  learn.tgt_lang = "en";
  dhakira::AlignOptions align;
  align.src_lang = "ar";
  align.tgt_lang = "en";
  for (int round = 1; round <= rounds; ++round) {
    for (const Article& a : ReadArticles(articles_dir)) {
      auto read_at = Clock::now();
      auto learned = (*tm)->LearnedLexicon(a.ar, a.en, learn);
      const double read_ms = Ms(read_at);
      if (!learned.ok()) {
        std::fprintf(stderr, "%s: %s\n", a.name.c_str(), learned.status().ToString().c_str());
        return 1;
      }
      auto lexicon = dhakira::Lexicon::Empty("ar", "en");
      if (!lexicon.ok() || !lexicon->Merge(*base).ok() || !lexicon->Merge(learned->lexicon).ok()) return 1;
      auto aligner = dhakira::Aligner::Create(align, std::make_shared<const dhakira::Lexicon>(std::move(*lexicon)));
      if (!aligner.ok() || !(*aligner)->Align(a.ar, a.en).ok()) return 1;
      std::printf("round %d %-28s read %7.1f ms, merge+align total %7.1f ms: %zu pairs learned, %llu stems known\n",
                  round, a.name.c_str(), read_ms, Ms(read_at), learned->lexicon.size(),
                  static_cast<unsigned long long>(learned->source_stems));
    }
  }
  return 0;
}
