#include "match/lookup.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <unordered_map>

#include "match/levenshtein.h"
#include "match/score.h"

namespace dhakira::match {
namespace {

// A list this short is always worth reading beyond the mandatory prefix: it raises the count a unit
// needs.
constexpr uint64_t kCheapList = 256;

class Cursor {
 public:
  Cursor() = default;
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  ~Cursor() {
    if (c_ != nullptr) mdb_cursor_close(c_);
  }
  Status Open(MDB_txn* txn, MDB_dbi dbi, const char* what) {
    const int rc = mdb_cursor_open(txn, dbi, &c_);
    if (rc != MDB_SUCCESS) return LmdbError(rc, what);
    return Status::OK();
  }
  MDB_cursor* get() const { return c_; }

 private:
  MDB_cursor* c_ = nullptr;
};

// Bits set in a 16-bit value. __builtin_popcount is a library call on the x86-64 baseline (no
// POPCNT instruction assumed), and this runs for every candidate the count filter looks at.
inline uint32_t Popcount16(uint32_t x) {
  x = x - ((x >> 1) & 0x5555u);
  x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
  x = (x + (x >> 4)) & 0x0F0Fu;
  return (x + (x >> 8)) & 0x1Fu;
}

bool LanguageMatches(const index::SegRecord& r, const LookupQuery& q) {
  return r.src_lang == q.src_lang && r.tgt_lang == q.tgt_lang &&
         (q.origin_hash == 0 || r.origin_hash == q.origin_hash);
}

}  // namespace

Status Searcher::IndexedSearch(MDB_txn* txn, const index::FuzzyIndex& index,
                               const LookupQuery& query, double threshold, CandidateSink& sink,
                               MatchStats* stats) {
  measured_.clear();
  const uint32_t m = static_cast<uint32_t>(query.ids.size());
  double t = threshold;
  if (m == 0 || t > 100) return Status::OK();
  LengthRange range = FeasibleLengths(m, t, index::kMaxIndexedLength);
  if (range.hi >= index::kMaxIndexedLength) {
    // Lengths this large share one posting bucket; scanning is the simple exact answer for such
    // queries.
    return BruteForceSearch(txn, index, query, threshold, sink, stats);
  }

  // The query's features (token, occurrence) and the size of each one's posting list (O(1) per
  // feature: LMDB keeps the duplicate count of a key).
  struct Feature {
    uint64_t key = 0;
    uint64_t size = 0;  // 0: unknown token or no posting
  };
  std::vector<Feature> features(m);
  Cursor post;
  DHAKIRA_RETURN_IF_ERROR(post.Open(txn, index.src_dbi(), "opening the fuzzy index"));
  measured_.assign(m, kUnknownListSize);
  {
    std::unordered_map<uint32_t, uint32_t> occurrences;
    const bool hinted = query.list_sizes.size() == m;
    for (uint32_t i = 0; i < m; ++i) {
      const uint32_t tok = query.ids[i];
      const uint32_t occ = ++occurrences[tok];
      if (tok >= index::kFirstUnknownToken || occ > index::kMaxOccurrence) continue;
      Feature& f = features[i];
      f.key = index::MakeFeature(tok, occ);
      if (occ == 1 && hinted && query.list_sizes[i] != kUnknownListSize) {
        // Given sizes only order the lists: a list is skipped (size 0) only when the index says it
        // is absent.
        f.size = std::max<uint64_t>(query.list_sizes[i], 1);
        continue;
      }
      MDB_val k{sizeof f.key, &f.key}, v;
      int rc = mdb_cursor_get(post.get(), &k, &v, MDB_SET);
      if (rc == MDB_NOTFOUND) continue;
      size_t count = 0;
      if (rc == MDB_SUCCESS) rc = mdb_cursor_count(post.get(), &count);
      if (rc != MDB_SUCCESS) return LmdbError(rc, "reading the fuzzy index");
      f.size = count;
      if (occ == 1) measured_[i] = count;
    }
  }
  // Rarest first: the very common tokens land at the end and are read only if the threshold needs
  // them.
  std::stable_sort(features.begin(), features.end(),
                   [](const Feature& a, const Feature& b) { return a.size < b.size; });
  // The mask bit of each feature that is a mask feature of the query's language
  // (index/fuzzy_index.h): every posting tells whether its unit has it, so its list need not be
  // read after the prefix.
  DHAKIRA_RETURN_IF_ERROR(index.MaskFeatures(txn, query.src_lang, &mask_features_));
  std::vector<uint16_t> mask_bit(m, 0);
  for (uint32_t j = 0; j < m; ++j) {
    if (features[j].size == 0) continue;
    for (size_t b = 0; b < mask_features_.size(); ++b) {
      if (mask_features_[b] == features[j].key) mask_bit[j] = static_cast<uint16_t>(1u << b);
    }
  }

  uint64_t max_id = 0;
  {
    Cursor cur;
    DHAKIRA_RETURN_IF_ERROR(cur.Open(txn, index.seg_dbi(), "opening the fuzzy index"));
    MDB_val k, v;
    const int rc = mdb_cursor_get(cur.get(), &k, &v, MDB_LAST);
    if (rc == MDB_NOTFOUND) return Status::OK();  // empty TM
    if (rc != MDB_SUCCESS) return LmdbError(rc, "reading the fuzzy index");
    std::memcpy(&max_id, k.mv_data, sizeof max_id);
  }
  const bool dense = max_id < max_dense_ids_;
  if (dense && counts_.size() <= max_id) counts_.resize(max_id + 1, 0);
  if (dense && seen_.size() <= max_id / 64) seen_.resize(max_id / 64 + 1, 0);
  std::unordered_map<uint64_t, uint16_t> sparse;  // id -> count, beyond kMaxDenseIds
  // Hit counter of a unit; bit 15 marks a unit verified early (counts stay below it: m <= 2^15 − 1
  // lists).
  auto counter = [&](uint64_t id) -> uint16_t& { return dense ? counts_[id] : sparse[id]; };
  // The dense counters must be all zero for the next query, whatever way this one ends.
  struct ResetCounters {
    std::vector<uint16_t>& counts;
    std::vector<uint64_t>& seen;
    const std::vector<uint64_t>& touched;
    bool dense;
    bool done = false;  // every touched counter already zeroed (step 3)
    ~ResetCounters() {
      if (dense && !done) {
        for (uint64_t p : touched) {
          const uint64_t id = index::PostingId(p);
          counts[id] = 0;
          seen[id / 64] = 0;
        }
      }
    }
  } reset{counts_, seen_, touched_, dense};
  // Prefetches the dense counter of the posting stored at `posting` (unaligned bytes).
  constexpr size_t kPrefetchAhead = 16;
  auto PrefetchCounter = [&](const void* posting) {
    uint64_t p;
    std::memcpy(&p, posting, sizeof p);
    const uint64_t id = index::PostingId(p);
    if (id <= max_id) __builtin_prefetch(&counts_[id], 1);
  };
  constexpr uint16_t kVerified = 0x8000;
  constexpr uint16_t kCountMask = 0x7FFF;
  if (m > kCountMask) return BruteForceSearch(txn, index, query, threshold, sink, stats);

  // τ(n) for the current threshold, memoized (MaxDistance is a small loop; this runs per length).
  std::vector<uint32_t> tau_memo(range.hi + 1, UINT32_MAX);
  double tau_t = t;
  auto tau = [&](uint32_t n) {
    if (tau_t != t) {
      std::fill(tau_memo.begin(), tau_memo.end(), UINT32_MAX);
      tau_t = t;
    }
    if (n >= tau_memo.size()) return MinOverlap(m, n, t);
    uint32_t& v = tau_memo[n];
    if (v == UINT32_MAX) v = MinOverlap(m, n, t);
    return v;
  };
  // Prefix size for length n: a unit of n tokens with τ(n) shared features appears in at least one
  // of the first m − τ(n) + 1 lists (0 when it cannot qualify at all). τ(n) = τ(m) for n <= m and
  // grows with n beyond, so the long lists need only be read for the shorter lengths.
  auto prefix = [&](uint32_t n) -> uint32_t {
    const uint32_t need = tau(n);
    return need > m ? 0 : m - need + 1;
  };

  BitParallelLevenshtein lev(query.ids);
  index::SegRecord rec;
  // Verifies one unit (its distance decides; counts only filter). A unit within reach is kept in
  // passed_ and handed to the sink by drain(), best fuzzy first.
  passed_.clear();
  auto verify = [&](uint64_t id) -> Status {
    if (stats) ++stats->candidates;
    DHAKIRA_RETURN_IF_ERROR(index.GetSeg(txn, id, &rec, /*source_only=*/true));
    if (!LanguageMatches(rec, query)) return Status::OK();
    const uint32_t n = static_cast<uint32_t>(rec.src.size());
    const uint32_t lg = std::max(m, n);
    const int32_t k = MaxDistance(lg, t);
    if (k < 0 || static_cast<int32_t>(m > n ? m - n : n - m) > k) return Status::OK();
    if (stats) ++stats->verified;
    const uint32_t d = lev.Distance(rec.src, k);
    if (static_cast<int32_t>(d) > k) return Status::OK();
    passed_.push_back(Candidate{id, d, lg, FuzzyPercent(d, lg), rec.changed_at});
    return Status::OK();
  };
  // Hands the units verified so far whose fuzzy is above `above` to the sink, best fuzzy first,
  // while they can still reach t (the sink skips those that cannot beat its k-th match); the others
  // stay. Done after each early check and before each group of candidates with the same bound (step
  // 3): once the sink holds `top` matches, t rises to the k-th score and the later lists and
  // candidates are filtered against it (with all scoring left to the end, every unit passing the
  // initial threshold was verified).
  auto drain = [&](double above) -> Status {
    // The ranking's order with score = fuzzy (what a unit scores at best).
    std::sort(passed_.begin(), passed_.end(), [](const Candidate& a, const Candidate& b) {
      return RanksBefore(a.fuzzy, a.fuzzy, a.changed_at, a.id, b.fuzzy, b.fuzzy, b.changed_at,
                         b.id);
    });
    size_t handed = 0;
    for (; handed < passed_.size(); ++handed) {
      const Candidate& cand = passed_[handed];
      if (cand.fuzzy <= above) break;
      if (cand.fuzzy < t || t > 100) {  // t only rises: this one and those after it never qualify
        handed = passed_.size();
        break;
      }
      DHAKIRA_ASSIGN_OR_RETURN(double next, sink.Accept(cand));
      t = std::max(t, next);
    }
    passed_.erase(passed_.begin(), passed_.begin() + static_cast<std::ptrdiff_t>(handed));
    return Status::OK();
  };
  constexpr double kAll = -1;  // drain(kAll) hands over every unit verified

  // Reading the lists, rarest first. List i is read over the lengths whose prefix includes it, [lo,
  // hi_i]; read_hi_[i] records hi_i so that the count filter knows, per length, how many lists were
  // read. Lossless top-k (progressive reading): after lists 2, 4, 8, ... and at the end of the
  // prefix, the units with the most hits so far (the likeliest best matches) are verified at once;
  // a full top-k raises t, which shortens the prefix and the length range of every later list. The
  // final count filter uses the lists actually read.
  touched_.clear();
  read_hi_.clear();
  hot_.clear();
  // hot_ holds up to kMaxHot unverified units that reached hot_max, the highest hit count so far
  // and at least 2 (one hit says nothing about a unit). On the 1M TM at threshold 50 (p50 ms
  // perturbed / fresh / real): 8 gave 0.24 / 0.18 / 0.24, 16 gave 0.26 / 0.20 / 0.24, 4 gave 0.27 /
  // 0.23 / 0.23 (fewer than the 5 matches a full top-5 needs); requiring a hit in every list read
  // so far instead gave 0.29 / 0.20 / 0.24 (two rare query tokens seldom share a unit, so t stayed
  // at the threshold through the whole prefix), and a check after every list 0.24 / 0.19 / 0.30
  // (verifications wasted on queries without matches).
  constexpr size_t kMaxHot = 8;
  uint16_t hot_max = 2;
  auto add_hot = [&](uint64_t id, uint16_t c) {  // c >= hot_max
    if (c > hot_max) {
      hot_max = c;
      hot_.clear();
    }
    if (hot_.size() < kMaxHot) hot_.push_back(id);
  };
  uint32_t next_checkpoint = 2;
  uint32_t i = 0;
  // admit_new: whether a unit first seen in this list is recorded. After the mandatory prefix, a
  // unit absent from every list read so far cannot qualify (prefix filtering), so later lists only
  // count the hits of units already touched: no counter write, no touched_ entry and nothing to
  // filter or reset for the rest.
  auto read_list = [&](uint32_t list, uint32_t lo, uint32_t hi, bool admit_new) -> Status {
    read_hi_.push_back(hi);
    if (features[list].size == 0 || lo > hi) return Status::OK();
    uint64_t key = features[list].key;
    uint64_t from = index::MakePosting(lo, 0, 0);
    MDB_val k{sizeof key, &key}, v{sizeof from, &from};
    int rc = mdb_cursor_get(post.get(), &k, &v, MDB_GET_BOTH_RANGE);
    if (rc == MDB_NOTFOUND) return Status::OK();
    if (rc == MDB_SUCCESS) rc = mdb_cursor_get(post.get(), &k, &v, MDB_GET_MULTIPLE);
    bool past_end = false;
    while (rc == MDB_SUCCESS && !past_end) {
      // The page stays mapped for the read transaction (the store holds its map lock shared
      // meanwhile).
      const char* data = static_cast<const char*>(v.mv_data);
      const size_t items = v.mv_size / sizeof(uint64_t);
      if (stats) stats->postings += items;
      auto at = [data](size_t j) {
        uint64_t p;
        std::memcpy(&p, data + j * sizeof p, sizeof p);
        return p;
      };
      // Postings ascend by (length, id): the lengths lo..hi are one run [b, e) of the page, found
      // by binary search (only the first and the last page of a run can hold others), so the loop
      // below tests no length.
      // The first index >= l whose posting has a length > len.
      auto first_longer_than = [&](size_t l, uint32_t len) {
        size_t r = items;
        while (l < r) {
          const size_t mid = (l + r) / 2;
          if (index::PostingLength(at(mid)) <= len) {
            l = mid + 1;
          } else {
            r = mid;
          }
        }
        return l;
      };
      size_t b = 0, e = items;
      if (items > 0 && index::PostingLength(at(0)) < lo) b = first_longer_than(0, lo - 1);
      if (items > 0 && index::PostingLength(at(items - 1)) > hi) {
        e = first_longer_than(b, hi);
        past_end = true;
      }
      if (dense && !admit_new) {
        // Most of these postings are of units never touched: the bitmap (a bit per unit, 16 times
        // smaller than the counters, so mostly in cache) turns them away without a counter read.
        uint16_t* const counts = counts_.data();
        const uint64_t* const seen = seen_.data();
        for (size_t j = b; j < e; ++j) {
          const uint64_t id = index::PostingId(at(j));
          if (id > max_id || !((seen[id / 64] >> (id % 64)) & 1)) continue;
          ++counts[id];
        }
      } else if (dense) {
        uint16_t* const counts = counts_.data();
        uint64_t* const seen = seen_.data();
        for (size_t j = b; j < e; ++j) {
          // Counters are hit at random: fetch the one a few postings ahead so the misses overlap.
          if (j + kPrefetchAhead < e)
            PrefetchCounter(data + (j + kPrefetchAhead) * sizeof(uint64_t));
          const uint64_t p = at(j);
          const uint64_t id = index::PostingId(p);
          if (id > max_id) continue;
          const uint16_t c = ++counts[id];
          if (c == 1) {
            touched_.push_back(p);
            seen[id / 64] |= uint64_t{1} << (id % 64);
          }
          if ((c & kCountMask) >= hot_max && !(c & kVerified)) add_hot(id, c & kCountMask);
        }
      } else {
        for (size_t j = b; j < e; ++j) {
          const uint64_t p = at(j);
          const uint64_t id = index::PostingId(p);
          if (!admit_new) {
            const auto it = sparse.find(id);
            if (it == sparse.end()) continue;
            ++it->second;
            continue;
          }
          uint16_t& c = sparse[id];
          if (c++ == 0) touched_.push_back(p);
          if ((c & kCountMask) >= hot_max && !(c & kVerified)) add_hot(id, c & kCountMask);
        }
      }
      if (!past_end) rc = mdb_cursor_get(post.get(), &k, &v, MDB_NEXT_MULTIPLE);
    }
    if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) {
      return LmdbError(rc, "reading the fuzzy index postings");
    }
    return Status::OK();
  };

