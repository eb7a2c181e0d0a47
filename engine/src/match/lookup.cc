#include "match/lookup.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <optional>
#include <unordered_map>

#include "match/levenshtein.h"
#include "match/score.h"

namespace dhakira::match {
namespace {

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
  return r.src_lang == q.src_lang && r.tgt_lang == q.tgt_lang && (q.origin_hash == 0 || r.origin_hash == q.origin_hash);
}

// The posting at index `item` of a page of postings (unaligned bytes).
inline uint64_t PostingAt(const char* page, size_t item) {
  uint64_t posting;
  std::memcpy(&posting, page + item * sizeof posting, sizeof posting);
  return posting;
}

// The first index in [from, items) of a page whose posting has a length > `length` (postings ascend
// by (length, id)).
size_t FirstLongerThan(const char* page, size_t from, size_t items, uint32_t length) {
  size_t below = items;
  while (from < below) {
    const size_t mid = (from + below) / 2;
    if (index::PostingLength(PostingAt(page, mid)) <= length) {
      from = mid + 1;
    } else {
      below = mid;
    }
  }
  return from;
}

// A list this short is always worth reading beyond the mandatory prefix: it raises the count a unit
// needs.
constexpr uint64_t kCheapList = 256;
// A verification (a B-tree look-up in index.seg, then the distance) costs about as much as reading
// this many postings of a list beyond the prefix, where a posting of an untouched unit costs one
// bit read: on the 1M TM at threshold 50 (p50 ms perturbed / fresh / real), 125 gave 0.29 / 0.22 /
// 0.29, 300 gave 0.30 / 0.22 / 0.24, 1000 gave 0.35 / 0.25 / 0.24 (125 was best while these lists
// still admitted new units).
constexpr uint64_t kPostingsPerVerification = 300;
// The early checks of step 4 verify up to this many unverified units that reached the highest hit
// count so far (at least 2: one hit says nothing about a unit). On the 1M TM at threshold 50
// (p50 ms perturbed / fresh / real): 8 gave 0.24 / 0.18 / 0.24, 16 gave 0.26 / 0.20 / 0.24,
// 4 gave 0.27 / 0.23 / 0.23 (fewer than the 5 matches a full top-5 needs); requiring a hit in every
// list read so far instead gave 0.29 / 0.20 / 0.24 (two rare query tokens seldom share a unit, so t
// stayed at the threshold through the whole prefix), and a check after every list 0.24 / 0.19 / 0.30
// (verifications wasted on queries without matches).
constexpr size_t kMaxHot = 8;
// Counters are hit at random: the counter a few postings ahead is fetched so the misses overlap.
constexpr size_t kPrefetchAhead = 16;
// Hit counter bits: bit 15 marks a unit verified early; counts stay below it (m <= 2^15 − 1 lists).
constexpr uint16_t kVerified = 0x8000;
constexpr uint16_t kCountMask = 0x7FFF;
constexpr double kAll = -1;  // HandToSink(kAll) hands over every unit verified

// One lookup of Searcher::IndexedSearch: the steps of docs/match.md "### Lookup", one method each,
// over the state they share. Run() calls them in order. Lives for one query; the buffers are the
// Searcher's (LookupScratch), kept between queries. Whatever way the lookup ends, the destructor
// leaves the dense counters and touched bits all 0, as the next query needs them.
class IndexedLookup {
 public:
  IndexedLookup(MDB_txn* txn, const index::FuzzyIndex& index, const LookupQuery& query, double threshold,
                CandidateSink& sink, MatchStats* stats, uint64_t max_dense_ids, LookupScratch& scratch)
      : txn_(txn),
        index_(index),
        query_(query),
        sink_(sink),
        stats_(stats),
        max_dense_ids_(max_dense_ids),
        m_(static_cast<uint32_t>(query.ids.size())),
        t_(threshold),
        counts_(scratch.counts),
        seen_(scratch.seen),
        touched_(scratch.touched),
        read_hi_(scratch.read_hi),
        hot_(scratch.hot),
        ranked_(scratch.ranked),
        passed_(scratch.passed),
        measured_(scratch.measured),
        mask_features_(scratch.mask_features) {}
  IndexedLookup(const IndexedLookup&) = delete;
  IndexedLookup& operator=(const IndexedLookup&) = delete;
  ~IndexedLookup() { ZeroTouchedCounters(); }

