// The LMDB store against real LMDB files in a temporary directory, with the real text pipeline.
#include "dhakira/store.h"

#include <gtest/gtest.h>
#include <lmdb.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "dhakira/text.h"
#include "dhakira/translation_memory.h"
#include "store/encoding.h"
#include "store/store_internal.h"

namespace dhakira {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::path(::testing::TempDir()) / "dhakira_store_XXXXXX").string();
    char* made = mkdtemp(tmpl.data());
    EXPECT_NE(made, nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return (fs::path(path_) / name).string(); }

 private:
  std::string path_;
};

SegmentPair Pair(std::string source, std::string target, std::string src_lang = "ar", std::string tgt_lang = "en") {
  SegmentPair p;
  p.src_lang = std::move(src_lang);
  p.tgt_lang = std::move(tgt_lang);
  p.source = std::move(source);
  p.target = std::move(target);
  return p;
}

std::unique_ptr<Store> OpenOrDie(const std::string& path, StoreOptions options = {}) {
  StatusOr<std::unique_ptr<TranslationMemory>> store = TranslationMemory::Open(path, options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return nullptr;
  return std::move(*store);
}

uint64_t Count(const Store& store) {
  StatusOr<StoreStats> stats = store.Stats();
  EXPECT_TRUE(stats.ok()) << stats.status().ToString();
  return stats.ok() ? stats->segments : 0;
}

// Raw LMDB access for the tests that damage a TM on purpose.
struct RawEnv {
  MDB_env* env = nullptr;
  explicit RawEnv(const std::string& path) {
    EXPECT_EQ(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 32);
    mdb_env_set_mapsize(env, 64 << 20);
    EXPECT_EQ(mdb_env_open(env, path.c_str(), 0, 0644), 0);
  }
  ~RawEnv() { mdb_env_close(env); }
  void Put(const char* db, std::string_view key, std::string_view value, unsigned db_flags = 0) {
    MDB_txn* txn;
    ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
    MDB_dbi dbi;
    ASSERT_EQ(mdb_dbi_open(txn, db, MDB_CREATE | db_flags, &dbi), 0);
    MDB_val k{key.size(), const_cast<char*>(key.data())};
    MDB_val v{value.size(), const_cast<char*>(value.data())};
    ASSERT_EQ(mdb_put(txn, dbi, &k, &v, 0), 0);
    ASSERT_EQ(mdb_txn_commit(txn), 0);
  }
  std::string Get(const char* db, std::string_view key) {
    MDB_txn* txn;
    EXPECT_EQ(mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn), 0);
    MDB_dbi dbi;
    EXPECT_EQ(mdb_dbi_open(txn, db, 0, &dbi), 0);
    MDB_val k{key.size(), const_cast<char*>(key.data())}, v{0, nullptr};
    std::string out;
    if (mdb_get(txn, dbi, &k, &v) == 0) out.assign(static_cast<char*>(v.mv_data), v.mv_size);
    mdb_txn_abort(txn);
    return out;
  }
};

std::string IdKey(uint64_t id) {
  char k[8];
  store_internal::EncodeIdKey(id, k);
  return std::string(k, 8);
}

class StoreTest : public ::testing::Test {
 protected:
  TempDir dir_;
  std::string tm_ = dir_.Sub("tm");
};

// ---- round trip ----

TEST_F(StoreTest, RoundTripsEveryFieldAcrossReopen) {
  SegmentPair p;
  p.src_lang = "AR_sy";
  p.tgt_lang = "EN-us";
  // Arabic with tatweel, harakat and an inline-code placeholder (U+E000) between words.
  p.source = "قالَ الرئيـــس إنّ \xEE\x80\x80الاتفاق\xEE\x80\x81 يشمل ٣٫٥ مليون دولار.";
  p.target = "The president said \xEE\x80\x80the agreement\xEE\x80\x81 covers $3.5 million.";
  p.source_codes = {{"bpt", "<bpt i=\"1\" x=\"1\">&lt;b&gt;</bpt>"}, {"ept", "<ept i=\"1\">&lt;/b&gt;</ept>"}};
  p.target_codes = {{"bpt", "<bpt i=\"1\" x=\"1\">&lt;b&gt;</bpt>"}, {"ept", "<ept i=\"1\">&lt;/b&gt;</ept>"}};
  p.origin = "Al-Watan";
  p.doc_id = "2024-03-07/syria-csto";
  p.doc_position = 12;
  p.prev_hash = 0xDEADBEEFCAFEF00Dull;
  p.next_hash = 1;
  p.created_at = 1600000000;
  p.changed_at = 1700000000;
  p.created_by = "مترجم";
  p.changed_by = "editor";
  p.note = "ملاحظة: checked";
  p.properties = {{"x-domain", "politics"}, {"x-client", "A"}, {"x-domain", "news"}};

  uint64_t id = 0;
  {
    auto store = OpenOrDie(tm_);
    ASSERT_NE(store, nullptr);
    StatusOr<WriteResult> r = store->Add(p, DuplicatePolicy::kSkip);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->outcome, WriteOutcome::kAdded);
    EXPECT_EQ(r->id, 1u);
    id = r->id;
  }
  auto store = OpenOrDie(tm_);
  ASSERT_NE(store, nullptr);
  StatusOr<SegmentPair> got = store->Get(id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->id, id);
  EXPECT_EQ(got->src_lang, "ar-SY");
  EXPECT_EQ(got->tgt_lang, "en-US");
  EXPECT_EQ(got->source, p.source);
  EXPECT_EQ(got->target, p.target);
  ASSERT_EQ(got->source_codes.size(), 2u);
  EXPECT_EQ(got->source_codes[0].element, "bpt");
  EXPECT_EQ(got->source_codes[0].native, p.source_codes[0].native);
  EXPECT_EQ(got->source_codes[1].element, "ept");
  ASSERT_EQ(got->target_codes.size(), 2u);
  EXPECT_EQ(got->target_codes[1].native, p.target_codes[1].native);
  EXPECT_EQ(got->origin, p.origin);
  EXPECT_EQ(got->doc_id, p.doc_id);
  EXPECT_EQ(got->doc_position, p.doc_position);
  EXPECT_EQ(got->prev_hash, p.prev_hash);
  EXPECT_EQ(got->next_hash, p.next_hash);
  EXPECT_EQ(got->created_at, p.created_at);
  EXPECT_EQ(got->changed_at, p.changed_at);
  EXPECT_EQ(got->created_by, p.created_by);
  EXPECT_EQ(got->changed_by, p.changed_by);
  EXPECT_EQ(got->note, p.note);
  EXPECT_EQ(got->properties, p.properties);  // order kept, repeated type kept

  // The stored match keys are exactly what the text pipeline makes of the source.
  NormalizerOptions nopt;
  nopt.language = "ar-SY";
  StatusOr<std::unique_ptr<Normalizer>> normalizer = Normalizer::Create(nopt);
  ASSERT_TRUE(normalizer.ok()) << normalizer.status().ToString();
  StatusOr<NormalizedText> expected = (*normalizer)->Normalize(p.source);
  ASSERT_TRUE(expected.ok());
  ASSERT_FALSE(expected->tokens.empty());
  ASSERT_EQ(got->source_tokens.size(), expected->tokens.size());
  for (size_t i = 0; i < expected->tokens.size(); ++i) {
    EXPECT_EQ(got->source_tokens[i].type, expected->tokens[i].type) << i;
    EXPECT_EQ(got->source_tokens[i].key, expected->tokens[i].key) << i;
    EXPECT_EQ(got->source_tokens[i].begin, expected->tokens[i].begin) << i;
    EXPECT_EQ(got->source_tokens[i].end, expected->tokens[i].end) << i;
    EXPECT_EQ(got->source_tokens[i].value, expected->tokens[i].value) << i;
  }
}

