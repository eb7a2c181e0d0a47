// Token-level Levenshtein distance (unit costs) over token ids, and the threshold arithmetic that the
// lossless candidate filters derive from the fuzzy formula.
//
// Fuzzy score of a TM source against a query (README "Score"):
//   fuzzy = 100 × (1 − D / max(|query|, |source|)),  D = token Levenshtein distance, unit costs.
// Everything here is pure and thread-compatible (no shared state).
#ifndef DHAKIRA_MATCH_LEVENSHTEIN_H_
#define DHAKIRA_MATCH_LEVENSHTEIN_H_

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace dhakira::match {

// The fuzzy percentage for distance `d` between sequences whose longer one has `longer` tokens.
// 0 when longer == 0 (nothing to compare). The one definition every filter and scorer uses, so that
// floating-point rounding can never make a filter disagree with the score.
double FuzzyPercent(uint32_t d, uint32_t longer);

// The largest distance d (0..longer) with FuzzyPercent(d, longer) >= threshold; -1 when none (only when
// threshold > 100). Threshold in percent, (0, 100].
int32_t MaxDistance(uint32_t longer, double threshold);

// Length filter: the lengths n of a source that can reach `threshold` against a query of m tokens satisfy
// lo <= n <= hi. Proof: D >= |m − n|, so |m − n| <= MaxDistance(max(m, n)). Requires m >= 1, threshold > 0.
struct LengthRange {
  uint32_t lo = 0;
  uint32_t hi = 0;
};
LengthRange FeasibleLengths(uint32_t m, double threshold, uint32_t max_len = 1u << 20);

// Count filter: a source of n tokens can reach `threshold` against a query of m tokens only if the two
// share at least MinOverlap(m, n, threshold) tokens as multisets. Proof: an alignment with a matches,
// s substitutions, i insertions and d deletions has m = a+s+d, n = a+s+i, D = s+i+d >= max(m,n) − a, and
// a <= |query ∩ source| (multiset). Always >= 1 for threshold > 0 (FuzzyPercent(longer, longer) = 0).
uint32_t MinOverlap(uint32_t m, uint32_t n, double threshold);

// Bit-parallel Levenshtein distance of a fixed pattern (the query) against many texts: Myers (1999),
// "A fast bit-vector algorithm for approximate string matching based on dynamic programming", J. ACM 46(3),
// with Hyyrö's (2001/2003) formulation for global edit distance (D[0][j] = j: a +1 horizontal delta enters the
// first block) and Myers' block decomposition for patterns longer than 64 tokens. O(⌈m/64⌉·n) per text.
//
// Not thread-safe (keeps per-call scratch); cheap to create, one per query.
class BitParallelLevenshtein {
 public:
  explicit BitParallelLevenshtein(std::span<const uint32_t> pattern);

  uint32_t pattern_size() const { return m_; }

  // Distance to `text`, or max_distance + 1 as soon as the distance is proven to exceed max_distance
  // (early exit: D[m][n] >= D[m][j] − (n − j), each later column lowers the last row by at most one).
  // max_distance < 0 means "no limit".
  uint32_t Distance(std::span<const uint32_t> text, int32_t max_distance = -1);

 private:
  const uint64_t* Peq(uint32_t token) const;  // masks of `token`, one per block; a zero row when absent

  uint32_t m_ = 0;
  uint32_t blocks_ = 0;
  uint64_t last_bit_ = 0;  // bit of row m in the last block
  // Open-addressing table token -> row in masks_ (power-of-two size, linear probing).
  std::vector<uint32_t> keys_;
  std::vector<uint32_t> rows_;
  uint32_t mask_ = 0;
  std::vector<uint64_t> masks_;  // (distinct tokens + 1) × blocks_; the last row is all zero
  std::vector<uint64_t> vp_, vn_;
};

// Plain dynamic-programming distance, O(m·n): the oracle for tests and the brute-force path.
uint32_t LevenshteinDP(std::span<const uint32_t> a, std::span<const uint32_t> b);

// One optimal alignment (Wagner–Fischer with backtrace). Each element pairs a position of `a` with one of
// `b`; -1 on one side marks an insertion/deletion. Pairs with both sides set are matches or substitutions.
// Ties are broken towards diagonal moves, so equal tokens are paired where possible.
std::vector<std::pair<int32_t, int32_t>> Align(std::span<const uint32_t> a, std::span<const uint32_t> b);

}  // namespace dhakira::match

#endif  // DHAKIRA_MATCH_LEVENSHTEIN_H_
