// A lexicon learned from all pairs of a TM snapshot at once, with the model of the lexicon a TM keeps
// (align/lexicon_store.h): per stem the pairs holding it and its co-occurrence counts with the stems of the
// other language (here exact and unbounded), scored with Dice and selected by SelectLearned. A reference
// for the stored, incrementally updated lexicon, and a way to learn from a snapshot.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "align/lexicon_impl.h"
#include "align/lexicon_store.h"
#include "dhakira/align.h"
#include "dhakira/segment.h"
#include "dhakira/store.h"

namespace dhakira {

Status LearnOptions::Validate() const {
  if (src_lang.empty()) return Status::InvalidArgument("LearnOptions.src_lang: empty");
  if (tgt_lang.empty()) return Status::InvalidArgument("LearnOptions.tgt_lang: empty");
  if (!(min_score > 0 && min_score <= 1))
    return Status::InvalidArgument("LearnOptions.min_score: " + std::to_string(min_score) + " not in (0, 1]");
  if (!(strong_score >= min_score && strong_score <= 1))
    return Status::InvalidArgument("LearnOptions.strong_score: " + std::to_string(strong_score) +
                                   " not in [min_score, 1]");
  if (min_cooccurrence < 1 || min_cooccurrence > 1000)
    return Status::InvalidArgument("LearnOptions.min_cooccurrence: " + std::to_string(min_cooccurrence) +
                                   " not in 1 .. 1000");
  if (max_tokens < 1 || max_tokens > 1000)
    return Status::InvalidArgument("LearnOptions.max_tokens: " + std::to_string(max_tokens) + " not in 1 .. 1000");
  if (max_pairs < 1 || max_pairs > 100'000'000)
    return Status::InvalidArgument("LearnOptions.max_pairs: " + std::to_string(max_pairs) + " not in 1 .. 10^8");
  return Status::OK();
}

namespace {

std::string BaseLanguage(const std::string& lang) { return lang.substr(0, lang.find('-')); }

// Exact counts over a snapshot: side 0 is the source language of the options.
class SnapshotCounts {
 public:
  explicit SnapshotCounts(const LearnOptions& options) : options_(options) {}

  Status Init(const std::string& src_lang, const std::string& tgt_lang) {
    lang_[0] = src_lang;
    lang_[1] = tgt_lang;
    for (int side = 0; side < 2; ++side) {
      NormalizerOptions normalizer_options;
      normalizer_options.language = lang_[side];
      normalizer_options.keep_punctuation = false;
      DHAKIRA_ASSIGN_OR_RETURN(normalizer_[side], Normalizer::Create(normalizer_options));
    }
    return Status::OK();
  }

  // Counts one stored pair of the language pair, in either direction; false when enough were read.
  bool Add(const SegmentPair& pair) {
    const std::string src = BaseLanguage(lang_[0]), tgt = BaseLanguage(lang_[1]);
    const bool forward = BaseLanguage(pair.src_lang) == src && BaseLanguage(pair.tgt_lang) == tgt;
    const bool reverse = BaseLanguage(pair.src_lang) == tgt && BaseLanguage(pair.tgt_lang) == src;
    if (!forward && !reverse) return true;
    const std::string* text[2] = {forward ? &pair.source : &pair.target, forward ? &pair.target : &pair.source};
    for (int side = 0; side < 2; ++side) {
      if (!align::DistinctStems(*normalizer_[side], *text[side], lang_[side], options_.max_tokens, &stems_[side]) ||
          stems_[side].empty())
        return true;
    }
    for (int side = 0; side < 2; ++side) {
      for (const std::string& stem : stems_[side]) {
        Counts& counts = counts_[side][stem];
        ++counts.pairs;
        for (const std::string& partner : stems_[1 - side]) ++counts.partners[partner];
      }
    }
    return ++pairs_read_ < options_.max_pairs;
  }

  uint64_t pairs() const { return pairs_read_; }

  // The source stems, sorted, and a lookup of their records (every partner, count descending).
  std::vector<std::string> SourceStems() const {
    std::vector<std::string> out;
    for (const auto& [stem, counts] : counts_[0]) out.push_back(stem);
    return out;
  }
  StatusOr<const align::StemRecord*> Record(int side, const std::string& stem) {
    auto made = records_[side].find(stem);
    if (made != records_[side].end()) return const_cast<const align::StemRecord*>(&made->second);
    auto counted = counts_[side].find(stem);
    if (counted == counts_[side].end()) return static_cast<const align::StemRecord*>(nullptr);
    align::StemRecord& record = records_[side][stem];
    record.pairs = counted->second.pairs;
    for (const auto& [partner, count] : counted->second.partners)
      record.partners.push_back(align::Partner{partner, count, 0});
    std::stable_sort(record.partners.begin(), record.partners.end(),
                     [](const align::Partner& a, const align::Partner& b) { return a.count > b.count; });
    return const_cast<const align::StemRecord*>(&record);
  }

 private:
  struct Counts {
    uint64_t pairs = 0;
    std::map<std::string, uint64_t> partners;
  };
  const LearnOptions& options_;
  std::string lang_[2];
  std::unique_ptr<Normalizer> normalizer_[2];
  std::vector<std::string> stems_[2];
  std::map<std::string, Counts> counts_[2];
  std::unordered_map<std::string, align::StemRecord> records_[2];
  uint64_t pairs_read_ = 0;
};

}  // namespace

StatusOr<LearnedLexiconResult> LearnLexicon(const Snapshot& snapshot, const LearnOptions& options) {
  DHAKIRA_RETURN_IF_ERROR(options.Validate());
  LearnedLexiconResult out;
  DHAKIRA_ASSIGN_OR_RETURN(out.lexicon, Lexicon::Empty(options.src_lang, options.tgt_lang));
  SnapshotCounts counts(options);
  DHAKIRA_RETURN_IF_ERROR(counts.Init(out.lexicon.lang_a(), out.lexicon.lang_b()));
  Status walk = snapshot.ForEach([&](const SegmentPair& pair) { return counts.Add(pair); });
  DHAKIRA_RETURN_IF_ERROR(walk.WithContext("learning a lexicon from the TM"));
  out.pairs = counts.pairs();
  const align::RecordLookup lookup = [&](int side, const std::string& stem) { return counts.Record(side, stem); };
  DHAKIRA_RETURN_IF_ERROR(align::SelectLearned(counts.SourceStems(), {}, lookup, options, false, &out));
  return out;
}

}  // namespace dhakira
