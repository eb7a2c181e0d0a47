// Matcher over a real LMDB store and the real text pipeline: kinds, Arabic variants as penalties,
// numbers substituted, the index kept in step with add/update/delete, indexed == brute force,
// concordance, bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "dhakira/match.h"
#include "dhakira/store.h"
#include "dhakira/text.h"
#include "dhakira/translation_memory.h"
#include "testing/indexed_tm.h"
#include "testing/old_index.h"

namespace dhakira {
namespace {

namespace fs = std::filesystem;

class MatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dhakira-match-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    Reopen();  // creates it
  }
  void TearDown() override {
    matcher_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  // (Re)opens the TM writable, creating it when missing, and a matcher on it.
  void Reopen() { test_support::OpenStoreAndMatcher(dir_, &store_, &matcher_); }

  uint64_t Add(const std::string& source, const std::string& target, const std::string& origin = "",
               int64_t changed_at = 0) {
    SegmentPair p;
    p.src_lang = "ar";
    p.tgt_lang = "en";
    p.source = source;
    p.target = target;
    p.origin = origin;
    p.changed_at = changed_at;
    auto r = store_->Add(std::move(p), DuplicatePolicy::kKeepBoth);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  }

  MatchOptions Options(double threshold = 50) {
    MatchOptions o;
    o.src_lang = "ar";
    o.tgt_lang = "en";
    o.threshold = threshold;
    return o;
  }

  // KeyHash of an Arabic context segment's keys, as the store keeps prev_hash / next_hash (0 on
  // error).
  uint64_t ContextHash(const std::string& text) {
    NormalizerOptions no;
    no.language = "ar";
    auto n = Normalizer::Create(no);
    EXPECT_TRUE(n.ok());
    if (!n.ok()) return 0;
    auto keys = (*n)->Normalize(text);
    EXPECT_TRUE(keys.ok());
    return keys.ok() ? KeyHash(keys->tokens) : 0;
  }

  std::vector<uint64_t> Ids(const MatchResult& r) {
    std::vector<uint64_t> ids;
    for (const auto& m : r.matches) ids.push_back(m.pair.id);
    return ids;
  }

  fs::path dir_;
  std::unique_ptr<TranslationMemory> store_;
  std::unique_ptr<Matcher> matcher_;
};

TEST_F(MatcherTest, ExactFuzzyAndRanking) {
  const uint64_t a = Add("قال الرئيس إن الاجتماع كان مثمرا .", "The president said the meeting was fruitful.");
  const uint64_t b = Add("قال الوزير إن الاجتماع كان مثمرا .", "The minister said the meeting was fruitful.");
  Add("ارتفعت أسعار النفط اليوم .", "Oil prices rose today.");
  auto r = matcher_->Match("قال الرئيس إن الاجتماع كان مثمرا .", Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->matches.size(), 2u);
  EXPECT_EQ(r->matches[0].pair.id, a);
  EXPECT_EQ(r->matches[0].kind, MatchKind::kExact);
  EXPECT_EQ(r->matches[0].score, 100);
  EXPECT_EQ(r->matches[1].pair.id, b);
  EXPECT_EQ(r->matches[1].kind, MatchKind::kFuzzy);
  // 7 tokens (the period is one), one substitution.
  EXPECT_NEAR(r->matches[1].fuzzy, 100.0 * (1 - 1.0 / 7), 1e-9);
  ASSERT_EQ(r->matches[1].source_marks.size(), 1u);
  const auto& mark = r->matches[1].source_marks[0];
  EXPECT_EQ(r->matches[1].pair.source.substr(mark.first, mark.second - mark.first), "الوزير");
}

TEST_F(MatcherTest, ArabicVariantsCostPenaltiesNotWords) {
  const uint64_t id = Add("أعلن الرئيس عن خطة جديدة", "The president announced a new plan");
  // Hamza-less alef, a diacritic and a tatweel: the same keys.
  auto r = matcher_->Match("اعلن الرَّئيس عن خطـة جديدة", Options(90));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->matches.size(), 1u);
  EXPECT_EQ(r->matches[0].pair.id, id);
  EXPECT_EQ(r->matches[0].fuzzy, 100);
  EXPECT_EQ(r->matches[0].penalties.size(), 3u);
  EXPECT_DOUBLE_EQ(r->matches[0].score, 97);
}

