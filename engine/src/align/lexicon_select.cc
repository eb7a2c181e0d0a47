// Reading the learned lexicon: scoring and selection (SelectLearned), and the lookup of one article's
// stems in the stored records (LexiconHook::Learned). Model and sources: lexicon_store.h.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "align/keys.h"
#include "align/lexicon_impl.h"
#include "align/lexicon_store.h"

namespace dhakira::align {
namespace {

double Dice(uint64_t together, uint64_t a, uint64_t b) {
  return a + b == 0 ? 0.0 : 2.0 * static_cast<double>(together) / static_cast<double>(a + b);
}

std::string BaseOf(std::string_view lang) { return std::string(lang.substr(0, lang.find('-'))); }

// The best Dice score of a stem with any partner that passes the co-occurrence bar, memoised per side.
class BestScores {
 public:
  BestScores(const RecordLookup& lookup, uint32_t min_cooccurrence)
      : lookup_(lookup), min_cooccurrence_(min_cooccurrence) {}

  StatusOr<double> Of(int side, const std::string& stem, const StemRecord& record) {
    auto memo = best_[side].find(stem);
    if (memo != best_[side].end()) return memo->second;
    double best = 0;
    for (const Partner& p : record.partners) {
      const uint64_t together = p.count - p.error;
      if (together < min_cooccurrence_) continue;
      DHAKIRA_ASSIGN_OR_RETURN(const StemRecord* other, lookup_(1 - side, p.stem));
      if (other != nullptr) best = std::max(best, Dice(together, record.pairs, other->pairs));
    }
    best_[side].emplace(stem, best);
    return best;
  }