TEST_F(StoreTest, SetsTimesWhenZeroAndAssignsIncreasingIds) {
  auto store = OpenOrDie(tm_);
  ASSERT_NE(store, nullptr);
  const int64_t before =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  StatusOr<WriteResult> a = store->Add(Pair("نص أول", "first"), DuplicatePolicy::kSkip);
  StatusOr<WriteResult> b = store->Add(Pair("نص ثان", "second"), DuplicatePolicy::kSkip);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_LT(a->id, b->id);
  StatusOr<SegmentPair> got = store->Get(a->id);
  ASSERT_TRUE(got.ok());
  EXPECT_GE(got->created_at, before);
  EXPECT_LE(got->created_at, before + 60);
  EXPECT_EQ(got->changed_at, got->created_at);
}

TEST_F(StoreTest, NfcIsAppliedToStoredText) {
  auto store = OpenOrDie(tm_);
  ASSERT_NE(store, nullptr);
  // "é" decomposed (e + U+0301) in the target: stored composed.
  StatusOr<WriteResult> r =
      store->Add(Pair("caf\x65\xCC\x81 noir", "cafe\xCC\x81", "fr", "en"), DuplicatePolicy::kSkip);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  StatusOr<SegmentPair> got = store->Get(r->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->source, "caf\xC3\xA9 noir");
  EXPECT_EQ(got->target, "caf\xC3\xA9");
}

// ---- update, delete, not found ----

TEST_F(StoreTest, UpdateReplacesAndKeepsCreation) {
  auto store = OpenOrDie(tm_);
  ASSERT_NE(store, nullptr);
  SegmentPair p = Pair("وقال الوزير", "The minister said");
  p.origin = "SANA";
  p.created_at = 1500000000;
  p.created_by = "importer";
  StatusOr<WriteResult> r = store->Add(p, DuplicatePolicy::kSkip);
  ASSERT_TRUE(r.ok());

  SegmentPair u = Pair("وقال الوزير أمس", "The minister said yesterday");
  u.id = r->id;
  u.origin = "Al-Watan";
  u.note = "edited";
  ASSERT_TRUE(store->Update(u).ok());
  StatusOr<SegmentPair> got = store->Get(r->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->source, "وقال الوزير أمس");
  EXPECT_EQ(got->target, "The minister said yesterday");
  EXPECT_EQ(got->note, "edited");
  EXPECT_EQ(got->created_at, 1500000000);  // kept: the update left it 0
  EXPECT_EQ(got->created_by, "importer");  // kept: the update left it empty
  EXPECT_GT(got->changed_at, 1500000000);
  ASSERT_FALSE(got->source_tokens.empty());
  EXPECT_EQ(got->source_tokens.back().end, got->source.size());  // keys of the new source

  StatusOr<StoreStats> stats = store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->segments, 1u);
  EXPECT_EQ(stats->origins.count("SANA"), 0u);
  EXPECT_EQ(stats->origins.at("Al-Watan"), 1u);

  // The old texts are no longer a duplicate; the new ones are.
  StatusOr<WriteResult> again = store->Add(Pair("وقال الوزير", "The minister said"), DuplicatePolicy::kSkip);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outcome, WriteOutcome::kAdded);
  StatusOr<WriteResult> dup =
      store->Add(Pair("وقال الوزير أمس", "The minister said yesterday"), DuplicatePolicy::kSkip);
  ASSERT_TRUE(dup.ok());
  EXPECT_EQ(dup->outcome, WriteOutcome::kSkippedDuplicate);
  EXPECT_EQ(dup->id, r->id);
}

TEST_F(StoreTest, DeleteAndNotFound) {
  auto store = OpenOrDie(tm_);
  ASSERT_NE(store, nullptr);
  StatusOr<WriteResult> r = store->Add(Pair("مرحبا", "hello"), DuplicatePolicy::kSkip);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(store->Get(r->id + 100).status().IsNotFound());
  ASSERT_TRUE(store->Delete(r->id).ok());
  EXPECT_TRUE(store->Get(r->id).status().IsNotFound());
  const Status again = store->Delete(r->id);
  EXPECT_TRUE(again.IsNotFound()) << again.ToString();
  EXPECT_NE(again.message().find("deleting unit 1"), std::string::npos) << again.message();
  SegmentPair ghost = Pair("شبح", "ghost");
  ghost.id = 77;
  EXPECT_TRUE(store->Update(ghost).IsNotFound());
  EXPECT_EQ(Count(*store), 0u);
  StatusOr<StoreStats> stats = store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_TRUE(stats->language_pairs.empty());  // counters at zero are removed
  // Ids are never reused.
  StatusOr<WriteResult> next = store->Add(Pair("مرحبا", "hello"), DuplicatePolicy::kSkip);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->outcome, WriteOutcome::kAdded);
  EXPECT_GT(next->id, r->id);
}

// ---- duplicate policy ----

struct DupCase {
  DuplicatePolicy policy;
  WriteOutcome second_outcome;
  uint64_t units_after;
  const char* stored_note;  // note of unit 1 after the second add
};
void PrintTo(const DupCase& c, std::ostream* os) { *os << DuplicatePolicyName(c.policy); }

class DuplicateTest : public StoreTest, public ::testing::WithParamInterface<DupCase> {};

TEST_P(DuplicateTest, SecondAddOfSamePair) {
  const DupCase& c = GetParam();
  auto store = OpenOrDie(tm_);
  ASSERT_NE(store, nullptr);
  SegmentPair first = Pair("الاجتماع انتهى", "The meeting ended");
  first.note = "first";
  first.created_by = "alice";
  SegmentPair second = Pair("الاجتماع انتهى", "The meeting ended", "AR", "en");  // same after canon.
  second.note = "second";
  StatusOr<WriteResult> r1 = store->Add(first, c.policy);
  ASSERT_TRUE(r1.ok());
  StatusOr<WriteResult> r2 = store->Add(second, c.policy);
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_EQ(r2->outcome, c.second_outcome);
  if (c.second_outcome != WriteOutcome::kAdded) {
    EXPECT_EQ(r2->id, r1->id);
  }
  EXPECT_EQ(Count(*store), c.units_after);
  StatusOr<SegmentPair> got = store->Get(r1->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->note, c.stored_note);
  EXPECT_EQ(got->created_by, "alice");  // an update under kUpdate keeps the creator

  // Same source, other target, or other language pair: never a duplicate.
  StatusOr<WriteResult> other = store->Add(Pair("الاجتماع انتهى", "The meeting is over"), c.policy);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->outcome, WriteOutcome::kAdded);
  StatusOr<WriteResult> pair2 = store->Add(Pair("الاجتماع انتهى", "The meeting ended", "ar", "fr"), c.policy);
  ASSERT_TRUE(pair2.ok());
  EXPECT_EQ(pair2->outcome, WriteOutcome::kAdded);
}