TEST_F(MatcherTest, NumbersAreSubstitutedIntoTheTarget) {
  Add("قتل 12 شخصا في الهجوم", "12 people were killed in the attack");
  auto r = matcher_->Match("قتل ١٥ شخصا في الهجوم", Options(90));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->matches.size(), 1u);
  EXPECT_EQ(r->matches[0].fuzzy, 100);
  EXPECT_EQ(r->matches[0].target_substituted, "15 people were killed in the attack");
  EXPECT_DOUBLE_EQ(r->matches[0].score, 100 - Options().number_points);
}

TEST_F(MatcherTest, ContextMatch) {
  const std::string prev = "بدأ الاجتماع صباح اليوم .";
  SegmentPair p;
  p.src_lang = "ar";
  p.tgt_lang = "en";
  p.source = "وقال الرئيس إنه متفائل .";
  p.target = "The president said he was optimistic.";
  p.prev_hash = ContextHash(prev);
  ASSERT_NE(p.prev_hash, 0u);
  auto added = store_->Add(p, DuplicatePolicy::kKeepBoth);
  ASSERT_TRUE(added.ok());
  MatchOptions o = Options();
  o.prev_source = prev;
  auto r = matcher_->Match(p.source, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->matches.size(), 1u);
  EXPECT_EQ(r->matches[0].kind, MatchKind::kContext);
  EXPECT_EQ(r->matches[0].score, 101);
  o.prev_source = "جملة أخرى تماما .";
  r = matcher_->Match(p.source, o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->matches.size(), 1u);
  EXPECT_EQ(r->matches[0].kind, MatchKind::kExact);
}

// Two translations of the same sentence in the same context (a corrected translation stored beside
// the old one): both are context matches (score 101); the more recently changed ranks first, also
// with top 1 (what CAT tools ask for when pre-translating), from the index and from the brute-force
// scan.
TEST_F(MatcherTest, ContextMatchesTieOnScoreAndTheNewestWins) {
  const std::string prev = "بدأ الاجتماع صباح اليوم .";
  const uint64_t prev_hash = ContextHash(prev);
  ASSERT_NE(prev_hash, 0u);
  uint64_t ids[3] = {};
  const int64_t changed[3] = {1700000000, 1800000000, 1750000000};  // the second is the newest
  for (int i = 0; i < 3; ++i) {
    SegmentPair p;
    p.src_lang = "ar";
    p.tgt_lang = "en";
    p.source = "وقال الرئيس إنه متفائل .";
    p.target = "The president said he was optimistic (version " + std::to_string(i) + ").";
    p.prev_hash = prev_hash;
    p.changed_at = changed[i];
    auto added = store_->Add(p, DuplicatePolicy::kKeepBoth);
    ASSERT_TRUE(added.ok()) << added.status().ToString();
    ids[i] = added->id;
  }
  for (bool brute : {false, true}) {
    SCOPED_TRACE(brute ? "brute force" : "indexed");
    MatchOptions o = Options();
    o.prev_source = prev;
    o.brute_force = brute;
    o.top = 1;
    auto r = matcher_->Match("وقال الرئيس إنه متفائل .", o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->matches.size(), 1u);
    EXPECT_EQ(r->matches[0].kind, MatchKind::kContext);
    EXPECT_EQ(r->matches[0].pair.id, ids[1]);
    o.top = 5;
    r = matcher_->Match("وقال الرئيس إنه متفائل .", o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->matches.size(), 3u);
    EXPECT_EQ(Ids(*r), (std::vector<uint64_t>{ids[1], ids[2], ids[0]}));
  }
}

