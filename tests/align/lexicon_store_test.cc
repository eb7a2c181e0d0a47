// The learned lexicon a TM keeps (align/lexicon_store.h) on real LMDB files: it survives a reopen, follows
// adds, deletes and replacements, is backfilled into a TM written before it existed, keeps nothing of an
// aborted write, bounds its partners, and agrees with LearnLexicon over a snapshot.
#include "align/lexicon_store.h"

#include <gtest/gtest.h>
#include <lmdb.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "align/keys.h"
#include "dhakira/translation_memory.h"
#include "store/store_internal.h"
#include "testing/units.h"

namespace dhakira {
namespace {

namespace fs = std::filesystem;
using test_support::Unit;

class LexiconStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dhakira_lexstore_" + std::to_string(getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static LearnOptions ArEn() {
    LearnOptions options;
    options.src_lang = "ar";
    options.tgt_lang = "en";
    return options;
  }

  // The kept translations of `word` as "source_stem target_stem together".
  static std::vector<std::string> Kept(const TranslationMemory& tm, const std::string& word) {
    auto learned = tm.LearnedLexicon({word}, {}, ArEn());
    EXPECT_TRUE(learned.ok()) << learned.status().ToString();
    std::vector<std::string> out;
    if (!learned.ok()) return out;
    for (const LearnedTranslation& t : learned->translations)
      if (t.kept) out.push_back(t.source + " " + t.target + " " + std::to_string(t.together));
    return out;
  }

  // Three pairs in which the invented name زخيرون always comes with "Zakhiron".
  static std::vector<SegmentPair> NamePairs() {
    return {Unit("ar", "en", "وصل زخيرون", "Zakhiron arrived"), Unit("ar", "en", "غادر زخيرون", "Zakhiron left"),
            Unit("ar", "en", "تكلم زخيرون", "Zakhiron spoke"), Unit("ar", "en", "وصل الوفد", "the delegation arrived"),
            Unit("ar", "en", "غادر الوفد", "the delegation left")};
  }

  static std::string Learned(const std::string& ar, const std::string& en, int together) {
    return align::AlignStem(ar) + " " + align::AlignStem(en) + " " + std::to_string(together);
  }

  fs::path dir_;
};

TEST_F(LexiconStoreTest, SurvivesReopen) {
  {
    auto tm = TranslationMemory::Open(dir_.string());
    ASSERT_TRUE(tm.ok()) << tm.status().ToString();
    for (const SegmentPair& p : NamePairs()) ASSERT_TRUE((*tm)->Add(p, DuplicatePolicy::kSkip).ok());
  }
  StoreOptions read_only;
  read_only.read_only = true;
  auto tm = TranslationMemory::Open(dir_.string(), read_only);
  ASSERT_TRUE(tm.ok()) << tm.status().ToString();
  EXPECT_EQ(Kept(**tm, "زخيرون"), std::vector<std::string>{Learned("زخيرون", "zakhiron", 3)});
  auto learned = (*tm)->LearnedLexicon({"وصل زخيرون"}, {"Zakhiron came"}, ArEn());
  ASSERT_TRUE(learned.ok());
  EXPECT_EQ(learned->pairs, 5u);
  EXPECT_EQ(learned->lexicon.Translations("ar", "زخيرون"), std::vector<std::string>{align::AlignStem("zakhiron")});
  ASSERT_FALSE(learned->translations.empty());
  EXPECT_TRUE(learned->translations[0].in_target);
}

TEST_F(LexiconStoreTest, FollowsAddDeleteAndReplace) {
  auto tm = TranslationMemory::Open(dir_.string());
  ASSERT_TRUE(tm.ok()) << tm.status().ToString();
  std::vector<uint64_t> ids;
  for (const SegmentPair& p : NamePairs()) {
    auto added = (*tm)->Add(p, DuplicatePolicy::kSkip);
    ASSERT_TRUE(added.ok());
    ids.push_back(added->id);
  }
  EXPECT_EQ(Kept(**tm, "زخيرون"), std::vector<std::string>{Learned("زخيرون", "zakhiron", 3)});
  // Replacing one target: the name is now seen with "Zakhiron" twice, and "Zachary" once.
  SegmentPair replaced = NamePairs()[2];
  replaced.id = ids[2];
  replaced.target = "Zachary spoke";
  ASSERT_TRUE((*tm)->Update(replaced).ok());
  EXPECT_EQ(Kept(**tm, "زخيرون"), std::vector<std::string>{Learned("زخيرون", "zakhiron", 2)});
  // Deleting the pairs it was learned from: the word pair is gone, and so are the counts.
  WriteBatch batch;
  for (size_t k = 0; k < 3; ++k) batch.Delete(ids[k]);
  ASSERT_TRUE((*tm)->Write(batch, DuplicatePolicy::kSkip).ok());
  EXPECT_TRUE(Kept(**tm, "زخيرون").empty());
  auto all = (*tm)->LearnedLexicon({"زخيرون"}, {}, ArEn(), /*all_candidates=*/true);
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->translations.empty());
  EXPECT_EQ(all->pairs, 2u);
  EXPECT_EQ(all->source_stems, 0u);
}

