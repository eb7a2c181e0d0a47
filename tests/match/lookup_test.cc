// The indexed search against the brute-force scan with no top-k: with a sink that never raises the
// threshold, IndexedSearch must report exactly the units whose fuzzy reaches it. The TM is
// synthetic: a small Zipf-distributed vocabulary, so that posting lists are long and the search
// reads lists beyond the mandatory prefix (the path where only units already seen are counted). Run
// with the dense hit counters and with the hash map that serves TMs of more than kMaxDenseIds
// units.
#include "match/lookup.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "dhakira/match.h"
#include "dhakira/store.h"
#include "index/index_hook.h"
#include "store/store_internal.h"
#include "testing/indexed_tm.h"

namespace dhakira::match {
namespace {

namespace fs = std::filesystem;

// Collects every candidate; the threshold stays where the search started.
class CollectAll : public CandidateSink {
 public:
  explicit CollectAll(double threshold) : threshold_(threshold) {}
  StatusOr<double> Accept(const Candidate& c) override {
    found_[c.id] = c.distance;
    return threshold_;
  }
  const std::map<uint64_t, uint32_t>& found() const { return found_; }

 private:
  double threshold_;
  std::map<uint64_t, uint32_t> found_;  // id -> distance
};

// Keeps the k best fuzzy values seen and raises the threshold to the k-th, as a top-k sink does;
// the search then ends early (the threshold above 100 once k units at 100 are held).
class KeepBest : public CandidateSink {
 public:
  KeepBest(double threshold, size_t k) : threshold_(threshold), k_(k) {}
  StatusOr<double> Accept(const Candidate& c) override {
    best_.insert(c.fuzzy);
    if (best_.size() > k_) best_.erase(best_.begin());
    if (best_.size() < k_) return threshold_;
    const double kth = *best_.begin();
    return kth >= 100 ? 101 : std::max(threshold_, kth);
  }
  std::vector<double> best() const { return {best_.rbegin(), best_.rend()}; }

 private:
  double threshold_;
  size_t k_;
  std::multiset<double> best_;
};

// Word i of the vocabulary: letters only (digits would all be one number token).
std::string Word(size_t i) {
  std::string w = "w";
  do {
    w.push_back(static_cast<char>('a' + i % 26));
    i /= 26;
  } while (i > 0);
  return w;
}

// A query near a stored unit: its tokens with a few dropped or added.
LookupQuery QueryNear(const index::SegRecord& rec, std::mt19937& rng) {
  LookupQuery q;
  q.src_lang = rec.src_lang;
  q.tgt_lang = rec.tgt_lang;
  for (uint32_t t : rec.src) {
    const int r = static_cast<int>(rng() % 10);
    if (r == 0) continue;                                          // dropped
    if (r == 1) q.ids.push_back(rec.src[rng() % rec.src.size()]);  // one more token of the unit
    q.ids.push_back(t);
  }
  if (q.ids.empty()) q.ids = rec.src;
  return q;
}

using test_support::IndexedTm;

class LookupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("dhakira_lookup_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            std::to_string(reinterpret_cast<uintptr_t>(this)));
    fs::remove_all(dir_);
    ASSERT_NO_FATAL_FAILURE(tm_.Open(dir_));

    // 3000 sources of 4..20 words from 60 words, Zipf-like (word k drawn with weight 1/(k+1)).
    std::mt19937 rng(7);
    std::vector<double> weights;
    for (size_t k = 0; k < 60; ++k) weights.push_back(1.0 / static_cast<double>(k + 1));
    std::discrete_distribution<size_t> word(weights.begin(), weights.end());
    const std::string src_lang = "en", tgt_lang = "fr";
    WriteBatch batch;
    for (int u = 0; u < 3000; ++u) {
      const int n = 4 + static_cast<int>(rng() % 17);
      std::string src;
      for (int j = 0; j < n; ++j) {
        if (j > 0) src += ' ';
        src += Word(word(rng));
      }
      SegmentPair p;
      p.src_lang = src_lang;
      p.tgt_lang = tgt_lang;
      p.source = std::move(src);
      p.target = "t " + std::to_string(u);
      batch.Add(std::move(p));
    }
    auto w = tm_.store->Write(batch, DuplicatePolicy::kKeepBoth);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
  }
  void TearDown() override {
    tm_.Close();
    fs::remove_all(dir_);
  }

