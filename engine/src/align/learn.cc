// A lexicon learned from the TM: IBM Model 1 (Brown et al. 1993, "The Mathematics of Statistical
// Machine Translation", model 1 with a NULL source word) estimated by EM over the stored pairs of a
// language pair, on alignment stems. Only word pairs that co-occur often enough and reach a
// translation probability bar are kept, so the result is a small, precise complement to the
// dictionary (names, terms, outlet vocabulary).
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "align/keys.h"
#include "align/lexicon_impl.h"
#include "dhakira/align.h"
#include "dhakira/segment.h"
#include "dhakira/store.h"

namespace dhakira {

Status LearnOptions::Validate() const {
  if (src_lang.empty()) return Status::InvalidArgument("LearnOptions.src_lang: empty");
  if (tgt_lang.empty()) return Status::InvalidArgument("LearnOptions.tgt_lang: empty");
  if (iterations < 1 || iterations > 20)
    return Status::InvalidArgument("LearnOptions.iterations: " + std::to_string(iterations) + " not in 1 .. 20");
  if (!(min_probability > 0 && min_probability <= 1))
    return Status::InvalidArgument("LearnOptions.min_probability: " + std::to_string(min_probability) +
                                   " not in (0, 1]");
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

// IBM Model 1 over the stored pairs of one language pair, on alignment stem ids. Use once:
// Init(), ReadCorpus(), then Estimate() and AddConfidentPairs() when the corpus is not empty.
// As in Brown et al., e names a source stem id and f a target stem id.
class Model1Learner {
 public:
  Model1Learner(const LearnOptions& options, std::string src_lang, std::string tgt_lang)
      : options_(options), src_lang_(std::move(src_lang)), tgt_lang_(std::move(tgt_lang)) {}

  Status Init();
  // Reads the pairs of the language pair in either direction (at most options.max_pairs usable
  // ones). A pair whose text does not normalise, or with no word or too many words on a side, is
  // skipped: a bad unit teaches nothing.
  Status ReadCorpus(const Snapshot& snapshot);
  bool empty() const { return source_corpus_.empty(); }
  // options.iterations rounds of EM from a uniform t(f|e) over the co-occurring pairs.
  void Estimate();
  // Adds every pair with t(f|e) >= min_probability seen together >= min_cooccurrence times.
  void AddConfidentPairs(Lexicon::Impl* lexicon) const;

 private:
  static uint64_t Key(uint32_t source_id, uint32_t target_id) { return (uint64_t{source_id} << 32) | target_id; }
  Status StemIds(int side, const std::string& text, std::vector<uint32_t>* out);
  bool AddPair(const SegmentPair& pair);
  void CountCooccurrences();
  void ExpectationStep();
  void MaximisationStep();

  const LearnOptions& options_;
  const std::string src_lang_, tgt_lang_;  // canonical
  std::unique_ptr<Normalizer> normalizer_[2];
  // Stem vocabularies; source word 0 is NULL (Model 1's empty word).
  std::unordered_map<std::string, uint32_t> vocab_[2];
  std::vector<std::string> words_[2];
  std::vector<std::vector<uint32_t>> source_corpus_, target_corpus_;  // sentence pairs as stem ids
  std::vector<uint32_t> source_ids_, target_ids_;                     // scratch of AddPair
  uint64_t pairs_read_ = 0;
  std::unordered_map<uint64_t, uint32_t> cooccurrences_;  // Key(e, f) -> sentence pairs
  std::unordered_map<uint64_t, float> probability_;       // Key(e, f) -> t(f|e)
  std::unordered_map<uint64_t, float> expected_count_;    // Key(e, f) -> EM count, per iteration
  std::vector<float> expected_total_;                     // e -> sum of its counts
};

Status Model1Learner::Init() {
  for (int side = 0; side < 2; ++side) {
    NormalizerOptions normalizer_options;
    normalizer_options.language = side == 0 ? src_lang_ : tgt_lang_;
    normalizer_options.keep_punctuation = false;
    DHAKIRA_ASSIGN_OR_RETURN(normalizer_[side], Normalizer::Create(normalizer_options));
  }
  words_[0].push_back("");
  vocab_[0][""] = 0;
  return Status::OK();
}

Status Model1Learner::StemIds(int side, const std::string& text, std::vector<uint32_t>* out) {
  DHAKIRA_ASSIGN_OR_RETURN(NormalizedText normalized, normalizer_[side]->Normalize(text));
  out->clear();
  for (const Token& token : normalized.tokens) {
    if (token.type != TokenType::kWord) continue;
    std::string stem = align::AlignStem(token.key);
    if (stem.empty()) continue;
    auto [it, inserted] = vocab_[side].try_emplace(stem, static_cast<uint32_t>(words_[side].size()));
    if (inserted) words_[side].push_back(stem);
    out->push_back(it->second);
  }
  return Status::OK();
}

// Returns false when enough pairs have been read.
bool Model1Learner::AddPair(const SegmentPair& pair) {
  const std::string src = BaseLanguage(src_lang_), tgt = BaseLanguage(tgt_lang_);
  const bool forward = BaseLanguage(pair.src_lang) == src && BaseLanguage(pair.tgt_lang) == tgt;
  const bool reverse = BaseLanguage(pair.src_lang) == tgt && BaseLanguage(pair.tgt_lang) == src;
  if (!forward && !reverse) return true;
  const std::string& source_text = forward ? pair.source : pair.target;
  const std::string& target_text = forward ? pair.target : pair.source;
  if (!StemIds(0, source_text, &source_ids_).ok()) return true;
  if (!StemIds(1, target_text, &target_ids_).ok()) return true;
  if (source_ids_.empty() || target_ids_.empty() || source_ids_.size() > options_.max_tokens ||
      target_ids_.size() > options_.max_tokens)
    return true;
  source_corpus_.push_back(source_ids_);
  target_corpus_.push_back(target_ids_);
  return ++pairs_read_ < options_.max_pairs;
}

Status Model1Learner::ReadCorpus(const Snapshot& snapshot) {
  Status walk = snapshot.ForEach([&](const SegmentPair& pair) { return AddPair(pair); });
  return walk.WithContext("learning a lexicon from the TM");
}

// t(f|e) is kept for co-occurring pairs only (and NULL with every target word); their counts are
// the final filter's.
void Model1Learner::CountCooccurrences() {
  for (size_t k = 0; k < source_corpus_.size(); ++k) {
    for (uint32_t e : source_corpus_[k])
      for (uint32_t f : target_corpus_[k]) ++cooccurrences_[Key(e, f)];
    for (uint32_t f : target_corpus_[k]) cooccurrences_.try_emplace(Key(0, f), 0);
  }
}

void Model1Learner::Estimate() {
  CountCooccurrences();
  const float uniform = 1.0f / static_cast<float>(words_[1].size());
  for (const auto& [key, count] : cooccurrences_) probability_[key] = uniform;
  expected_total_.assign(words_[0].size(), 0.f);
  for (uint32_t iteration = 0; iteration < options_.iterations; ++iteration) {
    ExpectationStep();
    MaximisationStep();
  }
}

// Each target word's unit of count is shared among the source words of its sentence (and NULL)
// in proportion to t(f|e) (Brown et al. 1993, model 1).
void Model1Learner::ExpectationStep() {
  expected_count_.clear();
  std::fill(expected_total_.begin(), expected_total_.end(), 0.f);
  for (size_t k = 0; k < source_corpus_.size(); ++k) {
    for (uint32_t f : target_corpus_[k]) {
      float denominator = probability_[Key(0, f)];
      for (uint32_t e : source_corpus_[k]) denominator += probability_[Key(e, f)];
      if (denominator <= 0) continue;
      float share = probability_[Key(0, f)] / denominator;
      expected_count_[Key(0, f)] += share;
      expected_total_[0] += share;
      for (uint32_t e : source_corpus_[k]) {
        share = probability_[Key(e, f)] / denominator;
        expected_count_[Key(e, f)] += share;
        expected_total_[e] += share;
      }
    }
  }
}

// t(f|e) = count(e, f) / count(e).
void Model1Learner::MaximisationStep() {
  for (auto& [key, probability] : probability_) {
    const uint32_t e = static_cast<uint32_t>(key >> 32);
    auto count = expected_count_.find(key);
    probability =
        (count == expected_count_.end() || expected_total_[e] <= 0) ? 0.f : count->second / expected_total_[e];
  }
}

void Model1Learner::AddConfidentPairs(Lexicon::Impl* lexicon) const {
  for (const auto& [key, probability] : probability_) {
    const uint32_t e = static_cast<uint32_t>(key >> 32);
    const uint32_t f = static_cast<uint32_t>(key & 0xFFFFFFFFu);
    if (e == 0 || probability < options_.min_probability) continue;
    auto count = cooccurrences_.find(key);
    if (count == cooccurrences_.end() || count->second < options_.min_cooccurrence) continue;
    lexicon->AddStems(words_[0][e], words_[1][f], probability);
  }
}

}  // namespace

StatusOr<Lexicon> LearnLexicon(const Snapshot& snapshot, const LearnOptions& options) {
  DHAKIRA_RETURN_IF_ERROR(options.Validate());
  DHAKIRA_ASSIGN_OR_RETURN(Lexicon lexicon, Lexicon::Empty(options.src_lang, options.tgt_lang));
  Model1Learner learner(options, lexicon.lang_a(), lexicon.lang_b());
  DHAKIRA_RETURN_IF_ERROR(learner.Init());
  DHAKIRA_RETURN_IF_ERROR(learner.ReadCorpus(snapshot));
  if (learner.empty()) return lexicon;
  learner.Estimate();
  learner.AddConfidentPairs(lexicon.impl_.get());
  return lexicon;
}

}  // namespace dhakira
