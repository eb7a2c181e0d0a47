// Aligner: monotone dynamic programming over beads of two sentence sequences (see dhakira/align.h
// and docs/align.md). The bead DP and its length term follow Gale & Church (1993), "A Program for
// Aligning Sentences in Bilingual Corpora"; the lexical term (per-sentence coverage through shared
// concepts, standardised per document pair) is this project's; the band follows hunalign (Varga
// et al. 2005) and Moore (2002).
//
// Scoring (higher is better), per bead of a source and b target sentences:
//   lexical  A * sum over the bead's a + b sentences of (z - c), where z is the sentence's
//            idf-weighted token coverage by the other side of the bead, standardised per document
//            pair between the mean 1-1 similarity of all pairs in the band (chance) and the mean
//            best 1-1 similarity (translation). Standardising makes one threshold fit any
//            dictionary coverage and language pair, the way Vecalign (Thompson & Koehn 2019)
//            normalises its cost by random-pair similarity.
//   length   B * log P(length match) of Gale & Church (1993), with the ratio estimated per
//            document pair from anchors.
//   prior    a log prior per bead shape.
//   nulls    a fixed cost per sentence left out, turned into a bonus for recognised editorial
//            lines.
// A, B, c and the rest are ScoreParams (align/scoring.h).
//
// The steps (FeatureExtractor for the first, BeadAligner for the others):
//   1. features    FeatureExtractor (features.h): tokens, their weights and concepts;
//   2. band        BeadAligner::ComputeBandCentre, SetBand (bead_aligner.cc): a band of sentences
//                  around the length-proportional diagonal;
//      coverage    BeadAligner::ScorePairsInBand, EstimateRatioFromAnchors: matched weights of
//                  the pairs in the band, chance and translation levels, the length ratio;
//   3. DP          BeadAligner::FillDpTable, ScoreCell: the best bead ending in each cell;
//   4. backtrace   BeadAligner::TraceBack: the best path, or a request to double the band when
//                  the path touches its edge, so time and memory stay linear;
//   5. confidence  BeadAligner::MakeLinks (bead_links.cc): links and how sure each one is.
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "align/bead_aligner.h"
#include "align/confidence.h"
#include "align/editorial.h"
#include "align/features.h"
#include "align/keys.h"
#include "align/scoring.h"
#include "dhakira/align.h"
#include "dhakira/text.h"

namespace dhakira {
namespace {

using align::ScoreParams;

std::string BaseLang(const std::string& lang) { return lang.substr(0, lang.find('-')); }

class AlignerImpl : public Aligner {
 public:
  AlignerImpl(AlignOptions options, std::shared_ptr<const Lexicon> lexicon,
              std::unique_ptr<Normalizer> source_normalizer, std::unique_ptr<Normalizer> target_normalizer,
              int lexicon_source_side)
      : options_(std::move(options)),
        lexicon_(std::move(lexicon)),
        source_normalizer_(std::move(source_normalizer)),
        target_normalizer_(std::move(target_normalizer)),
        extractor_(lexicon_.get(), lexicon_source_side,
                   align::IsArabicLanguage(options_.src_lang) != align::IsArabicLanguage(options_.tgt_lang),
                   options_.src_lang, options_.tgt_lang) {}

  StatusOr<AlignResult> Align(const std::vector<std::string>& src, const std::vector<std::string>& tgt) override;

  ScoreParams params;                                 // set by align::SetScoreParams
  align::ConfidenceFeatures* feature_sink = nullptr;  // set by align::SetConfidenceFeatureSink

  // AlignOptions::editorial_patterns, parsed (null when none).
  std::shared_ptr<const align::EditorialPatterns> extra_editorial;