  // 1. The mandatory lists: list i is needed while i < prefix(n) for some feasible n (prefix(n) is
  //    largest for n <= m).
  for (; i < m && t <= 100; ++i) {
    range = FeasibleLengths(m, t, index::kMaxIndexedLength);
    const uint32_t p_max = prefix(std::min(m, range.hi));
    if (i >= p_max) break;
    uint32_t hi = std::max(range.lo, std::min(m, range.hi));
    while (hi < range.hi && prefix(hi + 1) > i) ++hi;
    DHAKIRA_RETURN_IF_ERROR(read_list(i, range.lo, hi, /*admit_new=*/true));
    if (i + 1 == next_checkpoint || i + 1 == p_max) {
      next_checkpoint *= 2;
      for (uint64_t id : hot_) {
        uint16_t& c = counter(id);
        if (c & kVerified) continue;
        c |= kVerified;
        DHAKIRA_RETURN_IF_ERROR(verify(id));
      }
      hot_.clear();
      DHAKIRA_RETURN_IF_ERROR(drain(kAll));
    }
  }
  if (t > 100) return Status::OK();
  range = FeasibleLengths(m, t, index::kMaxIndexedLength);
  // The mask features not read in the prefix: none of their lists is read; a unit whose posting
  // mask lacks one of them is known not to share it.
  uint16_t unread_mask = 0;
  for (uint32_t j = i; j < m; ++j) unread_mask |= mask_bit[j];