  // Reports to the sink every unit whose fuzzy reaches the (rising) threshold. Sets *scan_instead,
  // reporting nothing, when the query is beyond what the index can filter (a length in the shared
  // last bucket, or more lists than a counter can count): the caller scans instead. Needs m >= 1
  // and threshold <= 100.
  Status Run(bool* scan_instead);

 private:
  // A feature of the query (token, occurrence) and the size of its posting list.
  struct Feature {
    uint64_t key = 0;
    uint64_t size = 0;  // 0: unknown token or no posting
  };

  Status SizeAndSortLists();
  Status MarkMaskFeatures();
  Status PrepareCounters(bool* empty_tm);
  void UpdateLengthRange();
  uint32_t SharedFeaturesNeeded(uint32_t length);
  uint32_t PrefixSize(uint32_t length);
  Status ReadPrefixLists();
  Status VerifyHottest();
  Status ReadExtraLists();
  bool ExtraListPays(uint64_t list_size);
  Status VerifyInBoundOrder();
  void RankCandidates();
  Status Verify(uint64_t id);
  Status HandToSink(double above);

  Status ReadList(uint32_t list, uint32_t lo, uint32_t hi, bool admit_new);
  void CountAdmitting(const char* page, size_t begin, size_t end);
  void CountSeenOnly(const char* page, size_t begin, size_t end);
  void CountSparse(const char* page, size_t begin, size_t end, bool admit_new);
  void AddHot(uint64_t id, uint32_t hits);
  void ComputeCover();
  uint32_t SharedAtMost(uint64_t posting, uint32_t hits) const;
  bool Passes(uint64_t posting, uint32_t hits);
  uint16_t& Counter(uint64_t id) { return dense_ ? counts_[id] : sparse_[id]; }
  void PrefetchCounter(const void* posting) const;
  void ZeroTouchedCounters();

  // The query and where its results go.
  MDB_txn* const txn_;
  const index::FuzzyIndex& index_;
  const LookupQuery& query_;
  CandidateSink& sink_;
  MatchStats* const stats_;
  const uint64_t max_dense_ids_;
  const uint32_t m_;   // distance tokens of the query = features = lists
  double t_;           // the threshold: only rises (the sink's k-th score once it holds top matches)
  LengthRange range_;  // the source lengths feasible at t_ (step 1)

  // The lists (steps 3 and 5).
  Cursor postings_;                 // on index.src
  std::vector<Feature> features_;   // rarest first
  std::vector<uint16_t> mask_bit_;  // per feature: its bit when a mask feature, else 0
  uint32_t next_list_ = 0;          // the next list to read
  uint16_t unread_mask_ = 0;        // mask features whose lists were not read in the prefix
  std::vector<uint32_t> cover_;     // per length n: lists read at n (see ComputeCover)
  std::vector<uint32_t> tau_memo_;  // per length: SharedFeaturesNeeded at tau_threshold_
  double tau_threshold_ = 0;

  // Hit counters: dense by id (the Searcher's buffers) when the largest id is small enough, else
  // sparse_.
  uint64_t max_id_ = 0;
  bool dense_ = false;
  bool counters_in_use_ = false;                   // whether the destructor must zero the touched counters
  std::unordered_map<uint64_t, uint16_t> sparse_;  // id -> count, beyond max_dense_ids_
  std::vector<uint16_t>& counts_;
  std::vector<uint64_t>& seen_;
  std::vector<uint64_t>& touched_;
  std::vector<uint32_t>& read_hi_;

  // Early checks (step 4).
  std::vector<uint64_t>& hot_;
  uint32_t hot_max_ = 2;  // the highest hit count so far, at least 2
  uint32_t next_checkpoint_ = 2;

  // Verification and the sink (steps 6 and 7).
  std::vector<LookupScratch::Ranked>& ranked_;
  std::vector<Candidate>& passed_;
  std::optional<BitParallelLevenshtein> distance_;  // of the query
  index::SegRecord record_;                         // the unit being verified

