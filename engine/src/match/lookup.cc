#include "match/lookup.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "match/levenshtein.h"

namespace dhakira::match {
namespace {

using index::IndexLmdbError;

// Dense counters up to this many unit ids (2 bytes each); beyond, a hash map.
constexpr uint64_t kMaxDenseIds = uint64_t{1} << 25;
// A list this short is always worth reading beyond the mandatory prefix: it raises the count a unit needs.
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
    if (rc != MDB_SUCCESS) return IndexLmdbError(rc, what);
    return Status::OK();
  }
  MDB_cursor* get() const { return c_; }

 private:
  MDB_cursor* c_ = nullptr;
};

bool LanguageMatches(const index::SegRecord& r, const LookupQuery& q) {
  return r.src_lang == q.src_lang && r.tgt_lang == q.tgt_lang &&
         (q.origin_hash == 0 || r.origin_hash == q.origin_hash);
}

}  // namespace

Status Searcher::IndexedSearch(MDB_txn* txn, const index::FuzzyIndex& index, const LookupQuery& query,
                               double threshold, CandidateSink& sink, MatchStats* stats) {
  const uint32_t m = static_cast<uint32_t>(query.ids.size());
  double t = threshold;
  if (m == 0 || t > 100) return Status::OK();
  const LengthRange range = FeasibleLengths(m, t, index::kMaxIndexedLength);
  if (range.hi >= index::kMaxIndexedLength) {
    // Lengths this large share one posting bucket; scanning is the simple exact answer for such queries.
    return BruteForceSearch(txn, index, query, threshold, sink, stats);
  }

  // The query's features (token, occurrence) and the size of each one's posting list (O(1) per feature:
  // LMDB keeps the duplicate count of a key).
  struct Feature {
    uint64_t key = 0;
    uint64_t size = 0;  // 0: unknown token or no posting
  };
  std::vector<Feature> features(m);
  Cursor post;
  DHAKIRA_RETURN_IF_ERROR(post.Open(txn, index.src_dbi(), "opening the fuzzy index"));
  {
    std::unordered_map<uint32_t, uint32_t> occurrences;
    for (uint32_t i = 0; i < m; ++i) {
      const uint32_t tok = query.ids[i];
      const uint32_t occ = ++occurrences[tok];
      if (tok >= index::kFirstUnknownToken || occ > index::kMaxOccurrence) continue;
      Feature& f = features[i];
      f.key = index::MakeFeature(tok, occ);
      MDB_val k{sizeof f.key, &f.key}, v;
      int rc = mdb_cursor_get(post.get(), &k, &v, MDB_SET);
      if (rc == MDB_NOTFOUND) continue;
      size_t count = 0;
      if (rc == MDB_SUCCESS) rc = mdb_cursor_count(post.get(), &count);
      if (rc != MDB_SUCCESS) return IndexLmdbError(rc, "reading the fuzzy index");
      f.size = count;
    }
  }
  // Rarest first: the very common tokens land at the end and are read only if the threshold needs them.
  std::stable_sort(features.begin(), features.end(),
                   [](const Feature& a, const Feature& b) { return a.size < b.size; });

  // Prefix filtering. Every qualifying unit shares >= tau_min = MinOverlap(m, m, t) features (the least
  // over all lengths), so it appears in at least one of the first m − tau_min + 1 lists. Reading s lists
  // leaves m − s unread, so a unit of length n needs MinOverlap(m, n, t) − (m − s) hits among them.
  const uint32_t tau_min = MinOverlap(m, m, t);
  if (tau_min > m) return Status::OK();
  uint32_t s = m - tau_min + 1;
  uint64_t total = 0;
  for (uint32_t i = 0; i < s; ++i) total += features[i].size;
  if (total == 0) return Status::OK();
  while (s < m && features[s].size <= std::max<uint64_t>(kCheapList, total)) total += features[s++].size;

  uint64_t max_id = 0;
  {
    Cursor cur;
    DHAKIRA_RETURN_IF_ERROR(cur.Open(txn, index.seg_dbi(), "opening the fuzzy index"));
    MDB_val k, v;
    const int rc = mdb_cursor_get(cur.get(), &k, &v, MDB_LAST);
    if (rc == MDB_NOTFOUND) return Status::OK();  // empty TM
    if (rc != MDB_SUCCESS) return IndexLmdbError(rc, "reading the fuzzy index");
    std::memcpy(&max_id, k.mv_data, sizeof max_id);
  }
  const bool dense = max_id < kMaxDenseIds;
  if (dense && counts_.size() <= max_id) {
    counts_.resize(max_id + 1, 0);
    lengths_.resize(max_id + 1, 0);
  }
  std::unordered_map<uint64_t, std::pair<uint16_t, uint16_t>> sparse;  // id -> (count, length)

  // Read the s lists, only the postings of allowed lengths: one positioning, then whole pages.
  touched_.clear();
  const uint64_t first = index::MakePosting(range.lo, 0);
  for (uint32_t i = 0; i < s; ++i) {
    if (features[i].size == 0) continue;
    uint64_t key = features[i].key;
    uint64_t from = first;
    MDB_val k{sizeof key, &key}, v{sizeof from, &from};
    int rc = mdb_cursor_get(post.get(), &k, &v, MDB_GET_BOTH_RANGE);
    if (rc == MDB_NOTFOUND) continue;
    if (rc == MDB_SUCCESS) rc = mdb_cursor_get(post.get(), &k, &v, MDB_GET_MULTIPLE);
    bool past_end = false;
    while (rc == MDB_SUCCESS && !past_end) {
      const size_t items = v.mv_size / sizeof(uint64_t);
      buffer_.resize(items);
      std::memcpy(buffer_.data(), v.mv_data, items * sizeof(uint64_t));
      if (stats) stats->postings += items;
      for (uint64_t p : buffer_) {
        const uint32_t len = index::PostingLength(p);
        if (len < range.lo) continue;  // the page may start before the first allowed length
        if (len > range.hi) {
          past_end = true;
          break;
        }
        const uint64_t id = index::PostingId(p);
        if (dense) {
          if (id > max_id) continue;
          if (counts_[id]++ == 0) {
            touched_.push_back(id);
            lengths_[id] = static_cast<uint16_t>(len);
          }
        } else {
          auto& e = sparse[id];
          if (e.first++ == 0) {
            touched_.push_back(id);
            e.second = static_cast<uint16_t>(len);
          }
        }
      }
      if (!past_end) rc = mdb_cursor_get(post.get(), &k, &v, MDB_NEXT_MULTIPLE);
    }
    if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) {
      return IndexLmdbError(rc, "reading the fuzzy index postings");
    }
  }

  // τ(n) for the current threshold, memoized (MaxDistance is a small loop; this runs per posting read).
  std::vector<uint32_t> tau_memo(range.hi + 1, UINT32_MAX);
  double tau_t = t;
  auto tau = [&](uint32_t n) {
    if (tau_t != t) {
      std::fill(tau_memo.begin(), tau_memo.end(), UINT32_MAX);
      tau_t = t;
    }
    if (n > range.hi) return MinOverlap(m, n, t);
    uint32_t& v = tau_memo[n];
    if (v == UINT32_MAX) v = MinOverlap(m, n, t);
    return v;
  };

  // Candidates by hit count, most first (bucket sort): the likeliest best matches are verified first and
  // raise the threshold for the rest.
  if (buckets_.size() < s + 1) buckets_.resize(s + 1);
  for (auto& b : buckets_) b.clear();
  for (uint64_t id : touched_) {
    uint32_t c, n;
    if (dense) {
      c = counts_[id];
      n = lengths_[id];
      counts_[id] = 0;
    } else {
      c = sparse[id].first;
      n = sparse[id].second;
    }
    const uint32_t need = tau(n);
    if (need > n || c + (m - s) < need) continue;
    buckets_[std::min(c, s)].push_back(id);
  }
  BitParallelLevenshtein lev(query.ids);
  index::SegRecord rec;
  for (uint32_t c = s; c >= 1 && t <= 100; --c) {
    for (uint64_t id : buckets_[c]) {
      if (t > 100) break;
      if (stats) ++stats->candidates;
      DHAKIRA_RETURN_IF_ERROR(index.GetSeg(txn, id, &rec, /*source_only=*/true));
      const uint32_t n = static_cast<uint32_t>(rec.src.size());
      // The threshold may have risen since this unit was counted: filter again.
      if (c + (m - s) < tau(n)) continue;
      if (!LanguageMatches(rec, query)) continue;
      const uint32_t lg = std::max(m, n);
      const int32_t k = MaxDistance(lg, t);
      if (k < 0 || static_cast<int32_t>(m > n ? m - n : n - m) > k) continue;
      if (stats) ++stats->verified;
      const uint32_t d = lev.Distance(rec.src, k);
      if (static_cast<int32_t>(d) > k) continue;
      DHAKIRA_ASSIGN_OR_RETURN(double next,
                               sink.Accept(Candidate{id, d, lg, FuzzyPercent(d, lg), rec.changed_at}));
      t = std::max(t, next);
    }
  }
  return Status::OK();
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
      const uint32_t d = lev.Distance(rec.src);  // no early exit: the oracle computes every distance
      const double fuzzy = FuzzyPercent(d, lg);
      if (fuzzy >= t) {
        if (stats) ++stats->candidates;
        DHAKIRA_ASSIGN_OR_RETURN(double next, sink.Accept(Candidate{id, d, lg, fuzzy, rec.changed_at}));
        t = std::max(t, next);
      }
    }
    rc = mdb_cursor_get(cur.get(), &k, &v, MDB_NEXT);
  }
  if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) return IndexLmdbError(rc, "scanning the fuzzy index");
  return Status::OK();
}

}  // namespace dhakira::match
