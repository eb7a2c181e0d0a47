// Matcher: the public fuzzy-match and concordance API over an LmdbStore and its fuzzy index.
#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "dhakira/match.h"
#include "dhakira/text.h"
#include "index/fuzzy_index.h"
#include "index/index_hook.h"
#include "match/levenshtein.h"
#include "match/lookup.h"
#include "match/new_matcher.h"
#include "match/score.h"
#include "store/store_internal.h"

namespace dhakira {
namespace {

using match::Candidate;
using match::CandidateSink;

// Keeps the best `top` matches by the ranking and turns their k-th score into the pruning
// threshold.
class TopK : public CandidateSink {
 public:
  TopK(const LmdbStore& store, MDB_txn* txn, const MatchOptions& options, const NormalizedText& query,
       uint64_t prev_hash, uint64_t next_hash, Normalizer* target_normalizer, MatchStats* stats)
      : stats_(stats),
        store_(store),
        txn_(txn),
        options_(options),
        query_(query),
        prev_hash_(prev_hash),
        next_hash_(next_hash),
        target_normalizer_(target_normalizer) {}

  StatusOr<double> Accept(const Candidate& candidate) override {
    if (matches_.size() >= options_.top && !matches_.empty()) {
      // The best this unit can score is its fuzzy (101 for a possible context match): when even
      // that does not rank before the k-th match, on score, then fuzzy, changed_at and id (all
      // known without loading the unit), loading and scoring it cannot change the list. Units that
      // tie with the k-th on fuzzy are common (a TM holds many near-copies); this skips most of
      // them.
      const Match& kth = matches_.back();
      const bool context_possible = (prev_hash_ != 0 || next_hash_ != 0) && candidate.fuzzy >= 100;
      const double best = context_possible ? 101 : candidate.fuzzy;
      if (!match::RanksBefore(best, candidate.fuzzy, candidate.changed_at, candidate.id, kth.score, kth.fuzzy,
                              kth.pair.changed_at, kth.pair.id)) {
        return Threshold();
      }
    }
    ++stats_->scored;
    Match scored;
    DHAKIRA_RETURN_IF_ERROR(store_.GetUnit(txn_, candidate.id, &scored.pair));
    if (!options_.origin.empty() && scored.pair.origin != options_.origin) return Threshold();
    const bool context_given = prev_hash_ != 0 || next_hash_ != 0;
    const bool context_equal = context_given && (prev_hash_ == 0 || prev_hash_ == scored.pair.prev_hash) &&
                               (next_hash_ == 0 || next_hash_ == scored.pair.next_hash);
    match::ScoreInput input;
    input.query_text = query_.text;
    input.query_tokens = &query_.tokens;
    input.source_text = scored.pair.source;
    input.source_tokens = &scored.pair.source_tokens;
    input.origin = scored.pair.origin;
    input.context_equal = context_equal;
    match::ScoreDetail detail = match::Score(input, options_);
    if (!detail.substitutions.empty()) {
      DHAKIRA_ASSIGN_OR_RETURN(NormalizedText target, target_normalizer_->Normalize(scored.pair.target));
      scored.target_substituted = match::SubstituteNumbers(target.text, target.tokens, options_, &detail);
    } else {
      scored.target_substituted = scored.pair.target;
    }
    if (detail.score < options_.threshold) return Threshold();
    scored.score = detail.score;
    scored.fuzzy = detail.fuzzy;
    scored.kind = detail.kind;
    scored.penalties = std::move(detail.penalties);
    scored.source_marks = std::move(detail.source_marks);
    auto before = [](const Match& a, const Match& b) {
      return match::RanksBefore(a.score, a.fuzzy, a.pair.changed_at, a.pair.id, b.score, b.fuzzy, b.pair.changed_at,
                                b.pair.id);
    };
    auto position = std::upper_bound(matches_.begin(), matches_.end(), scored, before);
    if (matches_.size() < options_.top || position != matches_.end()) {
      matches_.insert(position, std::move(scored));
      if (matches_.size() > options_.top) matches_.pop_back();
    }
    return Threshold();
  }

