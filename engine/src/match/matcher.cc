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
  TopK(const LmdbStore& store, MDB_txn* txn, const MatchOptions& options,
       const NormalizedText& query, uint64_t prev_hash, uint64_t next_hash,
       Normalizer* target_normalizer, MatchStats* stats)
      : stats_(stats),
        store_(store),
        txn_(txn),
        options_(options),
        query_(query),
        prev_hash_(prev_hash),
        next_hash_(next_hash),
        target_normalizer_(target_normalizer) {}

  StatusOr<double> Accept(const Candidate& c) override {
    if (matches_.size() >= options_.top && !matches_.empty()) {
      // The best this unit can score is its fuzzy (101 for a possible context match): when even
      // that does not rank before the k-th match, on score, then fuzzy, changed_at and id (all
      // known without loading the unit), loading and scoring it cannot change the list. Units that
      // tie with the k-th on fuzzy are common (a TM holds many near-copies); this skips most of
      // them.
      const Match& kth = matches_.back();
      const bool context_possible = (prev_hash_ != 0 || next_hash_ != 0) && c.fuzzy >= 100;
      const double best = context_possible ? 101 : c.fuzzy;
      if (!match::RanksBefore(best, c.fuzzy, c.changed_at, c.id, kth.score, kth.fuzzy,
                              kth.pair.changed_at, kth.pair.id)) {
        return Threshold();
      }
    }
    ++stats_->scored;
    Match m;
    DHAKIRA_RETURN_IF_ERROR(store_.GetUnit(txn_, c.id, &m.pair));
    if (!options_.origin.empty() && m.pair.origin != options_.origin) return Threshold();
    const bool context_given = prev_hash_ != 0 || next_hash_ != 0;
    const bool context_equal = context_given &&
                               (prev_hash_ == 0 || prev_hash_ == m.pair.prev_hash) &&
                               (next_hash_ == 0 || next_hash_ == m.pair.next_hash);
    match::ScoreInput in;
    in.query_text = query_.text;
    in.query_tokens = &query_.tokens;
    in.source_text = m.pair.source;
    in.source_tokens = &m.pair.source_tokens;
    in.origin = m.pair.origin;
    in.context_equal = context_equal;
    match::ScoreDetail d = match::Score(in, options_);
    if (!d.substitutions.empty()) {
      DHAKIRA_ASSIGN_OR_RETURN(NormalizedText target, target_normalizer_->Normalize(m.pair.target));
      m.target_substituted = match::SubstituteNumbers(target.text, target.tokens, options_, &d);
    } else {
      m.target_substituted = m.pair.target;
    }
    if (d.score < options_.threshold) return Threshold();
    m.score = d.score;
    m.fuzzy = d.fuzzy;
    m.kind = d.kind;
    m.penalties = std::move(d.penalties);
    m.source_marks = std::move(d.source_marks);
    auto before = [](const Match& a, const Match& b) {
      return match::RanksBefore(a.score, a.fuzzy, a.pair.changed_at, a.pair.id, b.score, b.fuzzy,
                                b.pair.changed_at, b.pair.id);
    };
    auto pos = std::upper_bound(matches_.begin(), matches_.end(), m, before);
    if (matches_.size() < options_.top || pos != matches_.end()) {
      matches_.insert(pos, std::move(m));
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
std::vector<size_t> Occurrences(const std::vector<uint32_t>& hay,
                                const std::vector<uint32_t>& needle) {
  std::vector<size_t> out;
  if (needle.empty() || hay.size() < needle.size()) return out;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (std::equal(needle.begin(), needle.end(), hay.begin() + static_cast<long>(i)))
      out.push_back(i);
  }
  return out;
}

class MatcherImpl : public Matcher {
 public:
  MatcherImpl(LmdbStore* store, std::shared_ptr<const index::FuzzyIndexHook> hook)
      : store_(store), hook_(std::move(hook)) {}

  StatusOr<MatchResult> Match(std::string_view query, const MatchOptions& options) override;
  StatusOr<ConcordanceResult> Concordance(std::string_view phrase,
                                          const ConcordanceOptions& options) override;

 private:
  StatusOr<Normalizer*> NormalizerFor(std::string_view language, const char* field);

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
  using FrequentTable = std::unordered_map<std::string, FrequentToken, ViewHash, std::equal_to<>>;
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

StatusOr<MatchResult> MatcherImpl::Match(std::string_view query, const MatchOptions& options) {
  DHAKIRA_RETURN_IF_ERROR(options.Validate());
  DHAKIRA_ASSIGN_OR_RETURN(Normalizer * src, NormalizerFor(options.src_lang, "src_lang"));
  DHAKIRA_ASSIGN_OR_RETURN(Normalizer * tgt, NormalizerFor(options.tgt_lang, "tgt_lang"));
  MatchResult result;
  result.query = std::string(query);
  auto normalized = src->Normalize(query);
  if (!normalized.ok()) return normalized.status().WithContext("query");
  const NormalizedText& q = *normalized;
  uint32_t m = 0;
  for (const Token& t : q.tokens) m += t.type != TokenType::kPlaceholder;
  if (m == 0) return Status::InvalidArgument("query: no word, number or punctuation to match");
  if (m > options.max_query_tokens) {
    return Status::InvalidArgument("query: " + std::to_string(m) +
                                   " tokens, more than max_query_tokens (" +
                                   std::to_string(options.max_query_tokens) + ")");
  }
  auto prev_context = ContextHash(*src, options.prev_source);
  if (!prev_context.ok()) return prev_context.status().WithContext("prev_source");
  auto next_context = ContextHash(*src, options.next_source);
  if (!next_context.ok()) return next_context.status().WithContext("next_source");
  const uint64_t prev_hash = *prev_context, next_hash = *next_context;

  match::LookupQuery lq;
  lq.src_lang = index::PrimaryLanguage(src->language());
  lq.tgt_lang = index::PrimaryLanguage(tgt->language());
  lq.origin_hash = index::OriginHash(options.origin);
  const index::FuzzyIndex& idx = hook_->index();
  if (++lookups_since_refresh_ > kFrequentRefresh) {
    frequent_.clear();
    lookups_since_refresh_ = 0;
  }
  FrequentTable& frequent = frequent_[lq.src_lang];
  std::vector<std::string_view> keys;  // per id: its distance key
  Status s = store_->Read([&](MDB_txn* txn) -> Status {
    std::unordered_map<std::string_view, uint32_t> unknown;
    lq.ids.clear();
    lq.list_sizes.clear();
    keys.clear();
    for (const Token& t : q.tokens) {
      if (t.type == TokenType::kPlaceholder) continue;
      const std::string_view key = match::DistanceKey(t);
      keys.push_back(key);
      if (const auto it = frequent.find(key); it != frequent.end()) {
        lq.ids.push_back(it->second.id);
        lq.list_sizes.push_back(it->second.list_size);
        continue;
      }
      DHAKIRA_ASSIGN_OR_RETURN(uint32_t id, idx.LookupToken(txn, lq.src_lang, key));
      if (id == index::kUnknownToken) {
        id =
            unknown
                .try_emplace(key, index::kFirstUnknownToken + static_cast<uint32_t>(unknown.size()))
                .first->second;
      }
      lq.ids.push_back(id);
      lq.list_sizes.push_back(match::kUnknownListSize);
    }
    TopK top(*store_, txn, options, q, prev_hash, next_hash, tgt, &result.stats);
    if (options.brute_force) {
      DHAKIRA_RETURN_IF_ERROR(
          searcher_.BruteForceSearch(txn, idx, lq, options.threshold, top, &result.stats));
    } else {
      DHAKIRA_RETURN_IF_ERROR(searcher_.IndexedSearch(
          txn, idx, lq, std::min(options.threshold, 100.0), top, &result.stats));
      const std::vector<uint64_t>& sizes = searcher_.measured_list_sizes();
      for (size_t i = 0; i < sizes.size() && i < keys.size(); ++i) {
        if (sizes[i] == match::kUnknownListSize || sizes[i] < kFrequentList) continue;
        if (frequent.size() >= kMaxFrequent) break;
        frequent.try_emplace(std::string(keys[i]), FrequentToken{lq.ids[i], sizes[i]});
      }
    }
    result.matches = top.Take();
    return Status::OK();
  });
  if (!s.ok()) return s.WithContext("matching");
  return result;
}

StatusOr<ConcordanceResult> MatcherImpl::Concordance(std::string_view phrase,
                                                     const ConcordanceOptions& options) {
  DHAKIRA_RETURN_IF_ERROR(options.Validate());
  DHAKIRA_ASSIGN_OR_RETURN(Normalizer * src, NormalizerFor(options.src_lang, "src_lang"));
  DHAKIRA_ASSIGN_OR_RETURN(Normalizer * tgt, NormalizerFor(options.tgt_lang, "tgt_lang"));
  const bool on_source = options.side == ConcordanceSide::kSource;
  Normalizer* side = on_source ? src : tgt;
  auto normalized = side->Normalize(phrase);
  if (!normalized.ok()) return normalized.status().WithContext("phrase");
  std::vector<const Token*> keys;
  for (const Token& t : normalized->tokens) {
    if (t.type != TokenType::kPlaceholder) keys.push_back(&t);
  }
  if (keys.empty())
    return Status::InvalidArgument("phrase: no word, number or punctuation to look for");
  if (keys.size() > options.max_phrase_tokens) {
    return Status::InvalidArgument("phrase: " + std::to_string(keys.size()) +
                                   " tokens, more than max_phrase_tokens (" +
                                   std::to_string(options.max_phrase_tokens) + ")");
  }
  ConcordanceResult result;
  result.phrase = std::string(phrase);
  const std::string src_lang = index::PrimaryLanguage(src->language());
  const std::string tgt_lang = index::PrimaryLanguage(tgt->language());
  const std::string& side_lang = on_source ? src_lang : tgt_lang;
  const index::FuzzyIndex& idx = hook_->index();

  Status s = store_->Read([&](MDB_txn* txn) -> Status {
    // Index token ids of the phrase on the searched side (source side: numbers are one symbol
    // there, so the exact number is checked on the unit itself below).
    std::vector<uint32_t> ids;
    for (const Token* t : keys) {
      const std::string_view key = on_source ? match::DistanceKey(*t) : std::string_view(t->key);
      DHAKIRA_ASSIGN_OR_RETURN(uint32_t id, idx.LookupToken(txn, side_lang, key));
      if (id == index::kUnknownToken) return Status::OK();  // a token never seen: no hit
      ids.push_back(id);
    }
    struct Hit {
      uint64_t id;
      uint32_t length;
      int64_t changed_at;
    };
    std::vector<Hit> hits;
    index::SegRecord rec;
    auto consider = [&](uint64_t id, const index::SegRecord& r) {
      if (r.src_lang != src_lang || r.tgt_lang != tgt_lang) return;
      const std::vector<uint32_t>& hay = on_source ? r.src : r.tgt;
      if (Occurrences(hay, ids).empty()) return;
      hits.push_back({id, static_cast<uint32_t>(hay.size()), r.changed_at});
    };
    MDB_cursor* cur = nullptr;
    int rc = mdb_cursor_open(txn,
                             options.brute_force ? idx.seg_dbi()
                             : on_source         ? idx.src_dbi()
                                                 : idx.tgt_dbi(),
                             &cur);
    if (rc != MDB_SUCCESS) return LmdbError(rc, "opening the fuzzy index");
    Status st;
    if (options.brute_force) {
      MDB_val k, v;
      rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
      while (rc == MDB_SUCCESS && st.ok()) {
        uint64_t id;
        std::memcpy(&id, k.mv_data, 8);
        st = index::DecodeSegRecord(
            std::string_view(static_cast<const char*>(v.mv_data), v.mv_size), id, &rec);
        if (st.ok()) consider(id, rec);
        rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
      }
    } else {
      // Candidates: the units holding the phrase's rarest token (occurrence 1, any length).
      std::vector<uint32_t> distinct(ids);
      std::sort(distinct.begin(), distinct.end());
      distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
      uint64_t best_total = UINT64_MAX;
      uint64_t best = 0;
      for (uint32_t tok : distinct) {
        uint64_t key = index::MakeFeature(tok, 1);
        MDB_val k{8, &key}, v;
        rc = mdb_cursor_get(cur, &k, &v, MDB_SET);
        size_t count = 0;
        if (rc == MDB_SUCCESS) rc = mdb_cursor_count(cur, &count);
        if (rc == MDB_NOTFOUND) {
          best_total = 0;  // a token in no unit of this side: no hit at all
          break;
        }
        if (rc != MDB_SUCCESS) break;
        if (count < best_total) {
          best_total = count;
          best = key;
        }
      }
      std::vector<uint64_t> candidates;
      if (best_total > 0 && best_total != UINT64_MAX) {
        MDB_val k{8, &best}, v;
        rc = mdb_cursor_get(cur, &k, &v, MDB_SET);
        if (rc == MDB_SUCCESS) rc = mdb_cursor_get(cur, &k, &v, MDB_GET_MULTIPLE);
        while (rc == MDB_SUCCESS) {
          const size_t n = v.mv_size / 8;
          const size_t at = candidates.size();
          candidates.resize(at + n);
          std::memcpy(&candidates[at], v.mv_data, n * 8);
          rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT_MULTIPLE);
        }
        for (uint64_t& c : candidates) c = index::PostingId(c);
      }
      for (uint64_t id : candidates) {
        st = idx.GetSeg(txn, id, &rec);
        if (!st.ok()) break;
        consider(id, rec);
      }
    }
    mdb_cursor_close(cur);
    DHAKIRA_RETURN_IF_ERROR(st);
    if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) {
      return LmdbError(rc, "reading the fuzzy index");
    }
    std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
      if (a.length != b.length) return a.length < b.length;
      if (a.changed_at != b.changed_at) return a.changed_at > b.changed_at;
      return a.id > b.id;
    });
    // Exact spans on the unit itself (keys compared as written in the key, numbers by their
    // digits).
    for (const Hit& h : hits) {
      if (result.hits.size() >= options.top) break;
      ConcordanceHit hit;
      DHAKIRA_RETURN_IF_ERROR(store_->GetUnit(txn, h.id, &hit.pair));
      std::vector<Token> side_tokens;
      if (on_source) {
        side_tokens = hit.pair.source_tokens;
      } else {
        auto t = tgt->Normalize(hit.pair.target);
        if (!t.ok()) return t.status();
        side_tokens = std::move(t->tokens);
      }
      std::vector<const Token*> hay;
      for (const Token& t : side_tokens) {
        if (t.type != TokenType::kPlaceholder) hay.push_back(&t);
      }
      for (size_t i = 0; i + keys.size() <= hay.size(); ++i) {
        bool all = true;
        for (size_t j = 0; j < keys.size() && all; ++j) all = hay[i + j]->key == keys[j]->key;
        if (all) hit.spans.emplace_back(hay[i]->begin, hay[i + keys.size() - 1]->end);
      }
      if (!hit.spans.empty()) result.hits.push_back(std::move(hit));
    }
    return Status::OK();
  });
  if (!s.ok()) return s.WithContext("concordance");
  return result;
}

}  // namespace

StatusOr<std::unique_ptr<Matcher>> Matcher::Create(const Store* store) {
  if (store == nullptr) return Status::InvalidArgument("Matcher::Create: no store");
  LmdbStore* lmdb = AsLmdbStore(const_cast<Store*>(store));
  if (lmdb == nullptr) return Status::InvalidArgument("Matcher::Create: not an LMDB store");
  auto hook = index::FindFuzzyIndex(lmdb->env());
  if (hook == nullptr || !hook->index().present()) {
    return Status::FailedPrecondition(
        "TM at " + lmdb->path() +
        " has no fuzzy index of this version (open it once writable to build it)");
  }
  return std::unique_ptr<Matcher>(new MatcherImpl(lmdb, std::move(hook)));
}

}  // namespace dhakira