  // Searcher::measured_list_sizes(), and the mask features of the query's language.
  std::vector<uint64_t>& measured_;
  std::vector<uint64_t>& mask_features_;
};

Status IndexedLookup::Run(bool* scan_instead) {
  *scan_instead = false;
  UpdateLengthRange();
  if (range_.hi >= index::kMaxIndexedLength) {
    // Lengths this large share one posting bucket; scanning is the simple exact answer for such
    // queries.
    *scan_instead = true;
    return Status::OK();
  }
  DHAKIRA_RETURN_IF_ERROR(SizeAndSortLists());
  DHAKIRA_RETURN_IF_ERROR(MarkMaskFeatures());
  bool empty_tm = false;
  DHAKIRA_RETURN_IF_ERROR(PrepareCounters(&empty_tm));
  if (empty_tm) return Status::OK();
  if (m_ > kCountMask) {
    *scan_instead = true;
    return Status::OK();
  }
  tau_memo_.assign(range_.hi + 1, UINT32_MAX);
  tau_threshold_ = t_;
  distance_.emplace(query_.ids);
  passed_.clear();
  read_hi_.clear();
  hot_.clear();
  DHAKIRA_RETURN_IF_ERROR(ReadPrefixLists());
  if (t_ > 100) return Status::OK();
  DHAKIRA_RETURN_IF_ERROR(ReadExtraLists());
  return VerifyInBoundOrder();
}

// Before the steps: the query's features (token, occurrence) and the size of each one's posting
// list (O(1) per feature: LMDB keeps the duplicate count of a key), sorted rarest first, so that
// the very common tokens land at the end and are read only if the threshold needs them. Sizes the
// caller gave are used as they are (they only order the lists); the others are recorded in
// measured_.
Status IndexedLookup::SizeAndSortLists() {
  features_.assign(m_, Feature{});
  DHAKIRA_RETURN_IF_ERROR(postings_.Open(txn_, index_.src_dbi(), "opening the fuzzy index"));
  measured_.assign(m_, kUnknownListSize);
  std::unordered_map<uint32_t, uint32_t> occurrences;
  const bool hinted = query_.list_sizes.size() == m_;
  for (uint32_t i = 0; i < m_; ++i) {
    const uint32_t token = query_.ids[i];
    const uint32_t occurrence = ++occurrences[token];
    if (token >= index::kFirstUnknownToken || occurrence > index::kMaxOccurrence) continue;
    Feature& feature = features_[i];
    feature.key = index::MakeFeature(token, occurrence);
    if (occurrence == 1 && hinted && query_.list_sizes[i] != kUnknownListSize) {
      // Given sizes only order the lists: a list is skipped (size 0) only when the index says it
      // is absent.
      feature.size = std::max<uint64_t>(query_.list_sizes[i], 1);
      continue;
    }
    MDB_val key{sizeof feature.key, &feature.key}, value;
    int rc = mdb_cursor_get(postings_.get(), &key, &value, MDB_SET);
    if (rc == MDB_NOTFOUND) continue;
    size_t count = 0;
    if (rc == MDB_SUCCESS) rc = mdb_cursor_count(postings_.get(), &count);
    if (rc != MDB_SUCCESS) return LmdbError(rc, "reading the fuzzy index");
    feature.size = count;
    if (occurrence == 1) measured_[i] = count;
  }
  std::stable_sort(features_.begin(), features_.end(),
                   [](const Feature& a, const Feature& b) { return a.size < b.size; });
  return Status::OK();
}

// Before the steps: the mask bit of each feature that is a mask feature of the query's language
// (index/fuzzy_index.h). Every posting tells whether its unit has it, so its list need not be read
// after the prefix (step 5).
Status IndexedLookup::MarkMaskFeatures() {
  DHAKIRA_RETURN_IF_ERROR(index_.MaskFeatures(txn_, query_.src_lang, &mask_features_));
  mask_bit_.assign(m_, 0);
  for (uint32_t j = 0; j < m_; ++j) {
    if (features_[j].size == 0) continue;
    for (size_t b = 0; b < mask_features_.size(); ++b) {
      if (mask_features_[b] == features_[j].key) mask_bit_[j] = static_cast<uint16_t>(1u << b);
    }
  }
  return Status::OK();
}

// Before the steps: the hit counters, dense (the Searcher's, indexed by unit id, sized to the
// largest id) when that id is below max_dense_ids_, else a hash map. *empty_tm when the TM has no
// unit.
Status IndexedLookup::PrepareCounters(bool* empty_tm) {
  Cursor segments;
  DHAKIRA_RETURN_IF_ERROR(segments.Open(txn_, index_.seg_dbi(), "opening the fuzzy index"));
  MDB_val key, value;
  const int rc = mdb_cursor_get(segments.get(), &key, &value, MDB_LAST);
  *empty_tm = rc == MDB_NOTFOUND;
  if (*empty_tm) return Status::OK();
  if (rc != MDB_SUCCESS) return LmdbError(rc, "reading the fuzzy index");
  std::memcpy(&max_id_, key.mv_data, sizeof max_id_);
  dense_ = max_id_ < max_dense_ids_;
  if (dense_ && counts_.size() <= max_id_) counts_.resize(max_id_ + 1, 0);
  if (dense_ && seen_.size() <= max_id_ / 64) seen_.resize(max_id_ / 64 + 1, 0);
  touched_.clear();  // from the last query, whose counters are 0 again
  counters_in_use_ = true;
  return Status::OK();
}

// Step 1, length filter: D >= |m − n|, so only the source lengths in FeasibleLengths(m, t) can
// qualify. Called again whenever the threshold may have risen.
void IndexedLookup::UpdateLengthRange() { range_ = FeasibleLengths(m_, t_, index::kMaxIndexedLength); }

// Step 2, count filter: τ(n), the features a source of `length` n must share with the query at the
// current threshold (MinOverlap), memoized per threshold (MinOverlap is a small loop; this runs per
// length).
uint32_t IndexedLookup::SharedFeaturesNeeded(uint32_t length) {
  if (tau_threshold_ != t_) {
    std::fill(tau_memo_.begin(), tau_memo_.end(), UINT32_MAX);
    tau_threshold_ = t_;
  }
  if (length >= tau_memo_.size()) return MinOverlap(m_, length, t_);
  uint32_t& memo = tau_memo_[length];
  if (memo == UINT32_MAX) memo = MinOverlap(m_, length, t_);
  return memo;
}

// Step 3: the prefix size for `length` n: a unit of n tokens with τ(n) shared features appears in
// at least one of the first m − τ(n) + 1 lists (0 when it cannot qualify at all).
// τ(n) = τ(m) for n <= m and grows with n beyond, so the long lists need only be read for the
// shorter lengths.
uint32_t IndexedLookup::PrefixSize(uint32_t length) {
  const uint32_t need = SharedFeaturesNeeded(length);
  return need > m_ ? 0 : m_ - need + 1;
}

// Step 3, prefix filter per length (with step 4 at each checkpoint): reads the mandatory lists,
// rarest first. List i is needed while i < PrefixSize(n) for some feasible n (largest for n <= m),
// and is read over the lengths whose prefix includes it, [lo, hi_i]; read_hi_ records hi_i so that
// the count filter knows, per length, how many lists were read. After lists 2, 4, 8, ... and at the
// end of the prefix, VerifyHottest; a full top-k raises t_, which shortens the prefix and the
// length range of every later list. Leaves next_list_ at the first list not read, range_ and
// unread_mask_ up to date.
Status IndexedLookup::ReadPrefixLists() {
  for (; next_list_ < m_ && t_ <= 100; ++next_list_) {
    UpdateLengthRange();
    const uint32_t prefix_max = PrefixSize(std::min(m_, range_.hi));
    if (next_list_ >= prefix_max) break;
    uint32_t hi = std::max(range_.lo, std::min(m_, range_.hi));
    while (hi < range_.hi && PrefixSize(hi + 1) > next_list_) ++hi;
    DHAKIRA_RETURN_IF_ERROR(ReadList(next_list_, range_.lo, hi, /*admit_new=*/true));
    if (next_list_ + 1 == next_checkpoint_ || next_list_ + 1 == prefix_max) {
      next_checkpoint_ *= 2;
      DHAKIRA_RETURN_IF_ERROR(VerifyHottest());
    }
  }
  if (t_ > 100) return Status::OK();
  UpdateLengthRange();
  // The mask features not read in the prefix: none of their lists is read; a unit whose posting
  // mask lacks one of them is known not to share it.
  for (uint32_t j = next_list_; j < m_; ++j) unread_mask_ |= mask_bit_[j];
  return Status::OK();
}

// Step 4, progressive top-k: verifies the units with the most hits so far (hot_, the likeliest best
// matches) and hands what passes to the sink, which may raise t_. A unit verified here is final:
// its counter is marked kVerified and it is not verified again.
Status IndexedLookup::VerifyHottest() {
  for (uint64_t id : hot_) {
    uint16_t& counter = Counter(id);
    if (counter & kVerified) continue;
    counter |= kVerified;
    DHAKIRA_RETURN_IF_ERROR(Verify(id));
  }
  hot_.clear();
  return HandToSink(kAll);
}

// Step 4: remembers an unverified unit whose hit count reached hot_max_ (hits >= hot_max_): a new
// highest count starts the list afresh; at most kMaxHot units are kept.
void IndexedLookup::AddHot(uint64_t id, uint32_t hits) {
  if (hits > hot_max_) {
    hot_max_ = hits;
    hot_.clear();
  }
  if (hot_.size() < kMaxHot) hot_.push_back(id);
}

// Step 5, extra lists only when they pay: beyond the prefix, the next list (not a mask feature's:
// known from the masks) is read while reading it is cheaper than the verifications it could save,
// the count filter (τ(n) − unread lists) tightening with every list read. These lists only add hits
// to units already touched: a unit absent from every list of its prefix cannot qualify.
Status IndexedLookup::ReadExtraLists() {
  ComputeCover();
  for (; next_list_ < m_; ++next_list_) {
    if (mask_bit_[next_list_] != 0) continue;  // known from the masks
    const uint64_t size = features_[next_list_].size;
    if (size > touched_.size() * kPostingsPerVerification) break;
    if (size > kCheapList && !ExtraListPays(size)) break;
    DHAKIRA_RETURN_IF_ERROR(ReadList(next_list_, range_.lo, range_.hi, /*admit_new=*/false));
    ComputeCover();
  }
  return Status::OK();
}

// Step 5: whether at least list_size / kPostingsPerVerification candidates still pass the count
// filter, counting them only until that many are found (a full count per list was 15% of a
// threshold-50 lookup). Units found out are out for good (a further list adds at most one hit and
// one list read at their length, so c + (m − cover(n)) never grows, and τ(n) only grows with t):
// they leave touched_ on the spot (the others move up) and their dense counter and bit are zeroed
// (the line is in cache), so no later list, count or step reads them again.
bool IndexedLookup::ExtraListPays(uint64_t list_size) {
  const uint64_t enough = (list_size + kPostingsPerVerification - 1) / kPostingsPerVerification;
  uint64_t passing = 0;
  size_t kept = 0, j = 0;
  for (; j < touched_.size() && passing < enough; ++j) {
    const uint64_t posting = touched_[j];
    if (dense_ && j + kPrefetchAhead < touched_.size()) {
      PrefetchCounter(&touched_[j + kPrefetchAhead]);
    }
    const uint64_t id = index::PostingId(posting);
    uint16_t& counter = Counter(id);
    const uint16_t hits = counter;
    if (!(hits & kVerified)) {
      if (!Passes(posting, hits)) {
        if (dense_) {
          counter = 0;
          seen_[id / 64] &= ~(uint64_t{1} << (id % 64));
        }
        continue;
      }
      ++passing;
    }
    touched_[kept++] = posting;
  }
  touched_.erase(touched_.begin() + static_cast<std::ptrdiff_t>(kept),
                 touched_.begin() + static_cast<std::ptrdiff_t>(j));
  return passing >= enough;  // else the count went through every unit
}

// Steps 3 and 5: the lists read per length, cover_[n] = #{read lists with hi_i >= n} (every read
// list covers down to the final lo, which only rose while reading).
void IndexedLookup::ComputeCover() {
  cover_.assign(range_.hi + 2, 0);
  for (uint32_t hi : read_hi_) cover_[std::min(hi, range_.hi + 1)] += 1;
  for (uint32_t n = range_.hi + 1; n-- > 0;) cover_[n] += cover_[n + 1];
}

// Steps 5 and 6: the most features a unit seen in `hits` lists can share with the query: its hits
// plus one in every list not read at its length, less the unread mask features its posting says it
// lacks (those are among the unread lists).
uint32_t IndexedLookup::SharedAtMost(uint64_t posting, uint32_t hits) const {
  const uint32_t length = index::PostingLength(posting);
  const uint32_t lacking = unread_mask_ == 0 ? 0 : Popcount16(unread_mask_ & ~index::PostingMask(posting) & 0xFFFFu);
  return hits + (m_ - std::min(m_, cover_[length])) - lacking;
}

// Steps 1, 2 and 5: whether a unit seen in `hits` lists passes the length and count filters at the
// current threshold.
bool IndexedLookup::Passes(uint64_t posting, uint32_t hits) {
  const uint32_t length = index::PostingLength(posting);
  if (length < range_.lo || length > range_.hi) return false;
  const uint32_t need = SharedFeaturesNeeded(length);
  return need <= length && SharedAtMost(posting, hits) >= need;
}

// Step 6, verification best possible fuzzy first: verifies the candidates RankCandidates leaves in
// order of their fuzzy bound, handing the verified ones to the sink before each group of equal
// bounds, and stops once the bound falls below t_ (bounds only fall and t_ only rises).
Status IndexedLookup::VerifyInBoundOrder() {
  RankCandidates();
  double range_threshold = t_;
  double group = -1;  // the bound of the units verified since the last HandToSink
  for (const LookupScratch::Ranked& candidate : ranked_) {
    if (candidate.bound != group) {
      // A unit verified at fuzzy f <= bound can raise t to f at most, which filters nothing from
      // here on (bound >= f), while a unit still to come may rank before it: it waits, so the sink
      // sees units best first across groups and loads fewer that are displaced later.
      DHAKIRA_RETURN_IF_ERROR(HandToSink(candidate.bound));
      group = candidate.bound;
    }
    if (t_ > 100 || candidate.bound < t_) break;
    // The threshold may have risen since this unit was counted: filter again (the bound above is
    // the same test for the lengths still feasible; this one also applies the length filter).
    if (range_threshold != t_) {
      UpdateLengthRange();
      range_threshold = t_;
    }
    if (!Passes(candidate.posting, candidate.hits)) continue;
    DHAKIRA_RETURN_IF_ERROR(Verify(index::PostingId(candidate.posting)));
  }
  return HandToSink(kAll);
}

// Step 6: the candidates that pass the count filter, each with the bound of its fuzzy (a unit of
// length n seen in c lists shares at most min(m, n, c + (m − cover(n)) − lacking) features), sorted
// best bound first. Ordering by hit count alone put long units with many hits (a low bound) before
// short ones with fewer: 117 → 83 verifications a lookup on the perturbed queries at threshold 50.
// No counter is read after this, so it zeroes each one it reads for the next query (a second pass
// over touched_ cost 5% of a threshold-50 lookup); the units dropped from touched_ were zeroed by
// the count that found them out.
void IndexedLookup::RankCandidates() {
  ranked_.clear();
  for (size_t j = 0; j < touched_.size(); ++j) {
    const uint64_t posting = touched_[j];
    if (dense_ && j + kPrefetchAhead < touched_.size()) {
      PrefetchCounter(&touched_[j + kPrefetchAhead]);
    }
    uint16_t& counter = Counter(index::PostingId(posting));
    const uint16_t hits = counter;
    if (dense_) {
      counter = 0;
      seen_[index::PostingId(posting) / 64] = 0;  // no bit is read after this loop either
    }
    if (hits & kVerified) continue;
    if (!Passes(posting, hits)) continue;
    const uint32_t length = index::PostingLength(posting);
    const uint32_t longer = std::max(m_, length);
    const uint32_t shared = std::min({m_, length, SharedAtMost(posting, hits)});
    ranked_.push_back(LookupScratch::Ranked{FuzzyPercent(longer - shared, longer), hits, posting});
  }
  counters_in_use_ = false;
  // Ties in the order of the lists that found them (hit count, then posting): deterministic.
  std::sort(ranked_.begin(), ranked_.end(), [](const LookupScratch::Ranked& a, const LookupScratch::Ranked& b) {
    if (a.bound != b.bound) return a.bound > b.bound;
    if (a.hits != b.hits) return a.hits > b.hits;
    return a.posting < b.posting;
  });
}

// Step 6: verifies one unit (its distance decides; counts only filter) with the bit-parallel
// distance, stopping as soon as the unit cannot reach t_. A unit within reach waits in passed_ for
// HandToSink.
Status IndexedLookup::Verify(uint64_t id) {
  if (stats_) ++stats_->candidates;
  DHAKIRA_RETURN_IF_ERROR(index_.GetSeg(txn_, id, &record_, /*source_only=*/true));
  if (!LanguageMatches(record_, query_)) return Status::OK();
  const uint32_t length = static_cast<uint32_t>(record_.src.size());
  const uint32_t longer = std::max(m_, length);
  const int32_t allowed = MaxDistance(longer, t_);
  if (allowed < 0 || static_cast<int32_t>(m_ > length ? m_ - length : length - m_) > allowed) {
    return Status::OK();
  }
  if (stats_) ++stats_->verified;
  const uint32_t distance = distance_->Distance(record_.src, allowed);
  if (static_cast<int32_t>(distance) > allowed) return Status::OK();
  passed_.push_back(Candidate{id, distance, longer, FuzzyPercent(distance, longer), record_.changed_at});
  return Status::OK();
}

// Step 7, scoring best fuzzy first: hands the units verified so far whose fuzzy is above `above` to
// the sink, best fuzzy first, while they can still reach t_ (the sink skips those that cannot beat
// its k-th match); the others stay. Once the sink holds `top` matches, t_ rises to the k-th score
// and the later lists and candidates are filtered against it (with all scoring left to the end,
// every unit passing the initial threshold would be verified).
Status IndexedLookup::HandToSink(double above) {
  // The ranking's order with score = fuzzy (what a unit scores at best).
  std::sort(passed_.begin(), passed_.end(), [](const Candidate& a, const Candidate& b) {
    return RanksBefore(a.fuzzy, a.fuzzy, a.changed_at, a.id, b.fuzzy, b.fuzzy, b.changed_at, b.id);
  });
  size_t handed = 0;
  for (; handed < passed_.size(); ++handed) {
    const Candidate& candidate = passed_[handed];
    if (candidate.fuzzy <= above) break;
    // t_ only rises: this one and those after it never qualify.
    if (candidate.fuzzy < t_ || t_ > 100) {
      handed = passed_.size();
      break;
    }
    DHAKIRA_ASSIGN_OR_RETURN(double next, sink_.Accept(candidate));
    t_ = std::max(t_, next);
  }
  passed_.erase(passed_.begin(), passed_.begin() + static_cast<std::ptrdiff_t>(handed));
  return Status::OK();
}

// Steps 3 and 5: reads list `list` over the source lengths [lo, hi], a page at a time. admit_new:
// whether a unit first seen in this list is recorded (in the prefix); beyond it, a unit absent from
// every list read so far cannot qualify, so only the hits of units already touched are counted: no
// counter write, no touched_ entry and nothing to filter or reset for the rest.
Status IndexedLookup::ReadList(uint32_t list, uint32_t lo, uint32_t hi, bool admit_new) {
  read_hi_.push_back(hi);
  if (features_[list].size == 0 || lo > hi) return Status::OK();
  uint64_t key = features_[list].key;
  uint64_t from = index::MakePosting(lo, 0, 0);
  MDB_val k{sizeof key, &key}, v{sizeof from, &from};
  int rc = mdb_cursor_get(postings_.get(), &k, &v, MDB_GET_BOTH_RANGE);
  if (rc == MDB_NOTFOUND) return Status::OK();
  if (rc == MDB_SUCCESS) rc = mdb_cursor_get(postings_.get(), &k, &v, MDB_GET_MULTIPLE);
  bool past_end = false;
  while (rc == MDB_SUCCESS && !past_end) {
    // The page stays mapped for the read transaction (the store holds its map lock shared
    // meanwhile).
    const char* page = static_cast<const char*>(v.mv_data);
    const size_t items = v.mv_size / sizeof(uint64_t);
    if (stats_) stats_->postings += items;
    // Postings ascend by (length, id): the lengths lo..hi are one run [begin, end) of the page,
    // found by binary search (only the first and the last page of a run can hold others), so the
    // counting loops test no length.
    size_t begin = 0, end = items;
    if (items > 0 && index::PostingLength(PostingAt(page, 0)) < lo) {
      begin = FirstLongerThan(page, 0, items, lo - 1);
    }
    if (items > 0 && index::PostingLength(PostingAt(page, items - 1)) > hi) {
      end = FirstLongerThan(page, begin, items, hi);
      past_end = true;
    }
    if (dense_ && !admit_new) {
      CountSeenOnly(page, begin, end);
    } else if (dense_) {
      CountAdmitting(page, begin, end);
    } else {
      CountSparse(page, begin, end, admit_new);
    }
    if (!past_end) rc = mdb_cursor_get(postings_.get(), &k, &v, MDB_NEXT_MULTIPLE);
  }
  if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) {
    return LmdbError(rc, "reading the fuzzy index postings");
  }
  return Status::OK();
}