TEST_P(DuplicateTest, DuplicateWithinOneBatch) {
  const DupCase& c = GetParam();
  auto store = OpenOrDie(tm_);
  ASSERT_NE(store, nullptr);
  WriteBatch batch;
  SegmentPair a = Pair("الاجتماع انتهى", "The meeting ended");
  a.note = "first";
  a.created_by = "alice";
  SegmentPair b = a;
  b.note = "second";
  b.created_by.clear();
  batch.Add(a);
  batch.Add(Pair("جملة أخرى", "Another sentence"));
  batch.Add(b);
  StatusOr<std::vector<WriteResult>> r = store->Write(batch, c.policy);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].outcome, WriteOutcome::kAdded);
  EXPECT_EQ((*r)[1].outcome, WriteOutcome::kAdded);
  EXPECT_EQ((*r)[2].outcome, c.second_outcome);
  if (c.second_outcome != WriteOutcome::kAdded) {
    EXPECT_EQ((*r)[2].id, (*r)[0].id);
  }
  EXPECT_EQ(Count(*store), c.units_after + 1);
  StatusOr<SegmentPair> got = store->Get((*r)[0].id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->note, c.stored_note);
}

INSTANTIATE_TEST_SUITE_P(Policies, DuplicateTest,
                         ::testing::Values(DupCase{DuplicatePolicy::kSkip, WriteOutcome::kSkippedDuplicate, 1, "first"},
                                           DupCase{DuplicatePolicy::kUpdate, WriteOutcome::kUpdated, 1, "second"},
                                           DupCase{DuplicatePolicy::kKeepBoth, WriteOutcome::kAdded, 2, "first"}),
                         [](const ::testing::TestParamInfo<DupCase>& info) {
                           return std::string(DuplicatePolicyName(info.param.policy));
                         });

TEST(DuplicatePolicyTest, NamesRoundTrip) {
  for (DuplicatePolicy p : {DuplicatePolicy::kSkip, DuplicatePolicy::kUpdate, DuplicatePolicy::kKeepBoth}) {
    StatusOr<DuplicatePolicy> parsed = ParseDuplicatePolicy(DuplicatePolicyName(p));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, p);
  }
  EXPECT_TRUE(ParseDuplicatePolicy("merge").status().IsInvalidArgument());
}

// ---- batches ----

TEST_F(StoreTest, BatchIsAllOrNothing) {
  auto store = OpenOrDie(tm_);
  ASSERT_NE(store, nullptr);
  StatusOr<WriteResult> existing = store->Add(Pair("قديم", "old"), DuplicatePolicy::kSkip);
  ASSERT_TRUE(existing.ok());

  {  // A record that fails validation: nothing is written, the message names the entry and field.
    WriteBatch batch;
    batch.Add(Pair("واحد", "one"));
    batch.Delete(existing->id);
    batch.Add(Pair("اثنان", "tw\xC3\x28o"));  // invalid UTF-8 in the target
    StatusOr<std::vector<WriteResult>> r = store->Write(batch, DuplicatePolicy::kSkip);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
    EXPECT_NE(r.status().message().find("entry 2"), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find("target"), std::string::npos) << r.status().message();
  }
  {  // A record that fails inside the transaction (update of a missing id) rolls back earlier
     // writes.
    WriteBatch batch;
    batch.Add(Pair("واحد", "one"));
    batch.Delete(existing->id);
    SegmentPair ghost = Pair("شبح", "ghost");
    ghost.id = 999;
    batch.Update(ghost);
    StatusOr<std::vector<WriteResult>> r = store->Write(batch, DuplicatePolicy::kSkip);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().IsNotFound()) << r.status().ToString();
    EXPECT_NE(r.status().message().find("entry 2"), std::string::npos) << r.status().message();
  }
  EXPECT_EQ(Count(*store), 1u);
  EXPECT_TRUE(store->Get(existing->id).ok());
  // No id was consumed by the failed batches.
  StatusOr<WriteResult> next = store->Add(Pair("واحد", "one"), DuplicatePolicy::kSkip);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->id, existing->id + 1);
}

TEST_F(StoreTest, LargeBatchPreparedInParallelReportsTheFirstBadEntry) {
  StoreOptions options;
  options.prepare_threads = 4;  // stripes of 500 entries
  auto store = OpenOrDie(tm_, options);
  ASSERT_NE(store, nullptr);
  WriteBatch batch;
  for (int i = 0; i < 2000; ++i) {
    SegmentPair p = Pair("جملة " + std::to_string(i), "sentence " + std::to_string(i));
    if (i == 700) p.tgt_lang = "not a language";
    if (i == 1500) p.source = "\xFF";
    batch.Add(std::move(p));
  }
  StatusOr<std::vector<WriteResult>> r = store->Write(batch, DuplicatePolicy::kSkip);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("entry 700 (add): tgt_lang"), std::string::npos) << r.status().message();
  EXPECT_EQ(Count(*store), 0u);

  WriteBatch good;
  for (int i = 0; i < 2000; ++i) good.Add(Pair("جملة " + std::to_string(i), std::to_string(i)));
  r = store->Write(good, DuplicatePolicy::kSkip);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2000u);
  for (size_t i = 0; i < r->size(); ++i) ASSERT_EQ((*r)[i].id, i + 1);  // ids in batch order
  StatusOr<SegmentPair> last = store->Get(2000);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->target, "1999");
  EXPECT_FALSE(last->source_tokens.empty());
}

