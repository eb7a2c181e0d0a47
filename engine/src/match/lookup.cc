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

struct QueryFeature {
  uint64_t base = 0;  // token << 32 | occurrence << 16
  bool known = false;
  std::vector<std::pair<uint32_t, uint32_t>> lengths;  // (length, list size), ascending length
  uint32_t SizeAt(uint32_t n) const {
    auto it = std::lower_bound(lengths.begin(), lengths.end(), std::make_pair(n, 0u));
    return it != lengths.end() && it->first == n ? it->second : 0;
  }
};

}  // namespace

Status Searcher::IndexedSearch(MDB_txn* txn, const index::FuzzyIndex& index, const LookupQuery& query,
                               double threshold, CandidateSink& sink, MatchStats* stats) {
  const uint32_t m = static_cast<uint32_t>(query.ids.size());
  double t = threshold;
  if (m == 0 || t > 100) return Status::OK();
  const LengthRange range = FeasibleLengths(m, t, index::kMaxIndexedLength);
  if (range.hi >= index::kMaxIndexedLength - 1) {
    // Lengths this large share one key bucket; scanning is the simple exact answer for such queries.
    return BruteForceSearch(txn, index, query, threshold, sink, stats);
  }

  // Features (token, occurrence) of the query and, per feature, the list size at each allowed length:
  // one B-tree positioning per feature, then a walk over its adjacent length keys.
  std::vector<QueryFeature> features(m);
  {
    Cursor cur;
    DHAKIRA_RETURN_IF_ERROR(cur.Open(txn, index.src_dbi(), "opening the fuzzy index"));
    std::unordered_map<uint32_t, uint32_t> occurrences;
    for (uint32_t i = 0; i < m; ++i) {
      const uint32_t tok = query.ids[i];
      const uint32_t occ = ++occurrences[tok];
      QueryFeature& f = features[i];
      if (tok >= index::kFirstUnknownToken || occ > index::kMaxOccurrence) continue;
      f.known = true;
      f.base = index::MakeFeature(tok, occ, 0);
      uint64_t key = f.base | range.lo;
      MDB_val k{sizeof key, &key}, v;
      int rc = mdb_cursor_get(cur.get(), &k, &v, MDB_SET_RANGE);
      while (rc == MDB_SUCCESS) {
        uint64_t found;
        std::memcpy(&found, k.mv_data, sizeof found);
        if ((found & ~uint64_t{0xFFFF}) != f.base || index::FeatureLength(found) > range.hi) break;
        size_t count = 0;
        rc = mdb_cursor_count(cur.get(), &count);
        if (rc != MDB_SUCCESS) return IndexLmdbError(rc, "reading the fuzzy index");
        f.lengths.emplace_back(index::FeatureLength(found), static_cast<uint32_t>(count));
        rc = mdb_cursor_get(cur.get(), &k, &v, MDB_NEXT_NODUP);
      }
      if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) return IndexLmdbError(rc, "reading the fuzzy index");
    }
  }

  // Counters by unit id.
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
  if (dense && counts_.size() <= max_id) counts_.resize(max_id + 1, 0);
  std::unordered_map<uint64_t, uint16_t> sparse;

  // Lengths nearest the query's first: they hold the best matches, which raise the threshold soonest.
  std::vector<uint32_t> order;
  order.reserve(range.hi - range.lo + 1);
  for (uint32_t delta = 0; m + delta <= range.hi || m >= range.lo + delta; ++delta) {
    if (m >= range.lo + delta) order.push_back(m - delta);
    if (delta > 0 && m + delta <= range.hi) order.push_back(m + delta);
  }

  BitParallelLevenshtein lev(query.ids);
  Cursor post;
  DHAKIRA_RETURN_IF_ERROR(post.Open(txn, index.src_dbi(), "opening the fuzzy index"));
  index::SegRecord rec;
  std::vector<std::pair<uint32_t, uint32_t>> sizes(m);  // (list size, feature index)

  for (const uint32_t n : order) {
    if (t > 100) break;
    const uint32_t longer = std::max(m, n);
    if (static_cast<int32_t>(m > n ? m - n : n - m) > MaxDistance(longer, t)) continue;
    const uint32_t tau = MinOverlap(m, n, t);
    if (tau > m || tau > n) continue;
    for (uint32_t i = 0; i < m; ++i) {
      sizes[i] = {features[i].known ? features[i].SizeAt(n) : 0, i};
    }
    std::sort(sizes.begin(), sizes.end());
    uint32_t s = m - tau + 1;  // the prefix every qualifying unit must hit
    uint64_t total = 0;
    for (uint32_t i = 0; i < s; ++i) total += sizes[i].first;
    if (total == 0) continue;
    while (s < m && sizes[s].first <= std::max<uint64_t>(kCheapList, total)) total += sizes[s++].first;
    const uint32_t need = tau - (m - s);  // hits among the s lists read

    touched_.clear();
    for (uint32_t i = 0; i < s; ++i) {
      if (sizes[i].first == 0) continue;
      uint64_t key = features[sizes[i].second].base | n;
      MDB_val k{sizeof key, &key}, v;
      int rc = mdb_cursor_get(post.get(), &k, &v, MDB_SET);
      if (rc == MDB_NOTFOUND) continue;
      if (rc == MDB_SUCCESS) rc = mdb_cursor_get(post.get(), &k, &v, MDB_GET_MULTIPLE);
      while (rc == MDB_SUCCESS) {
        const size_t items = v.mv_size / sizeof(uint64_t);
        buffer_.resize(items);
        std::memcpy(buffer_.data(), v.mv_data, items * sizeof(uint64_t));
        if (stats) stats->postings += items;
        for (uint64_t id : buffer_) {
          if (dense) {
            if (id > max_id) continue;  // written after max_id was read: impossible in one txn
            if (counts_[id]++ == 0) touched_.push_back(id);
          } else if (sparse[id]++ == 0) {
            touched_.push_back(id);
          }
        }
        rc = mdb_cursor_get(post.get(), &k, &v, MDB_NEXT_MULTIPLE);
      }
      if (rc != MDB_NOTFOUND) return IndexLmdbError(rc, "reading the fuzzy index postings");
    }

    Status status;
    for (uint64_t id : touched_) {
      uint32_t c;
      if (dense) {
        c = counts_[id];
        counts_[id] = 0;
      } else {
        c = sparse[id];
      }
      if (!status.ok() || c < need || t > 100) continue;
      if (stats) ++stats->candidates;
      status = index.GetSeg(txn, id, &rec);
      if (!status.ok()) continue;
      if (!LanguageMatches(rec, query)) continue;
      const uint32_t len = static_cast<uint32_t>(rec.src.size());
      const uint32_t lg = std::max(m, len);
      const int32_t k = MaxDistance(lg, t);
      if (k < 0) continue;
      if (stats) ++stats->verified;
      const uint32_t d = lev.Distance(rec.src, k);
      if (static_cast<int32_t>(d) > k) continue;
      Candidate cand{id, d, lg, FuzzyPercent(d, lg), rec.changed_at};
      auto next = sink.Accept(cand);
      if (!next.ok()) {
        status = next.status();
        continue;
      }
      t = std::max(t, *next);
    }
    sparse.clear();
    DHAKIRA_RETURN_IF_ERROR(status);
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