// Many units tie with the k-th match on fuzzy (near-copies; some written differently, so their
// score is lower): a short list must be the head of the full ranking, whether units that cannot
// rank before the k-th are skipped unscored or not.
TEST_F(MatcherTest, TiesOnFuzzyKeepTheFullRankingOrder) {
  const std::string base = "وقال الوزير إن الحكومة ستعلن خطة جديدة للطاقة";
  const std::vector<std::string> variants = {
      base,
      "وقال الوزير ان الحكومة ستعلن خطة جديدة للطاقة",    // hamza: a penalty, same fuzzy
      "وقال الوزير إن الحكومة ستعلن خطـة جديدة للطاقة",   // tatweel
      "وقال الوزير إن الحكومة ستعلن خطة جديدة للكهرباء",  // one word differs
      "وقال الوزير إن الحكومة ستطلق خطة جديدة للكهرباء",  // two words differ
  };
  std::mt19937 rng(7);
  for (int copy = 0; copy < 6; ++copy) {
    for (size_t v = 0; v < variants.size(); ++v) {
      Add(variants[v], "translation " + std::to_string(copy) + "." + std::to_string(v), "",
          1700000000 + static_cast<int64_t>(rng() % 5) * 1000);  // changed_at ties too
    }
  }
  for (const std::string& query : {base, variants[1], variants[3]}) {
    MatchOptions all = Options(50);
    all.top = 1000;
    all.brute_force = true;
    auto full = matcher_->Match(query, all);
    ASSERT_TRUE(full.ok()) << full.status().ToString();
    ASSERT_EQ(full->matches.size(), variants.size() * 6);
    const std::vector<uint64_t> ranking = Ids(*full);
    for (uint32_t top : {1u, 2u, 5u, 7u, 13u}) {
      for (bool brute : {true, false}) {
        MatchOptions o = Options(50);
        o.top = top;
        o.brute_force = brute;
        auto r = matcher_->Match(query, o);
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        EXPECT_EQ(Ids(*r), std::vector<uint64_t>(ranking.begin(), ranking.begin() + top))
            << "query " << query << ", top " << top << (brute ? ", scan" : ", index");
      }
    }
  }
}

TEST_F(MatcherTest, IndexFollowsAddUpdateDelete) {
  const std::string text = "وصل الوفد إلى العاصمة مساء أمس";
  auto r = matcher_->Match(text, Options(70));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->matches.empty());

  const uint64_t id = Add(text, "The delegation arrived in the capital last night");
  r = matcher_->Match(text, Options(70));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(Ids(*r), std::vector<uint64_t>{id});

  // Update to another source: the old text no longer matches, the new one does.
  auto unit = store_->Get(id);
  ASSERT_TRUE(unit.ok());
  SegmentPair changed = *unit;
  changed.source = "غادر الوفد المدينة صباح اليوم بعد زيارة قصيرة";
  ASSERT_TRUE(store_->Update(changed).ok());
  r = matcher_->Match(text, Options(70));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->matches.empty());
  r = matcher_->Match(changed.source, Options(70));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(Ids(*r), std::vector<uint64_t>{id});

  ASSERT_TRUE(store_->Delete(id).ok());
  r = matcher_->Match(changed.source, Options(50));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->matches.empty());
  r = matcher_->Match(changed.source, [&] {
    MatchOptions o = Options(50);
    o.brute_force = true;
    return o;
  }());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->matches.empty());
}

// Several writes in one transaction: the index (which buffers its postings until commit) must
// reflect all of them, in order.
TEST_F(MatcherTest, IndexFollowsMixedBatch) {
  const uint64_t a = Add("عاد الهدوء إلى المدينة بعد الاشتباكات", "Calm returned to the city");
  const uint64_t b = Add("ارتفعت درجات الحرارة بشكل غير مسبوق", "Temperatures rose to record levels");
  auto unit_a = store_->Get(a);
  ASSERT_TRUE(unit_a.ok());
  SegmentPair changed = *unit_a;
  changed.source = "انقطعت الكهرباء عن أحياء واسعة في العاصمة";
  WriteBatch batch;
  batch.Update(changed);
  batch.Delete(b);
  SegmentPair added;
  added.src_lang = "ar";
  added.tgt_lang = "en";
  added.source = "عاد الهدوء إلى المدينة بعد الاشتباكات العنيفة";
  added.target = "Calm returned to the city after the violent clashes";
  batch.Add(added);
  auto written = store_->Write(batch, DuplicatePolicy::kKeepBoth);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  ASSERT_EQ(written->size(), 3u);
  const uint64_t c = (*written)[2].id;
  for (bool brute : {false, true}) {
    MatchOptions o = Options(60);
    o.brute_force = brute;
    auto r = matcher_->Match("عاد الهدوء إلى المدينة بعد الاشتباكات", o);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(Ids(*r), std::vector<uint64_t>{c}) << "brute " << brute;
    r = matcher_->Match("ارتفعت درجات الحرارة بشكل غير مسبوق", o);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->matches.empty());
    r = matcher_->Match(changed.source, o);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(Ids(*r), std::vector<uint64_t>{a});
  }
}

