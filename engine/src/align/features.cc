// Features of a document pair for the aligner (see features.h and docs/align.md).
//
// Concepts are 64-bit keys (a 6-bit type over a 58-bit value) made dense per document pair, so
// that the pair scoring can mark them in a flat array. A source word stands for its translations:
// concepts live in the target language's lexicon space. Token weights are within-document inverse
// sentence frequencies, so function words weigh little without a stop list.
#include "align/features.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cmath>
#include <string_view>
#include <unordered_set>

#include "align/keys.h"
#include "align/lexicon_impl.h"
#include "util/hash.h"

namespace dhakira::align {
namespace {

using util::Fnv1a64;

enum ConceptType : uint64_t { kLexical = 1, kNumber = 2, kName = 3, kCognate = 4, kPunctuation = 5 };

uint64_t MakeConcept(ConceptType type, uint64_t value) {
  return (uint64_t{type} << 58) ^ (value & ((uint64_t{1} << 58) - 1));
}

uint32_t CountChars(std::string_view text) {
  uint32_t chars = 0;
  for (unsigned char byte : text)
    if ((byte & 0xC0) != 0x80) ++chars;  // not a UTF-8 continuation byte
  return chars;
}

// "12.50" and "12.5" are one number; the Normalizer has folded the digits already.
std::string NumberKey(const std::string& key) {
  std::string number = key;
  if (number.find('.') != std::string::npos) {
    while (!number.empty() && number.back() == '0') number.pop_back();
    if (!number.empty() && number.back() == '.') number.pop_back();
  }
  return number;
}

// A number's key for a value computed here (a number word, "1.5 million"): the integer digits when
// the value is whole (as the Normalizer writes "1,500,000"), "" otherwise.
std::string ValueKey(double value) {
  if (!(value > 0 && value < 1e15) || value != std::floor(value)) return {};
  return std::to_string(static_cast<int64_t>(value));
}

// Punctuation that structures a sentence the same way in both languages, by class: quotes (« » “ ”
// "), parentheses and brackets, colons, question and exclamation marks (Arabic ؟ too). Returns a
// bit per class present in the cluster token `key`; full stops and commas carry nothing (every
// sentence has them, and Arabic uses ، where English has "and").
unsigned PunctuationClasses(std::string_view key) {
  unsigned classes = 0;
  int32_t offset = 0;
  const int32_t length = static_cast<int32_t>(key.size());
  while (offset < length) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(key.data()), offset, length, c);
    switch (c) {
      case U'"':
      case 0x00AB:  // «
      case 0x00BB:  // »
      case 0x201C:  // “
      case 0x201D:  // ”
      case 0x201E:  // „
        classes |= 1u;
        break;
      case U'(':
      case U')':
      case U'[':
      case U']':
      case 0xFD3E:  // ﴾
      case 0xFD3F:  // ﴿
        classes |= 2u;
        break;
      case U':':
        classes |= 4u;
        break;
      case U'?':
      case 0x061F:  // ؟
        classes |= 8u;
        break;
      case U'!':
        classes |= 16u;
        break;
      default:
        break;
    }
  }
  return classes;
}

bool StartsUpper(std::string_view text) {
  int32_t offset = 0;
  UChar32 first;
  U8_NEXT(reinterpret_cast<const uint8_t*>(text.data()), offset, static_cast<int32_t>(text.size()), first);
  return first >= 0 && u_isupper(first);
}

// Within-document inverse sentence frequency of each token's stem, times its type weight.
void WeightByInverseSentenceFrequency(const ScoreParams& params, SideFeatures* side) {
  std::unordered_map<uint64_t, uint32_t> sentence_frequency;
  for (const SentenceFeatures& sentence : side->sentences) {
    std::unordered_set<uint64_t> seen;
    for (uint32_t k = sentence.token_begin; k < sentence.token_end; ++k)
      if (seen.insert(side->tokens[k].frequency_key).second) ++sentence_frequency[side->tokens[k].frequency_key];
  }
  const double sentences = static_cast<double>(side->sentences.size());
  for (TokenFeatures& token : side->tokens)
    token.weight *= static_cast<float>(std::log((sentences + 1.0) / (sentence_frequency[token.frequency_key] + 0.5)) +
                                       params.idf_floor);
}

