// Exact recall on real text: a TM of ≈ 21k real Arabic–English pairs from ../shared/corpora (without
// ../shared: the 2,000 pairs of tests/testdata/match, see its README) and a few hundred perturbed queries (token edits
// plus the spelling noise a normalizer must see through). The indexed result must equal the brute-force scan at
// thresholds 50, 70 and 90, and the brute-force scan must equal an independent oracle (normalize every stored source,
// plain DP distance, the scorer) on a sample.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "dhakira/match.h"
#include "dhakira/store.h"
#include "dhakira/text.h"
#include "dhakira/translation_memory.h"
#include "match/levenshtein.h"
#include "match/score.h"
#include "testing/shared_data.h"

namespace dhakira {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    out.push_back(line);
  }
  return out;
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    const size_t b = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > b) out.push_back(s.substr(b, i - b));
  }
  return out;
}

std::string Join(const std::vector<std::string>& w) {
  std::string s;
  for (const auto& x : w) s += (s.empty() ? "" : " ") + x;
  return s;
}

// Spelling noise on one word (as ../shared/bench/make_tm.py): a diacritic, a tatweel, a hamza form on
// alef, or alef maqsura for final yeh.
std::string Noisy(const std::string& word, std::mt19937& rng) {
  const int r = static_cast<int>(rng() % 100);
  // Only words starting with an Arabic letter (2-byte UTF-8, lead byte 0xD8..0xDB), so that byte offset 2
  // is a character boundary.
  const auto lead = static_cast<unsigned char>(word.empty() ? 0 : word[0]);
  if (lead < 0xD8 || lead > 0xDB || word.size() < 4) return word;
  if (r < 30 && word.size() > 4) return word.substr(0, 2) + "\u064E" + word.substr(2);
  if (r < 45 && word.size() > 6) return word.substr(0, 2) + "\u0640" + word.substr(2);
  if (r < 65 && word.rfind("ا", 0) == 0) return "أ" + word.substr(2);
  if (r < 75 && word.size() >= 2 && word.substr(word.size() - 2) == "ي") {
    return word.substr(0, word.size() - 2) + "ى";
  }
  return word;
}

class RecallTest : public ::testing::Test {
 protected:
  // The corpora: the full ones in ../shared when it is present, else the committed fixture.
  static bool FullCorpora() { return test_support::SharedDirMissing().empty(); }

  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("dhakira-recall-" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    StoreOptions so;
    so.sync = false;
    auto s = TranslationMemory::Open(dir_->string(), so);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = s->release();
    const std::string c =
        FullCorpora() ? test_support::SharedPath("corpora/") : std::string(DHAKIRA_TESTDATA_DIR) + "/match/";
    const std::vector<std::pair<std::string, std::string>> files =
        FullCorpora()
            ? std::vector<std::pair<std::string, std::string>>{{"ntrex128/newstest2019-ref.arb.txt",
                                                                "ntrex128/newstest2019-src.eng.txt"},
                                                               {"flores200-devtest/arb_Arab.devtest",
                                                                "flores200-devtest/eng_Latn.devtest"},
                                                               {"un-testsets-ar-en/UNv1.0.devset.ar",
                                                                "un-testsets-ar-en/UNv1.0.devset.en"},
                                                               {"un-testsets-ar-en/UNv1.0.testset.ar",
                                                                "un-testsets-ar-en/UNv1.0.testset.en"},
                                                               {"tatoeba-ara-eng/tatoeba-test-v2021-08-07.ara",
                                                                "tatoeba-ara-eng/tatoeba-test-v2021-08-07.eng"}}
            : std::vector<std::pair<std::string, std::string>>{{"recall-ntrex.ar", "recall-ntrex.en"},
                                                               {"recall-tatoeba.ar", "recall-tatoeba.en"}};
    sources_ = new std::vector<std::string>();
    WriteBatch batch;
    for (const auto& [ar, en] : files) {
      const auto a = Lines(c + ar), e = Lines(c + en);
      ASSERT_EQ(a.size(), e.size()) << ar;
      for (size_t i = 0; i < a.size(); ++i) {
        if (Split(a[i]).empty() || Split(e[i]).empty()) continue;
        SegmentPair p;
        p.src_lang = "ar";
        p.tgt_lang = "en";
        p.source = a[i];
        p.target = e[i];
        p.origin = ar.substr(0, ar.find('/'));
        batch.Add(std::move(p));
        sources_->push_back(a[i]);
        if (batch.size() == 5000) {
          ASSERT_TRUE(store_->Write(batch, DuplicatePolicy::kSkip).ok());
          batch.Clear();
        }
      }
    }
    ASSERT_TRUE(store_->Write(batch, DuplicatePolicy::kSkip).ok());
    ASSERT_GT(sources_->size(), FullCorpora() ? 15000u : 1900u);
  }
  static void TearDownTestSuite() {
    delete store_;
    fs::remove_all(*dir_);
    delete dir_;
    delete sources_;
  }