  // Lists read per length: cover[n] = #{read lists with hi_i >= n} (every read list covers down to
  // the final lo, which only rose while reading).
  std::vector<uint32_t> cover;
  auto compute_cover = [&] {
    cover.assign(range.hi + 2, 0);
    for (uint32_t hi : read_hi_) cover[std::min(hi, range.hi + 1)] += 1;
    for (uint32_t n = range.hi + 1; n-- > 0;) cover[n] += cover[n + 1];
  };
  // The most features a unit of length n seen in c lists can share with the query: its c hits plus
  // one in every list not read at its length.
  // Less the unread mask features its posting says it lacks (those are among the unread lists).
  auto shared_at_most = [&](uint64_t p, uint32_t c) {
    const uint32_t n = index::PostingLength(p);
    const uint32_t lacking =
        unread_mask == 0 ? 0 : Popcount16(unread_mask & ~index::PostingMask(p) & 0xFFFFu);
    return c + (m - std::min(m, cover[n])) - lacking;
  };
  auto passes = [&](uint64_t p, uint32_t c) {
    const uint32_t n = index::PostingLength(p);
    if (n < range.lo || n > range.hi) return false;
    const uint32_t need = tau(n);
    return need <= n && shared_at_most(p, c) >= need;
  };

  // 2. Further lists only while reading one is cheaper than verifying the candidates it would
  //    remove: the count filter (τ(n) − unread lists) tightens with every list read. A verification
  //    (a B-tree look-up in index.seg, then the distance) costs about as much as reading 300
  //    postings here, where a posting of an untouched unit costs one counter read: on the 1M TM at
  //    threshold 50 (p50 ms perturbed / fresh / real), 125 gave 0.29 / 0.22 / 0.29, 300 gave
  //    0.30 / 0.22 / 0.24, 1000 gave 0.35 / 0.25 / 0.24 (125 was best while these lists still
  //    admitted new units).
  compute_cover();
  constexpr uint64_t kPostingsPerVerification = 300;
  for (; i < m; ++i) {
    if (mask_bit[i] != 0) continue;  // known from the masks
    if (features[i].size > touched_.size() * kPostingsPerVerification) break;
    if (features[i].size > kCheapList) {
      // Worth reading when at least size / kPostingsPerVerification candidates still pass: count
      // them only until that many are found (a full count per list was 15% of a threshold-50
      // lookup).
      const uint64_t enough =
          (features[i].size + kPostingsPerVerification - 1) / kPostingsPerVerification;
      // Units found out are dropped from touched_ as the count goes (the others move up), so no
      // later count or step 3 reads their counters again.
      uint64_t passing = 0;
      size_t kept = 0, j = 0;
      for (; j < touched_.size() && passing < enough; ++j) {
        const uint64_t p = touched_[j];
        if (dense && j + kPrefetchAhead < touched_.size()) {
          PrefetchCounter(&touched_[j + kPrefetchAhead]);
        }
        const uint64_t id = index::PostingId(p);
        uint16_t& counter_ref = counter(id);
        const uint16_t c = counter_ref;
        if (!(c & kVerified)) {
          if (!passes(p, c)) {
            // Out for good: a further list adds at most one hit and one list read at its length,
            // so c + (m − cover(n)) never grows, and τ(n) only grows with t. Zeroed now (the line
            // is in cache) and its bit cleared, so the further lists skip it.
            if (dense) {
              counter_ref = 0;
              seen_[id / 64] &= ~(uint64_t{1} << (id % 64));
            }
            continue;
          }
          ++passing;
        }
        touched_[kept++] = p;
      }
      touched_.erase(touched_.begin() + static_cast<std::ptrdiff_t>(kept),
                     touched_.begin() + static_cast<std::ptrdiff_t>(j));
      if (passing < enough) break;  // not worth reading: the count went through every unit
    }
    DHAKIRA_RETURN_IF_ERROR(read_list(i, range.lo, range.hi, /*admit_new=*/false));
    compute_cover();
  }