  fs::path dir_;
  IndexedTm tm_;
};

TEST_F(LookupTest, IndexedEqualsBruteForceWithoutTopKDenseAndSparse) {
  const index::FuzzyIndex& idx = tm_.index();
  Status s = tm_.lmdb->Read([&](MDB_txn* txn) -> Status {
    std::mt19937 rng(11);
    size_t checked = 0, nonempty = 0;
    for (uint64_t id = 1; id <= 3000; id += 37) {
      index::SegRecord rec;
      DHAKIRA_RETURN_IF_ERROR(idx.GetSeg(txn, id, &rec));
      LookupQuery q = QueryNear(rec, rng);
      for (double threshold : {50.0, 70.0, 90.0}) {
        CollectAll want(threshold);
        Searcher brute;
        DHAKIRA_RETURN_IF_ERROR(brute.BruteForceSearch(txn, idx, q, threshold, want, nullptr));
        for (uint64_t max_dense : {kMaxDenseIds, uint64_t{0}}) {
          CollectAll got(threshold);
          Searcher searcher(max_dense);
          DHAKIRA_RETURN_IF_ERROR(searcher.IndexedSearch(txn, idx, q, threshold, got, nullptr));
          EXPECT_EQ(got.found(), want.found())
              << "unit " << id << ", threshold " << threshold << ", max_dense_ids " << max_dense;
          EXPECT_TRUE(searcher.CountersAreClear()) << "unit " << id << ", threshold " << threshold;
        }
        // With a rising threshold (top 3): the same best fuzzy values, and the counters left clear
        // whichever way the search ended.
        KeepBest want_top(threshold, 3), got_top(threshold, 3);
        DHAKIRA_RETURN_IF_ERROR(brute.BruteForceSearch(txn, idx, q, threshold, want_top, nullptr));
        Searcher searcher;
        DHAKIRA_RETURN_IF_ERROR(searcher.IndexedSearch(txn, idx, q, threshold, got_top, nullptr));
        EXPECT_EQ(got_top.best(), want_top.best()) << "unit " << id << ", threshold " << threshold;
        EXPECT_TRUE(searcher.CountersAreClear()) << "unit " << id << ", threshold " << threshold;
        ++checked;
        nonempty += !want.found().empty();
      }
    }
    EXPECT_EQ(checked, 82u * 3);
    EXPECT_GT(nonempty, checked / 2);  // the comparison is not between empty sets
    return Status::OK();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
}

// The list sizes a caller passes (the matcher's table of frequent tokens) only order the lists:
// sizes that are wrong, as after many writes, must not change what is found.
TEST_F(LookupTest, ListSizesGivenByTheCallerDoNotChangeTheResult) {
  const index::FuzzyIndex& idx = tm_.index();
  Status s = tm_.lmdb->Read([&](MDB_txn* txn) -> Status {
    std::mt19937 rng(5);
    size_t checked = 0, nonempty = 0, measured = 0;
    for (uint64_t id = 2; id <= 3000; id += 53) {
      index::SegRecord rec;
      DHAKIRA_RETURN_IF_ERROR(idx.GetSeg(txn, id, &rec));
      LookupQuery q = QueryNear(rec, rng);
      for (double threshold : {50.0, 70.0}) {
        CollectAll want(threshold);
        Searcher brute;
        DHAKIRA_RETURN_IF_ERROR(brute.BruteForceSearch(txn, idx, q, threshold, want, nullptr));

        // Without sizes: the searcher measures every first occurrence of a known token.
        Searcher searcher;
        CollectAll plain(threshold);
        DHAKIRA_RETURN_IF_ERROR(searcher.IndexedSearch(txn, idx, q, threshold, plain, nullptr));
        EXPECT_EQ(plain.found(), want.found()) << "unit " << id << ", threshold " << threshold;
        const std::vector<uint64_t> true_sizes = searcher.measured_list_sizes();
        if (true_sizes.size() != q.ids.size()) {
          ADD_FAILURE() << "measured_list_sizes: " << true_sizes.size() << " for " << q.ids.size() << " ids";
          continue;
        }
        for (uint64_t size : true_sizes) measured += size != kUnknownListSize && size > 0;

        // The true sizes, then sizes in the reverse order of the truth, then random ones, a
        // third of them 0.
        std::vector<std::vector<uint64_t>> hints(3, std::vector<uint64_t>(q.ids.size()));
        for (size_t i = 0; i < q.ids.size(); ++i) {
          const uint64_t size = true_sizes[i];
          hints[0][i] = size;
          hints[1][i] = size == kUnknownListSize ? size : 1'000'000 - std::min<uint64_t>(size, 999'999);
          const uint32_t r = rng() % 3;
          hints[2][i] = r == 0 ? kUnknownListSize : r == 1 ? 0 : rng() % 5000;
        }
        for (size_t h = 0; h < hints.size(); ++h) {
          q.list_sizes = hints[h];
          CollectAll got(threshold);
          DHAKIRA_RETURN_IF_ERROR(searcher.IndexedSearch(txn, idx, q, threshold, got, nullptr));
          EXPECT_EQ(got.found(), want.found()) << "unit " << id << ", threshold " << threshold << ", sizes " << h;
          EXPECT_TRUE(searcher.CountersAreClear()) << "unit " << id << ", sizes " << h;
          // A size given is not measured again.
          const std::vector<uint64_t>& again = searcher.measured_list_sizes();
          for (size_t i = 0; i < again.size() && i < q.list_sizes.size(); ++i) {
            if (q.list_sizes[i] != kUnknownListSize) {
              EXPECT_EQ(again[i], kUnknownListSize);
            }
          }
        }
        q.list_sizes.clear();
        ++checked;
        nonempty += !want.found().empty();
      }
    }
    EXPECT_EQ(checked, 57u * 2);
    EXPECT_GT(nonempty, checked / 2);
    EXPECT_GT(measured, checked);  // sizes were measured, so the hints above were real ones
    return Status::OK();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
}

// Once a source language has kMaskAfterUnits units, every source posting written after carries a
// mask of the language's 16 largest features, and a lookup reads none of their lists after the
// prefix: a unit whose mask lacks one is known not to share it. Units written before the choice
// (mask unknown), after it, updated and deleted must all be found exactly as brute force finds
// them. The count of units that triggers the choice goes on across transactions and processes.
TEST(LookupMaskTest, MasksOfFrequentFeaturesAreLossless) {
  const fs::path dir = fs::temp_directory_path() / ("dhakira_lookup_mask_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  IndexedTm tm;
  ASSERT_NO_FATAL_FAILURE(tm.Open(dir));

  std::mt19937 rng(17);
  std::vector<double> weights;
  for (size_t k = 0; k < 60; ++k) weights.push_back(1.0 / static_cast<double>(k + 1));
  std::discrete_distribution<size_t> word(weights.begin(), weights.end());
  auto unit = [&](int u) {
    SegmentPair p;
    p.src_lang = "en";
    p.tgt_lang = "fr";
    const int n = 4 + static_cast<int>(rng() % 17);
    for (int j = 0; j < n; ++j) {
      if (j > 0) p.source += ' ';
      p.source += Word(word(rng));
    }
    p.target = "t " + std::to_string(u);
    return p;
  };
  auto write = [&](const WriteBatch& batch) {
    auto w = tm.store->Write(batch, DuplicatePolicy::kKeepBoth);
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    std::vector<uint64_t> ids;
    if (w.ok()) {
      for (const WriteResult& r : *w) ids.push_back(r.id);
    }
    return ids;
  };
  auto mask_features = [&] {
    std::vector<uint64_t> features;
    Status s = tm.lmdb->Read([&](MDB_txn* txn) { return tm.index().MaskFeatures(txn, "en", &features); });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return features;
  };

  WriteBatch first;
  for (uint64_t u = 0; u < index::kMaskAfterUnits - 1; ++u) first.Add(unit(static_cast<int>(u)));
  const std::vector<uint64_t> before = write(first);
  ASSERT_EQ(before.size(), index::kMaskAfterUnits - 1);
  EXPECT_TRUE(mask_features().empty()) << "chosen before kMaskAfterUnits units";
  ASSERT_NO_FATAL_FAILURE(tm.Open(dir));  // the count of units goes on in another process
  WriteBatch one;
  one.Add(unit(-1));
  ASSERT_EQ(write(one).size(), 1u);
  const std::vector<uint64_t> chosen = mask_features();
  ASSERT_EQ(chosen.size(), static_cast<size_t>(index::kMaskBits));

  WriteBatch second;
  for (int u = 0; u < 2000; ++u) second.Add(unit(20000 + u));
  const std::vector<uint64_t> after = write(second);
  ASSERT_EQ(after.size(), 2000u);
  // Updates (their postings and mask rewritten) and deletes (their postings found by their mask).
  WriteBatch changes;
  for (size_t i = 0; i < 200; ++i) {
    SegmentPair p = unit(30000 + static_cast<int>(i));
    p.id = after[i * 5];
    changes.Update(std::move(p));
    changes.Delete(after[i * 5 + 1]);
    changes.Delete(before[i * 37]);
  }
  ASSERT_EQ(write(changes).size(), 600u);
  EXPECT_EQ(mask_features(), chosen) << "mask features must never change once chosen";

  Status s = tm.lmdb->Read([&](MDB_txn* txn) -> Status {
    // The masks written: unknown before the choice, exact after it.
    size_t masked = 0, unknown = 0;
    for (uint64_t id : {before[1], before[5000], after[0], after[2], after[1999]}) {
      index::SegRecord rec;
      DHAKIRA_RETURN_IF_ERROR(tm.index().GetSeg(txn, id, &rec));
      const std::vector<uint64_t> features = index::Features(rec.src, true);
      uint16_t want = 0;
      for (size_t b = 0; b < chosen.size(); ++b) {
        if (std::binary_search(features.begin(), features.end(), chosen[b])) {
          want = static_cast<uint16_t>(want | (1u << b));
        }
      }
      if (id <= before.back()) {
        EXPECT_EQ(rec.mask, index::kMaskUnknown) << "unit " << id;
        ++unknown;
      } else {
        EXPECT_EQ(rec.mask, want) << "unit " << id;
        masked += rec.mask != index::kMaskUnknown;
      }
    }
    EXPECT_EQ(unknown, 2u);
    EXPECT_EQ(masked, 3u);

    // Queries near units of both kinds; the updated units are queried by their new text.
    size_t checked = 0, nonempty = 0;
    for (size_t i = 0; i < 60; ++i) {
      size_t k = 1 + i * 150;
      if (k % 37 == 0) ++k;  // not a deleted one
      const uint64_t id = i % 2 == 0 ? before[k] : after[i * 30];
      index::SegRecord rec;
      DHAKIRA_RETURN_IF_ERROR(tm.index().GetSeg(txn, id, &rec));
      LookupQuery q = QueryNear(rec, rng);
      for (double threshold : {50.0, 70.0, 90.0}) {
        CollectAll want(threshold), got(threshold);
        Searcher brute, searcher;
        DHAKIRA_RETURN_IF_ERROR(brute.BruteForceSearch(txn, tm.index(), q, threshold, want, nullptr));
        DHAKIRA_RETURN_IF_ERROR(searcher.IndexedSearch(txn, tm.index(), q, threshold, got, nullptr));
        EXPECT_EQ(got.found(), want.found()) << "unit " << id << ", threshold " << threshold;
        EXPECT_TRUE(searcher.CountersAreClear()) << "unit " << id;
        KeepBest want_top(threshold, 3), got_top(threshold, 3);
        DHAKIRA_RETURN_IF_ERROR(brute.BruteForceSearch(txn, tm.index(), q, threshold, want_top, nullptr));
        DHAKIRA_RETURN_IF_ERROR(searcher.IndexedSearch(txn, tm.index(), q, threshold, got_top, nullptr));
        EXPECT_EQ(got_top.best(), want_top.best()) << "unit " << id << ", threshold " << threshold;
        ++checked;
        nonempty += !want.found().empty();
      }
    }
    EXPECT_EQ(checked, 180u);
    EXPECT_GT(nonempty, checked / 2);
    return Status::OK();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  tm.Close();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace dhakira::match