  std::vector<std::string> Queries(int n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<std::string> vocab;
    for (size_t i = 0; i < sources_->size(); i += 97) {
      for (auto& w : Split((*sources_)[i])) vocab.push_back(w);
    }
    std::vector<std::string> out;
    for (int q = 0; q < n; ++q) {
      auto toks = Split((*sources_)[rng() % sources_->size()]);
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits; ++e) {
        const int op = static_cast<int>(rng() % 10);
        if (op < 4 && !toks.empty()) {
          toks[rng() % toks.size()] = vocab[rng() % vocab.size()];
        } else if (op < 7) {
          toks.insert(toks.begin() + static_cast<long>(rng() % (toks.size() + 1)), vocab[rng() % vocab.size()]);
        } else if (toks.size() > 2) {
          toks.erase(toks.begin() + static_cast<long>(rng() % toks.size()));
        }
      }
      for (auto& t : toks) {
        if (rng() % 100 < 15) t = Noisy(t, rng);
      }
      out.push_back(Join(toks));
    }
    return out;
  }

  static std::vector<uint64_t> Ids(const MatchResult& r) {
    std::vector<uint64_t> ids;
    for (const auto& m : r.matches) ids.push_back(m.pair.id);
    return ids;
  }

  static fs::path* dir_;
  static TranslationMemory* store_;
  static std::vector<std::string>* sources_;
};

fs::path* RecallTest::dir_ = nullptr;
TranslationMemory* RecallTest::store_ = nullptr;
std::vector<std::string>* RecallTest::sources_ = nullptr;

TEST_F(RecallTest, IndexedEqualsBruteForceAtThresholds50_70_90) {
  auto m = store_->NewMatcher();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const auto queries = Queries(200, 17);
  uint64_t matches = 0, postings = 0, verified_fast = 0, verified_slow = 0;
  size_t qi = 0;
  for (const std::string& q : queries) {
    // top 1, 5 and 20 in turn: the lookup raises its threshold to the k-th score (top-k pruning) and verifies
    // likely-best units early, so small and large k take different paths.
    const uint32_t top = std::array<uint32_t, 3>{5, 1, 20}[qi++ % 3];
    for (double t : {50.0, 70.0, 90.0}) {
      MatchOptions o;
      o.src_lang = "ar";
      o.tgt_lang = "en";
      o.threshold = t;
      o.top = top;
      auto fast = (*m)->Match(q, o);
      ASSERT_TRUE(fast.ok()) << fast.status().ToString();
      o.brute_force = true;
      auto slow = (*m)->Match(q, o);
      ASSERT_TRUE(slow.ok()) << slow.status().ToString();
      ASSERT_EQ(Ids(*fast), Ids(*slow)) << "threshold " << t << " top " << top << " query: " << q;
      for (size_t i = 0; i < fast->matches.size(); ++i) {
        ASSERT_EQ(fast->matches[i].score, slow->matches[i].score);
        ASSERT_EQ(fast->matches[i].target_substituted, slow->matches[i].target_substituted);
      }
      matches += fast->matches.size();
      postings += fast->stats.postings;
      verified_fast += fast->stats.verified;
      verified_slow += slow->stats.verified;
    }
  }
  // The comparison is meaningful: perturbed queries do find their neighbours...
  EXPECT_GT(matches, 300u);
  // ...and the index verifies a small fraction of what the scan does.
  EXPECT_LT(verified_fast * 20, verified_slow);
  RecordProperty("matches", std::to_string(matches));
  RecordProperty("verified_indexed", std::to_string(verified_fast));
  RecordProperty("verified_brute_force", std::to_string(verified_slow));
}

