// Bead-score parameters of the aligner (private: fitted on development data, see docs/align.md).
#ifndef DHAKIRA_ALIGN_SCORING_H_
#define DHAKIRA_ALIGN_SCORING_H_

#include <string>

#include "dhakira/align.h"
#include "dhakira/status.h"

namespace dhakira::align {

struct ScoreParams {
  // A: weight of the standardised lexical evidence per sentence in a bead.
  double lex_weight = 1.0;
  // c: standardised similarity (0 = chance, 1 = typical translation) at which lexical evidence
  // turns from negative to positive.
  double lex_offset = 0.35;
  double len_weight = 0.25;   // B: weight of the Gale-Church log probability
  double len_variance = 6.8;  // s^2 of Gale-Church (characters)
  double null_cost = 0.9;     // cost of leaving one sentence out
  // null_cost grows by null_reference_sim / (mean best 1-1 similarity) when that is lower (weak
  // lexical evidence), up to 3x; 0 disables.
  double null_reference_sim = 0.7;
  // Gain for leaving out a recognised standfirst, disclaimer or keyword line.
  double editorial_bonus = 6.0;
  // Gain for leaving out a recognised title (weaker: it may translate the original headline).
  double title_bonus = 2.0;
  double merge_cost = 1.2;     // prior cost of a 1-2 / 2-1 bead
  double merge_step = 0.4;     // extra prior cost per sentence beyond two (1-3, 1-4, 3-1 ...)
  double two_two_cost = 3.5;   // prior cost of a 2-2 bead
  double smoothing = 2.0;      // kappa: weight added to the coverage denominator
  double number_weight = 2.0;  // type weight of number tokens (words 1)
  double idf_floor = 0.1;      // added to every token's idf
  double min_spread = 0.05;    // floor of (translation - chance) similarity in standardisation
  // Standardised similarity a mutually best pair needs to anchor the length ratio.
  double anchor_z = 1.0;
  // Type weight of punctuation tokens that structure a sentence (quotes, parentheses, colons,
  // question and exclamation marks), 0 .. number_weight; 0 leaves punctuation out.
  double punct_weight = 0.5;
  // 1: number words ("three", الثامن) and scaled numbers ("1.5 million") meet digits; 0: off.
  double number_words = 1.0;

  // Parses "name=value,name=value" over the defaults (for tuning tools). InvalidArgument on
  // unknown names.
  Status Parse(const std::string& spec);
};

// Replaces the parameters of an aligner made by Aligner::Create (tuning and tests only).
void SetScoreParams(Aligner* aligner, const ScoreParams& params);

struct ConfidenceFeatures;
// Makes every later Align() of `aligner` write its links' confidence features to *sink (null
// stops it). For calibration tools (benchmarks/align_batch_bench.cc); `sink` must outlive its use.
void SetConfidenceFeatureSink(Aligner* aligner, ConfidenceFeatures* sink);

}  // namespace dhakira::align

#endif  // DHAKIRA_ALIGN_SCORING_H_
