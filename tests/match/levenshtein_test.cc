// Bit-parallel token Levenshtein against the plain DP oracle, and the threshold arithmetic behind the
// lossless filters checked against their definitions.
#include "match/levenshtein.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <vector>

namespace dhakira::match {
namespace {

std::vector<uint32_t> RandomSeq(std::mt19937& rng, uint32_t len, uint32_t alphabet) {
  std::uniform_int_distribution<uint32_t> pick(0, alphabet - 1);
  std::vector<uint32_t> v(len);
  for (auto& x : v) x = pick(rng) * 7919u + 3u;  // spread ids to exercise the hash table
  return v;
}

TEST(BitParallelLevenshtein, EqualsDynamicProgrammingOnRandomSequences) {
  std::mt19937 rng(42);
  // Lengths around and across the 64-token block boundary.
  const uint32_t lengths[] = {1, 2, 5, 17, 63, 64, 65, 100, 127, 128, 129, 200};
  for (uint32_t m : lengths) {
    for (uint32_t n : lengths) {
      for (uint32_t alphabet : {2u, 5u, 50u}) {
        const auto a = RandomSeq(rng, m, alphabet);
        const auto b = RandomSeq(rng, n, alphabet);
        BitParallelLevenshtein lev(a);
        const uint32_t want = LevenshteinDP(a, b);
        ASSERT_EQ(lev.Distance(b), want) << "m=" << m << " n=" << n << " alphabet=" << alphabet;
        // Reuse of the same object must not carry state over.
        ASSERT_EQ(lev.Distance(b), want);
      }
    }
  }
}

TEST(BitParallelLevenshtein, EarlyExitIsExactUpToTheLimit) {
  std::mt19937 rng(7);
  for (int iter = 0; iter < 500; ++iter) {
    const auto a = RandomSeq(rng, 1 + rng() % 90, 4);
    auto b = a;
    // A few random edits.
    const int edits = static_cast<int>(rng() % 12);
    for (int e = 0; e < edits; ++e) {
      const uint32_t op = rng() % 3;
      if (op == 0 && !b.empty()) {
        b[rng() % b.size()] = 999;
      } else if (op == 1) {
        b.insert(b.begin() + static_cast<long>(rng() % (b.size() + 1)), 998);
      } else if (!b.empty()) {
        b.erase(b.begin() + static_cast<long>(rng() % b.size()));
      }
    }
    const uint32_t want = LevenshteinDP(a, b);
    BitParallelLevenshtein lev(a);
    for (int32_t k = 0; k < 15; ++k) {
      const uint32_t got = lev.Distance(b, k);
      if (want <= static_cast<uint32_t>(k)) {
        ASSERT_EQ(got, want) << "k=" << k;
      } else {
        ASSERT_EQ(got, static_cast<uint32_t>(k) + 1) << "k=" << k << " want=" << want;
      }
    }
  }
}

TEST(BitParallelLevenshtein, EmptySides) {
  const std::vector<uint32_t> empty;
  const std::vector<uint32_t> abc = {1, 2, 3};
  BitParallelLevenshtein lev_empty(empty);
  EXPECT_EQ(lev_empty.Distance(abc), 3u);
  BitParallelLevenshtein lev(abc);
  EXPECT_EQ(lev.Distance(empty), 3u);
  EXPECT_EQ(lev.Distance(abc), 0u);
}

TEST(Align, CostEqualsDistanceAndPairsEqualTokens) {
  std::mt19937 rng(3);
  for (int iter = 0; iter < 300; ++iter) {
    const auto a = RandomSeq(rng, rng() % 40, 5);
    const auto b = RandomSeq(rng, rng() % 40, 5);
    const auto al = Align(a, b);
    uint32_t cost = 0;
    int32_t next_a = 0, next_b = 0;
    for (const auto& [i, j] : al) {
      if (i >= 0) {
        ASSERT_EQ(i, next_a++);
      }
      if (j >= 0) {
        ASSERT_EQ(j, next_b++);
      }
      if (i < 0 || j < 0 || a[i] != b[j]) ++cost;
    }
    ASSERT_EQ(next_a, static_cast<int32_t>(a.size()));
    ASSERT_EQ(next_b, static_cast<int32_t>(b.size()));
    ASSERT_EQ(cost, LevenshteinDP(a, b));
  }
}

TEST(ThresholdArithmetic, MaxDistanceMatchesFuzzyPercent) {
  for (double t : {1.0, 33.3, 50.0, 66.67, 70.0, 75.0, 85.0, 90.0, 95.0, 99.5, 100.0}) {
    for (uint32_t longer = 1; longer <= 300; ++longer) {
      const int32_t k = MaxDistance(longer, t);
      ASSERT_GE(k, 0);
      ASSERT_GE(FuzzyPercent(static_cast<uint32_t>(k), longer), t) << longer << " " << t;
      if (static_cast<uint32_t>(k) < longer) {
        ASSERT_LT(FuzzyPercent(static_cast<uint32_t>(k) + 1, longer), t) << longer << " " << t;
      }
    }
  }
  EXPECT_EQ(MaxDistance(10, 70), 3);
  EXPECT_EQ(MaxDistance(10, 100), 0);
}

TEST(ThresholdArithmetic, FeasibleLengthsAreExactlyTheLengthsThatCanReachTheThreshold) {
  for (double t : {1.0, 50.0, 70.0, 90.0, 100.0}) {
    for (uint32_t m = 1; m <= 120; ++m) {
      const LengthRange r = FeasibleLengths(m, t);
      for (uint32_t n = 1; n <= 400; ++n) {
        const uint32_t longer = std::max(m, n);
        const uint32_t gap = m > n ? m - n : n - m;
        const bool feasible = static_cast<int32_t>(gap) <= MaxDistance(longer, t);
        ASSERT_EQ(feasible, n >= r.lo && n <= r.hi) << "m=" << m << " n=" << n << " t=" << t;
      }
    }
  }
}

// The count filter must never reject a pair that reaches the threshold.
TEST(ThresholdArithmetic, MinOverlapIsLossless) {
  std::mt19937 rng(11);
  uint64_t reaching = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    const auto a = RandomSeq(rng, 1 + rng() % 30, 6);
    auto b = RandomSeq(rng, 1 + rng() % 30, 6);
    std::map<uint32_t, int> ca, cb;
    for (auto x : a) ++ca[x];
    for (auto x : b) ++cb[x];
    uint32_t overlap = 0;
    for (auto& [x, c] : ca) overlap += static_cast<uint32_t>(std::min(c, cb[x]));
    const uint32_t d = LevenshteinDP(a, b);
    const uint32_t longer = static_cast<uint32_t>(std::max(a.size(), b.size()));
    for (double t : {30.0, 50.0, 70.0, 90.0}) {
      if (FuzzyPercent(d, longer) >= t) {
        ++reaching;
        ASSERT_GE(overlap, MinOverlap(static_cast<uint32_t>(a.size()), static_cast<uint32_t>(b.size()), t));
      }
    }
    ASSERT_GE(MinOverlap(static_cast<uint32_t>(a.size()), static_cast<uint32_t>(b.size()), 1.0), 1u);
  }
  EXPECT_GT(reaching, 1000u);  // the property was exercised
}

}  // namespace
}  // namespace dhakira::match