// Under kSkip the store looks for duplicates before computing match keys; a unit that stops being a
// duplicate inside the transaction (deleted earlier in the same batch) still gets its keys.
TEST_F(StoreTest, DeferredMatchKeysAreComputedWhenTheDuplicateIsGone) {
  auto store = OpenOrDie(tm_);
  ASSERT_NE(store, nullptr);
  StatusOr<WriteResult> a = store->Add(Pair("وقال المتحدث", "The spokesman said"), DuplicatePolicy::kSkip);
  ASSERT_TRUE(a.ok());
  WriteBatch batch;
  batch.Delete(a->id);
  batch.Add(Pair("وقال المتحدث", "The spokesman said"));
  batch.Add(Pair("وقال المتحدث", "The spokesman said"));  // now a duplicate of the line above
  StatusOr<std::vector<WriteResult>> r = store->Write(batch, DuplicatePolicy::kSkip);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[1].outcome, WriteOutcome::kAdded);
  EXPECT_EQ((*r)[2].outcome, WriteOutcome::kSkippedDuplicate);
  EXPECT_EQ((*r)[2].id, (*r)[1].id);
  StatusOr<SegmentPair> got = store->Get((*r)[1].id);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->source_tokens.empty());
  const size_t tokens = got->source_tokens.size();
  // A plain re-import skips everything and leaves the stored units (and their keys) alone.
  WriteBatch again;
  again.Add(Pair("وقال المتحدث", "The spokesman said"));
  r = store->Write(again, DuplicatePolicy::kSkip);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].outcome, WriteOutcome::kSkippedDuplicate);
  StatusOr<WriteResult> upd = store->Add(Pair("وقال المتحدث", "The spokesman said"), DuplicatePolicy::kUpdate);
  ASSERT_TRUE(upd.ok());
  EXPECT_EQ(upd->outcome, WriteOutcome::kUpdated);
  got = store->Get(upd->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->source_tokens.size(), tokens);  // the update computed them again
  EXPECT_EQ(Count(*store), 1u);
}

TEST_F(StoreTest, BatchMixesAddUpdateDelete) {
  auto store = OpenOrDie(tm_);
  ASSERT_NE(store, nullptr);
  WriteBatch first;
  first.Add(Pair("أ", "a"));
  first.Add(Pair("ب", "b"));
  StatusOr<std::vector<WriteResult>> r1 = store->Write(first, DuplicatePolicy::kSkip);
  ASSERT_TRUE(r1.ok());
  ASSERT_EQ(r1->size(), 2u);
  WriteBatch second;
  SegmentPair upd = Pair("أ أ", "a a");
  upd.id = (*r1)[0].id;
  second.Update(upd);
  second.Delete((*r1)[1].id);
  second.Add(Pair("ج", "c"));
  StatusOr<std::vector<WriteResult>> r2 = store->Write(second, DuplicatePolicy::kSkip);
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  ASSERT_EQ(r2->size(), 3u);
  EXPECT_EQ((*r2)[0].outcome, WriteOutcome::kUpdated);
  EXPECT_EQ((*r2)[1].outcome, WriteOutcome::kDeleted);
  EXPECT_EQ((*r2)[2].outcome, WriteOutcome::kAdded);
  std::vector<std::string> targets;
  ASSERT_TRUE(store
                  ->ForEach([&](const SegmentPair& p) {
                    targets.push_back(p.target);
                    return true;
                  })
                  .ok());
  EXPECT_EQ(targets, (std::vector<std::string>{"a a", "c"}));
  EXPECT_TRUE(store->Write(WriteBatch(), DuplicatePolicy::kSkip).ok());
}

// ---- validation ----

struct BadCase {
  const char* name;
  SegmentPair pair;
  const char* field;  // must appear in the message
};

TEST_F(StoreTest, RejectsBadInputNamingTheField) {
  auto store = OpenOrDie(tm_);
  ASSERT_NE(store, nullptr);
  auto with = [](auto fn) {
    SegmentPair p = Pair("نص صحيح", "valid text");
    fn(p);
    return p;
  };
  const std::vector<BadCase> cases = {
      {"bad source utf8", with([](SegmentPair& p) { p.source = "ab\xFF"; }), "source"},
      {"surrogate in target", with([](SegmentPair& p) { p.target = "x\xED\xA0\x80y"; }), "target"},
      {"empty source", with([](SegmentPair& p) { p.source.clear(); }), "source"},
      {"blank target", with([](SegmentPair& p) { p.target = " \t\xE2\x80\x83 "; }), "target"},
      {"empty src_lang", with([](SegmentPair& p) { p.src_lang.clear(); }), "src_lang"},
      {"bad src_lang", with([](SegmentPair& p) { p.src_lang = "no such language!"; }), "src_lang"},
      {"bad tgt_lang", with([](SegmentPair& p) { p.tgt_lang = "e n"; }), "tgt_lang"},
      {"bad note", with([](SegmentPair& p) { p.note = "\xC0\x80"; }), "note"},
      {"bad property", with([](SegmentPair& p) {
         p.properties = {{"x-a", "ok"}, {"", "v"}};
       }),
       "properties[1].type"},
      {"bad code", with([](SegmentPair& p) {
         p.source_codes = {{"b", "<b>"}};
       }),
       "source_codes[0].element"},
  };
  for (const BadCase& c : cases) {
    StatusOr<WriteResult> r = store->Add(c.pair, DuplicatePolicy::kKeepBoth);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_TRUE(r.status().IsInvalidArgument()) << c.name << ": " << r.status().ToString();
    EXPECT_NE(r.status().message().find(c.field), std::string::npos) << c.name << ": " << r.status().message();
  }
  EXPECT_EQ(Count(*store), 0u);
}

// ---- iteration and stats ----

TEST_F(StoreTest, ForEachInIdOrderStopsEarlyAndMayWrite) {
  auto store = OpenOrDie(tm_);
  ASSERT_NE(store, nullptr);
  WriteBatch batch;
  for (int i = 0; i < 300; ++i) batch.Add(Pair("جملة رقم " + std::to_string(i), "sentence " + std::to_string(i)));
  ASSERT_TRUE(store->Write(batch, DuplicatePolicy::kSkip).ok());
  std::vector<uint64_t> ids;
  ASSERT_TRUE(store
                  ->ForEach([&](const SegmentPair& p) {
                    ids.push_back(p.id);
                    return true;
                  })
                  .ok());
  ASSERT_EQ(ids.size(), 300u);
  for (size_t i = 1; i < ids.size(); ++i) EXPECT_LT(ids[i - 1], ids[i]);
  int seen = 0;
  ASSERT_TRUE(store->ForEach([&](const SegmentPair&) { return ++seen < 5; }).ok());
  EXPECT_EQ(seen, 5);
  // The callback runs without store locks held: it may write (it sees its iteration's snapshot).
  int visited = 0;
  ASSERT_TRUE(store
                  ->ForEach([&](const SegmentPair& p) {
                    ++visited;
                    if (p.id % 100 == 0) {
                      EXPECT_TRUE(store->Delete(p.id).ok());
                    }
                    return true;
                  })
                  .ok());
  EXPECT_EQ(visited, 300);
  EXPECT_EQ(Count(*store), 297u);
}