TEST_F(MatcherTest, IndexSurvivesReopen) {
  const uint64_t id = Add("تراجعت البورصة بشكل حاد اليوم", "The stock market fell sharply today");
  ASSERT_NO_FATAL_FAILURE(Reopen());
  auto r = matcher_->Match("تراجعت البورصة بشكل كبير اليوم", Options(70));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(Ids(*r), std::vector<uint64_t>{id});
}

TEST_F(MatcherTest, LanguagePairAndOriginFilter) {
  const uint64_t en = Add("الطقس جميل اليوم", "The weather is nice today", "A");
  SegmentPair fr;
  fr.src_lang = "ar";
  fr.tgt_lang = "fr";
  fr.source = "الطقس جميل اليوم";
  fr.target = "Il fait beau aujourd'hui";
  ASSERT_TRUE(store_->Add(fr, DuplicatePolicy::kKeepBoth).ok());
  const uint64_t en_b = Add("الطقس جميل اليوم", "Nice weather today", "B");
  auto r = matcher_->Match("الطقس جميل اليوم", Options(90));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Ids(*r), (std::vector<uint64_t>{en_b, en}));  // same score: the newer first
  MatchOptions o = Options(90);
  o.origin = "A";
  r = matcher_->Match("الطقس جميل اليوم", o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Ids(*r), std::vector<uint64_t>{en});
  o.origin.clear();
  o.origin_points["B"] = 10;
  r = matcher_->Match("الطقس جميل اليوم", o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->matches.size(), 2u);
  EXPECT_EQ(r->matches[0].pair.id, en);
  EXPECT_EQ(r->matches[1].score, 90);
  EXPECT_EQ(r->matches[1].penalties.at(0).reason, "origin: B");
}

// A small random TM over a tiny vocabulary, so that many units share tokens and near-threshold
// cases are common: indexed lookup must equal the brute-force scan for every threshold and query.
TEST_F(MatcherTest, IndexedEqualsBruteForceOnRandomTm) {
  const std::vector<std::string> words = {"في", "من", "على", "الرئيس", "قال", "اليوم", "الحكومة", "إن",
                                          "مع", "،",  ".",   "12",     "٣",   "وزير",  "أعلن",    "اعلن"};
  std::mt19937 rng(5);
  WriteBatch batch;
  std::vector<std::string> sources;
  for (int i = 0; i < 600; ++i) {
    std::string s;
    const int len = 1 + static_cast<int>(rng() % 14);
    for (int j = 0; j < len; ++j) s += (j ? " " : "") + words[rng() % words.size()];
    sources.push_back(s);
    SegmentPair p;
    p.src_lang = i % 10 == 0 ? "ar-SY" : "ar";
    p.tgt_lang = "en";
    p.source = s;
    p.target = "t " + std::to_string(i) + " 12";
    p.changed_at = 1000 + static_cast<int64_t>(rng() % 5);
    batch.Add(p);
  }
  ASSERT_TRUE(store_->Write(batch, DuplicatePolicy::kKeepBoth).ok());
  uint64_t compared = 0;
  for (int q = 0; q < 80; ++q) {
    std::string query;
    const int len = 1 + static_cast<int>(rng() % 14);
    for (int j = 0; j < len; ++j) query += (j ? " " : "") + words[rng() % words.size()];
    for (double t : {30.0, 50.0, 70.0, 90.0, 100.0}) {
      for (uint32_t top : {1u, 5u, 50u}) {
        MatchOptions o = Options(t);
        o.top = top;
        auto fast = matcher_->Match(query, o);
        o.brute_force = true;
        auto slow = matcher_->Match(query, o);
        ASSERT_TRUE(fast.ok()) << fast.status().ToString();
        ASSERT_TRUE(slow.ok()) << slow.status().ToString();
        ASSERT_EQ(Ids(*fast), Ids(*slow)) << "query=" << query << " t=" << t << " top=" << top;
        compared += slow->matches.size();
      }
    }
  }
  EXPECT_GT(compared, 1000u);
}

