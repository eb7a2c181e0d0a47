// The last step of the aligner: the best path's beads become links with a calibrated confidence
// (see bead_aligner.h, confidence.h and docs/align.md, "Confidence").
//
// Each link gets features that separate right links from wrong ones (the weakest sentence's
// coverage, whether each sentence's best partner lies inside the link, the length fit, the
// neighbours' strength, the document pair's translation level ...), and logistic models fitted
// offline on gold alignments (benchmarks/calibrate.py) turn them into probabilities: a pair link's
// confidence estimates P(the link is exactly right), a null link's P(the sentence has no partner).
// A document model estimates P(the documents translate each other) and scales both.
#include <algorithm>
#include <cmath>

#include "align/bead_aligner.h"
#include "align/confidence.h"

namespace dhakira::align {
namespace {

double Clip(double value, double low, double high) { return std::clamp(value, low, high); }

}  // namespace

// Without a path to make (one document is empty): every sentence is left out.
AlignResult BeadAligner::NullLinksOnly() const {
  AlignResult result;
  result.length_ratio = 1.0 / ratio_;
  for (uint32_t i = 0; i < source_count_; ++i) result.links.push_back(NullLink(true, i));
  for (uint32_t j = 0; j < target_count_; ++j) result.links.push_back(NullLink(false, j));
  return result;
}

// A recognised editorial line is left out with this confidence: on the held-out layout set of
// benchmarks/align_eval.d/make_sets, 3,132 of 3,132 named lines (titles, standfirsts, disclaimers,
// keywords, credits, photo and related lines) are gold null links, and 1,185 of 1,185 on the dev
// sets; with none wrong in 4,317 the error rate is below 0.1% at 95% (the rule of three).
constexpr double kEditorialConfidence = 0.995;

// A 1-0 or 0-1 link with the default confidence: kEditorialConfidence for a recognised editorial
// line, else 0.5.
AlignLink BeadAligner::NullLink(bool source, uint32_t index) const {
  AlignLink link;
  (source ? link.src : link.tgt).push_back(index);
  if (!source) link.editorial = editorial_[index];
  link.confidence = link.editorial != EditorialKind::kNone ? kEditorialConfidence : 0.5;
  link.low_confidence = link.confidence < options_.min_confidence;
  return link;
}

// Links in path order, then the second pass (LinkOutOfOrder); their confidence is set by Calibrate().
AlignResult BeadAligner::MakeLinks(const std::vector<Bead>& path, ConfidenceFeatures* features) const {
  AlignResult result;
  result.length_ratio = 1.0 / ratio_;
  result.band = band_half_width_;
  uint32_t next_source = 0, next_target = 0;
  for (const Bead& bead : path) {
    AlignLink link;
    for (uint32_t s = next_source; s < next_source + bead.source_count; ++s) link.src.push_back(s);
    for (uint32_t t = next_target; t < next_target + bead.target_count; ++t) link.tgt.push_back(t);
    if (link.src.empty() && link.tgt.size() == 1) link.editorial = editorial_[link.tgt[0]];
    result.links.push_back(std::move(link));
    next_source += bead.source_count;
    next_target += bead.target_count;
  }
  std::vector<bool> reordered;
  LinkOutOfOrder(&result.links, &reordered);
  Calibrate(reordered, &result, features);
  return result;
}

// The two best 1-1 partners of every sentence (standardised similarity), from the pair band.
BeadAligner::BestPartners BeadAligner::FindBestPartners() const {
  BestPartners best;
  best.source.assign(source_count_, {});
  best.target.assign(target_count_, {});
  for (uint32_t s = 0; s < source_count_; ++s)
    for (uint32_t t = pairs_.target_begin[s]; t < pairs_.target_end[s]; ++t) {
      const double z = PairZ(s, t);
      OfferPartner(&best.source[s], t, z);
      OfferPartner(&best.target[t], s, z);
    }
  return best;
}

// Standardised 1-1 similarity of a pair (0 = chance, 1 = a typical translation; 0 outside the band).
double BeadAligner::PairZ(uint32_t source, uint32_t target) const {
  const double similarity = Similarity(pairs_.MatchedSource(source, target), source_.sentences[source],
                                       pairs_.MatchedTarget(source, target), target_.sentences[target]);
  return (similarity - chance_similarity_) / similarity_spread_;
}

// Sets every link's confidence from its features and the document model.
void BeadAligner::Calibrate(const std::vector<bool>& reordered, AlignResult* result, ConfidenceFeatures* sink) const {
  const BestPartners partners = FindBestPartners();
  std::vector<LinkEvidence> evidence(result->links.size());
  for (size_t k = 0; k < result->links.size(); ++k) evidence[k] = Evidence(result->links[k]);
  LeftOut left_out;
  left_out.source.assign(source_count_, false);
  left_out.target.assign(target_count_, false);
  for (const AlignLink& link : result->links) {
    if (link.tgt.empty()) left_out.source[link.src[0]] = true;
    if (link.src.empty()) left_out.target[link.tgt[0]] = link.editorial == EditorialKind::kNone;
  }
  ConfidenceFeatures features;
  features.document = DocumentFeatures(result->links, partners);
  const double related = DocumentRelatedProbability(features.document);
  result->document_confidence = related;
  result->unrelated = related < 0.5;
  for (size_t k = 0; k < result->links.size(); ++k) {
    AlignLink& link = result->links[k];
    const double neighbours = NeighbourStrength(result->links, evidence, k);
    ConfidenceFeatures::Link entry;
    if (!link.src.empty() && !link.tgt.empty()) {
      entry.values = PairFeatures(link, evidence[k], partners, left_out, neighbours, reordered[k]);
      link.confidence = CalibratedPairConfidence(related, entry.values);
    } else if (link.editorial != EditorialKind::kNone) {
      entry.kind = ConfidenceFeatures::LinkKind::kEditorial;
      link.confidence = kEditorialConfidence;
    } else {
      entry.kind = ConfidenceFeatures::LinkKind::kNull;
      entry.values = NullFeatures(link, partners, neighbours);
      link.confidence = CalibratedNullConfidence(related, entry.values);
    }
    link.low_confidence = link.confidence < options_.min_confidence;
    features.links.push_back(std::move(entry));
  }
  if (sink != nullptr) *sink = std::move(features);
}

// Coverage of each sentence of a pair link by the other side of the link, standardised.
BeadAligner::LinkEvidence BeadAligner::Evidence(const AlignLink& link) const {
  LinkEvidence evidence;
  if (link.src.empty() || link.tgt.empty()) return evidence;
  double sum = 0, minimum = 1e9;
  auto add = [&](double matched, double weight) {
    const double z = StandardisedCoverage(std::min(matched, weight), weight) + params_.lex_offset;
    sum += z;
    minimum = std::min(minimum, z);
    evidence.weight += weight;
  };
  for (uint32_t s : link.src) {
    double matched = 0;
    for (uint32_t t : link.tgt) matched += pairs_.MatchedSource(s, t);
    add(matched, source_.sentences[s].matchable_weight);
  }
  for (uint32_t t : link.tgt) {
    double matched = 0;
    for (uint32_t s : link.src) matched += pairs_.MatchedTarget(s, t);
    add(matched, target_.sentences[t].matchable_weight);
  }
  evidence.mean_coverage = Clip(sum / (link.src.size() + link.tgt.size()), -3, 5);
  evidence.min_coverage = Clip(minimum, -3, 5);
  double source_chars = 0, target_chars = 0;
  for (uint32_t s : link.src) source_chars += source_.sentences[s].chars;
  for (uint32_t t : link.tgt) target_chars += target_.sentences[t].chars;
  evidence.length_fit = std::max(-10.0, LogErfcHalf(LengthDelta(source_chars, target_chars)));
  evidence.pair = true;
  return evidence;
}

// Mean coverage of the links before and after link k (null links and missing neighbours count 0).
double BeadAligner::NeighbourStrength(const std::vector<AlignLink>& links, const std::vector<LinkEvidence>& evidence,
                                      size_t k) {
  double sum = 0;
  if (k > 0 && evidence[k - 1].pair) sum += evidence[k - 1].mean_coverage;
  if (k + 1 < links.size() && evidence[k + 1].pair) sum += evidence[k + 1].mean_coverage;
  return sum / 2;
}

// Min over the link's sentences of (best 1-1 similarity inside the link - best outside it): a
// sentence whose best partner lies outside the link gives a negative margin.
double BeadAligner::MutualMargin(const AlignLink& link, const BestPartners& partners) const {
  auto outside = [](const PartnerPair& pair, const std::vector<uint32_t>& inside) {
    for (int r = 0; r < 2; ++r)
      if (pair.index[r] != UINT32_MAX && std::find(inside.begin(), inside.end(), pair.index[r]) == inside.end())
        return pair.z[r];
    return 0.0;  // no partner outside the link in the band: chance
  };
  double margin = 3;
  for (uint32_t s : link.src) {
    double inside = -1e9;
    for (uint32_t t : link.tgt) inside = std::max(inside, PairZ(s, t));
    margin = std::min(margin, inside - outside(partners.source[s], link.tgt));
  }
  for (uint32_t t : link.tgt) {
    double inside = -1e9;
    for (uint32_t s : link.src) inside = std::max(inside, PairZ(s, t));
    margin = std::min(margin, inside - outside(partners.target[t], link.src));
  }
  return Clip(margin, -3, 3);
}

// How well the sentences next to a link (before its first and after its last sentence, on each
// side) are covered by the link's other side, standardised, clipped to [-3, 5]: the maximum over
// all of them (*all) and over those the path left out (*left_out; -3 when none is).
void BeadAligner::AdjacentCoverage(const AlignLink& link, const std::vector<bool>& source_left_out,
                                   const std::vector<bool>& target_left_out, double* all, double* left_out) const {
  *all = -3;
  *left_out = -3;
  auto offer = [&](double coverage, bool is_left_out) {
    coverage = Clip(coverage + params_.lex_offset, -3, 5);
    *all = std::max(*all, coverage);
    if (is_left_out) *left_out = std::max(*left_out, coverage);
  };
  auto source_by_link = [&](uint32_t s) {
    double matched = 0;
    for (uint32_t t : link.tgt) matched += pairs_.MatchedSource(s, t);
    const double weight = source_.sentences[s].matchable_weight;
    offer(StandardisedCoverage(std::min(matched, weight), weight), source_left_out[s]);
  };
  auto target_by_link = [&](uint32_t t) {
    double matched = 0;
    for (uint32_t s : link.src) matched += pairs_.MatchedTarget(s, t);
    const double weight = target_.sentences[t].matchable_weight;
    offer(StandardisedCoverage(std::min(matched, weight), weight), target_left_out[t]);
  };
  if (link.src.front() > 0) source_by_link(link.src.front() - 1);
  if (link.src.back() + 1 < source_count_) source_by_link(link.src.back() + 1);
  if (link.tgt.front() > 0) target_by_link(link.tgt.front() - 1);
  if (link.tgt.back() + 1 < target_count_) target_by_link(link.tgt.back() + 1);
}

std::vector<double> BeadAligner::PairFeatures(const AlignLink& link, const LinkEvidence& evidence,
                                              const BestPartners& partners, const LeftOut& left_out, double neighbours,
                                              bool reordered) const {
  std::vector<double> values(kPairFeatureCount, 0.0);
  values[kPairOutOfOrder] = reordered ? 1 : 0;
  AdjacentCoverage(link, left_out.source, left_out.target, &values[kPairAdjacentCoverage],
                   &values[kPairAdjacentNullCoverage]);
  double source_chars = 0, target_chars = 0;
  for (uint32_t s : link.src) source_chars += source_.sentences[s].chars;
  for (uint32_t t : link.tgt) target_chars += target_.sentences[t].chars;
  values[kPairLengthLogRatio] = std::min(3.0, std::fabs(std::log((target_chars + 1) / (source_chars * ratio_ + 1))));
  const size_t sentences = link.src.size() + link.tgt.size();
  values[kPairExtraSentences] = std::min<double>(8, sentences - 2);
  values[kPairManyToMany] = link.src.size() > 1 && link.tgt.size() > 1 ? 1 : 0;
  values[kPairMeanCoverage] = evidence.mean_coverage;
  values[kPairMinCoverage] = evidence.min_coverage;
  values[kPairLengthFit] = evidence.length_fit;
  values[kPairMutualMargin] = MutualMargin(link, partners);
  values[kPairEvidence] = std::log1p(evidence.weight);
  values[kPairNeighbours] = neighbours;
  values[kPairDocumentLevel] = translation_similarity_;
  return values;
}

std::vector<double> BeadAligner::NullFeatures(const AlignLink& link, const BestPartners& partners,
                                              double neighbours) const {
  std::vector<double> values(kNullFeatureCount, 0.0);
  const bool target = link.src.empty();
  const PartnerPair& pair = target ? partners.target[link.tgt[0]] : partners.source[link.src[0]];
  values[kNullBestCoverage] = Clip(pair.index[0] == UINT32_MAX ? 0.0 : pair.z[0], -3, 5);
  values[kNullIsTarget] = target ? 1 : 0;
  values[kNullLogChars] =
      std::log1p(target ? target_.sentences[link.tgt[0]].chars : source_.sentences[link.src[0]].chars);
  values[kNullNeighbours] = neighbours;
  values[kNullDocumentLevel] = translation_similarity_;
  return values;
}

// Does the document pair translate at all? Mutually best pairs well above chance, a path mostly
// made of pair links and a plausible length ratio say yes; a wrong pairing has none of them.
std::vector<double> BeadAligner::DocumentFeatures(const std::vector<AlignLink>& links,
                                                  const BestPartners& partners) const {
  std::vector<double> values(kDocumentFeatureCount, 0.0);
  values[kDocTranslationLevel] = translation_similarity_;
  values[kDocLevelOverChance] = std::log((translation_similarity_ + 1e-3) / (chance_similarity_ + 1e-3));
  uint32_t anchors = 0;
  for (uint32_t s = 0; s < source_count_; ++s) {
    const PartnerPair& pair = partners.source[s];
    if (pair.index[0] != UINT32_MAX && partners.target[pair.index[0]].index[0] == s && pair.z[0] >= params_.anchor_z)
      ++anchors;
  }
  values[kDocAnchorShare] =
      static_cast<double>(anchors) / std::max<uint32_t>(1, std::min(source_count_, target_count_));
  size_t linked = 0;
  for (const AlignLink& link : links)
    if (!link.src.empty() && !link.tgt.empty()) linked += link.src.size() + link.tgt.size();
  values[kDocLinkedShare] = static_cast<double>(linked) / std::max<uint32_t>(1, source_count_ + target_count_);
  const double source_chars = source_prefix_chars_.back(), target_chars = target_prefix_chars_.back();
  values[kDocLengthMismatch] =
      source_chars > 0 && target_chars > 0 ? std::fabs(std::log(target_chars / (source_chars * ratio_))) : 0.0;
  double margin_sum = 0;
  size_t margin_count = 0;
  for (const std::vector<PartnerPair>* side : {&partners.source, &partners.target})
    for (const PartnerPair& pair : *side)
      if (pair.index[1] != UINT32_MAX) {
        margin_sum += (pair.z[0] - pair.z[1]) * similarity_spread_;
        ++margin_count;
      }
  values[kDocBestMargin] = margin_count ? margin_sum / margin_count : 0.0;
  values[kDocLogSentences] = std::log(1.0 + source_count_ + target_count_);
  const double reach = std::max(2.0, target_count_ / 10.0);
  uint32_t near = 0;
  for (uint32_t s = 0; s < source_count_; ++s) {
    const uint32_t partner = partners.source[s].index[0];
    if (partner != UINT32_MAX && std::fabs(partner - static_cast<double>(band_centre_[s])) <= reach) ++near;
  }
  values[kDocDiagonalShare] = static_cast<double>(near) / std::max<uint32_t>(1, source_count_);
  return values;
}

}  // namespace dhakira::align