// Step 3, dense counters: counts a hit for every posting of page[begin, end), recording each unit
// met for the first time (touched_, its bit), and offers the units at the highest count to step 4.
void IndexedLookup::CountAdmitting(const char* page, size_t begin, size_t end) {
  uint16_t* const counts = counts_.data();
  uint64_t* const seen = seen_.data();
  const uint64_t max_id = max_id_;
  for (size_t j = begin; j < end; ++j) {
    if (j + kPrefetchAhead < end) PrefetchCounter(page + (j + kPrefetchAhead) * sizeof(uint64_t));
    const uint64_t posting = PostingAt(page, j);
    const uint64_t id = index::PostingId(posting);
    if (id > max_id) continue;
    const uint16_t hits = ++counts[id];
    if (hits == 1) {
      touched_.push_back(posting);
      seen[id / 64] |= uint64_t{1} << (id % 64);
    }
    if ((hits & kCountMask) >= hot_max_ && !(hits & kVerified)) AddHot(id, hits & kCountMask);
  }
}

// Step 5, dense counters: counts a hit for the postings of page[begin, end) whose unit was touched.
// Most are of units never touched: the bitmap (a bit per unit, 16 times smaller than the counters,
// so mostly in cache) turns them away without a counter read.
void IndexedLookup::CountSeenOnly(const char* page, size_t begin, size_t end) {
  uint16_t* const counts = counts_.data();
  const uint64_t* const seen = seen_.data();
  const uint64_t max_id = max_id_;
  for (size_t j = begin; j < end; ++j) {
    const uint64_t id = index::PostingId(PostingAt(page, j));
    if (id > max_id || !((seen[id / 64] >> (id % 64)) & 1)) continue;
    ++counts[id];
  }
}

