// Step 1 of the aligner (see aligner.cc): the features of a document pair. Each sentence becomes
// a run of tokens, each token a weight and a set of "concepts" (dense ids) through which it can
// match a token of the other document: lexicon translations, numbers, name skeletons and
// cognates (docs/align.md, "Tokens match through shared concepts").
#ifndef DHAKIRA_ALIGN_FEATURES_H_
#define DHAKIRA_ALIGN_FEATURES_H_

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "align/number_words.h"
#include "align/scoring.h"
#include "dhakira/align.h"
#include "dhakira/status.h"
#include "dhakira/text.h"

namespace dhakira::align {

struct TokenFeatures {
  float weight = 1;            // type weight (words 1, numbers ScoreParams::number_weight) x idf
  bool matchable = false;      // some concept of the token occurs in the other document
  uint32_t concept_begin = 0;  // the token's concepts: [concept_begin, concept_end) in
  uint32_t concept_end = 0;    // SideFeatures::concepts, sorted and distinct
  uint64_t frequency_key = 0;  // what the within-document sentence frequency counts (the stem)
};

struct SentenceFeatures {
  uint32_t chars = 0;          // length in code points (Gale & Church's length measure)
  uint32_t token_begin = 0;    // the sentence's tokens: [token_begin, token_end) in
  uint32_t token_end = 0;      // SideFeatures::tokens
  float matchable_weight = 0;  // sum of the weights of its matchable tokens
};

// One document's features.
struct SideFeatures {
  std::vector<SentenceFeatures> sentences;
  std::vector<TokenFeatures> tokens;
  std::vector<uint32_t> concepts;  // dense concept ids, 0 .. DocumentPairFeatures::concept_count-1
};

struct DocumentPairFeatures {
  SideFeatures source;
  SideFeatures target;
  size_t concept_count = 0;  // distinct concepts over both documents
};

// Turns the sentences of a document pair into features. Reused across document pairs (keeps its
// scratch buffers); not thread-safe, like the Aligner that owns it.
class FeatureExtractor {
 public:
  // `lexicon` may be null. `lexicon_source_side` is the lexicon side (0 = lang_a, 1 = lang_b) of
  // the source language, -1 without a lexicon. `cross_script`: the two languages are written in
  // different scripts (Arabic and another), so names are compared through their skeletons.
  // `source_lang` and `target_lang` (canonical BCP 47) select the stemmers and number words.
  FeatureExtractor(const Lexicon* lexicon, int lexicon_source_side, bool cross_script, const std::string& source_lang,
                   const std::string& target_lang);

  // Features of `source` (normalised with `source_normalizer`) and `target`, with token weights
  // from `params`. InvalidArgument naming the side and sentence when a sentence is not valid
  // UTF-8.
  Status Extract(const std::vector<std::string>& source, const std::vector<std::string>& target,
                 Normalizer& source_normalizer, Normalizer& target_normalizer, const ScoreParams& params,
                 DocumentPairFeatures* out);

 private:
  enum class Side { kSource, kTarget };

  Status ExtractSide(Side side, const std::vector<std::string>& text, Normalizer& normalizer, const ScoreParams& params,
                     SideFeatures* out);
  void AddToken(Side side, const NormalizedText& text, size_t index, const ScoreParams& params, SideFeatures* out);
  void AddNumberConcepts(Side side, const NormalizedText& text, size_t index, const ScoreParams& params,
                         TokenFeatures* features, SideFeatures* out);
  void AddPunctuationConcepts(const Token& token, const ScoreParams& params, TokenFeatures* features,
                              SideFeatures* out);
  void AddWordConcepts(Side side, const NormalizedText& text, const Token& token, TokenFeatures* features,
                       SideFeatures* out);
  uint32_t DenseId(uint64_t concept_key);

  const Lexicon* lexicon_;
  int lexicon_source_side_;
  bool cross_script_;
  std::string lang_[2];                               // per Side: canonical BCP 47
  NumberWords number_words_[2];                       // per Side
  bool number_words_enabled_ = true;                  // ScoreParams::number_words, per Extract call
  std::unordered_map<uint64_t, uint32_t> dense_ids_;  // concept key -> dense id, per document pair
  std::vector<std::string> stems_;                    // scratch: lookup stems of the current word
  std::vector<std::string> skeletons_;                // scratch: name skeletons of the current word
};

}  // namespace dhakira::align

#endif  // DHAKIRA_ALIGN_FEATURES_H_