// A TM written by a store without the lexicon hook (as before it existed) gets it built when opened
// writable; read-only, it says how to build it.
TEST_F(LexiconStoreTest, BackfillsATmWrittenBeforeIt) {
  {
    auto store = LmdbStore::Open(dir_.string(), StoreOptions(), StoreInternalOptions());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (const SegmentPair& p : NamePairs()) ASSERT_TRUE((*store)->Add(p, DuplicatePolicy::kSkip).ok());
  }
  {
    StoreOptions read_only;
    read_only.read_only = true;
    auto tm = TranslationMemory::Open(dir_.string(), read_only);
    ASSERT_TRUE(tm.ok()) << tm.status().ToString();
    auto learned = (*tm)->LearnedLexicon({"زخيرون"}, {}, ArEn());
    ASSERT_FALSE(learned.ok());
    EXPECT_EQ(learned.status().code(), Status::Code::kFailedPrecondition) << learned.status().ToString();
  }
  auto tm = TranslationMemory::Open(dir_.string());
  ASSERT_TRUE(tm.ok()) << tm.status().ToString();
  EXPECT_EQ(Kept(**tm, "زخيرون"), std::vector<std::string>{Learned("زخيرون", "zakhiron", 3)});
}

// A write that fails leaves no count behind, neither in the file nor in the next transaction.
TEST_F(LexiconStoreTest, AbortedWriteLeavesNoCounts) {
  auto tm = TranslationMemory::Open(dir_.string());
  ASSERT_TRUE(tm.ok()) << tm.status().ToString();
  WriteBatch failing;
  for (const SegmentPair& p : NamePairs()) failing.Add(p);
  failing.Delete(999);  // unknown: the whole batch fails
  ASSERT_FALSE((*tm)->Write(failing, DuplicatePolicy::kSkip).ok());
  ASSERT_TRUE((*tm)->Add(Unit("ar", "en", "وصل الوفد", "the delegation arrived"), DuplicatePolicy::kSkip).ok());
  auto learned = (*tm)->LearnedLexicon({"زخيرون الوفد"}, {}, ArEn(), /*all_candidates=*/true);
  ASSERT_TRUE(learned.ok()) << learned.status().ToString();
  EXPECT_EQ(learned->pairs, 1u);
  for (const LearnedTranslation& t : learned->translations) {
    EXPECT_NE(t.source, align::AlignStem("زخيرون"));
    EXPECT_EQ(t.together, 1u) << t.source << " " << t.target;
  }
}

// A word seen with many different partners keeps at most kMaxPartners of them, its translation among them
// with its exact count (Space-Saving holds the heavy partner whatever the others).
TEST_F(LexiconStoreTest, BoundsPartnersPerWord) {
  auto tm = TranslationMemory::Open(dir_.string());
  ASSERT_TRUE(tm.ok()) << tm.status().ToString();
  const size_t n = 2 * align::kMaxPartners;
  auto word = [](size_t i) {
    return std::string("zq") + static_cast<char>('a' + i / 26) + static_cast<char>('a' + i % 26);
  };
  WriteBatch batch;
  for (size_t i = 0; i < n; ++i) batch.Add(Unit("ar", "en", "زخيرون", "Zakhiron " + word(i) + " " + word(n + i)));
  ASSERT_TRUE((*tm)->Write(batch, DuplicatePolicy::kSkip).ok());
  // One pair at a time too: every new pair's partners push through the counters.
  for (size_t i = 0; i < 20; ++i)
    ASSERT_TRUE((*tm)
                    ->Add(Unit("ar", "en", "زخيرون", "Zakhiron " + word(2 * n + 2 * i) + " " + word(2 * n + 2 * i + 1)),
                          DuplicatePolicy::kSkip)
                    .ok());
  auto all = (*tm)->LearnedLexicon({"زخيرون"}, {}, ArEn(), /*all_candidates=*/true);
  ASSERT_TRUE(all.ok());
  EXPECT_LE(all->translations.size(), align::kMaxPartners);
  EXPECT_EQ(Kept(**tm, "زخيرون"), std::vector<std::string>{Learned("زخيرون", "zakhiron", static_cast<int>(n + 20))});
}