  // A unit outside the list can still enter it only with fuzzy >= the k-th score (score <= fuzzy,
  // and equal scores are ordered by fuzzy, so the bound is inclusive) -- except that a context
  // match scores 101 from fuzzy 100, so the bound never exceeds 100: when the list is full of
  // context matches, another one changed more recently must still be scored (it ranks before them).
  double Threshold() const {
    if (matches_.size() < options_.top) return options_.threshold;
    return std::min(100.0, std::max(options_.threshold, matches_.back().score));
  }

  std::vector<Match> Take() { return std::move(matches_); }

 private:
  MatchStats* stats_;
  const LmdbStore& store_;
  MDB_txn* txn_;
  const MatchOptions& options_;
  const NormalizedText& query_;
  uint64_t prev_hash_, next_hash_;
  Normalizer* target_normalizer_;
  std::vector<Match> matches_;
};

// Positions where `needle` occurs in `hay` as a contiguous subsequence.
std::vector<size_t> Occurrences(const std::vector<uint32_t>& hay, const std::vector<uint32_t>& needle) {
  std::vector<size_t> out;
  if (needle.empty() || hay.size() < needle.size()) return out;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (std::equal(needle.begin(), needle.end(), hay.begin() + static_cast<long>(i))) out.push_back(i);
  }
  return out;
}

// The status a cursor loop ends with: its last return code, where running off the end is no error.
Status CursorLoopEnd(int rc) {
  if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) return LmdbError(rc, "reading the fuzzy index");
  return Status::OK();
}

// Finds the units whose key token sequence on one side (source or target) contains a phrase's index
// token ids contiguously, for Matcher::Concordance; then Sorted() gives them in concordance order.
class ConcordanceSearch {
 public:
  // A unit holding the phrase.
  struct Hit {
    uint64_t id;
    uint32_t length;  // key tokens on the searched side
    int64_t changed_at;
  };

  // phrase_ids: the phrase's token ids on the searched side; src_lang, tgt_lang: primary subtags.
  ConcordanceSearch(MDB_txn* txn, const index::FuzzyIndex& index, std::vector<uint32_t> phrase_ids,
                    std::string_view src_lang, std::string_view tgt_lang, bool on_source)
      : txn_(txn),
        index_(index),
        phrase_ids_(std::move(phrase_ids)),
        src_lang_(src_lang),
        tgt_lang_(tgt_lang),
        on_source_(on_source) {}

  // The oracle (--brute-force): every index.seg record read through `segments`, a cursor on it.
  Status ScanAllUnits(MDB_cursor* segments);
  // Candidates: the units holding the phrase's rarest token (occurrence 1, any length), read
  // through `postings`, a cursor on the searched side's posting lists; each checked on its index
  // record.
  Status ScanRarestList(MDB_cursor* postings);

  // The hits: fewest key tokens first, then changed_at desc, then id desc.
  std::vector<Hit> Sorted() &&;

 private:
  // The phrase's feature with the shortest posting list, and that list's size (0 when a token of
  // the phrase is in no unit of this side). Returns the last cursor return code.
  int FindRarestFeature(MDB_cursor* postings, uint64_t* rarest, uint64_t* rarest_size) const;
  void Consider(uint64_t id, const index::SegRecord& record);

  MDB_txn* const txn_;
  const index::FuzzyIndex& index_;
  const std::vector<uint32_t> phrase_ids_;
  const std::string_view src_lang_, tgt_lang_;
  const bool on_source_;
  std::vector<Hit> hits_;
};