// The matcher keeps the vocabulary id and list size of tokens with 1,024 or more postings, per
// source language. Writes that shrink, empty or grow those lists afterwards, and a second source
// language spelling the same words (other token ids), must not change any result: each is compared
// with brute force.
TEST_F(MatcherTest, FrequentTokenTableFollowsWritesAndLanguages) {
  const std::vector<std::string> common = {"في", "من", "على", "إلى", "،"};
  const std::vector<std::string> rare = {"الرئيس", "قال",  "اليوم", "الحكومة", "وزير",
                                         "أعلن",   "مجلس", "الشعب", "دمشق",    "حلب"};
  std::mt19937 rng(11);
  auto sentence = [&](int len) {
    std::string s;
    for (int j = 0; j < len; ++j) {
      const bool use_common = rng() % 2 == 0;
      s += (j ? " " : "") + (use_common ? common[rng() % common.size()] : rare[rng() % rare.size()]);
    }
    return s;
  };
  std::vector<std::string> written;  // sources, for queries near them
  auto write = [&](const std::string& lang, int count, std::vector<uint64_t>* ids) {
    WriteBatch batch;
    for (int i = 0; i < count; ++i) {
      SegmentPair p;
      p.src_lang = lang;
      p.tgt_lang = "en";
      p.source = sentence(6 + static_cast<int>(rng() % 8));
      written.push_back(p.source);
      p.target = "t " + lang + " " + std::to_string(i);
      batch.Add(p);
    }
    auto r = store_->Write(batch, DuplicatePolicy::kKeepBoth);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    if (ids != nullptr) {
      for (const WriteResult& w : *r) ids->push_back(w.id);
    }
  };
  std::vector<uint64_t> ar_ids;
  write("ar", 3000, &ar_ids);  // each common token in ~1,700 units: lists above 1,024

  // The oracle: brute force by a matcher of its own, which never fills a table (only indexed
  // lookups do): brute force through matcher_ would look the query's tokens up in matcher_'s table.
  auto oracle = store_->NewMatcher();
  ASSERT_TRUE(oracle.ok()) << oracle.status().ToString();
  size_t compared = 0;
  auto compare = [&](const std::string& lang, const char* stage) {
    std::mt19937 qrng(3);
    for (int q = 0; q < 25; ++q) {
      // A written source with its first word replaced and one word added: fuzzy matches.
      const std::string& near = written[qrng() % written.size()];
      std::string query =
          rare[qrng() % rare.size()] + near.substr(near.find(' ')) + " " + common[qrng() % common.size()];
      for (double t : {50.0, 70.0}) {
        MatchOptions o = Options(t);
        o.src_lang = lang;
        o.top = 5;
        auto fast = matcher_->Match(query, o);
        o.brute_force = true;
        auto slow = (*oracle)->Match(query, o);
        ASSERT_TRUE(fast.ok()) << fast.status().ToString();
        ASSERT_TRUE(slow.ok()) << slow.status().ToString();
        ASSERT_EQ(Ids(*fast), Ids(*slow)) << stage << ": lang=" << lang << " query=" << query << " t=" << t;
        compared += slow->matches.size();
      }
    }
  };
  ASSERT_NO_FATAL_FAILURE(compare("ar", "first"));
  ASSERT_NO_FATAL_FAILURE(compare("ar", "table filled"));

  // Delete most units: the sizes in the table are now far too large.
  WriteBatch deletes;
  for (size_t i = 0; i < ar_ids.size(); ++i) {
    if (i % 10 != 0) deletes.Delete(ar_ids[i]);
  }
  ASSERT_TRUE(store_->Write(deletes, DuplicatePolicy::kKeepBoth).ok());
  ASSERT_NO_FATAL_FAILURE(compare("ar", "after deletes"));

  // Another source language with the same words: its own token ids and lists.
  write("fa", 2000, nullptr);
  ASSERT_NO_FATAL_FAILURE(compare("fa", "second language"));
  ASSERT_NO_FATAL_FAILURE(compare("ar", "first language again"));

  // Grow the first language again: the sizes in the table are now too small.
  write("ar", 3000, nullptr);
  ASSERT_NO_FATAL_FAILURE(compare("ar", "after adds"));
  EXPECT_GT(compared, 200u);
}

