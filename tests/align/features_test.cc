// Feature extraction: the concepts through which tokens of the two documents meet (number words,
// scaled numbers, punctuation structure), each checked with the cue on and off.
#include "align/features.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "align/scoring.h"
#include "dhakira/text.h"

namespace dhakira::align {
namespace {

std::unique_ptr<Normalizer> MakeNormalizer(const std::string& lang) {
  NormalizerOptions options;
  options.language = lang;
  options.keep_punctuation = true;  // as the aligner creates them
  auto normalizer = Normalizer::Create(options);
  EXPECT_TRUE(normalizer.ok()) << normalizer.status().ToString();
  return normalizer.ok() ? std::move(normalizer).value() : nullptr;
}

// Whether some token of the one-sentence source meets some token of the one-sentence target
// (they share a concept), without a lexicon: only numbers, names, cognates and punctuation count.
bool Meet(const std::string& arabic, const std::string& english, const ScoreParams& params) {
  auto source_normalizer = MakeNormalizer("ar");
  auto target_normalizer = MakeNormalizer("en");
  FeatureExtractor extractor(nullptr, -1, /*cross_script=*/true, "ar", "en");
  DocumentPairFeatures features;
  Status status = extractor.Extract({arabic}, {english}, *source_normalizer, *target_normalizer, params, &features);
  EXPECT_TRUE(status.ok()) << status.ToString();
  std::unordered_set<uint32_t> source(features.source.concepts.begin(), features.source.concepts.end());
  for (uint32_t concept_id : features.target.concepts)
    if (source.count(concept_id)) return true;
  return false;
}

TEST(FeaturesTest, NumberWordsMeetDigits) {
  ScoreParams on, off;
  off.number_words = 0;
  EXPECT_TRUE(Meet("قتل ثلاثة أشخاص", "3 people were killed", on));
  EXPECT_FALSE(Meet("قتل ثلاثة أشخاص", "3 people were killed", off));
  EXPECT_TRUE(Meet("قتل 3 أشخاص", "three people were killed", on));
  EXPECT_TRUE(Meet("في الثامن من تموز", "on 8 July", on));
  EXPECT_FALSE(Meet("قتل ثلاثة أشخاص", "4 people were killed", on));
}

TEST(FeaturesTest, ScaledNumbersMeetTheirDigits) {
  ScoreParams on, off;
  off.number_words = 0;
  EXPECT_TRUE(Meet("بلغت الكلفة ١٫٥ مليون دولار", "the cost reached $1,500,000", on));
  EXPECT_FALSE(Meet("بلغت الكلفة ١٫٥ مليون دولار", "the cost reached $1,500,000", off));
  EXPECT_TRUE(Meet("بلغت الكلفة 1500000 دولار", "the cost reached 1.5 million dollars", on));
  EXPECT_TRUE(Meet("بلغت الكلفة ١٫٥ مليون دولار", "the cost reached 1.5 million dollars", off));  // 1.5 = 1.5
  EXPECT_FALSE(Meet("بلغت الكلفة 2 مليون دولار", "the cost reached 1,500,000 dollars", on));
}

TEST(FeaturesTest, PunctuationStructureIsAWeakSharedCue) {
  ScoreParams on, off;
  on.punct_weight = 0.5;
  off.punct_weight = 0;
  EXPECT_TRUE(Meet("قال «نعم»", "He said \"yes\"", on));
  EXPECT_FALSE(Meet("قال «نعم»", "He said \"yes\"", off));
  EXPECT_TRUE(Meet("هل نعم؟", "Why not?", on));
  EXPECT_TRUE(Meet("نعم (لا)", "yes (no)", on));
  EXPECT_FALSE(Meet("نعم.", "yes.", on));  // full stops carry nothing
  EXPECT_FALSE(Meet("قال «نعم»", "Why not?", on));
}

}  // namespace
}  // namespace dhakira::align