Status ConcordanceSearch::ScanAllUnits(MDB_cursor* segments) {
  index::SegRecord record;
  MDB_val k, v;
  int rc = mdb_cursor_get(segments, &k, &v, MDB_FIRST);
  while (rc == MDB_SUCCESS) {
    uint64_t id;
    std::memcpy(&id, k.mv_data, 8);
    DHAKIRA_RETURN_IF_ERROR(
        index::DecodeSegRecord(std::string_view(static_cast<const char*>(v.mv_data), v.mv_size), id, &record));
    Consider(id, record);
    rc = mdb_cursor_get(segments, &k, &v, MDB_NEXT);
  }
  return CursorLoopEnd(rc);
}

int ConcordanceSearch::FindRarestFeature(MDB_cursor* postings, uint64_t* rarest, uint64_t* rarest_size) const {
  std::vector<uint32_t> distinct(phrase_ids_);
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  *rarest_size = UINT64_MAX;
  *rarest = 0;
  int rc = MDB_SUCCESS;
  for (uint32_t token : distinct) {
    uint64_t key = index::MakeFeature(token, 1);
    MDB_val k{8, &key}, v;
    rc = mdb_cursor_get(postings, &k, &v, MDB_SET);
    size_t count = 0;
    if (rc == MDB_SUCCESS) rc = mdb_cursor_count(postings, &count);
    if (rc == MDB_NOTFOUND) {
      *rarest_size = 0;  // a token in no unit of this side: no hit at all
      break;
    }
    if (rc != MDB_SUCCESS) break;
    if (count < *rarest_size) {
      *rarest_size = count;
      *rarest = key;
    }
  }
  return rc;
}

Status ConcordanceSearch::ScanRarestList(MDB_cursor* postings) {
  uint64_t rarest = 0, rarest_size = 0;
  int rc = FindRarestFeature(postings, &rarest, &rarest_size);
  std::vector<uint64_t> candidates;
  if (rarest_size > 0 && rarest_size != UINT64_MAX) {
    MDB_val k{8, &rarest}, v;
    rc = mdb_cursor_get(postings, &k, &v, MDB_SET);
    if (rc == MDB_SUCCESS) rc = mdb_cursor_get(postings, &k, &v, MDB_GET_MULTIPLE);
    while (rc == MDB_SUCCESS) {
      const size_t n = v.mv_size / 8;
      const size_t at = candidates.size();
      candidates.resize(at + n);
      std::memcpy(&candidates[at], v.mv_data, n * 8);
      rc = mdb_cursor_get(postings, &k, &v, MDB_NEXT_MULTIPLE);
    }
    for (uint64_t& c : candidates) c = index::PostingId(c);
  }
  index::SegRecord record;
  for (uint64_t id : candidates) {
    DHAKIRA_RETURN_IF_ERROR(index_.GetSeg(txn_, id, &record));
    Consider(id, record);
  }
  return CursorLoopEnd(rc);
}

void ConcordanceSearch::Consider(uint64_t id, const index::SegRecord& record) {
  if (record.src_lang != src_lang_ || record.tgt_lang != tgt_lang_) return;
  const std::vector<uint32_t>& hay = on_source_ ? record.src : record.tgt;
  if (Occurrences(hay, phrase_ids_).empty()) return;
  hits_.push_back({id, static_cast<uint32_t>(hay.size()), record.changed_at});
}

std::vector<ConcordanceSearch::Hit> ConcordanceSearch::Sorted() && {
  std::sort(hits_.begin(), hits_.end(), [](const Hit& a, const Hit& b) {
    if (a.length != b.length) return a.length < b.length;
    if (a.changed_at != b.changed_at) return a.changed_at > b.changed_at;
    return a.id > b.id;
  });
  return std::move(hits_);
}

// The phrase's tokens that are matched (all but placeholders); an error when there is none or more
// than options.max_phrase_tokens.
StatusOr<std::vector<const Token*>> PhraseKeys(const NormalizedText& phrase, const ConcordanceOptions& options) {
  std::vector<const Token*> keys;
  for (const Token& t : phrase.tokens) {
    if (t.type != TokenType::kPlaceholder) keys.push_back(&t);
  }
  if (keys.empty()) return Status::InvalidArgument("phrase: no word, number or punctuation to look for");
  if (keys.size() > options.max_phrase_tokens) {
    return Status::InvalidArgument("phrase: " + std::to_string(keys.size()) + " tokens, more than max_phrase_tokens (" +
                                   std::to_string(options.max_phrase_tokens) + ")");
  }
  return keys;
}

