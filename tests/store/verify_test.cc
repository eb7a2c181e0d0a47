// Meta-page validation on open and the structural check (CheckTm), on real LMDB files damaged
// byte by byte the way users saw them damaged (issue #15).
#include "store/verify.h"

#include <gtest/gtest.h>
#include <lmdb.h>
#include <stdlib.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "dhakira/store.h"
#include "dhakira/translation_memory.h"
#include "store/encoding.h"

namespace dhakira {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kPageSize = 4096;  // what LMDB picks on x86-64 Linux (the OS page size)

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::path(::testing::TempDir()) / "dhakira_verify_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    tm_ = (dir_ / "tm").string();
    data_ = (dir_ / "tm" / "data.mdb").string();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // A TM of `n` pairs over several pages: some targets long enough for overflow pages, then some
  // deletes and updates so that pages were freed and nodes moved.
  void MakeTm(int n) {
    StatusOr<std::unique_ptr<TranslationMemory>> store = TranslationMemory::Open(tm_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    WriteBatch batch;
    for (int i = 0; i < n; ++i) {
      SegmentPair p;
      p.src_lang = "ar";
      p.tgt_lang = "en";
      p.source = "جملة رقم " + std::to_string(i) + " عن الاجتماع في المدينة";
      p.target = "Sentence " + std::to_string(i) + (i % 25 == 0 ? std::string(6000, 'x') : "");
      p.origin = "O" + std::to_string(i % 3);
      batch.Add(std::move(p));
    }
    ASSERT_TRUE((*store)->Write(batch, DuplicatePolicy::kSkip).ok());
    for (uint64_t id = 3; id <= static_cast<uint64_t>(n); id += 7) {
      ASSERT_TRUE((*store)->Delete(id).ok());
    }
    StatusOr<SegmentPair> p = (*store)->Get(2);
    ASSERT_TRUE(p.ok());
    p->note = "updated";
    ASSERT_TRUE((*store)->Update(*p).ok());
  }

  // Overwrites bytes of data.mdb at `offset`.
  void Poke(uint64_t offset, const std::string& bytes) {
    std::fstream f(data_, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f.good());
    f.seekp(static_cast<std::streamoff>(offset));
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  std::string Peek(uint64_t offset, size_t n) {
    std::ifstream f(data_, std::ios::binary);
    std::string out(n, '\0');
    f.seekg(static_cast<std::streamoff>(offset));
    f.read(out.data(), static_cast<std::streamsize>(n));
    return out;
  }

  // Store::Open fails with Corruption whose message contains every one of `parts`.
  void ExpectOpenCorruption(const std::vector<std::string>& parts) {
    StatusOr<std::unique_ptr<TranslationMemory>> store = TranslationMemory::Open(tm_);
    ASSERT_FALSE(store.ok());
    EXPECT_TRUE(store.status().IsCorruption()) << store.status().ToString();
    for (const std::string& part : parts) {
      EXPECT_NE(store.status().message().find(part), std::string::npos)
          << "'" << part << "' not in: " << store.status().message();
    }
  }

  // CheckTm reports damage, and one problem contains `part`.
  void ExpectCheckFinds(const std::string& part, CheckOptions options = {}) {
    StatusOr<CheckReport> r = CheckTm(tm_, options);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_FALSE(r->ok());
    ASSERT_FALSE(r->problems.empty());
    bool found = false;
    for (const std::string& p : r->problems) found = found || p.find(part) != std::string::npos;
    EXPECT_TRUE(found) << "'" << part << "' not in the first problem: " << r->problems[0];
  }

  fs::path dir_;
  std::string tm_, data_;
};

TEST_F(VerifyTest, SoundTmIsOkWithItsCounts) {
  MakeTm(300);
  StatusOr<CheckReport> r = CheckTm(tm_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (const std::string& p : r->problems) ADD_FAILURE() << p;
  EXPECT_TRUE(r->ok());
  EXPECT_EQ(r->page_size, kPageSize);
  EXPECT_EQ(r->units, 300u - 43u);  // ids 3, 10, ..., 297 deleted
  EXPECT_EQ(r->databases["units"], r->units);
  EXPECT_EQ(r->databases["dedup"], r->units);
  EXPECT_GT(r->overflow_pages, 0u);
  EXPECT_GT(r->branch_pages, 0u);
  EXPECT_GT(r->free_pages, 0u);
  EXPECT_EQ(r->unaccounted_pages, 0u);
  EXPECT_EQ(r->pages, fs::file_size(data_) / kPageSize);
}

// Issue #15: 8 bytes changed in meta page 1's page-size field killed every command in
// mdb_env_open.
TEST_F(VerifyTest, PageSizeFieldOfMetaPage1IsCorruptionOnOpen) {
  MakeTm(40);
  Poke(kPageSize + 16 + 24, std::string(8, '\x41'));
  ExpectOpenCorruption({"opening TM at " + tm_, "data.mdb", "meta page 1", "page size 1094795585"});
  ExpectCheckFinds("meta page 1: page size");
}

TEST_F(VerifyTest, PageSizeOfMetaPage0NotAPowerOfTwo) {
  MakeTm(40);
  Poke(16 + 24, std::string("\x01\x10\x00\x00", 4));  // 4097
  ExpectOpenCorruption({"meta page 0", "page size 4097"});
}

TEST_F(VerifyTest, ForeignMagicIsNotADhakiraTm) {
  MakeTm(10);
  Poke(16, "\xDE\xC0\xEF\xBF");
  ExpectOpenCorruption({"not a dhakira TM", "meta page 0", "magic"});
}

TEST_F(VerifyTest, LastPageBeyondTheFileIsTruncation) {
  MakeTm(40);
  for (uint64_t meta : {uint64_t{0}, kPageSize}) Poke(meta + 16 + 120, std::string("\xff\xff\x00\x00", 4));
  ExpectOpenCorruption({"truncated", "names pages up to 65535"});
}

TEST_F(VerifyTest, RootOutsideTheFileIsCorruption) {
  MakeTm(40);
  // The main database's root in both meta pages.
  for (uint64_t meta : {uint64_t{0}, kPageSize}) Poke(meta + 16 + 24 + 48 + 40, std::string("\x00\x00\x10\x00", 4));
  ExpectOpenCorruption({"root page 1048576", "main database"});
}

TEST_F(VerifyTest, TxnidsThatDoNotAlternateAreCorruption) {
  MakeTm(10);
  Poke(kPageSize + 16 + 128, std::string("\x00\x00\x00\x00\x00\x00\x00\x40", 8));
  ExpectOpenCorruption({"meta pages 0 and 1 record transactions"});
}

TEST_F(VerifyTest, GarbledUnitValueIsFoundOnlyWhenDecoding) {
  MakeTm(40);
  {
    // Flip the last byte of unit 5's value (its CRC) through LMDB itself.
    MDB_env* env = nullptr;
    ASSERT_EQ(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 32);
    ASSERT_EQ(mdb_env_open(env, tm_.c_str(), 0, 0644), 0);
    MDB_txn* txn = nullptr;
    ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
    MDB_dbi dbi;
    ASSERT_EQ(mdb_dbi_open(txn, "units", 0, &dbi), 0);
    char key[8];
    store_internal::EncodeIdKey(5, key);
    MDB_val k{8, key}, v;
    ASSERT_EQ(mdb_get(txn, dbi, &k, &v), 0);
    std::string value(static_cast<char*>(v.mv_data), v.mv_size);
    value.back() ^= 1;
    MDB_val nv{value.size(), value.data()};
    ASSERT_EQ(mdb_put(txn, dbi, &k, &nv, 0), 0);
    ASSERT_EQ(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
  }
  ExpectCheckFinds("unit 5:");
  CheckOptions structure;
  structure.decode_units = false;
  StatusOr<CheckReport> r = CheckTm(tm_, structure);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->ok()) << (r->problems.empty() ? "" : r->problems[0]);
}

// Writes raw records into the store's databases, as a buggy or foreign writer would.
void RawPut(const std::string& tm, const char* db, const std::string& key, const std::string& value, bool del = false) {
  MDB_env* env = nullptr;
  ASSERT_EQ(mdb_env_create(&env), 0);
  mdb_env_set_maxdbs(env, 32);
  ASSERT_EQ(mdb_env_open(env, tm.c_str(), 0, 0644), 0);
  MDB_txn* txn = nullptr;
  ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
  MDB_dbi dbi;
  ASSERT_EQ(mdb_dbi_open(txn, db, 0, &dbi), 0);
  MDB_val k{key.size(), const_cast<char*>(key.data())};
  MDB_val v{value.size(), const_cast<char*>(value.data())};
  ASSERT_EQ(del ? mdb_del(txn, dbi, &k, nullptr) : mdb_put(txn, dbi, &k, &v, 0), 0);
  ASSERT_EQ(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
}

TEST_F(VerifyTest, StatsCounterThatDisagreesWithTheUnits) {
  MakeTm(40);
  std::string counter;
  store_internal::EncodeCounter(99, &counter);
  RawPut(tm_, "stats", "Oorigin-nobody-has", counter);
  ExpectCheckFinds("database 'stats'");
}

TEST_F(VerifyTest, UnitWithoutItsDedupEntry) {
  MakeTm(40);
  // Drop every dedup entry of one hash: that unit then has none.
  StatusOr<std::unique_ptr<TranslationMemory>> store = TranslationMemory::Open(tm_);
  ASSERT_TRUE(store.ok());
  StatusOr<SegmentPair> p = (*store)->Get(7);
  ASSERT_TRUE(p.ok());
  store->reset();
  const uint64_t h = store_internal::DedupHash(p->src_lang, p->tgt_lang, p->source, p->target);
  char key[8];
  store_internal::EncodeIdKey(h, key);
  RawPut(tm_, "dedup", std::string(key, 8), "", /*del=*/true);
  ExpectCheckFinds("unit 7 has no entry");
}

// Issue #15: one byte changed in a B-tree page's first node pointer killed `export` inside
// mdb_cursor_get. Every leaf or branch page of the current tree must be reported by page number.
TEST_F(VerifyTest, FirstNodePointerOfEveryLivePageIsReported) {
  MakeTm(120);
  const std::string original = Peek(0, fs::file_size(data_));
  const uint64_t pages = original.size() / kPageSize;
  int reported = 0;
  for (uint64_t pg = 2; pg < pages; ++pg) {
    const uint16_t flags = static_cast<uint16_t>(original[pg * kPageSize + 10]);
    if ((flags & 0x03) == 0) continue;  // not a branch or leaf page
    Poke(0, original);
    Poke(pg * kPageSize + 16, std::string(1, static_cast<char>(original[pg * kPageSize + 16] ^ 0x5a)));
    StatusOr<CheckReport> r = CheckTm(tm_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    if (r->ok()) continue;  // a free page (an older version of a page): LMDB never reads it
    ++reported;
    ASSERT_FALSE(r->problems.empty());
    EXPECT_NE(r->problems[0].find("page " + std::to_string(pg)), std::string::npos) << r->problems[0];
  }
  EXPECT_GE(reported, 5);
}

// A page whose free-space bound `upper` moved by two bytes still has every node inside the page and
// in order; only the packing of the node area shows it (structure-only check).
TEST_F(VerifyTest, NodeAreaThatDoesNotAddUpIsReported) {
  MakeTm(120);
  const std::string original = Peek(0, fs::file_size(data_));
  const uint64_t pages = original.size() / kPageSize;
  CheckOptions structure;
  structure.decode_units = false;
  int reported = 0;
  for (uint64_t pg = 2; pg < pages; ++pg) {
    const char* page = original.data() + pg * kPageSize;
    if ((static_cast<uint16_t>(page[10]) & 0x23) != 0x02) continue;  // plain leaf pages
    uint16_t upper;
    std::memcpy(&upper, page + 14, 2);
    upper -= 2;
    Poke(0, original);
    Poke(pg * kPageSize + 14, std::string(reinterpret_cast<const char*>(&upper), 2));
    StatusOr<CheckReport> r = CheckTm(tm_, structure);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    if (r->ok()) continue;  // a free page
    ++reported;
    ASSERT_FALSE(r->problems.empty());
    EXPECT_NE(r->problems[0].find("page " + std::to_string(pg) + " "), std::string::npos) << r->problems[0];
    EXPECT_NE(r->problems[0].find("node area"), std::string::npos) << r->problems[0];
  }
  EXPECT_GE(reported, 5);
}

TEST_F(VerifyTest, PageReachedTwiceIsReported) {
  MakeTm(120);
  // Make the main database's root (a leaf naming the databases) point a database at a page that
  // another one already uses: copy the 'units' record's root into the 'stats' record.
  const std::string all = Peek(0, fs::file_size(data_));
  const uint64_t t0 = *reinterpret_cast<const uint64_t*>(all.data() + 16 + 128);
  const uint64_t t1 = *reinterpret_cast<const uint64_t*>(all.data() + kPageSize + 16 + 128);
  const uint64_t meta = t1 > t0 ? kPageSize : 0;
  const uint64_t root = *reinterpret_cast<const uint64_t*>(all.data() + meta + 16 + 24 + 48 + 40);
  ASSERT_LT(root * kPageSize, all.size());
  const std::string page = all.substr(root * kPageSize, kPageSize);
  const size_t units = page.find("units"), stats = page.find("stats");
  ASSERT_NE(units, std::string::npos);
  ASSERT_NE(stats, std::string::npos);
  // Node layout: the key, then the 48-byte MDB_db record whose last 8 bytes are the root.
  Poke(root * kPageSize + stats + 5 + 40, page.substr(units + 5 + 40, 8));
  ExpectCheckFinds("reached a second time");
}

TEST_F(VerifyTest, BadOptionsAndMissingTm) {
  CheckOptions bad;
  bad.max_problems = 0;
  MakeTm(3);
  EXPECT_TRUE(CheckTm(tm_, bad).status().IsInvalidArgument());
  EXPECT_TRUE(CheckTm((dir_ / "nothing").string()).status().IsNotFound());
}

// Meta validation is two preads; this prints what it costs next to a whole open (not a pass/fail
// figure: the machine is shared).
// What the meta check costs next to an open is measured in benchmarks/check_bench.cc, not here.

// The CLI bounds the walk it runs before a command (cli.cc): a TM above max_walk_bytes gets only
// its meta pages checked, and the report says so.
TEST_F(VerifyTest, MaxWalkBytesLeavesALargerTmUnwalked) {
  MakeTm(300);
  CheckOptions bounded;
  bounded.decode_units = false;
  bounded.max_walk_bytes = 4096;  // fewer bytes than any TM's pages
  StatusOr<CheckReport> skipped = CheckTm(tm_, bounded);
  ASSERT_TRUE(skipped.ok()) << skipped.status().ToString();
  EXPECT_FALSE(skipped->walked);
  EXPECT_TRUE(skipped->ok());
  EXPECT_GT(skipped->pages, 1u);
  EXPECT_EQ(skipped->leaf_pages, 0u);

  bounded.max_walk_bytes = 0;  // any size
  StatusOr<CheckReport> walked = CheckTm(tm_, bounded);
  ASSERT_TRUE(walked.ok()) << walked.status().ToString();
  EXPECT_TRUE(walked->walked);
  EXPECT_GT(walked->leaf_pages, 0u);
}

}  // namespace
}  // namespace dhakira