// A TM whose index has an older format: opened read-only it has no usable index (a clear error from
// TranslationMemory::NewMatcher); opened writable, the index is rebuilt from the units in the open transaction.
TEST_F(MatcherTest, IndexOfAnOlderFormatIsRebuiltWhenOpenedWritable) {
  const uint64_t a = Add("أعلن وزير الخارجية اليوم عن زيارة إلى دمشق", "The foreign minister announced");
  Add("قال الرئيس إن الحكومة ستعمل على خفض الأسعار", "The president said");
  matcher_.reset();
  store_.reset();
  ASSERT_EQ(test_support::DowngradeFuzzyIndex(dir_.string()), "");
  {
    StoreOptions read_only;
    read_only.read_only = true;
    auto s = TranslationMemory::Open(dir_.string(), read_only);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    auto m = (*s)->NewMatcher();
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.status().code(), Status::Code::kFailedPrecondition) << m.status().ToString();
    EXPECT_NE(m.status().message().find("open it once writable"), std::string::npos) << m.status().ToString();
  }
  ASSERT_NO_FATAL_FAILURE(Reopen());
  auto r = matcher_->Match("أعلن وزير الخارجية اليوم عن زيارة إلى حلب", Options(50));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_FALSE(r->matches.empty());
  EXPECT_EQ(r->matches[0].pair.id, a);
  MatchOptions o = Options(50);
  o.brute_force = true;
  auto slow = matcher_->Match("أعلن وزير الخارجية اليوم عن زيارة إلى حلب", o);
  ASSERT_TRUE(slow.ok()) << slow.status().ToString();
  EXPECT_EQ(Ids(*r), Ids(*slow));
}

TEST_F(MatcherTest, ConcordanceFindsSpellingVariants) {
  const uint64_t a = Add("أعلن الرئيس عن خطة", "The president announced a plan");
  const uint64_t b = Add("وقال إن الرئيس اعلن أمس عن الخطة", "He said the President announced it");
  Add("لا علاقة لهذا", "Unrelated");
  ConcordanceOptions o;
  o.src_lang = "ar";
  o.tgt_lang = "en";
  auto r = matcher_->Concordance("الرَّئيس إعلن", o);  // no hit: order matters
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto r2 = matcher_->Concordance("أعلن", o);
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  ASSERT_EQ(r2->hits.size(), 2u);
  EXPECT_EQ(r2->hits[0].pair.id, a);  // fewer tokens first
  EXPECT_EQ(r2->hits[1].pair.id, b);
  ASSERT_EQ(r2->hits[1].spans.size(), 1u);
  const auto& sp = r2->hits[1].spans[0];
  EXPECT_EQ(r2->hits[1].pair.source.substr(sp.first, sp.second - sp.first), "اعلن");

  o.side = ConcordanceSide::kTarget;
  auto r3 = matcher_->Concordance("president announced", o);
  ASSERT_TRUE(r3.ok()) << r3.status().ToString();
  ASSERT_EQ(r3->hits.size(), 2u);
  o.brute_force = true;
  auto r4 = matcher_->Concordance("president announced", o);
  ASSERT_TRUE(r4.ok());
  ASSERT_EQ(r4->hits.size(), 2u);
  EXPECT_EQ(r3->hits[0].pair.id, r4->hits[0].pair.id);
}