 private:
  AlignOptions options_;
  std::shared_ptr<const Lexicon> lexicon_;
  std::unique_ptr<Normalizer> source_normalizer_;
  std::unique_ptr<Normalizer> target_normalizer_;
  align::FeatureExtractor extractor_;
};

StatusOr<AlignResult> AlignerImpl::Align(const std::vector<std::string>& src, const std::vector<std::string>& tgt) {
  align::DocumentPairFeatures features;
  DHAKIRA_RETURN_IF_ERROR(extractor_.Extract(src, tgt, *source_normalizer_, *target_normalizer_, params, &features));
  std::vector<EditorialKind> editorial(tgt.size(), EditorialKind::kNone);
  if (options_.detect_editorial) editorial = align::DetectEditorial(tgt, options_.tgt_lang, extra_editorial.get());
  align::BeadAligner bead_aligner(options_, params, features, std::move(editorial));
  return bead_aligner.Run(feature_sink);
}

}  // namespace

void align::SetScoreParams(Aligner* aligner, const ScoreParams& params) {
  static_cast<AlignerImpl*>(aligner)->params = params;
}

void align::SetConfidenceFeatureSink(Aligner* aligner, ConfidenceFeatures* sink) {
  static_cast<AlignerImpl*>(aligner)->feature_sink = sink;
}

Status align::ScoreParams::Parse(const std::string& spec) {
  size_t pos = 0;
  while (pos < spec.size()) {
    size_t comma = spec.find(',', pos);
    if (comma == std::string::npos) comma = spec.size();
    std::string item = spec.substr(pos, comma - pos);
    pos = comma + 1;
    size_t eq = item.find('=');
    if (eq == std::string::npos) return Status::InvalidArgument("score parameter without '=': " + item);
    std::string name = item.substr(0, eq);
    const double value = std::atof(item.c_str() + eq + 1);
    struct Field {
      const char* name;
      double* value;
    } fields[] = {{"lex_weight", &lex_weight},     {"lex_offset", &lex_offset},
                  {"len_weight", &len_weight},     {"len_variance", &len_variance},
                  {"null_cost", &null_cost},       {"editorial_bonus", &editorial_bonus},
                  {"title_bonus", &title_bonus},   {"merge_cost", &merge_cost},
                  {"merge_step", &merge_step},     {"two_two_cost", &two_two_cost},
                  {"smoothing", &smoothing},       {"number_weight", &number_weight},
                  {"idf_floor", &idf_floor},       {"min_spread", &min_spread},
                  {"anchor_z", &anchor_z},         {"null_reference_sim", &null_reference_sim},
                  {"punct_weight", &punct_weight}, {"number_words", &number_words}};
    bool found = false;
    for (const Field& field : fields)
      if (name == field.name) {
        *field.value = value;
        found = true;
      }
    if (!found) return Status::InvalidArgument("unknown score parameter: " + name);
  }
  return Status::OK();
}

const char* EditorialKindName(EditorialKind kind) {
  switch (kind) {
    case EditorialKind::kNone:
      return "none";
    case EditorialKind::kTitle:
      return "title";
    case EditorialKind::kStandfirst:
      return "standfirst";
    case EditorialKind::kDisclaimer:
      return "disclaimer";
    case EditorialKind::kKeywords:
      return "keywords";
    case EditorialKind::kCredit:
      return "credit";
    case EditorialKind::kRelated:
      return "related";
    case EditorialKind::kPhoto:
      return "photo";
  }
  return "none";
}

std::string FormatLink(const AlignLink& link) {
  std::string out = "[";
  for (size_t k = 0; k < link.src.size(); ++k) out += (k ? ", " : "") + std::to_string(link.src[k]);
  out += "]:[";
  for (size_t k = 0; k < link.tgt.size(); ++k) out += (k ? ", " : "") + std::to_string(link.tgt[k]);
  out += "]";
  return out;
}

Status AlignOptions::Validate() const {
  if (src_lang.empty()) return Status::InvalidArgument("AlignOptions.src_lang: empty");
  if (tgt_lang.empty()) return Status::InvalidArgument("AlignOptions.tgt_lang: empty");
  auto source = CanonicalLanguage(src_lang);
  if (!source.ok()) return source.status().WithContext("AlignOptions.src_lang");
  auto target = CanonicalLanguage(tgt_lang);
  if (!target.ok()) return target.status().WithContext("AlignOptions.tgt_lang");
  if (*source == *target) return Status::InvalidArgument("AlignOptions: src_lang and tgt_lang are both " + *source);
  if (max_one_to_many < 1 || max_one_to_many > 12)
    return Status::InvalidArgument("AlignOptions.max_one_to_many: " + std::to_string(max_one_to_many) +
                                   " not in 1 .. 12");
  if (max_many_to_one < 1 || max_many_to_one > 12)
    return Status::InvalidArgument("AlignOptions.max_many_to_one: " + std::to_string(max_many_to_one) +
                                   " not in 1 .. 12");
  if (band < 4 || band > 10000)
    return Status::InvalidArgument("AlignOptions.band: " + std::to_string(band) + " not in 4 .. 10000");
  if (!(length_ratio == 0 || (length_ratio >= 0.05 && length_ratio <= 20)))
    return Status::InvalidArgument("AlignOptions.length_ratio: " + std::to_string(length_ratio) +
                                   " is neither 0 (estimate) nor in 0.05 .. 20");
  if (!(min_confidence >= 0 && min_confidence <= 1))
    return Status::InvalidArgument("AlignOptions.min_confidence: " + std::to_string(min_confidence) + " not in 0 .. 1");
  return Status::OK();
}

StatusOr<std::unique_ptr<Aligner>> Aligner::Create(const AlignOptions& options,
                                                   std::shared_ptr<const Lexicon> lexicon) {
  DHAKIRA_RETURN_IF_ERROR(options.Validate());
  AlignOptions canonical = options;
  canonical.src_lang = *CanonicalLanguage(options.src_lang);
  canonical.tgt_lang = *CanonicalLanguage(options.tgt_lang);
  // The lexicon side of the source language; the lexicon serves either direction.
  int lexicon_source_side = -1;
  if (lexicon) {
    const std::string& lang_a = lexicon->lang_a();
    const std::string& lang_b = lexicon->lang_b();
    const std::string source = BaseLang(canonical.src_lang), target = BaseLang(canonical.tgt_lang);
    if (BaseLang(lang_a) == source && BaseLang(lang_b) == target)
      lexicon_source_side = 0;
    else if (BaseLang(lang_b) == source && BaseLang(lang_a) == target)
      lexicon_source_side = 1;
    else
      return Status::InvalidArgument("aligner: the lexicon is " + lang_a + "/" + lang_b + ", the documents " +
                                     canonical.src_lang + "/" + canonical.tgt_lang);
  }
  std::unique_ptr<Normalizer> normalizers[2];
  for (int side = 0; side < 2; ++side) {
    NormalizerOptions normalizer_options;
    normalizer_options.language = side == 0 ? canonical.src_lang : canonical.tgt_lang;
    normalizer_options.keep_punctuation = true;  // quotes, brackets, colons: a weak structural cue
    normalizer_options.max_input_bytes = 64u << 20;
    DHAKIRA_ASSIGN_OR_RETURN(normalizers[side], Normalizer::Create(normalizer_options));
  }
  std::shared_ptr<const align::EditorialPatterns> extra_editorial;
  if (!options.editorial_patterns.empty()) {
    DHAKIRA_ASSIGN_OR_RETURN(align::EditorialPatterns extra,
                             align::EditorialPatterns::Load(options.editorial_patterns));
    extra_editorial = std::make_shared<const align::EditorialPatterns>(std::move(extra));
  }
  auto aligner = std::make_unique<AlignerImpl>(std::move(canonical), std::move(lexicon), std::move(normalizers[0]),
                                               std::move(normalizers[1]), lexicon_source_side);
  aligner->extra_editorial = std::move(extra_editorial);
  return std::unique_ptr<Aligner>(std::move(aligner));
}

}  // namespace dhakira