// Tokens count as evidence only when one of their concepts occurs anywhere in the other document.
void MarkMatchable(const std::vector<uint8_t>& in_other_document, SideFeatures* side) {
  for (SentenceFeatures& sentence : side->sentences) {
    for (uint32_t k = sentence.token_begin; k < sentence.token_end; ++k) {
      TokenFeatures& token = side->tokens[k];
      for (uint32_t c = token.concept_begin; c < token.concept_end && !token.matchable; ++c)
        token.matchable = in_other_document[side->concepts[c]] != 0;
      if (token.matchable) sentence.matchable_weight += token.weight;
    }
  }
}

}  // namespace

FeatureExtractor::FeatureExtractor(const Lexicon* lexicon, int lexicon_source_side, bool cross_script,
                                   const std::string& source_lang, const std::string& target_lang)
    : lexicon_(lexicon),
      lexicon_source_side_(lexicon_source_side),
      cross_script_(cross_script),
      lang_{source_lang, target_lang},
      number_words_{NumberWords(source_lang), NumberWords(target_lang)} {}

Status FeatureExtractor::Extract(const std::vector<std::string>& source, const std::vector<std::string>& target,
                                 Normalizer& source_normalizer, Normalizer& target_normalizer,
                                 const ScoreParams& params, DocumentPairFeatures* out) {
  dense_ids_.clear();
  number_words_enabled_ = params.number_words > 0;
  DHAKIRA_RETURN_IF_ERROR(ExtractSide(Side::kSource, source, source_normalizer, params, &out->source));
  DHAKIRA_RETURN_IF_ERROR(ExtractSide(Side::kTarget, target, target_normalizer, params, &out->target));
  out->concept_count = dense_ids_.size();
  std::vector<uint8_t> in_source(out->concept_count, 0), in_target(out->concept_count, 0);
  for (uint32_t concept_id : out->source.concepts) in_source[concept_id] = 1;
  for (uint32_t concept_id : out->target.concepts) in_target[concept_id] = 1;
  MarkMatchable(in_target, &out->source);
  MarkMatchable(in_source, &out->target);
  return Status::OK();
}

Status FeatureExtractor::ExtractSide(Side side, const std::vector<std::string>& text, Normalizer& normalizer,
                                     const ScoreParams& params, SideFeatures* out) {
  out->sentences.assign(text.size(), SentenceFeatures{});
  for (size_t i = 0; i < text.size(); ++i) {
    SentenceFeatures& sentence = out->sentences[i];
    sentence.chars = CountChars(text[i]);
    sentence.token_begin = static_cast<uint32_t>(out->tokens.size());
    auto normalized = normalizer.Normalize(text[i]);
    if (!normalized.ok())
      return normalized.status().WithContext(std::string(side == Side::kSource ? "source" : "target") + " sentence " +
                                             std::to_string(i));
    for (size_t k = 0; k < normalized->tokens.size(); ++k) AddToken(side, *normalized, k, params, out);
    sentence.token_end = static_cast<uint32_t>(out->tokens.size());
  }
  WeightByInverseSentenceFrequency(params, out);
  return Status::OK();
}

void FeatureExtractor::AddToken(Side side, const NormalizedText& text, size_t index, const ScoreParams& params,
                                SideFeatures* out) {
  const Token& token = text.tokens[index];
  TokenFeatures features;
  features.concept_begin = static_cast<uint32_t>(out->concepts.size());
  if (token.type == TokenType::kNumber) {
    AddNumberConcepts(side, text, index, params, &features, out);
  } else if (token.type == TokenType::kWord) {
    AddWordConcepts(side, text, token, &features, out);
  } else if (token.type == TokenType::kPunct && params.punct_weight > 0) {
    AddPunctuationConcepts(token, params, &features, out);
    if (features.concept_begin == out->concepts.size()) return;  // a full stop or a comma
  } else {
    return;  // other symbols carry no evidence
  }
  // Dedupe the token's concepts (a stem and its clitic variant may share translations).
  std::sort(out->concepts.begin() + features.concept_begin, out->concepts.end());
  auto last = std::unique(out->concepts.begin() + features.concept_begin, out->concepts.end());
  out->concepts.erase(last, out->concepts.end());
  features.concept_end = static_cast<uint32_t>(out->concepts.size());
  out->tokens.push_back(features);
}