  // 3. Candidates, best possible fuzzy first: a unit of length n seen in c lists shares at most
  //    min(m, n, c + (m − cover(n))) features with the query, which bounds its fuzzy from above.
  //    Verified in that order (and handed to the sink after each group of equal bounds), the
  //    likeliest best matches come first and raise the threshold for the rest; once the bound falls
  //    below it, nothing further can qualify. Ordering by hit count alone put long units with many
  //    hits (a low bound) before short ones with fewer: 117 → 83 verifications a lookup on the
  //    perturbed queries at threshold 50.
  ranked_.clear();
  // No counter is read after this loop, so it zeroes each one it reads for the next query (a second
  // pass over touched_ cost 5% of a threshold-50 lookup); the units dropped from touched_ were
  // zeroed by the count that found them out. After a full count, touched_ holds only units that
  // pass (and those verified early).
  for (size_t j = 0; j < touched_.size(); ++j) {
    const uint64_t p = touched_[j];
    if (dense && j + kPrefetchAhead < touched_.size()) {
      PrefetchCounter(&touched_[j + kPrefetchAhead]);
    }
    uint16_t& counter_ref = counter(index::PostingId(p));
    const uint16_t c = counter_ref;
    if (dense) {
      counter_ref = 0;
      seen_[index::PostingId(p) / 64] = 0;  // no bit is read after this loop either
    }
    if (c & kVerified) continue;
    if (!passes(p, c)) continue;
    const uint32_t n = index::PostingLength(p);
    const uint32_t lg = std::max(m, n);
    const uint32_t shared = std::min({m, n, shared_at_most(p, c)});
    ranked_.push_back(Ranked{FuzzyPercent(lg - shared, lg), c, p});
  }
  reset.done = true;
  // Ties in the order of the lists that found them (hit count, then posting): deterministic.
  std::sort(ranked_.begin(), ranked_.end(), [](const Ranked& a, const Ranked& b) {
    if (a.bound != b.bound) return a.bound > b.bound;
    if (a.hits != b.hits) return a.hits > b.hits;
    return a.posting < b.posting;
  });
  double range_t = t;
  double group = -1;  // the bound of the units verified since the last drain
  for (const Ranked& r : ranked_) {
    if (r.bound != group) {
      // A unit verified at fuzzy f <= r.bound can raise t to f at most, which filters nothing from
      // here on (r.bound >= f), while a unit still to come may rank before it: it waits, so the
      // sink sees units best first across groups and loads fewer that are displaced later.
      DHAKIRA_RETURN_IF_ERROR(drain(r.bound));
      group = r.bound;
    }
    if (t > 100 || r.bound < t) break;  // bounds only fall and t only rises
    // The threshold may have risen since this unit was counted: filter again (the bound above is
    // the same test for the lengths still feasible; this one also applies the length filter).
    if (range_t != t) {
      range = FeasibleLengths(m, t, index::kMaxIndexedLength);
      range_t = t;
    }
    if (!passes(r.posting, r.hits)) continue;
    DHAKIRA_RETURN_IF_ERROR(verify(index::PostingId(r.posting)));
  }
  return drain(kAll);
}

