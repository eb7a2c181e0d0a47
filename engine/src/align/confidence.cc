// Calibrated confidence models (see confidence.h). The coefficients are fitted offline by
// benchmarks/calibrate.py (logistic regression, Newton's method) and generated into calibration.h.
#include "align/confidence.h"

#include <cmath>
#include <iterator>

#include "align/calibration.h"

namespace dhakira::align {

const char* const kPairFeatureNames[] = {
    "extra_sentences", "many_to_many", "mean_coverage",  "min_coverage", "length_fit",        "mutual_margin",
    "evidence",        "neighbours",   "document_level", "out_of_order", "adjacent_coverage", "adjacent_null_coverage",
    "length_log_ratio"};
const char* const kNullFeatureNames[] = {"best_coverage", "is_target", "log_chars", "neighbours", "document_level"};
const char* const kDocumentFeatureNames[] = {"translation_level", "level_over_chance", "anchor_share",
                                             "linked_share",      "length_mismatch",   "best_margin",
                                             "log_sentences",     "diagonal_share"};

// One name per feature (a missing name would be a null pointer).
static_assert(std::size(kPairFeatureNames) == kPairFeatureCount);
static_assert(std::size(kNullFeatureNames) == kNullFeatureCount);
static_assert(std::size(kDocumentFeatureNames) == kDocumentFeatureCount);

// The generated header must have been written for the features this build computes.
static_assert(sizeof(calibration::kPairWeights) / sizeof(double) == kPairFeatureCount + 1);
static_assert(sizeof(calibration::kNullWeights) / sizeof(double) == kNullFeatureCount + 1);
static_assert(sizeof(calibration::kDocumentWeights) / sizeof(double) == kDocumentFeatureCount + 1);

double Logistic(const double* weights, const std::vector<double>& features, size_t count) {
  double logit = weights[0];
  for (size_t k = 0; k < count && k < features.size(); ++k) logit += weights[k + 1] * features[k];
  return 1.0 / (1.0 + std::exp(-logit));
}

double DocumentRelatedProbability(const std::vector<double>& document) {
  return Logistic(calibration::kDocumentWeights, document, kDocumentFeatureCount);
}

double PairLinkProbability(const std::vector<double>& pair) {
  return Logistic(calibration::kPairWeights, pair, kPairFeatureCount);
}

double NullLinkProbability(const std::vector<double>& null) {
  return Logistic(calibration::kNullWeights, null, kNullFeatureCount);
}

namespace {

template <size_t N>
double Interpolate(const calibration::Knot (&knots)[N], double p) {
  for (size_t k = 1; k < N; ++k) {
    if (p > knots[k].x) continue;
    const double width = knots[k].x - knots[k - 1].x;
    if (width <= 0) return knots[k - 1].y;
    return knots[k - 1].y + (knots[k].y - knots[k - 1].y) * (p - knots[k - 1].x) / width;
  }
  return knots[N - 1].y;
}

}  // namespace

double CalibratedPairConfidence(double related, const std::vector<double>& pair) {
  return Interpolate(calibration::kPairMap, related * PairLinkProbability(pair));
}

double CalibratedNullConfidence(double related, const std::vector<double>& null) {
  return Interpolate(calibration::kNullMap, (1 - related) + related * NullLinkProbability(null));
}

}  // namespace dhakira::align