// The brute-force path itself against an oracle that shares nothing with the index: every stored source is
// re-normalized and compared with the plain DP distance and the scorer, all matches ≥ 50 kept and ranked.
TEST_F(RecallTest, BruteForceEqualsIndependentOracle) {
  auto m = store_->NewMatcher();
  ASSERT_TRUE(m.ok());
  NormalizerOptions no;
  no.language = "ar";
  auto norm = Normalizer::Create(no);
  ASSERT_TRUE(norm.ok());
  no.language = "en";
  auto en = Normalizer::Create(no);
  ASSERT_TRUE(en.ok());
  size_t found = 0;
  std::vector<SegmentPair> units;
  ASSERT_TRUE(store_
                  ->ForEach([&](const SegmentPair& p) {
                    units.push_back(p);
                    return true;
                  })
                  .ok());
  std::vector<NormalizedText> normalized;
  for (const SegmentPair& u : units) {
    auto sn = (*norm)->Normalize(u.source);
    ASSERT_TRUE(sn.ok());
    normalized.push_back(std::move(*sn));
  }
  const auto queries = Queries(12, 99);
  MatchOptions o;
  o.src_lang = "ar";
  o.tgt_lang = "en";
  o.threshold = 50;
  o.top = 1000;
  o.brute_force = true;
  for (const std::string& q : queries) {
    auto qn = (*norm)->Normalize(q);
    ASSERT_TRUE(qn.ok());
    struct Row {
      double score, fuzzy;
      int64_t changed;
      uint64_t id;
    };
    std::vector<Row> want;
    for (size_t ui = 0; ui < units.size(); ++ui) {
      const SegmentPair& u = units[ui];
      const NormalizedText* sn = &normalized[ui];
      match::ScoreInput in;
      in.query_text = qn->text;
      in.query_tokens = &qn->tokens;
      in.source_text = sn->text;
      in.source_tokens = &sn->tokens;
      in.origin = u.origin;
      match::ScoreDetail d = match::Score(in, o);
      if (!d.substitutions.empty()) {
        auto tn = (*en)->Normalize(u.target);
        ASSERT_TRUE(tn.ok());
        match::SubstituteNumbers(tn->text, tn->tokens, o, &d);
      }
      if (d.fuzzy >= o.threshold && d.score >= o.threshold) {
        want.push_back({d.score, d.fuzzy, u.changed_at, u.id});
      }
    }
    std::sort(want.begin(), want.end(), [](const Row& a, const Row& b) {
      return match::RanksBefore(a.score, a.fuzzy, a.changed, a.id, b.score, b.fuzzy, b.changed, b.id);
    });
    auto got = (*m)->Match(q, o);
    ASSERT_TRUE(got.ok());
    std::vector<uint64_t> want_ids;
    for (const Row& r : want) want_ids.push_back(r.id);
    EXPECT_EQ(Ids(*got), want_ids) << "query: " << q;
    found += want_ids.size();
    // A short list is the oracle's head, from the scan and from the index alike: a full list raises the
    // bar, and units that cannot rank before its last entry are skipped unscored.
    for (uint32_t top : {1u, 3u, 5u}) {
      const std::vector<uint64_t> head(want_ids.begin(), want_ids.begin() + std::min<size_t>(top, want_ids.size()));
      for (bool brute : {true, false}) {
        MatchOptions short_list = o;
        short_list.top = top;
        short_list.brute_force = brute;
        auto r = (*m)->Match(q, short_list);
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(Ids(*r), head) << "query: " << q << ", top " << top << (brute ? ", scan" : ", index");
      }
    }
  }
  EXPECT_GT(found, 5u);
}

}  // namespace
}  // namespace dhakira