// A number stands for its digits ("12.50" = "12.5"), and, followed by a scale word, also for the
// scaled value: "1.5 million" and "1.5 مليون" meet "1,500,000".
void FeatureExtractor::AddNumberConcepts(Side side, const NormalizedText& text, size_t index, const ScoreParams& params,
                                         TokenFeatures* features, SideFeatures* out) {
  const Token& token = text.tokens[index];
  const std::string number = NumberKey(token.key);
  out->concepts.push_back(DenseId(MakeConcept(kNumber, Fnv1a64(number))));
  features->weight = static_cast<float>(params.number_weight);
  features->frequency_key = Fnv1a64(number) ^ 0x9e37;  // apart from a word's stem hash
  if (params.number_words <= 0 || index + 1 >= text.tokens.size()) return;
  const Token& next = text.tokens[index + 1];
  if (next.type != TokenType::kWord) return;
  const double scale = number_words_[side == Side::kSource ? 0 : 1].ScaleOf(next.key);
  const std::string scaled = scale > 0 ? ValueKey(token.value * scale) : std::string();
  if (!scaled.empty()) out->concepts.push_back(DenseId(MakeConcept(kNumber, Fnv1a64(scaled))));
}

// Quotes, parentheses, colons and question marks present on both sides are weak evidence that two
// sentences share their structure; one concept per class, weighted ScoreParams::punct_weight.
void FeatureExtractor::AddPunctuationConcepts(const Token& token, const ScoreParams& params, TokenFeatures* features,
                                              SideFeatures* out) {
  const unsigned classes = PunctuationClasses(token.key);
  if (classes == 0) return;
  for (unsigned bit = 0; bit < 5; ++bit)
    if (classes & (1u << bit)) out->concepts.push_back(DenseId(MakeConcept(kPunctuation, bit)));
  features->weight = static_cast<float>(params.punct_weight);
  features->frequency_key = Fnv1a64(std::to_string(classes)) ^ 0x7f4a;  // apart from stems and numbers
}

void FeatureExtractor::AddWordConcepts(Side side, const NormalizedText& text, const Token& token,
                                       TokenFeatures* features, SideFeatures* out) {
  const int side_index = side == Side::kSource ? 0 : 1;
  LookupStems(token.key, lang_[side_index], &stems_);
  features->frequency_key = Fnv1a64(stems_.empty() ? token.key : stems_[0]);
  // Lexicon: the source word stands for the ids of its translations, the target word for its own.
  const int lexicon_target_side = lexicon_source_side_ < 0 ? -1 : 1 - lexicon_source_side_;
  const int lexicon_side = side == Side::kSource ? lexicon_source_side_ : lexicon_target_side;
  if (lexicon_ != nullptr && lexicon_side >= 0) {
    const Lexicon::Impl& lexicon = lexicon_->impl();
    for (const std::string& stem : stems_) {
      auto found = lexicon.vocab[lexicon_side].find(stem);
      if (found == lexicon.vocab[lexicon_side].end()) continue;
      if (side == Side::kSource) {
        for (const auto& [translation_id, weight] : lexicon.links[lexicon_side][found->second])
          out->concepts.push_back(DenseId(MakeConcept(kLexical, translation_id)));
      } else {
        out->concepts.push_back(DenseId(MakeConcept(kLexical, found->second)));
      }
    }
  }
  // Names across scripts: Arabic words against capitalised words of the other script.
  if (cross_script_) {
    if (HasArabicLetter(token.key) ||
        StartsUpper(std::string_view(text.text).substr(token.begin, token.end - token.begin))) {
      NameSkeletons(token.key, &skeletons_);
      for (const std::string& skeleton : skeletons_)
        out->concepts.push_back(DenseId(MakeConcept(kName, Fnv1a64(skeleton))));
    }
  }
  // Number words meet digits: "three" = 3, الثامن = 8.
  if (number_words_enabled_) {
    if (const int value = number_words_[side_index].ValueOf(token.key); value > 0)
      out->concepts.push_back(DenseId(MakeConcept(kNumber, Fnv1a64(std::to_string(value)))));
  }
  const std::string cognate = CognateKey(token.key);
  if (!cognate.empty()) out->concepts.push_back(DenseId(MakeConcept(kCognate, Fnv1a64(cognate))));
}

uint32_t FeatureExtractor::DenseId(uint64_t concept_key) {
  auto [it, inserted] = dense_ids_.try_emplace(concept_key, static_cast<uint32_t>(dense_ids_.size()));
  return it->second;
}

}  // namespace dhakira::align