TEST_F(StoreTest, StatsCountPerLanguagePairAndOrigin) {
  auto store = OpenOrDie(tm_);
  ASSERT_NE(store, nullptr);
  WriteBatch batch;
  for (int i = 0; i < 5; ++i) {
    SegmentPair p = Pair("خبر " + std::to_string(i), "news " + std::to_string(i));
    p.origin = i < 3 ? "Al-Watan" : "SANA";
    batch.Add(p);
  }
  SegmentPair fr = Pair("bonjour", "hello", "fr", "en_GB");
  batch.Add(fr);
  ASSERT_TRUE(store->Write(batch, DuplicatePolicy::kSkip).ok());
  StatusOr<StoreStats> stats = store->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->segments, 6u);
  EXPECT_EQ(stats->language_pairs.size(), 2u);
  EXPECT_EQ(stats->language_pairs[LanguagePairKey("ar", "en")], 5u);
  EXPECT_EQ(stats->language_pairs[LanguagePairKey("fr", "en-GB")], 1u);
  EXPECT_EQ(stats->origins["Al-Watan"], 3u);
  EXPECT_EQ(stats->origins["SANA"], 2u);
  EXPECT_EQ(stats->origins[""], 1u);
  EXPECT_EQ(stats->format_version, store_internal::kFormatVersion);
  EXPECT_GT(stats->file_bytes, 0u);
  EXPECT_GE(stats->map_bytes, stats->file_bytes);
}

// ---- map growth and concurrency ----

std::string FillerSentence(int i, int words) {
  std::string s;
  for (int w = 0; w < words; ++w) {
    s += "كلمة";
    s += std::to_string((i * 31 + w * 7) % 10007);
    s += ' ';
  }
  s += std::to_string(i);
  return s;
}

// With and without write_map (MDB_WRITEMAP, the bulk-import mode): the map grows, everything is read back,
// and a TM written with write_map reopens normally.
class MapGrowthTest : public StoreTest, public ::testing::WithParamInterface<bool> {};

TEST_P(MapGrowthTest, MapGrowsPastASmallInitialSize) {
  StoreOptions options;
  options.initial_map_size = 1 << 20;
  options.sync = false;
  options.write_map = GetParam();
  auto store = OpenOrDie(tm_, options);
  ASSERT_NE(store, nullptr);
  const int kUnits = 16000;  // ~1.3 KB of text per unit: 20 MB of text
  uint64_t text_bytes = 0;
  for (int start = 0; start < kUnits; start += 2000) {
    WriteBatch batch;
    for (int i = start; i < start + 2000; ++i) {
      SegmentPair p = Pair(FillerSentence(i, 100), "filler sentence " + std::to_string(i));
      text_bytes += p.source.size() + p.target.size();
      batch.Add(std::move(p));
    }
    StatusOr<std::vector<WriteResult>> r = store->Write(batch, DuplicatePolicy::kSkip);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  EXPECT_GT(text_bytes, 20u << 20);
  StatusOr<StoreStats> stats = store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->segments, static_cast<uint64_t>(kUnits));
  EXPECT_GT(stats->file_bytes, 20u << 20);
  EXPECT_GE(stats->map_bytes, stats->file_bytes);
  StatusOr<SegmentPair> last = store->Get(kUnits);
  ASSERT_TRUE(last.ok()) << last.status().ToString();
  EXPECT_EQ(last->target, "filler sentence " + std::to_string(kUnits - 1));
  store.reset();
  options.write_map = false;
  auto reopened = OpenOrDie(tm_, options);  // a larger file than the initial map size
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(Count(*reopened), static_cast<uint64_t>(kUnits));
}
INSTANTIATE_TEST_SUITE_P(WriteMap, MapGrowthTest, ::testing::Bool());

TEST_F(StoreTest, SnapshotKeepsItsViewWhileAWriterCommitsAndGrowsTheMap) {
  StoreOptions options;
  options.initial_map_size = 1 << 20;
  options.sync = false;
  auto store = OpenOrDie(tm_, options);
  ASSERT_NE(store, nullptr);
  StatusOr<WriteResult> first = store->Add(Pair("الأصل", "the original"), DuplicatePolicy::kSkip);
  ASSERT_TRUE(first.ok());
  StatusOr<std::unique_ptr<Snapshot>> snap = store->NewSnapshot();
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  const uint64_t map_before = store->Stats()->map_bytes;

  std::atomic<bool> writer_done{false};
  std::atomic<int> batches{0};
  std::thread writer([&] {
    for (int b = 0; b < 8; ++b) {
      WriteBatch batch;
      for (int i = 0; i < 500; ++i) {
        const int n = b * 500 + i;
        batch.Add(Pair(FillerSentence(n, 60), "filler " + std::to_string(n)));
      }
      StatusOr<std::vector<WriteResult>> r = store->Write(batch, DuplicatePolicy::kSkip);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      ++batches;
    }
    SegmentPair changed = Pair("الأصل", "the original, edited");
    changed.id = first->id;
    EXPECT_TRUE(store->Update(changed).ok());
    writer_done = true;
  });
  // Meanwhile the snapshot keeps seeing exactly one unit, unedited.
  int checks = 0;
  while (!writer_done || checks < 3) {
    StatusOr<StoreStats> s = (*snap)->Stats();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(s->segments, 1u);
    int n = 0;
    ASSERT_TRUE((*snap)->ForEach([&](const SegmentPair&) { return ++n, true; }).ok());
    EXPECT_EQ(n, 1);
    StatusOr<SegmentPair> got = (*snap)->Get(first->id);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->target, "the original");
    EXPECT_TRUE((*snap)->Get(2).status().IsNotFound());
    ++checks;
    std::this_thread::yield();
  }
  writer.join();
  EXPECT_EQ(batches.load(), 8);
  EXPECT_GT(store->Stats()->map_bytes, map_before);  // the map grew while the snapshot was held

  EXPECT_EQ((*snap)->Get(first->id)->target, "the original");
  snap->reset();
  StatusOr<std::unique_ptr<Snapshot>> fresh = store->NewSnapshot();
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ((*fresh)->Stats()->segments, 4001u);
  EXPECT_EQ((*fresh)->Get(first->id)->target, "the original, edited");
}

// Another process grows the map beyond ours: our next transaction gets MDB_MAP_RESIZED and must
// adopt the new size (mdb_env_set_mapsize(env, 0)) instead of failing.
TEST_F(StoreTest, AdoptsAMapGrownByAnotherProcess) {
  StoreOptions options;
  options.initial_map_size = 1 << 20;
  auto store = OpenOrDie(tm_, options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Add(Pair("قبل", "before"), DuplicatePolicy::kSkip).ok());
  const uint64_t map_before = store->Stats()->map_bytes;

  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // A fresh environment in the child (never the parent's): a 64 MiB map and 8 MB of data.
    MDB_env* env = nullptr;
    MDB_txn* txn = nullptr;
    MDB_dbi dbi;
    int rc = mdb_env_create(&env);
    if (rc == 0) rc = mdb_env_set_maxdbs(env, 32);
    if (rc == 0) rc = mdb_env_set_mapsize(env, 64 << 20);
    if (rc == 0) rc = mdb_env_open(env, tm_.c_str(), 0, 0644);
    if (rc == 0) rc = mdb_txn_begin(env, nullptr, 0, &txn);
    if (rc == 0) rc = mdb_dbi_open(txn, "index.padding", MDB_CREATE, &dbi);
    std::string blob(8 << 10, 'x');
    for (int i = 0; rc == 0 && i < 1000; ++i) {
      const std::string key = std::to_string(i);
      MDB_val k{key.size(), const_cast<char*>(key.data())}, v{blob.size(), blob.data()};
      rc = mdb_put(txn, dbi, &k, &v, 0);
    }
    if (rc == 0) rc = mdb_txn_commit(txn);
    _exit(rc == 0 ? 0 : 1);
  }
  int wstatus = 0;
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);

  StatusOr<SegmentPair> old = store->Get(1);  // a read first: MDB_MAP_RESIZED on begin is adopted
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  StatusOr<WriteResult> r = store->Add(Pair("بعد", "after"), DuplicatePolicy::kSkip);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  StatusOr<StoreStats> stats = store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->segments, 2u);
  EXPECT_GT(stats->map_bytes, map_before);
  EXPECT_GE(stats->map_bytes, 8u << 20);
}