// Byte spans in the unit's text (`side_tokens`) where the phrase's keys occur contiguously, keys
// compared as written in the key (numbers by their digits).
std::vector<std::pair<uint32_t, uint32_t>> PhraseSpans(const std::vector<Token>& side_tokens,
                                                       const std::vector<const Token*>& keys) {
  std::vector<const Token*> hay;
  for (const Token& t : side_tokens) {
    if (t.type != TokenType::kPlaceholder) hay.push_back(&t);
  }
  std::vector<std::pair<uint32_t, uint32_t>> spans;
  for (size_t i = 0; i + keys.size() <= hay.size(); ++i) {
    bool all = true;
    for (size_t j = 0; j < keys.size() && all; ++j) all = hay[i + j]->key == keys[j]->key;
    if (all) spans.emplace_back(hay[i]->begin, hay[i + keys.size() - 1]->end);
  }
  return spans;
}

// The query's tokens that are matched (all but placeholders) counted; an error when there is none
// or more than options.max_query_tokens.
Status CheckQueryLength(const NormalizedText& query, const MatchOptions& options) {
  uint32_t m = 0;
  for (const Token& t : query.tokens) m += t.type != TokenType::kPlaceholder;
  if (m == 0) return Status::InvalidArgument("query: no word, number or punctuation to match");
  if (m > options.max_query_tokens) {
    return Status::InvalidArgument("query: " + std::to_string(m) + " tokens, more than max_query_tokens (" +
                                   std::to_string(options.max_query_tokens) + ")");
  }
  return Status::OK();
}

class MatcherImpl : public Matcher {
 public:
  MatcherImpl(LmdbStore* store, std::shared_ptr<const index::FuzzyIndexHook> hook)
      : store_(store), hook_(std::move(hook)) {}

  StatusOr<MatchResult> Match(std::string_view query, const MatchOptions& options) override;
  StatusOr<ConcordanceResult> Concordance(std::string_view phrase, const ConcordanceOptions& options) override;

 private:
  struct FrequentToken;
  struct ViewHash;
  using FrequentTable = std::unordered_map<std::string, FrequentToken, ViewHash, std::equal_to<>>;

  StatusOr<Normalizer*> NormalizerFor(std::string_view language, const char* field);
  // Match, step by step.
  FrequentTable& FrequentTokensOf(const std::string& src_lang);
  static Status LookUpQueryTokens(MDB_txn* txn, const index::FuzzyIndex& index, const NormalizedText& query,
                                  const FrequentTable& frequent, match::LookupQuery* lookup,
                                  std::vector<std::string_view>* keys);
  void RememberFrequentTokens(const match::LookupQuery& lookup, const std::vector<std::string_view>& keys,
                              FrequentTable* frequent);
  // Concordance, step by step.
  Status AddHitsWithSpans(MDB_txn* txn, const std::vector<ConcordanceSearch::Hit>& hits,
                          const std::vector<const Token*>& keys, bool on_source, Normalizer* target_normalizer,
                          const ConcordanceOptions& options, ConcordanceResult* result);

