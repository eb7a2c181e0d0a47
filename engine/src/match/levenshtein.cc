#include "match/levenshtein.h"

#include <algorithm>
#include <cmath>

namespace dhakira::match {

double FuzzyPercent(uint32_t d, uint32_t longer) {
  if (longer == 0) return 0.0;
  return 100.0 * (1.0 - static_cast<double>(d) / static_cast<double>(longer));
}

int32_t MaxDistance(uint32_t longer, double threshold) {
  // Start from the closed form and correct by the exact predicate, so the result agrees with FuzzyPercent
  // bit for bit whatever the rounding.
  int64_t d = static_cast<int64_t>(std::floor(longer * (100.0 - threshold) / 100.0));
  d = std::clamp<int64_t>(d, -1, longer);
  while (d + 1 <= static_cast<int64_t>(longer) && FuzzyPercent(static_cast<uint32_t>(d + 1), longer) >= threshold) {
    ++d;
  }
  while (d >= 0 && FuzzyPercent(static_cast<uint32_t>(d), longer) < threshold) --d;
  return static_cast<int32_t>(d);
}

LengthRange FeasibleLengths(uint32_t m, double threshold, uint32_t max_len) {
  LengthRange r;
  // n <= m: need m − n <= MaxDistance(m).
  const int32_t km = MaxDistance(m, threshold);
  r.lo = km < 0 ? m : m - static_cast<uint32_t>(std::min<int32_t>(km, m));
  if (r.lo == 0) r.lo = 1;  // an empty source scores 0
  // n > m: need n − m <= MaxDistance(n); n − MaxDistance(n) never decreases with n, so stop at the first n
  // that fails.
  r.hi = m;
  while (r.hi < max_len) {
    const uint32_t n = r.hi + 1;
    if (static_cast<int64_t>(n - m) > MaxDistance(n, threshold)) break;
    r.hi = n;
  }
  return r;
}

uint32_t MinOverlap(uint32_t m, uint32_t n, double threshold) {
  const uint32_t longer = std::max(m, n);
  const int32_t k = MaxDistance(longer, threshold);
  if (k < 0) return longer + 1;  // unreachable
  return longer - static_cast<uint32_t>(k);
}

BitParallelLevenshtein::BitParallelLevenshtein(std::span<const uint32_t> pattern)
    : m_(static_cast<uint32_t>(pattern.size())) {
  blocks_ = std::max<uint32_t>(1, (m_ + 63) / 64);
  last_bit_ = m_ == 0 ? 0 : uint64_t{1} << ((m_ - 1) % 64);
  uint32_t cap = 16;
  while (cap < 2 * m_ + 2) cap <<= 1;
  mask_ = cap - 1;
  keys_.assign(cap, 0);
  rows_.assign(cap, UINT32_MAX);
  uint32_t distinct = 0;
  std::vector<std::pair<uint32_t, uint32_t>> token_row;  // (token, row)
  for (uint32_t i = 0; i < m_; ++i) {
    const uint32_t t = pattern[i];
    uint32_t h = (t * 0x9E3779B1u) & mask_;
    while (rows_[h] != UINT32_MAX && keys_[h] != t) h = (h + 1) & mask_;
    if (rows_[h] == UINT32_MAX) {
      keys_[h] = t;
      rows_[h] = distinct++;
      masks_.resize(static_cast<size_t>(distinct) * blocks_, 0);
    }
    masks_[static_cast<size_t>(rows_[h]) * blocks_ + i / 64] |= uint64_t{1} << (i % 64);
  }
  masks_.resize(static_cast<size_t>(distinct + 1) * blocks_, 0);  // the all-zero row for absent tokens
  vp_.resize(blocks_);
  vn_.resize(blocks_);
}

const uint64_t* BitParallelLevenshtein::Peq(uint32_t token) const {
  uint32_t h = (token * 0x9E3779B1u) & mask_;
  while (rows_[h] != UINT32_MAX) {
    if (keys_[h] == token) return &masks_[static_cast<size_t>(rows_[h]) * blocks_];
    h = (h + 1) & mask_;
  }
  return &masks_[masks_.size() - blocks_];
}

uint32_t BitParallelLevenshtein::Distance(std::span<const uint32_t> text, int32_t max_distance) {
  const uint32_t n = static_cast<uint32_t>(text.size());
  if (m_ == 0) return n;
  const int64_t limit = max_distance < 0 ? INT64_MAX : max_distance;
  if (static_cast<int64_t>(n > m_ ? n - m_ : m_ - n) > limit) return static_cast<uint32_t>(limit + 1);
  std::fill(vp_.begin(), vp_.end(), ~uint64_t{0});
  std::fill(vn_.begin(), vn_.end(), 0);
  int64_t score = m_;  // D[m][0]
  constexpr uint64_t kHigh = uint64_t{1} << 63;
  for (uint32_t j = 0; j < n; ++j) {
    const uint64_t* eq_row = Peq(text[j]);
    int hin = 1;  // D[0][j+1] − D[0][j] = +1: global distance, not substring search
    for (uint32_t b = 0; b < blocks_; ++b) {
      // Myers (1999), Fig. 7 "advance block", with the horizontal delta carried between blocks.
      const uint64_t pv = vp_[b];
      const uint64_t mv = vn_[b];
      uint64_t eq = eq_row[b];
      const uint64_t xv = eq | mv;
      if (hin < 0) eq |= 1;
      const uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
      uint64_t ph = mv | ~(xh | pv);
      uint64_t mh = pv & xh;
      const uint64_t high = b + 1 == blocks_ ? last_bit_ : kHigh;
      int hout = 0;
      if (ph & high) hout = 1;
      if (mh & high) hout = -1;
      ph <<= 1;
      mh <<= 1;
      if (hin < 0) {
        mh |= 1;
      } else if (hin > 0) {
        ph |= 1;
      }
      vp_[b] = mh | ~(xv | ph);
      vn_[b] = ph & xv;
      hin = hout;
    }
    score += hin;
    // The last row can fall by at most one per remaining column.
    if (score - static_cast<int64_t>(n - j - 1) > limit) return static_cast<uint32_t>(limit + 1);
  }
  return static_cast<uint32_t>(score);
}

uint32_t LevenshteinDP(std::span<const uint32_t> a, std::span<const uint32_t> b) {
  std::vector<uint32_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<uint32_t>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<uint32_t>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0u : 1u)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::vector<std::pair<int32_t, int32_t>> Align(std::span<const uint32_t> a, std::span<const uint32_t> b) {
  const size_t m = a.size(), n = b.size();
  std::vector<uint32_t> d((m + 1) * (n + 1));
  auto at = [&](size_t i, size_t j) -> uint32_t& { return d[i * (n + 1) + j]; };
  for (size_t i = 0; i <= m; ++i) at(i, 0) = static_cast<uint32_t>(i);
  for (size_t j = 0; j <= n; ++j) at(0, j) = static_cast<uint32_t>(j);
  for (size_t i = 1; i <= m; ++i) {
    for (size_t j = 1; j <= n; ++j) {
      at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (a[i - 1] == b[j - 1] ? 0u : 1u)});
    }
  }
  std::vector<std::pair<int32_t, int32_t>> out;
  size_t i = m, j = n;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && at(i, j) == at(i - 1, j - 1) + (a[i - 1] == b[j - 1] ? 0u : 1u)) {
      out.emplace_back(static_cast<int32_t>(i - 1), static_cast<int32_t>(j - 1));
      --i;
      --j;
    } else if (i > 0 && at(i, j) == at(i - 1, j) + 1) {
      out.emplace_back(static_cast<int32_t>(i - 1), -1);
      --i;
    } else {
      out.emplace_back(-1, static_cast<int32_t>(j - 1));
      --j;
    }
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace dhakira::match