TEST_F(StoreTest, SnapshotMayOutliveTheStore) {
  auto store = OpenOrDie(tm_);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Add(Pair("باق", "still here"), DuplicatePolicy::kSkip).ok());
  StatusOr<std::unique_ptr<Snapshot>> snap = store->NewSnapshot();
  ASSERT_TRUE(snap.ok());
  store.reset();
  StatusOr<SegmentPair> got = (*snap)->Get(1);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->target, "still here");
}

// ---- opening: foreign, corrupt, other versions ----

TEST_F(StoreTest, RandomBytesInDataFileAreCorruption) {
  fs::create_directories(tm_);
  std::mt19937 rng(7);
  std::ofstream out(fs::path(tm_) / "data.mdb", std::ios::binary);
  for (int i = 0; i < 64 * 1024; ++i) out.put(static_cast<char>(rng()));
  out.close();
  StatusOr<std::unique_ptr<TranslationMemory>> store = TranslationMemory::Open(tm_);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(store.status().IsCorruption()) << store.status().ToString();
  EXPECT_NE(store.status().message().find("not a dhakira TM"), std::string::npos);
  EXPECT_NE(store.status().message().find(tm_), std::string::npos);
}

TEST_F(StoreTest, TextFileAsDataFileIsCorruption) {
  fs::create_directories(tm_);
  std::ofstream(fs::path(tm_) / "data.mdb") << "<?xml version=\"1.0\"?><tmx version=\"1.4\"/>\n";
  StatusOr<std::unique_ptr<TranslationMemory>> store = TranslationMemory::Open(tm_);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(store.status().IsCorruption()) << store.status().ToString();
}

TEST_F(StoreTest, PathThatIsAFileIsCorruption) {
  std::ofstream(tm_) << "just a file\n";
  StatusOr<std::unique_ptr<TranslationMemory>> store = TranslationMemory::Open(tm_);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(store.status().IsCorruption()) << store.status().ToString();
  EXPECT_NE(store.status().message().find("is a file"), std::string::npos);
}

TEST_F(StoreTest, ForeignLmdbEnvironmentIsCorruption) {
  fs::create_directories(tm_);
  {
    RawEnv raw(tm_);
    raw.Put("accounts", "alice", "42");
  }
  StatusOr<std::unique_ptr<TranslationMemory>> store = TranslationMemory::Open(tm_);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(store.status().IsCorruption()) << store.status().ToString();
  EXPECT_NE(store.status().message().find("'meta'"), std::string::npos) << store.status().message();
}

TEST_F(StoreTest, MetaWithoutOurMagicIsCorruption) {
  fs::create_directories(tm_);
  {
    RawEnv raw(tm_);
    raw.Put("meta", "format", "SOMEONE-ELSE");
  }
  StatusOr<std::unique_ptr<TranslationMemory>> store = TranslationMemory::Open(tm_);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(store.status().IsCorruption()) << store.status().ToString();
}

TEST_F(StoreTest, OtherFormatVersionIsFailedPrecondition) {
  { ASSERT_NE(OpenOrDie(tm_), nullptr); }
  {
    RawEnv raw(tm_);
    raw.Put("meta", "format", store_internal::EncodeFormatRecord(store_internal::kFormatVersion + 1));
  }
  StatusOr<std::unique_ptr<TranslationMemory>> store = TranslationMemory::Open(tm_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kFailedPrecondition) << store.status().ToString();
  EXPECT_NE(store.status().message().find("format version 2"), std::string::npos);
}

TEST_F(StoreTest, TruncatedDataFileIsCorruption) {
  {
    auto store = OpenOrDie(tm_);
    ASSERT_NE(store, nullptr);
    WriteBatch batch;
    for (int i = 0; i < 200; ++i) batch.Add(Pair(FillerSentence(i, 30), "t " + std::to_string(i)));
    ASSERT_TRUE(store->Write(batch, DuplicatePolicy::kSkip).ok());
  }
  const fs::path data = fs::path(tm_) / "data.mdb";
  fs::resize_file(data, fs::file_size(data) / 2);
  StatusOr<std::unique_ptr<TranslationMemory>> store = TranslationMemory::Open(tm_);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(store.status().IsCorruption()) << store.status().ToString();
  EXPECT_NE(store.status().message().find("truncated"), std::string::npos);
}

TEST_F(StoreTest, GarbledUnitValueIsCorruption) {
  {
    auto store = OpenOrDie(tm_);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Add(Pair("سليم", "intact"), DuplicatePolicy::kSkip).ok());
    ASSERT_TRUE(store->Add(Pair("تالف", "garbled"), DuplicatePolicy::kSkip).ok());
  }
  {
    RawEnv raw(tm_);
    std::string value = raw.Get("units", IdKey(2));
    ASSERT_GT(value.size(), 10u);
    value[value.size() / 2] ^= 0x20;
    raw.Put("units", IdKey(2), value);
  }
  auto store = OpenOrDie(tm_);
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->Get(1).ok());
  const Status s = store->Get(2).status();
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.message().find("unit 2"), std::string::npos) << s.message();
  int seen = 0;
  const Status fe = store->ForEach([&](const SegmentPair&) { return ++seen, true; });
  EXPECT_TRUE(fe.IsCorruption()) << fe.ToString();
  // A duplicate check that meets the damaged unit reports it rather than guessing.
  EXPECT_TRUE(store->Add(Pair("تالف", "garbled"), DuplicatePolicy::kSkip).status().IsCorruption());
}

// ---- open modes ----