  LmdbStore* store_;
  std::shared_ptr<const index::FuzzyIndexHook> hook_;
  std::map<std::string, std::unique_ptr<Normalizer>, std::less<>> normalizers_;
  match::Searcher searcher_;
  // The frequent source tokens met so far, by language, then distance key: their vocabulary id and
  // the size of their first-occurrence posting list. A lookup spends two B-tree descents per token
  // (the vocabulary, then the list size) before it reads anything; the frequent tokens (في من على,
  // the of, punctuation) are in most queries. Only tokens with at least kFrequentList postings are
  // kept, so the table holds at most (postings in the index) / kFrequentList entries and fills from
  // any query stream, not only from repeated queries. Ids never change once committed; the sizes
  // only order the lists (never change a result) and are measured again after kFrequentRefresh
  // lookups.
  struct FrequentToken {
    uint32_t id;
    uint64_t list_size;
  };
  struct ViewHash {  // lets the tables be searched with the string_view keys of the query's tokens
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  static constexpr uint64_t kFrequentList = 1024;
  static constexpr size_t kMaxFrequent = 8192;  // per source language
  static constexpr uint32_t kFrequentRefresh = 10000;
  std::map<std::string, FrequentTable, std::less<>> frequent_;  // by source language
  uint32_t lookups_since_refresh_ = 0;
};

StatusOr<Normalizer*> MatcherImpl::NormalizerFor(std::string_view language, const char* field) {
  auto it = normalizers_.find(language);
  if (it != normalizers_.end()) return it->second.get();
  NormalizerOptions o;
  o.language = std::string(language);
  o.max_input_bytes = 64u << 20;
  auto n = Normalizer::Create(o);
  if (!n.ok()) return n.status().WithContext(field);
  Normalizer* raw = n->get();
  normalizers_.emplace(std::string(language), std::move(*n));
  return raw;
}

// The hashes of the context segments given with the query (0 when not given), as stored in
// prev_hash / next_hash.
Status HashContext(Normalizer& normalizer, const MatchOptions& options, uint64_t* prev_hash, uint64_t* next_hash) {
  StatusOr<uint64_t> prev = ContextHash(normalizer, options.prev_source);
  if (!prev.ok()) return prev.status().WithContext("prev_source");
  StatusOr<uint64_t> next = ContextHash(normalizer, options.next_source);
  if (!next.ok()) return next.status().WithContext("next_source");
  *prev_hash = *prev;
  *next_hash = *next;
  return Status::OK();
}

StatusOr<MatchResult> MatcherImpl::Match(std::string_view query, const MatchOptions& options) {
  DHAKIRA_RETURN_IF_ERROR(options.Validate());
  DHAKIRA_ASSIGN_OR_RETURN(Normalizer * src, NormalizerFor(options.src_lang, "src_lang"));
  DHAKIRA_ASSIGN_OR_RETURN(Normalizer * tgt, NormalizerFor(options.tgt_lang, "tgt_lang"));
  MatchResult result;
  result.query = std::string(query);
  auto normalized = src->Normalize(query);
  if (!normalized.ok()) return normalized.status().WithContext("query");
  const NormalizedText& normalized_query = *normalized;
  DHAKIRA_RETURN_IF_ERROR(CheckQueryLength(normalized_query, options));
  uint64_t prev_hash = 0, next_hash = 0;
  DHAKIRA_RETURN_IF_ERROR(HashContext(*src, options, &prev_hash, &next_hash));

  match::LookupQuery lq;
  lq.src_lang = index::PrimaryLanguage(src->language());
  lq.tgt_lang = index::PrimaryLanguage(tgt->language());
  lq.origin_hash = index::OriginHash(options.origin);
  const index::FuzzyIndex& idx = hook_->index();
  FrequentTable& frequent = FrequentTokensOf(lq.src_lang);
  std::vector<std::string_view> keys;  // per id: its distance key
  Status status = store_->Read([&](MDB_txn* txn) -> Status {
    DHAKIRA_RETURN_IF_ERROR(LookUpQueryTokens(txn, idx, normalized_query, frequent, &lq, &keys));
    TopK top(*store_, txn, options, normalized_query, prev_hash, next_hash, tgt, &result.stats);
    if (options.brute_force) {
      DHAKIRA_RETURN_IF_ERROR(searcher_.BruteForceSearch(txn, idx, lq, options.threshold, top, &result.stats));
    } else {
      DHAKIRA_RETURN_IF_ERROR(
          searcher_.IndexedSearch(txn, idx, lq, std::min(options.threshold, 100.0), top, &result.stats));
      RememberFrequentTokens(lq, keys, &frequent);
    }
    result.matches = top.Take();
    return Status::OK();
  });
  if (!status.ok()) return status.WithContext("matching");
  return result;
}

// The frequent-token table of a source language, emptied every kFrequentRefresh lookups so that the
// list sizes are measured again.
MatcherImpl::FrequentTable& MatcherImpl::FrequentTokensOf(const std::string& src_lang) {
  if (++lookups_since_refresh_ > kFrequentRefresh) {
    frequent_.clear();
    lookups_since_refresh_ = 0;
  }
  return frequent_[src_lang];
}

// The lookup's token ids and list sizes for the query's distance tokens (placeholders left out),
// and per id its distance key. Frequent tokens come from the table; the others cost a vocabulary
// look-up, and tokens the index has never seen get distinct ids from kFirstUnknownToken up.
Status MatcherImpl::LookUpQueryTokens(MDB_txn* txn, const index::FuzzyIndex& index, const NormalizedText& query,
                                      const FrequentTable& frequent, match::LookupQuery* lookup,
                                      std::vector<std::string_view>* keys) {
  std::unordered_map<std::string_view, uint32_t> unknown;
  lookup->ids.clear();
  lookup->list_sizes.clear();
  keys->clear();
  for (const Token& t : query.tokens) {
    if (t.type == TokenType::kPlaceholder) continue;
    const std::string_view key = match::DistanceKey(t);
    keys->push_back(key);
    if (const auto it = frequent.find(key); it != frequent.end()) {
      lookup->ids.push_back(it->second.id);
      lookup->list_sizes.push_back(it->second.list_size);
      continue;
    }
    DHAKIRA_ASSIGN_OR_RETURN(uint32_t id, index.LookupToken(txn, lookup->src_lang, key));
    if (id == index::kUnknownToken) {
      id = unknown.try_emplace(key, index::kFirstUnknownToken + static_cast<uint32_t>(unknown.size())).first->second;
    }
    lookup->ids.push_back(id);
    lookup->list_sizes.push_back(match::kUnknownListSize);
  }
  return Status::OK();
}

// After an indexed search: the tokens whose first-occurrence list the search measured at
// kFrequentList postings or more join the table (up to kMaxFrequent).
void MatcherImpl::RememberFrequentTokens(const match::LookupQuery& lookup, const std::vector<std::string_view>& keys,
                                         FrequentTable* frequent) {
  const std::vector<uint64_t>& sizes = searcher_.measured_list_sizes();
  for (size_t i = 0; i < sizes.size() && i < keys.size(); ++i) {
    if (sizes[i] == match::kUnknownListSize || sizes[i] < kFrequentList) continue;
    if (frequent->size() >= kMaxFrequent) break;
    frequent->try_emplace(std::string(keys[i]), FrequentToken{lookup.ids[i], sizes[i]});
  }
}

// The index token ids of the phrase's keys on the searched side (source side: numbers are one
// symbol there, so the exact number is checked on the unit itself); *all_known is false when a
// token was never seen on that side, so that nothing can hold the phrase.
Status PhraseTokenIds(MDB_txn* txn, const index::FuzzyIndex& index, const std::vector<const Token*>& keys,
                      bool on_source, const std::string& side_lang, std::vector<uint32_t>* ids, bool* all_known) {
  *all_known = false;
  for (const Token* t : keys) {
    const std::string_view key = on_source ? match::DistanceKey(*t) : std::string_view(t->key);
    DHAKIRA_ASSIGN_OR_RETURN(uint32_t id, index.LookupToken(txn, side_lang, key));
    if (id == index::kUnknownToken) return Status::OK();
    ids->push_back(id);
  }
  *all_known = true;
  return Status::OK();
}

StatusOr<ConcordanceResult> MatcherImpl::Concordance(std::string_view phrase, const ConcordanceOptions& options) {
  DHAKIRA_RETURN_IF_ERROR(options.Validate());
  DHAKIRA_ASSIGN_OR_RETURN(Normalizer * src, NormalizerFor(options.src_lang, "src_lang"));
  DHAKIRA_ASSIGN_OR_RETURN(Normalizer * tgt, NormalizerFor(options.tgt_lang, "tgt_lang"));
  const bool on_source = options.side == ConcordanceSide::kSource;
  Normalizer* side = on_source ? src : tgt;
  auto normalized = side->Normalize(phrase);
  if (!normalized.ok()) return normalized.status().WithContext("phrase");
  DHAKIRA_ASSIGN_OR_RETURN(std::vector<const Token*> keys, PhraseKeys(*normalized, options));
  ConcordanceResult result;
  result.phrase = std::string(phrase);
  const std::string src_lang = index::PrimaryLanguage(src->language());
  const std::string tgt_lang = index::PrimaryLanguage(tgt->language());
  const std::string& side_lang = on_source ? src_lang : tgt_lang;
  const index::FuzzyIndex& idx = hook_->index();

  Status status = store_->Read([&](MDB_txn* txn) -> Status {
    std::vector<uint32_t> ids;
    bool all_known = false;
    DHAKIRA_RETURN_IF_ERROR(PhraseTokenIds(txn, idx, keys, on_source, side_lang, &ids, &all_known));
    if (!all_known) return Status::OK();  // a token never seen: no hit
    ConcordanceSearch search(txn, idx, std::move(ids), src_lang, tgt_lang, on_source);
    MDB_cursor* cur = nullptr;
    const int rc = mdb_cursor_open(txn,
                                   options.brute_force ? idx.seg_dbi()
                                   : on_source         ? idx.src_dbi()
                                                       : idx.tgt_dbi(),
                                   &cur);
    if (rc != MDB_SUCCESS) return LmdbError(rc, "opening the fuzzy index");
    const Status found = options.brute_force ? search.ScanAllUnits(cur) : search.ScanRarestList(cur);
    mdb_cursor_close(cur);
    DHAKIRA_RETURN_IF_ERROR(found);
    return AddHitsWithSpans(txn, std::move(search).Sorted(), keys, on_source, tgt, options, &result);
  });
  if (!status.ok()) return status.WithContext("concordance");
  return result;
}

// Loads the hits in order, up to options.top, each with the exact spans of the phrase on the unit
// itself (a hit whose spans turn out empty is left out).
Status MatcherImpl::AddHitsWithSpans(MDB_txn* txn, const std::vector<ConcordanceSearch::Hit>& hits,
                                     const std::vector<const Token*>& keys, bool on_source,
                                     Normalizer* target_normalizer, const ConcordanceOptions& options,
                                     ConcordanceResult* result) {
  for (const ConcordanceSearch::Hit& h : hits) {
    if (result->hits.size() >= options.top) break;
    ConcordanceHit hit;
    DHAKIRA_RETURN_IF_ERROR(store_->GetUnit(txn, h.id, &hit.pair));
    if (on_source) {
      hit.spans = PhraseSpans(hit.pair.source_tokens, keys);
    } else {
      auto t = target_normalizer->Normalize(hit.pair.target);
      if (!t.ok()) return t.status();
      hit.spans = PhraseSpans(t->tokens, keys);
    }
    if (!hit.spans.empty()) result->hits.push_back(std::move(hit));
  }
  return Status::OK();
}

}  // namespace

namespace match {

StatusOr<std::unique_ptr<Matcher>> NewMatcher(LmdbStore* store, std::shared_ptr<const index::FuzzyIndexHook> index) {
  if (store == nullptr || index == nullptr) {
    return Status::InvalidArgument("NewMatcher: no store or no index");
  }
  if (!index->index().present()) {
    return Status::FailedPrecondition("TM at " + store->path() +
                                      " has no fuzzy index of this version (open it once writable to build it)");
  }
  return std::unique_ptr<Matcher>(new MatcherImpl(store, std::move(index)));
}

}  // namespace match
}  // namespace dhakira
