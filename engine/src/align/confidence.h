// Calibrated link confidence (docs/align.md, "Confidence"): the features the aligner computes per
// link and per document pair, and the logistic models over them whose coefficients
// benchmarks/calibrate.py fits offline and writes to align/calibration.h.
//
// A pair link's confidence is P(related) x P(link exactly right | related); a null link's is
// P(unrelated) + P(related) x P(sentence has no partner | related), where P(related) is the
// document model's probability that the two documents translate each other; each then goes
// through an isotonic map fitted on the same data (logistic + isotonic).
#ifndef DHAKIRA_ALIGN_CONFIDENCE_H_
#define DHAKIRA_ALIGN_CONFIDENCE_H_

#include <cstddef>
#include <vector>

namespace dhakira::align {

// Features of a link with sentences on both sides. Coverages are standardised per document pair
// (0 = chance, 1 = a typical translation; see BeadAligner::StandardisedCoverage), clipped to
// [-3, 5].
enum PairFeature : int {
  kPairExtraSentences = 0,    // sentences beyond a 1-1 link: a + b - 2, capped at 8
  kPairManyToMany,            // 1 when both sides have more than one sentence (2-2 ...), else 0
  kPairMeanCoverage,          // mean standardised coverage of the link's sentences
  kPairMinCoverage,           // the weakest sentence's standardised coverage (a dropped sentence absorbed)
  kPairLengthFit,             // Gale-Church log probability of the lengths, floored at -10
  kPairMutualMargin,          // min over the link's sentences: best 1-1 similarity inside the link minus best
                              // outside, standardised, clipped to [-3, 3] (negative: a better partner elsewhere)
  kPairEvidence,              // log(1 + matchable weight of the link's sentences): how much evidence there is
  kPairNeighbours,            // mean over the previous and next link of its mean coverage (0 for null links/edges)
  kPairDocumentLevel,         // the document pair's translation level (kDocTranslationLevel)
  kPairOutOfOrder,            // 1 for a link of the second pass (out of the monotone order, reorder.cc), else 0
  kPairAdjacentCoverage,      // max over the sentences just before and after the link, on either side, of their
                              // standardised coverage by the link's other side: high when a neighbour belongs in it
                              // (a 1-1 link whose target also renders the next source sentence)
  kPairAdjacentNullCoverage,  // the same over adjacent sentences the path left out only (-3 when none is)
  kPairLengthLogRatio,        // |log(target chars / (source chars x the document pair's ratio))|, capped at 3
  kPairFeatureCount
};

// Features of a 1-0 or 0-1 link that is not a recognised editorial line.
enum NullFeature : int {
  kNullBestCoverage = 0,  // the sentence's best 1-1 similarity, standardised, clipped to [-3, 5]
  kNullIsTarget,          // 1 for a 0-1 link (an added target sentence), 0 for a 1-0 link
  kNullLogChars,          // log(1 + length in characters)
  kNullNeighbours,        // mean over the previous and next link of its mean coverage (as kPairNeighbours)
  kNullDocumentLevel,     // the document pair's translation level (kDocTranslationLevel)
  kNullFeatureCount
};

// Features of the document pair: do the two documents translate each other at all?
enum DocumentFeature : int {
  kDocTranslationLevel = 0,  // mean best 1-1 similarity of the source sentences (raw, 0 .. 1)
  kDocLevelOverChance,       // log of translation level / chance level (mean similarity of the band)
  kDocAnchorShare,           // mutually best pairs at >= anchor_z, over the shorter side's sentence count
  kDocLinkedShare,           // share of both sides' sentences on pair links of the monotone path
  kDocLengthMismatch,        // |log(target chars / (source chars x anchor ratio))| of the whole documents
  kDocBestMargin,            // mean over the sentences of both sides of (best - second best 1-1 similarity), raw:
                             // a translation's best partner stands out, an unrelated text's does not
  kDocLogSentences,          // log(source + target sentences): short documents give less evidence
  kDocDiagonalShare,         // share of source sentences whose best partner lies near the length diagonal
                             // (within max(2, m/10) target sentences): a translation's do, an unrelated text's
                             // scatter, whatever the dictionary's coverage
  kDocumentFeatureCount
};

extern const char* const kPairFeatureNames[kPairFeatureCount];
extern const char* const kNullFeatureNames[kNullFeatureCount];
extern const char* const kDocumentFeatureNames[kDocumentFeatureCount];

// The features of one alignment, in the order of AlignResult::links (for calibration tools).
struct ConfidenceFeatures {
  enum class LinkKind { kPair, kNull, kEditorial };
  struct Link {
    LinkKind kind = LinkKind::kPair;
    std::vector<double> values;  // PairFeature or NullFeature order; empty for editorial lines
  };
  std::vector<Link> links;
  std::vector<double> document;  // DocumentFeature order
};

// 1 / (1 + exp(-(weights[0] + sum weights[k+1] x features[k]))). `weights` has count + 1 entries.
double Logistic(const double* weights, const std::vector<double>& features, size_t count);

// The models of align/calibration.h: P(related | document features), P(right | related, pair
// features), P(no partner | related, null features).
double DocumentRelatedProbability(const std::vector<double>& document);
double PairLinkProbability(const std::vector<double>& pair);
double NullLinkProbability(const std::vector<double>& null);
// The confidences the aligner reports: the combinations above through the fitted isotonic maps
// (monotone non-decreasing in their input). `related` = DocumentRelatedProbability.
double CalibratedPairConfidence(double related, const std::vector<double>& pair);
double CalibratedNullConfidence(double related, const std::vector<double>& null);

}  // namespace dhakira::align

#endif  // DHAKIRA_ALIGN_CONFIDENCE_H_