TEST_F(StoreTest, OpenModes) {
  StoreOptions no_create;
  no_create.create_if_missing = false;
  EXPECT_TRUE(TranslationMemory::Open(tm_, no_create).status().IsNotFound());
  StoreOptions ro;
  ro.read_only = true;
  EXPECT_TRUE(TranslationMemory::Open(tm_, ro).status().IsNotFound());
  StoreOptions bad;
  bad.initial_map_size = 100;
  const Status s = TranslationMemory::Open(tm_, bad).status();
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("initial_map_size"), std::string::npos);
  bad = StoreOptions();
  bad.max_readers = 0;
  EXPECT_TRUE(TranslationMemory::Open(tm_, bad).status().IsInvalidArgument());

  {
    auto store = OpenOrDie(tm_);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Add(Pair("نص", "text"), DuplicatePolicy::kSkip).ok());
    // One Store per path per process.
    const Status twice = TranslationMemory::Open(tm_).status();
    EXPECT_EQ(twice.code(), Status::Code::kFailedPrecondition) << twice.ToString();
  }
  auto reader = OpenOrDie(tm_, ro);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(Count(*reader), 1u);
  EXPECT_EQ(reader->Add(Pair("نص آخر", "more"), DuplicatePolicy::kSkip).status().code(),
            Status::Code::kFailedPrecondition);
  EXPECT_EQ(reader->Delete(1).code(), Status::Code::kFailedPrecondition);
}

// ---- the extension point ----

// A toy index: counts units per source token count in "index.test", maintained by hooks.
class CountingHook : public StoreHook {
 public:
  Status Open(const HookOpenContext& ctx) override {
    const int rc = mdb_dbi_open(ctx.txn, "index.test", ctx.read_only ? 0 : MDB_CREATE, &dbi_);
    if (rc != MDB_SUCCESS) return LmdbError(rc, "opening index.test");
    return Status::OK();
  }
  Status OnPut(WriteContext& ctx, const SegmentPair* old_unit, const SegmentPair& unit) override {
    if (unit.source_tokens.empty()) return Status::Internal("no tokens given to the hook");
    if (fail_on_ == unit.target) return Status::Internal("hook refused " + unit.target);
    if (old_unit != nullptr) DHAKIRA_RETURN_IF_ERROR(Bump(ctx, -1));
    return Bump(ctx, +1);
  }
  Status OnDelete(WriteContext& ctx, const SegmentPair&) override { return Bump(ctx, -1); }
  void OnCommit() override { ++commits; }
  void OnAbort() override { ++aborts; }