Status Searcher::BruteForceSearch(MDB_txn* txn, const index::FuzzyIndex& index,
                                  const LookupQuery& query, double threshold, CandidateSink& sink,
                                  MatchStats* stats) {
  const uint32_t m = static_cast<uint32_t>(query.ids.size());
  double t = threshold;
  if (m == 0 || t > 100) return Status::OK();
  BitParallelLevenshtein lev(query.ids);
  Cursor cur;
  DHAKIRA_RETURN_IF_ERROR(cur.Open(txn, index.seg_dbi(), "opening the fuzzy index"));
  index::SegRecord rec;
  MDB_val k, v;
  int rc = mdb_cursor_get(cur.get(), &k, &v, MDB_FIRST);
  while (rc == MDB_SUCCESS && t <= 100) {
    uint64_t id;
    std::memcpy(&id, k.mv_data, sizeof id);
    DHAKIRA_RETURN_IF_ERROR(index::DecodeSegRecord(
        std::string_view(static_cast<const char*>(v.mv_data), v.mv_size), id, &rec));
    if (LanguageMatches(rec, query)) {
      if (stats) ++stats->verified;
      const uint32_t lg = std::max<uint32_t>(m, static_cast<uint32_t>(rec.src.size()));
      const uint32_t d =
          lev.Distance(rec.src);  // no early exit: the oracle computes every distance
      const double fuzzy = FuzzyPercent(d, lg);
      if (fuzzy >= t) {
        if (stats) ++stats->candidates;
        DHAKIRA_ASSIGN_OR_RETURN(double next,
                                 sink.Accept(Candidate{id, d, lg, fuzzy, rec.changed_at}));
        t = std::max(t, next);
      }
    }
    rc = mdb_cursor_get(cur.get(), &k, &v, MDB_NEXT);
  }
  if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) return LmdbError(rc, "scanning the fuzzy index");
  return Status::OK();
}

}  // namespace dhakira::match
