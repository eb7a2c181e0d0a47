// The last step of the aligner: the best path's beads become links with a confidence (see
// bead_aligner.h and docs/align.md, "Confidence").
//
// A pair link's confidence is a logistic function of the bead's mean standardised coverage and its
// Gale-Church length fit; a null link's, of how far the sentence's best 1-1 match stays below the
// translation level; a recognised editorial line's is 0.95. The constants are hand-set, not fitted.
#include <algorithm>
#include <cmath>

#include "align/bead_aligner.h"

namespace dhakira::align {

// Without a path to make (one document is empty): every sentence is left out.
AlignResult BeadAligner::NullLinksOnly() const {
  AlignResult result;
  result.length_ratio = 1.0 / ratio_;
  for (uint32_t i = 0; i < source_count_; ++i) result.links.push_back(NullLink(true, i));
  for (uint32_t j = 0; j < target_count_; ++j) result.links.push_back(NullLink(false, j));
  return result;
}

AlignResult BeadAligner::MakeLinks(const std::vector<Bead>& path) const {
  AlignResult result;
  result.length_ratio = 1.0 / ratio_;
  result.band = band_half_width_;
  std::vector<double> length_fit;  // per link: Gale-Church log probability (0 for null links)
  uint32_t next_source = 0, next_target = 0;
  for (const Bead& bead : path) {
    double fit = 0.0;
    if (bead.source_count == 1 && bead.target_count == 0)
      result.links.push_back(SourceNullLink(next_source));
    else if (bead.source_count == 0 && bead.target_count == 1)
      result.links.push_back(TargetNullLink(next_target));
    else
      result.links.push_back(PairLink(bead, next_source, next_target, &fit));
    length_fit.push_back(fit);
    next_source += bead.source_count;
    next_target += bead.target_count;
  }
  RaiseForcedLinks(length_fit, options_.min_confidence, &result.links);
  return result;
}

// A 1-0 or 0-1 link with the default confidence: 0.95 for a recognised editorial line, else 0.5.
AlignLink BeadAligner::NullLink(bool source, uint32_t index) const {
  AlignLink link;
  (source ? link.src : link.tgt).push_back(index);
  if (!source) link.editorial = editorial_[index];
  link.confidence = link.editorial != EditorialKind::kNone ? 0.95 : 0.5;
  link.low_confidence = link.confidence < options_.min_confidence;
  return link;
}

AlignLink BeadAligner::SourceNullLink(uint32_t source) const {
  AlignLink link = NullLink(true, source);
  link.confidence = NullConfidence(best_source_similarity_[source]);
  link.low_confidence = link.confidence < options_.min_confidence;
  return link;
}

AlignLink BeadAligner::TargetNullLink(uint32_t target) const {
  AlignLink link = NullLink(false, target);
  if (link.editorial == EditorialKind::kNone) {
    link.confidence = NullConfidence(best_target_similarity_[target]);
    link.low_confidence = link.confidence < options_.min_confidence;
  }
  return link;
}

// A sentence left out is surely left out when even its best 1-1 match is well below the offset c
// (0.5 at c + 0.3 standardised units).
double BeadAligner::NullConfidence(double best_similarity) const {
  const double standardised = (best_similarity - chance_similarity_) / similarity_spread_;
  return 1.0 / (1.0 + std::exp(-3.0 * (params_.lex_offset + 0.3 - standardised)));
}

// The link of a bead with sentences on both sides, starting at `first_source`/`first_target`.
// *length_fit receives the bead's Gale-Church log probability.
AlignLink BeadAligner::PairLink(const Bead& bead, uint32_t first_source, uint32_t first_target,
                                double* length_fit) const {
  const uint32_t source_end = first_source + bead.source_count;
  const uint32_t target_end = first_target + bead.target_count;
  AlignLink link;
  double coverage_sum = 0;
  for (uint32_t s = first_source; s < source_end; ++s) {
    link.src.push_back(s);
    double matched = 0;
    for (uint32_t t = first_target; t < target_end; ++t) matched += pairs_.MatchedSource(s, t);
    const double weight = source_.sentences[s].matchable_weight;
    coverage_sum += StandardisedCoverage(std::min<double>(matched, weight), weight);
  }
  for (uint32_t t = first_target; t < target_end; ++t) {
    link.tgt.push_back(t);
    double matched = 0;
    for (uint32_t s = first_source; s < source_end; ++s) matched += pairs_.MatchedTarget(s, t);
    const double weight = target_.sentences[t].matchable_weight;
    coverage_sum += StandardisedCoverage(std::min<double>(matched, weight), weight);
  }
  // Mean standardised coverage (StandardisedCoverage subtracts the offset c; add it back).
  const double mean_coverage = coverage_sum / (bead.source_count + bead.target_count) + params_.lex_offset;
  const double source_chars = source_prefix_chars_[source_end] - source_prefix_chars_[first_source];
  const double target_chars = target_prefix_chars_[target_end] - target_prefix_chars_[first_target];
  const double delta = LengthDelta(source_chars, target_chars);
  const double logit = 3.0 * (mean_coverage - params_.lex_offset) + 0.5 * (LogErfcHalf(delta) + 1.0);
  link.confidence = 1.0 / (1.0 + std::exp(-logit));
  link.low_confidence = link.confidence < options_.min_confidence;
  *length_fit = LogErfcHalf(delta);
  return link;
}

// A pair link without lexical evidence (a short quote, an idiom) between two confident pair links
// is forced by monotonicity when its lengths fit: there is nowhere else for either side to go.
// Links are raised left to right, so a raised link counts as a neighbour of the next.
void BeadAligner::RaiseForcedLinks(const std::vector<double>& length_fit, double min_confidence,
                                   std::vector<AlignLink>* links) {
  for (size_t k = 1; k + 1 < links->size(); ++k) {
    AlignLink& link = (*links)[k];
    const AlignLink& previous = (*links)[k - 1];
    const AlignLink& next = (*links)[k + 1];
    if (link.src.empty() || link.tgt.empty() || link.confidence >= 0.5) continue;
    if (previous.src.empty() || previous.tgt.empty() || next.src.empty() || next.tgt.empty()) continue;
    const double neighbours = std::min(previous.confidence, next.confidence);
    if (neighbours < 0.7 || length_fit[k] < -2.5) continue;
    link.confidence = std::max(link.confidence, 0.5 + 0.4 * neighbours * std::exp(length_fit[k] / 2.0));
    link.low_confidence = link.confidence < min_confidence;
  }
}

}  // namespace dhakira::align