// Concordance on a random TM over a tiny vocabulary, both sides, against an oracle that shares
// nothing with the index: every unit's searched side normalized again, the phrase's keys looked for
// contiguously, the hits ranked by key tokens, changed_at desc, id desc. The indexed path (the
// rarest token's list) and the scan must both give the oracle's list, spans included. Numbers are
// one symbol in the source-side index, so "12" finds units with "٣" there, which the exact check on
// the unit must then turn away.
TEST_F(MatcherTest, ConcordanceEqualsOracleOnRandomTm) {
  const std::vector<std::string> ar = {"في", "من", "الرئيس", "قال", "اليوم", "أعلن", "اعلن", "12", "٣", "،"};
  const std::vector<std::string> en = {"the", "of", "President", "president", "said", "today", "12", "3", ","};
  std::mt19937 rng(23);
  auto sentence = [&](const std::vector<std::string>& words, int max_len) {
    std::string s;
    const int len = 1 + static_cast<int>(rng() % max_len);
    for (int j = 0; j < len; ++j) s += (j ? " " : "") + words[rng() % words.size()];
    return s;
  };
  WriteBatch batch;
  for (int i = 0; i < 400; ++i) {
    SegmentPair p;
    p.src_lang = i % 7 == 0 ? "ar-SY" : "ar";
    p.tgt_lang = i % 11 == 0 ? "fr" : "en";  // another language pair: never a hit
    p.source = sentence(ar, 10);
    p.target = sentence(en, 10);
    p.changed_at = 1000 + static_cast<int64_t>(rng() % 4);
    batch.Add(p);
  }
  ASSERT_TRUE(store_->Write(batch, DuplicatePolicy::kKeepBoth).ok());
  std::vector<SegmentPair> units;
  ASSERT_TRUE(store_
                  ->ForEach([&](const SegmentPair& p) {
                    units.push_back(p);
                    return true;
                  })
                  .ok());
  std::map<std::string, std::unique_ptr<Normalizer>> normalizers;
  for (const char* language : {"ar", "en"}) {
    NormalizerOptions no;
    no.language = language;
    auto n = Normalizer::Create(no);
    ASSERT_TRUE(n.ok());
    normalizers[language] = std::move(*n);
  }
  auto key_tokens = [&](const std::string& language, const std::string& text) {
    auto n = normalizers[language]->Normalize(text);
    EXPECT_TRUE(n.ok());
    std::vector<Token> out;
    for (const Token& t : n->tokens) {
      if (t.type != TokenType::kPlaceholder) out.push_back(t);
    }
    return out;
  };
  struct Row {
    size_t length;
    int64_t changed_at;
    uint64_t id;
    std::vector<std::pair<uint32_t, uint32_t>> spans;
  };
  size_t hits_compared = 0;
  for (int q = 0; q < 60; ++q) {
    const bool on_source = q % 2 == 0;
    const std::string language = on_source ? "ar" : "en";
    const std::string phrase = sentence(on_source ? ar : en, 3);
    const std::vector<Token> keys = key_tokens(language, phrase);
    std::vector<Row> want;
    for (const SegmentPair& u : units) {
      if (u.tgt_lang != "en") continue;
      const std::vector<Token> hay = key_tokens(language, on_source ? u.source : u.target);
      Row row{hay.size(), u.changed_at, u.id, {}};
      for (size_t i = 0; i + keys.size() <= hay.size(); ++i) {
        bool all = true;
        for (size_t j = 0; j < keys.size() && all; ++j) all = hay[i + j].key == keys[j].key;
        if (all) row.spans.emplace_back(hay[i].begin, hay[i + keys.size() - 1].end);
      }
      if (!row.spans.empty()) want.push_back(std::move(row));
    }
    std::sort(want.begin(), want.end(), [](const Row& a, const Row& b) {
      if (a.length != b.length) return a.length < b.length;
      if (a.changed_at != b.changed_at) return a.changed_at > b.changed_at;
      return a.id > b.id;
    });
    for (uint32_t top : {3u, 1000u}) {
      for (bool brute : {false, true}) {
        ConcordanceOptions o;
        o.src_lang = "ar";
        o.tgt_lang = "en";
        o.side = on_source ? ConcordanceSide::kSource : ConcordanceSide::kTarget;
        o.top = top;
        o.brute_force = brute;
        auto got = matcher_->Concordance(phrase, o);
        ASSERT_TRUE(got.ok()) << got.status().ToString();
        const size_t expected = std::min<size_t>(top, want.size());
        ASSERT_EQ(got->hits.size(), expected) << phrase << (brute ? " (scan)" : " (index)");
        for (size_t i = 0; i < expected; ++i) {
          EXPECT_EQ(got->hits[i].pair.id, want[i].id) << phrase << " hit " << i;
          EXPECT_EQ(got->hits[i].spans, want[i].spans) << phrase << " hit " << i;
        }
        hits_compared += expected;
      }
    }
  }
  EXPECT_GT(hits_compared, 500u);
}

TEST_F(MatcherTest, BadInputGivesClearErrors) {
  Add("نص ما", "some text");
  auto r = matcher_->Match("", Options());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument());
  EXPECT_NE(r.status().message().find("query"), std::string::npos);

  std::string huge;
  for (int i = 0; i < 10000; ++i) huge += "كلمة ";
  r = matcher_->Match(huge, Options());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument());
  EXPECT_NE(r.status().message().find("max_query_tokens"), std::string::npos);

  MatchOptions bad_lang = Options();
  bad_lang.src_lang = "not a language!";
  r = matcher_->Match("نص", bad_lang);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument());
  EXPECT_NE(r.status().message().find("src_lang"), std::string::npos);

  MatchOptions bad_threshold = Options();
  bad_threshold.threshold = 0;
  r = matcher_->Match("نص", bad_threshold);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("threshold"), std::string::npos);

  r = matcher_->Match("\xff\xfe", Options());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument());

  ConcordanceOptions co;
  co.src_lang = "ar";
  co.tgt_lang = "en";
  auto c = matcher_->Concordance("  ", co);
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsInvalidArgument());
}

}  // namespace
}  // namespace dhakira