// Writes `value` under `key` in index.lexicon.meta of the TM at `dir` (closed), with LMDB directly.
void PutLexiconMeta(const fs::path& dir, const std::string& key, const std::string& value) {
  MDB_env* env = nullptr;
  ASSERT_EQ(mdb_env_create(&env), 0);
  mdb_env_set_maxdbs(env, 32);
  mdb_env_set_mapsize(env, size_t{1} << 30);
  ASSERT_EQ(mdb_env_open(env, dir.c_str(), 0, 0644), 0);
  MDB_txn* txn = nullptr;
  ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
  MDB_dbi meta;
  ASSERT_EQ(mdb_dbi_open(txn, "index.lexicon.meta", 0, &meta), 0);
  MDB_val k{key.size(), const_cast<char*>(key.data())}, v{value.size(), const_cast<char*>(value.data())};
  ASSERT_EQ(mdb_put(txn, meta, &k, &v, 0), 0);
  ASSERT_EQ(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
}

// A lexicon of another format version (or counted with other stems) is rebuilt from the units when the TM is
// opened writable; a format record that is not ours fails the open as Corruption.
TEST_F(LexiconStoreTest, RebuildsAnotherFormatAndRefusesAForeignOne) {
  {
    auto tm = TranslationMemory::Open(dir_.string());
    ASSERT_TRUE(tm.ok()) << tm.status().ToString();
    for (const SegmentPair& p : NamePairs()) ASSERT_TRUE((*tm)->Add(p, DuplicatePolicy::kSkip).ok());
  }
  // Version 0, and a pair count the rebuild must replace.
  std::string old_format("dlex\0\0\0\0", 8);
  old_format += std::string(8, '\x01');
  PutLexiconMeta(dir_, "format", old_format);
  PutLexiconMeta(dir_, std::string("ar\0en\0", 6), std::string("\x63\0\0\0\0\0\0\0", 8));
  {
    auto tm = TranslationMemory::Open(dir_.string());
    ASSERT_TRUE(tm.ok()) << tm.status().ToString();
    EXPECT_EQ(Kept(**tm, "زخيرون"), std::vector<std::string>{Learned("زخيرون", "zakhiron", 3)});
    auto learned = (*tm)->LearnedLexicon({"زخيرون"}, {}, ArEn());
    ASSERT_TRUE(learned.ok());
    EXPECT_EQ(learned->pairs, 5u);
  }
  PutLexiconMeta(dir_, "format", std::string(16, 'x'));
  auto foreign = TranslationMemory::Open(dir_.string());
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.status().code(), Status::Code::kCorruption) << foreign.status().ToString();
}

// With no bound reached, the stored lexicon and LearnLexicon over a snapshot are the same model.
TEST_F(LexiconStoreTest, AgreesWithLearnLexicon) {
  auto tm = TranslationMemory::Open(dir_.string());
  ASSERT_TRUE(tm.ok()) << tm.status().ToString();
  for (const SegmentPair& p : NamePairs()) ASSERT_TRUE((*tm)->Add(p, DuplicatePolicy::kSkip).ok());
  auto snapshot = (*tm)->NewSnapshot();
  ASSERT_TRUE(snapshot.ok());
  auto from_snapshot = LearnLexicon(**snapshot, ArEn());
  ASSERT_TRUE(from_snapshot.ok());
  std::vector<std::string> sources;
  for (const SegmentPair& p : NamePairs()) sources.push_back(p.source);
  auto stored = (*tm)->LearnedLexicon(sources, {}, ArEn());
  ASSERT_TRUE(stored.ok());
  auto listing = [](const LearnedLexiconResult& r) {
    std::vector<std::string> out;
    for (const LearnedTranslation& t : r.translations)
      out.push_back(t.source + " " + t.target + " " + std::to_string(t.together) + " " + std::to_string(t.score));
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_FALSE(listing(*stored).empty());
  EXPECT_EQ(listing(*stored), listing(*from_snapshot));
}

}  // namespace
}  // namespace dhakira