// Steps 3 and 5 with the hash-map counters (unit ids beyond max_dense_ids_): as CountAdmitting when
// admit_new, else as CountSeenOnly.
void IndexedLookup::CountSparse(const char* page, size_t begin, size_t end, bool admit_new) {
  for (size_t j = begin; j < end; ++j) {
    const uint64_t posting = PostingAt(page, j);
    const uint64_t id = index::PostingId(posting);
    if (!admit_new) {
      const auto it = sparse_.find(id);
      if (it == sparse_.end()) continue;
      ++it->second;
      continue;
    }
    uint16_t& hits = sparse_[id];
    if (hits++ == 0) touched_.push_back(posting);
    if ((hits & kCountMask) >= hot_max_ && !(hits & kVerified)) AddHot(id, hits & kCountMask);
  }
}

// Prefetches the dense counter of the posting stored at `posting` (unaligned bytes).
void IndexedLookup::PrefetchCounter(const void* posting) const {
  uint64_t value;
  std::memcpy(&value, posting, sizeof value);
  const uint64_t id = index::PostingId(value);
  if (id <= max_id_) __builtin_prefetch(&counts_[id], 1);
}

// Leaves every dense counter and bit this lookup touched at 0 for the next query, unless
// RankCandidates already did (the lookup ended early or on an error).
void IndexedLookup::ZeroTouchedCounters() {
  if (!counters_in_use_ || !dense_) return;
  for (uint64_t posting : touched_) {
    const uint64_t id = index::PostingId(posting);
    counts_[id] = 0;
    seen_[id / 64] = 0;
  }
}

}  // namespace

Status Searcher::IndexedSearch(MDB_txn* txn, const index::FuzzyIndex& index, const LookupQuery& query, double threshold,
                               CandidateSink& sink, MatchStats* stats) {
  scratch_.measured.clear();
  if (query.ids.empty() || threshold > 100) return Status::OK();
  bool scan_instead = false;
  {
    IndexedLookup lookup(txn, index, query, threshold, sink, stats, max_dense_ids_, scratch_);
    DHAKIRA_RETURN_IF_ERROR(lookup.Run(&scan_instead));
  }
  if (scan_instead) return BruteForceSearch(txn, index, query, threshold, sink, stats);
  return Status::OK();
}

Status Searcher::BruteForceSearch(MDB_txn* txn, const index::FuzzyIndex& index, const LookupQuery& query,
                                  double threshold, CandidateSink& sink, MatchStats* stats) {
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
    DHAKIRA_RETURN_IF_ERROR(
        index::DecodeSegRecord(std::string_view(static_cast<const char*>(v.mv_data), v.mv_size), id, &rec));
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
  if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) return LmdbError(rc, "scanning the fuzzy index");
  return Status::OK();
}

}  // namespace dhakira::match