  int64_t Read(LmdbStore& store) {
    int64_t n = -1;
    Status s = store.Read([&](MDB_txn* txn) {
      MDB_val k{1, const_cast<char*>("n")}, v;
      const int rc = mdb_get(txn, dbi_, &k, &v);
      if (rc == MDB_NOTFOUND) {
        n = 0;
        return Status::OK();
      }
      if (rc != MDB_SUCCESS) return LmdbError(rc, "reading index.test");
      std::memcpy(&n, v.mv_data, sizeof n);
      return Status::OK();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return n;
  }

  std::string fail_on_;
  int commits = 0;
  int aborts = 0;

 private:
  Status Bump(WriteContext& ctx, int64_t delta) {
    MDB_val k{1, const_cast<char*>("n")}, v;
    int64_t n = 0;
    const int rc = mdb_get(ctx.txn(), dbi_, &k, &v);
    if (rc == MDB_SUCCESS) std::memcpy(&n, v.mv_data, sizeof n);
    n += delta;
    MDB_val nv{sizeof n, &n};
    return ctx.Check(mdb_put(ctx.txn(), dbi_, &k, &nv, 0), "writing index.test");
  }
  MDB_dbi dbi_ = 0;
};

TEST_F(StoreTest, HooksWriteInTheSameTransaction) {
  auto hook = std::make_shared<CountingHook>();
  StoreInternalOptions internal;
  internal.hooks.push_back(hook);
  StoreOptions options;
  options.initial_map_size = 1 << 20;
  StatusOr<std::unique_ptr<LmdbStore>> opened = LmdbStore::Open(tm_, options, internal);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  LmdbStore& store = **opened;

  WriteBatch batch;
  for (int i = 0; i < 10; ++i) batch.Add(Pair("جملة " + std::to_string(i), std::to_string(i)));
  ASSERT_TRUE(store.Write(batch, DuplicatePolicy::kSkip).ok());
  EXPECT_EQ(hook->Read(store), 10);
  EXPECT_EQ(hook->commits, 1);

  // A hook error rolls back the units too.
  hook->fail_on_ = "refused";
  WriteBatch bad;
  bad.Add(Pair("مقبول", "accepted"));
  bad.Add(Pair("مرفوض", "refused"));
  EXPECT_FALSE(store.Write(bad, DuplicatePolicy::kSkip).ok());
  EXPECT_EQ(hook->Read(store), 10);
  EXPECT_EQ(Count(store), 10u);
  EXPECT_GE(hook->aborts, 1);
  hook->fail_on_.clear();

  ASSERT_TRUE(store.Delete(3).ok());
  EXPECT_EQ(hook->Read(store), 9);

  // Growth reruns the transaction: the index stays exactly in step with the units.
  WriteBatch big;
  for (int i = 0; i < 3000; ++i) big.Add(Pair(FillerSentence(i, 40), "big " + std::to_string(i)));
  ASSERT_TRUE(store.Write(big, DuplicatePolicy::kSkip).ok());
  EXPECT_EQ(hook->Read(store), 3009);
  EXPECT_EQ(Count(store), 3009u);

  // Reads of the index and the units in one transaction; decode helpers.
  ASSERT_TRUE(store
                  .Read([&](MDB_txn* txn) {
                    SegmentPair u;
                    DHAKIRA_RETURN_IF_ERROR(store.GetUnit(txn, 1, &u));
                    EXPECT_EQ(u.target, "0");
                    int n = 0;
                    DHAKIRA_RETURN_IF_ERROR(store.ForEachUnit(txn, 2, [&](const SegmentPair& x) {
                      EXPECT_GE(x.id, 2u);
                      return ++n < 5;
                    }));
                    EXPECT_EQ(n, 5);
                    return store.GetUnit(txn, 3, &u).IsNotFound() ? Status::OK() : Status::Internal("unit 3");
                  })
                  .ok());

  // A hook attached later sees later writes.
  auto late = std::make_shared<CountingHook>();
  ASSERT_TRUE(store.AttachHook(late).ok());
  ASSERT_TRUE(store.Add(Pair("متأخر", "late"), DuplicatePolicy::kSkip).ok());
  EXPECT_EQ(late->Read(store), 3011);  // same database: both hooks bumped it
}

// A hook opened on a TM that already holds units gets them decoded from the store, in id order, and
// may write to the open transaction while it reads them (the store positions its cursor again).
class BackfillHook : public StoreHook {
 public:
  Status Open(const HookOpenContext& ctx) override {
    int rc = mdb_dbi_open(ctx.txn, "index.backfill", MDB_CREATE | MDB_INTEGERKEY, &dbi_);
    if (rc != MDB_SUCCESS) return LmdbError(rc, "opening index.backfill");
    return ctx.ForEachStoredUnit([&](const SegmentPair& unit) {
      seen.push_back(unit.id);
      targets.push_back(unit.target);
      // One entry per unit, written while the store's cursor is open on the units.
      uint64_t key = unit.id;
      MDB_val k{sizeof key, &key}, v{unit.target.size(), const_cast<char*>(unit.target.data())};
      rc = mdb_put(ctx.txn, dbi_, &k, &v, 0);
      return rc == MDB_SUCCESS ? Status::OK() : LmdbError(rc, "writing index.backfill");
    });
  }
  Status OnPut(WriteContext&, const SegmentPair*, const SegmentPair&) override { return Status::OK(); }
  Status OnDelete(WriteContext&, const SegmentPair&) override { return Status::OK(); }

  std::vector<uint64_t> seen;
  std::vector<std::string> targets;

 private:
  MDB_dbi dbi_ = 0;
};

TEST_F(StoreTest, HookBackfillsFromDecodedUnitsInIdOrder) {
  StoreOptions options;
  options.initial_map_size = 1 << 20;
  {
    StatusOr<std::unique_ptr<LmdbStore>> plain = LmdbStore::Open(tm_, options, StoreInternalOptions());  // no hooks
    ASSERT_TRUE(plain.ok()) << plain.status().ToString();
    WriteBatch batch;
    for (int i = 0; i < 700; ++i) {
      batch.Add(Pair(FillerSentence(i, 12), "target " + std::to_string(i)));
    }
    ASSERT_TRUE((*plain)->Write(batch, DuplicatePolicy::kKeepBoth).ok());
    ASSERT_TRUE((*plain)->Delete(5).ok());
  }
  auto hook = std::make_shared<BackfillHook>();
  StoreInternalOptions internal;
  internal.hooks.push_back(hook);
  StatusOr<std::unique_ptr<LmdbStore>> opened = LmdbStore::Open(tm_, options, internal);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  ASSERT_EQ(hook->seen.size(), 699u);
  EXPECT_EQ(hook->seen.front(), 1u);
  EXPECT_EQ(hook->seen[4], 6u);  // unit 5 was deleted
  EXPECT_EQ(hook->seen.back(), 700u);
  EXPECT_TRUE(std::is_sorted(hook->seen.begin(), hook->seen.end()));
  EXPECT_EQ(hook->targets.back(), "target 699");
}

// Write in two steps: batches prepared in any order (and while another commits) get their ids in the order
// they are committed; a prepared batch belongs to its store and commits once.
TEST_F(StoreTest, PrepareThenCommit) {
  auto store = OpenOrDie(tm_);
  ASSERT_NE(store, nullptr);
  WriteBatch a;
  a.Add(Pair("الأول", "first"));
  a.Add(Pair("الثاني", "second"));
  WriteBatch b;
  b.Add(Pair("الثالث", "third"));
  StatusOr<PreparedBatch> pa = store->Prepare(a, DuplicatePolicy::kSkip);
  ASSERT_TRUE(pa.ok()) << pa.status().ToString();
  StatusOr<PreparedBatch> pb = store->Prepare(b, DuplicatePolicy::kSkip);
  ASSERT_TRUE(pb.ok()) << pb.status().ToString();
  EXPECT_EQ(pa->size(), 2u);
  EXPECT_EQ(Count(*store), 0u) << "Prepare writes nothing";

  auto rb = store->Commit(std::move(*pb));
  ASSERT_TRUE(rb.ok()) << rb.status().ToString();
  ASSERT_EQ(rb->size(), 1u);
  EXPECT_EQ((*rb)[0].id, 1u);
  auto ra = store->Commit(std::move(*pa));
  ASSERT_TRUE(ra.ok()) << ra.status().ToString();
  ASSERT_EQ(ra->size(), 2u);
  EXPECT_EQ((*ra)[0].id, 2u);
  EXPECT_EQ((*ra)[1].id, 3u);

  // Once only: a moved-from batch is empty.
  auto again = store->Commit(std::move(*pa));
  ASSERT_FALSE(again.ok());
  EXPECT_TRUE(again.status().IsInvalidArgument()) << again.status().ToString();

  // Another store's batch is refused.
  auto other = OpenOrDie(dir_.Sub("other"));
  ASSERT_NE(other, nullptr);
  StatusOr<PreparedBatch> foreign = other->Prepare(b, DuplicatePolicy::kKeepBoth);
  ASSERT_TRUE(foreign.ok());
  auto refused = store->Commit(std::move(*foreign));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("another store"), std::string::npos) << refused.status().ToString();

  // So is a batch of a store since closed, even when a new one opens the same path.
  auto closing = OpenOrDie(dir_.Sub("closing"));
  ASSERT_NE(closing, nullptr);
  StatusOr<PreparedBatch> orphan = closing->Prepare(b, DuplicatePolicy::kSkip);
  ASSERT_TRUE(orphan.ok());
  closing.reset();
  auto reopened = OpenOrDie(dir_.Sub("closing"));
  ASSERT_NE(reopened, nullptr);
  auto stale = reopened->Commit(std::move(*orphan));
  ASSERT_FALSE(stale.ok());
  EXPECT_TRUE(stale.status().IsInvalidArgument()) << stale.status().ToString();
  EXPECT_EQ(Count(*reopened), 0u);

  // A bad entry fails Prepare, naming it.
  WriteBatch bad;
  bad.Add(Pair("جيد", "good"));
  bad.Add(Pair(" ", "blank source"));
  StatusOr<PreparedBatch> pbad = store->Prepare(bad, DuplicatePolicy::kSkip);
  ASSERT_FALSE(pbad.ok());
  EXPECT_TRUE(pbad.status().IsInvalidArgument());
  EXPECT_NE(pbad.status().message().find("source"), std::string::npos) << pbad.status().ToString();
  EXPECT_EQ(Count(*store), 3u);
}

TEST_F(StoreTest, PrepareWhileAnotherBatchCommits) {
  auto store = OpenOrDie(tm_);
  ASSERT_NE(store, nullptr);
  WriteBatch big, next;
  for (int i = 0; i < 3000; ++i) big.Add(Pair(FillerSentence(i, 30), "big " + std::to_string(i)));
  for (int i = 0; i < 3000; ++i) next.Add(Pair(FillerSentence(i + 5000, 30), "next " + std::to_string(i)));
  StatusOr<PreparedBatch> pbig = store->Prepare(big, DuplicatePolicy::kSkip);
  ASSERT_TRUE(pbig.ok());
  StatusOr<std::vector<WriteResult>> committed = Status::Internal("not run");
  std::thread writer([&] { committed = store->Commit(std::move(*pbig)); });
  StatusOr<PreparedBatch> pnext = store->Prepare(next, DuplicatePolicy::kSkip);
  writer.join();
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  ASSERT_TRUE(pnext.ok()) << pnext.status().ToString();
  auto r = store->Commit(std::move(*pnext));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3000u);
  EXPECT_EQ(r->front().id, 3001u);
  EXPECT_EQ(Count(*store), 6000u);
}

}  // namespace
}  // namespace dhakira