 private:
  const RecordLookup& lookup_;
  const uint32_t min_cooccurrence_;
  std::unordered_map<std::string, double> best_[2];
};

}  // namespace

Status SelectLearned(const std::vector<std::string>& source_stems, const std::vector<std::string>& target_stems,
                     const RecordLookup& lookup, const LearnOptions& options, bool all_candidates,
                     LearnedLexiconResult* out) {
  const std::unordered_set<std::string> in_target(target_stems.begin(), target_stems.end());
  BestScores best(lookup, options.min_cooccurrence);
  for (const std::string& source : source_stems) {
    DHAKIRA_ASSIGN_OR_RETURN(const StemRecord* record, lookup(0, source));
    if (record == nullptr) continue;
    ++out->source_stems;
    DHAKIRA_ASSIGN_OR_RETURN(const double best_of_source, best.Of(0, source, *record));
    for (const Partner& p : record->partners) {
      LearnedTranslation t;
      t.together = p.count - p.error;
      if (t.together == 0 || (!all_candidates && t.together < options.min_cooccurrence)) continue;
      DHAKIRA_ASSIGN_OR_RETURN(const StemRecord* target, lookup(1, p.stem));
      if (target == nullptr) continue;
      t.score = Dice(t.together, record->pairs, target->pairs);
      if (!all_candidates && t.score < options.min_score) continue;
      const bool counted = t.together >= options.min_cooccurrence;
      if (counted && t.score >= best_of_source) {
        // Mutual best (as in competitive linking, Melamed 2000): the target's best partner is this source.
        DHAKIRA_ASSIGN_OR_RETURN(const double best_of_target, best.Of(1, p.stem, *target));
        t.mutual = t.score >= best_of_target;
      }
      t.kept = counted && t.score >= options.min_score && (t.mutual || t.score >= options.strong_score);
      if (!t.kept && !all_candidates) continue;
      t.source = source;
      t.target = p.stem;
      t.source_pairs = record->pairs;
      t.target_pairs = target->pairs;
      t.in_target = in_target.count(p.stem) > 0;
      if (t.kept) out->lexicon.mutable_impl().AddStems(source, p.stem, static_cast<float>(t.score));
      out->translations.push_back(std::move(t));
    }
  }
  std::sort(out->translations.begin(), out->translations.end(),
            [](const LearnedTranslation& a, const LearnedTranslation& b) {
              if (a.kept != b.kept) return a.kept;
              if (a.score != b.score) return a.score > b.score;
              if (a.together != b.together) return a.together > b.together;
              return a.source != b.source ? a.source < b.source : a.target < b.target;
            });
  return Status::OK();
}

namespace {

// The stems of every word of `texts` (lookup_variants: also the stems without an Arabic proclitic, as the
// aligner looks words up), distinct, in first-seen order.
StatusOr<std::vector<std::string>> TextStems(const std::string& lang, const std::vector<std::string>& texts,
                                             bool lookup_variants) {
  NormalizerOptions options;
  options.language = lang;
  options.keep_punctuation = false;
  DHAKIRA_ASSIGN_OR_RETURN(std::unique_ptr<Normalizer> normalizer, Normalizer::Create(options));
  std::vector<std::string> out, variants;
  std::unordered_set<std::string> seen;
  for (const std::string& text : texts) {
    DHAKIRA_ASSIGN_OR_RETURN(NormalizedText normalized, normalizer->Normalize(text));
    for (const Token& token : normalized.tokens) {
      if (token.type != TokenType::kWord) continue;
      if (lookup_variants)
        LookupStems(token.key, lang, &variants);
      else
        variants = {AlignStem(token.key, lang)};
      for (std::string& stem : variants)
        if (!stem.empty() && stem.size() <= kMaxStemBytes && seen.insert(stem).second) out.push_back(std::move(stem));
    }
  }
  return out;
}

}  // namespace

Status LexiconHook::Learned(MDB_txn* txn, const std::vector<std::string>& source_texts,
                            const std::vector<std::string>& target_texts, const LearnOptions& options,
                            bool all_candidates, LearnedLexiconResult* out) const {
  DHAKIRA_RETURN_IF_ERROR(options.Validate());
  if (!usable_) {
    return Status::FailedPrecondition(
        "the TM has no learned lexicon of this version (it was opened read-only): open it once writable to build "
        "it");
  }
  DHAKIRA_ASSIGN_OR_RETURN(out->lexicon, Lexicon::Empty(options.src_lang, options.tgt_lang));
  const std::string lang[2] = {BaseOf(out->lexicon.lang_a()), BaseOf(out->lexicon.lang_b())};
  if (lang[0] == lang[1]) return Status::InvalidArgument("learned lexicon: both languages are " + lang[0]);
  {
    const std::string key = LexiconKey(std::min(lang[0], lang[1]), std::max(lang[0], lang[1]), "");
    MDB_val k{key.size(), const_cast<char*>(key.data())}, v;
    const int rc = mdb_get(txn, meta_, &k, &v);
    if (rc == MDB_SUCCESS && v.mv_size == 8) {
      const auto* p = static_cast<const unsigned char*>(v.mv_data);
      for (int i = 7; i >= 0; --i) out->pairs = (out->pairs << 8) | p[i];
    } else if (rc != MDB_NOTFOUND) {
      return rc == MDB_SUCCESS ? Status::Corruption("learned lexicon: the pair count is damaged")
                               : LmdbError(rc, "reading the learned lexicon's pair count");
    }
  }
  std::unordered_map<std::string, std::unique_ptr<StemRecord>> cache[2];
  const RecordLookup lookup = [&](int side, const std::string& stem) -> StatusOr<const StemRecord*> {
    auto cached = cache[side].find(stem);
    if (cached != cache[side].end()) return const_cast<const StemRecord*>(cached->second.get());
    const std::string key = LexiconKey(lang[side], lang[1 - side], stem);
    MDB_val k{key.size(), const_cast<char*>(key.data())}, v;
    std::unique_ptr<StemRecord> record;
    const int rc = mdb_get(txn, records_, &k, &v);
    if (rc == MDB_SUCCESS) {
      record = std::make_unique<StemRecord>();
      DHAKIRA_RETURN_IF_ERROR(
          DecodeStemRecord(std::string_view(static_cast<const char*>(v.mv_data), v.mv_size), stem, record.get()));
    } else if (rc != MDB_NOTFOUND) {
      return LmdbError(rc, "reading the learned lexicon");
    }
    const StemRecord* result = record.get();
    cache[side].emplace(stem, std::move(record));
    return result;
  };
  DHAKIRA_ASSIGN_OR_RETURN(std::vector<std::string> source_stems,
                           TextStems(out->lexicon.lang_a(), source_texts, /*lookup_variants=*/true));
  DHAKIRA_ASSIGN_OR_RETURN(std::vector<std::string> target_stems,
                           TextStems(out->lexicon.lang_b(), target_texts, /*lookup_variants=*/false));
  return SelectLearned(source_stems, target_stems, lookup, options, all_candidates, out);
}

}  // namespace dhakira::align
