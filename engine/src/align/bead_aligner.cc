// The bead DP of the aligner: length ratio, band, pair coverage, DP table and backtrace (see
// bead_aligner.h; the scoring model is described in aligner.cc and docs/align.md).
#include "align/bead_aligner.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dhakira::align {
namespace {

constexpr double kNoPath = -std::numeric_limits<double>::infinity();

// Matched weight of `sentence`: the weights of its matchable tokens one of whose concepts carries
// `epoch` in `stamp` (the concepts of the sentence on the other side of the pair).
float MatchedWeight(const SideFeatures& side, const SentenceFeatures& sentence, const std::vector<uint32_t>& stamp,
                    uint32_t epoch) {
  float sum = 0;
  for (uint32_t k = sentence.token_begin; k < sentence.token_end; ++k) {
    const TokenFeatures& token = side.tokens[k];
    if (!token.matchable) continue;
    for (uint32_t c = token.concept_begin; c < token.concept_end; ++c)
      if (stamp[side.concepts[c]] == epoch) {
        sum += token.weight;
        break;
      }
  }
  return sum;
}

void Stamp(const SideFeatures& side, const SentenceFeatures& sentence, uint32_t epoch, std::vector<uint32_t>* stamp) {
  for (uint32_t k = sentence.token_begin; k < sentence.token_end; ++k)
    for (uint32_t c = side.tokens[k].concept_begin; c < side.tokens[k].concept_end; ++c)
      (*stamp)[side.concepts[c]] = epoch;
}

}  // namespace

float BeadAligner::PairCoverage::MatchedSource(uint32_t source, uint32_t target) const {
  return target >= target_begin[source] && target < target_end[source]
             ? matched_source[row_start[source] + target - target_begin[source]]
             : 0.f;
}

float BeadAligner::PairCoverage::MatchedTarget(uint32_t source, uint32_t target) const {
  return target >= target_begin[source] && target < target_end[source]
             ? matched_target[row_start[source] + target - target_begin[source]]
             : 0.f;
}

BeadAligner::BeadAligner(const AlignOptions& options, const ScoreParams& params, const DocumentPairFeatures& features,
                         std::vector<EditorialKind> editorial)
    : options_(options),
      params_(params),
      source_(features.source),
      target_(features.target),
      concept_count_(features.concept_count),
      editorial_(std::move(editorial)),
      source_count_(static_cast<uint32_t>(features.source.sentences.size())),
      target_count_(static_cast<uint32_t>(features.target.sentences.size())) {}

StatusOr<AlignResult> BeadAligner::Run(ConfidenceFeatures* features) {
  EstimateRatioFromDocuments();
  if (source_count_ == 0 || target_count_ == 0) return NullLinksOnly();
  ComputeBandCentre();
  band_half_width_ = options_.band;
  for (;;) {
    SetBand();
    ScorePairsInBand();
    if (options_.length_ratio <= 0) EstimateRatioFromAnchors();
    FillDpTable();
    std::vector<Bead> path;
    switch (TraceBack(&path)) {
      case TraceOutcome::kPath:
        return MakeLinks(path, features);
      case TraceOutcome::kWidenBand:
        band_half_width_ = std::min<uint32_t>(std::max(source_count_, target_count_), band_half_width_ * 2);
        continue;
      case TraceOutcome::kNoPath:
        break;
    }
    return Status::Internal("aligner: no path through the full band");
  }
}

// Length ratio of the whole documents, editorial lines left out (or the one given in the
// options); EstimateRatioFromAnchors() refines it.
void BeadAligner::EstimateRatioFromDocuments() {
  double source_chars = 0, target_chars = 0;
  for (const SentenceFeatures& sentence : source_.sentences) source_chars += sentence.chars;
  for (uint32_t j = 0; j < target_count_; ++j)
    if (editorial_[j] == EditorialKind::kNone) target_chars += target_.sentences[j].chars;
  if (options_.length_ratio > 0)
    ratio_ = 1.0 / options_.length_ratio;
  else if (source_chars > 0 && target_chars > 0)
    ratio_ = std::clamp(target_chars / source_chars, 0.2, 5.0);
}

// Band centre: the target prefix with the same share of characters as the source prefix (+1 per
// sentence so that empty sentences still advance).
void BeadAligner::ComputeBandCentre() {
  const uint32_t n = source_count_, m = target_count_;
  source_prefix_chars_.assign(n + 1, 0);
  target_prefix_chars_.assign(m + 1, 0);
  for (uint32_t i = 0; i < n; ++i) source_prefix_chars_[i + 1] = source_prefix_chars_[i] + source_.sentences[i].chars;
  for (uint32_t j = 0; j < m; ++j) target_prefix_chars_[j + 1] = target_prefix_chars_[j] + target_.sentences[j].chars;
  band_centre_.assign(n + 1, 0);
  const double source_total = source_prefix_chars_[n] + n;
  const double target_total = target_prefix_chars_[m] + m;
  uint32_t j = 0;
  for (uint32_t i = 0; i <= n; ++i) {
    const double share = (source_prefix_chars_[i] + i) / source_total;
    while (j < m && (target_prefix_chars_[j + 1] + j + 1) / target_total <= share + 1e-12) ++j;
    band_centre_[i] = j;
  }
  band_centre_[n] = m;
}

// The DP band at the current half-width (as hunalign and Moore 2002 restrict their search), and
// the pair band: every pair a bead ending in the DP band can touch.
void BeadAligner::SetBand() {
  const uint32_t n = source_count_, m = target_count_;
  band_first_.resize(n + 1);
  band_last_.resize(n + 1);
  for (uint32_t i = 0; i <= n; ++i) {
    band_first_[i] = band_centre_[i] > band_half_width_ ? band_centre_[i] - band_half_width_ : 0;
    band_last_[i] = std::min(m, band_centre_[i] + band_half_width_);
  }
  const uint32_t reach = std::max(options_.max_one_to_many, options_.max_many_to_one);
  pairs_.target_begin.assign(n, 0);
  pairs_.target_end.assign(n, 0);
  pairs_.row_start.assign(n + 1, 0);
  for (uint32_t s = 0; s < n; ++s) {
    const uint32_t first = std::min(band_first_[s], band_first_[s + 1]);
    const uint32_t last = std::max(band_last_[s], band_last_[s + 1]);
    pairs_.target_begin[s] = first > reach ? first - reach : 0;
    pairs_.target_end[s] = std::min(m, last + reach);
    pairs_.row_start[s + 1] = pairs_.row_start[s] + (pairs_.target_end[s] - pairs_.target_begin[s]);
  }
}

// Matched weights of every pair in the pair band, each sentence's best 1-1 similarity, and the
// chance and translation levels that standardise coverage per document pair (as Vecalign,
// Thompson & Koehn 2019, normalises its cost by random-pair similarity).
void BeadAligner::ScorePairsInBand() {
  const uint32_t n = source_count_;
  pairs_.matched_source.assign(pairs_.row_start[n], 0.f);
  pairs_.matched_target.assign(pairs_.row_start[n], 0.f);
  best_source_similarity_.assign(n, 0.0);
  best_target_similarity_.assign(target_count_, 0.0);
  // A concept carries the epoch of the last sentence stamped with it: one pass per pair, no sets.
  std::vector<uint32_t> stamp(concept_count_, 0);
  uint32_t epoch = 0;
  double similarity_sum = 0;
  size_t pair_count = 0;
  for (uint32_t s = 0; s < n; ++s) {
    const SentenceFeatures& source = source_.sentences[s];
    Stamp(source_, source, ++epoch, &stamp);
    uint32_t source_epoch = epoch;
    for (uint32_t t = pairs_.target_begin[s]; t < pairs_.target_end[s]; ++t) {
      const SentenceFeatures& target = target_.sentences[t];
      const float matched_target = MatchedWeight(target_, target, stamp, source_epoch);
      Stamp(target_, target, ++epoch, &stamp);
      const float matched_source = MatchedWeight(source_, source, stamp, epoch);
      // Restore the source stamp for the next target.
      Stamp(source_, source, ++epoch, &stamp);
      source_epoch = epoch;
      const size_t cell = pairs_.row_start[s] + t - pairs_.target_begin[s];
      pairs_.matched_source[cell] = matched_source;
      pairs_.matched_target[cell] = matched_target;
      const double similarity = Similarity(matched_source, source, matched_target, target);
      similarity_sum += similarity;
      ++pair_count;
      best_source_similarity_[s] = std::max(best_source_similarity_[s], similarity);
      best_target_similarity_[t] = std::max(best_target_similarity_[t], similarity);
    }
  }
  chance_similarity_ = pair_count ? similarity_sum / pair_count : 0;
  translation_similarity_ = 0;
  for (double best : best_source_similarity_) translation_similarity_ += best;
  translation_similarity_ /= n;
  similarity_spread_ = std::max(translation_similarity_ - chance_similarity_, params_.min_spread);
}

// Length ratio from anchors: mutually best 1-1 pairs that are clearly translations. The ratio over
// the whole documents is biased by dropped sentences and added lines; anchors are not (and the
// estimate is per document pair: Arabic originals and Arabic translations differ, see
// docs/align.md). Fewer than three anchors keep the ratio as it was.
void BeadAligner::EstimateRatioFromAnchors() {
  const uint32_t n = source_count_;
  std::vector<uint32_t> best_target(n, UINT32_MAX);
  std::vector<std::pair<double, uint32_t>> best_source(target_count_, {-1.0, UINT32_MAX});
  for (uint32_t s = 0; s < n; ++s) {
    double best = -1;
    for (uint32_t t = pairs_.target_begin[s]; t < pairs_.target_end[s]; ++t) {
      const double similarity = Similarity(pairs_.MatchedSource(s, t), source_.sentences[s], pairs_.MatchedTarget(s, t),
                                           target_.sentences[t]);
      if (similarity > best) {
        best = similarity;
        best_target[s] = t;
      }
      if (similarity > best_source[t].first) best_source[t] = {similarity, s};
    }
  }
  double anchor_source_chars = 0, anchor_target_chars = 0;
  uint32_t anchors = 0;
  for (uint32_t s = 0; s < n; ++s) {
    const uint32_t partner = best_target[s];
    if (partner == UINT32_MAX || best_source[partner].second != s) continue;
    if ((best_source[partner].first - chance_similarity_) / similarity_spread_ < params_.anchor_z) continue;
    anchor_source_chars += source_.sentences[s].chars;
    anchor_target_chars += target_.sentences[partner].chars;
    ++anchors;
  }
  if (anchors >= 3 && anchor_source_chars > 0 && anchor_target_chars > 0)
    ratio_ = std::clamp(anchor_target_chars / anchor_source_chars, 0.2, 5.0);
}

// DP over the band. Cell (i, j): best score of aligning the first i source and j target sentences.
void BeadAligner::FillDpTable() {
  const uint32_t n = source_count_;
  row_start_.resize(n + 2);
  row_start_[0] = 0;
  for (uint32_t i = 0; i <= n; ++i) row_start_[i + 1] = row_start_[i] + (band_last_[i] - band_first_[i] + 1);
  dp_score_.assign(row_start_[n + 1], kNoPath);
  back_source_.assign(row_start_[n + 1], 0);
  back_target_.assign(row_start_[n + 1], 0);
  // When even the best pairs share little (no dictionary for the pair, free translation), a
  // sentence without matches is weak evidence of an omission: leaving a sentence out costs more.
  null_cost_ = params_.null_reference_sim > 0
                   ? params_.null_cost *
                         std::clamp(params_.null_reference_sim / std::max(translation_similarity_, 1e-3), 1.0, 3.0)
                   : params_.null_cost;
  dp_score_[Cell(0, 0)] = 0;
  for (uint32_t i = 0; i <= n; ++i) {
    for (uint32_t j = band_first_[i]; j <= band_last_[i]; ++j) {
      if (i == 0 && j == 0) continue;
      ScoreCell(i, j);
    }
  }
}

// The best bead ending in cell (i, j). Beads are tried in a fixed order and only a strictly better
// score replaces the best so far, so ties go to the bead tried first.
void BeadAligner::ScoreCell(uint32_t i, uint32_t j) {
  CellChoice best;
  if (i >= 1) Consider(i, j, 1, 0, -NullCost(source_.sentences[i - 1]), &best);
  if (j >= 1) {
    double gain = -NullCost(target_.sentences[j - 1]);
    if (editorial_[j - 1] == EditorialKind::kTitle)
      gain += params_.title_bonus;
    else if (editorial_[j - 1] != EditorialKind::kNone)
      gain += params_.editorial_bonus;
    Consider(i, j, 0, 1, gain, &best);
  }
  if (i >= 1 && j >= 1) {
    ConsiderOneToMany(i, j, &best);
    ConsiderManyToOne(i, j, &best);
    if (i >= 2 && j >= 2 && InBand(i - 2, j - 2)) ConsiderTwoToTwo(i, j, &best);
  }
  const size_t cell = Cell(i, j);
  dp_score_[cell] = best.score;
  back_source_[cell] = best.source_count;
  back_target_[cell] = best.target_count;
}

// 1-b beads: source i-1 with targets j-b .. j-1.
void BeadAligner::ConsiderOneToMany(uint32_t i, uint32_t j, CellChoice* best) const {
  const uint32_t source = i - 1;
  const double source_weight = source_.sentences[source].matchable_weight;
  const double source_chars = source_.sentences[source].chars;
  double matched_source = 0, target_coverage = 0, target_chars = 0;
  for (uint32_t b = 1; b <= options_.max_one_to_many && b <= j; ++b) {
    const uint32_t target = j - b;
    matched_source += pairs_.MatchedSource(source, target);
    target_coverage +=
        StandardisedCoverage(pairs_.MatchedTarget(source, target), target_.sentences[target].matchable_weight);
    target_chars += target_.sentences[target].chars;
    if (!InBand(i - 1, j - b)) continue;
    const double source_coverage = StandardisedCoverage(std::min(matched_source, source_weight), source_weight);
    Consider(i, j, 1, b, BeadScore(1, b, target_coverage + source_coverage, source_chars, target_chars), best);
  }
}

// a-1 beads (a >= 2): sources i-a .. i-1 with target j-1.
void BeadAligner::ConsiderManyToOne(uint32_t i, uint32_t j, CellChoice* best) const {
  const uint32_t target = j - 1;
  const double target_weight = target_.sentences[target].matchable_weight;
  const double target_chars = target_.sentences[target].chars;
  double matched_target = 0, source_coverage = 0, source_chars = 0;
  for (uint32_t a = 1; a <= options_.max_many_to_one && a <= i; ++a) {
    const uint32_t source = i - a;
    matched_target += pairs_.MatchedTarget(source, target);
    source_coverage +=
        StandardisedCoverage(pairs_.MatchedSource(source, target), source_.sentences[source].matchable_weight);
    source_chars += source_.sentences[source].chars;
    if (a == 1 || !InBand(i - a, j - 1)) continue;
    const double target_coverage = StandardisedCoverage(std::min(matched_target, target_weight), target_weight);
    Consider(i, j, a, 1, BeadScore(a, 1, source_coverage + target_coverage, source_chars, target_chars), best);
  }
}

// The 2-2 bead: sources i-2, i-1 with targets j-2, j-1.
void BeadAligner::ConsiderTwoToTwo(uint32_t i, uint32_t j, CellChoice* best) const {
  double coverage = 0;
  for (uint32_t s = i - 2; s < i; ++s) {
    const double weight = source_.sentences[s].matchable_weight;
    coverage += StandardisedCoverage(
        std::min<double>(pairs_.MatchedSource(s, j - 2) + pairs_.MatchedSource(s, j - 1), weight), weight);
  }
  for (uint32_t t = j - 2; t < j; ++t) {
    const double weight = target_.sentences[t].matchable_weight;
    coverage += StandardisedCoverage(
        std::min<double>(pairs_.MatchedTarget(i - 2, t) + pairs_.MatchedTarget(i - 1, t), weight), weight);
  }
  const double source_chars = source_prefix_chars_[i] - source_prefix_chars_[i - 2];
  const double target_chars = target_prefix_chars_[j] - target_prefix_chars_[j - 2];
  Consider(i, j, 2, 2, BeadScore(2, 2, coverage, source_chars, target_chars), best);
}

// Offers the bead of `source_count` x `target_count` sentences ending in cell (i, j).
void BeadAligner::Consider(uint32_t i, uint32_t j, uint32_t source_count, uint32_t target_count, double gain,
                           CellChoice* best) const {
  if (source_count > i || target_count > j || !InBand(i - source_count, j - target_count)) return;
  const double previous = dp_score_[Cell(i - source_count, j - target_count)];
  if (previous == kNoPath) return;
  if (previous + gain > best->score) {
    best->score = previous + gain;
    best->source_count = static_cast<uint8_t>(source_count);
    best->target_count = static_cast<uint8_t>(target_count);
  }
}

// The beads of the best path, first to last. Asks for a wider band when the path runs along the
// band's edge (a better path may lie outside) or when no path joins the corners: the band follows
// the length diagonal, which can jump by more than a bead between two rows (empty source sentences
// next to long target ones). A wider band always has a path (at full width every cell is in it and
// null links reach (n, m)).
BeadAligner::TraceOutcome BeadAligner::TraceBack(std::vector<Bead>* path) const {
  const uint32_t n = source_count_, m = target_count_;
  if (dp_score_[Cell(n, m)] == kNoPath) return CanWidenBand() ? TraceOutcome::kWidenBand : TraceOutcome::kNoPath;
  bool touches_edge = false;
  uint32_t i = n, j = m;
  while (i > 0 || j > 0) {
    const size_t cell = Cell(i, j);
    if ((j == band_first_[i] && band_first_[i] > 0) || (j == band_last_[i] && band_last_[i] < m)) touches_edge = true;
    path->push_back({back_source_[cell], back_target_[cell]});
    i -= back_source_[cell];
    j -= back_target_[cell];
  }
  if (touches_edge && CanWidenBand()) return TraceOutcome::kWidenBand;
  std::reverse(path->begin(), path->end());
  return TraceOutcome::kPath;
}

bool BeadAligner::CanWidenBand() const { return band_half_width_ < std::max(source_count_, target_count_); }

double BeadAligner::Similarity(float matched_source, const SentenceFeatures& source, float matched_target,
                               const SentenceFeatures& target) const {
  return (matched_source / (source.matchable_weight + params_.smoothing) +
          matched_target / (target.matchable_weight + params_.smoothing)) /
         2;
}

// Standardised coverage of one sentence by the other side of its bead, minus the offset c: 0 at
// c, positive for better evidence than that.
double BeadAligner::StandardisedCoverage(double matched, double weight) const {
  return (matched / (weight + params_.smoothing) - chance_similarity_) / similarity_spread_ - params_.lex_offset;
}

// Gale & Church (1993): the difference of the target length from the expected one, in standard
// deviations (variance proportional to the mean length).
double BeadAligner::LengthDelta(double source_chars, double target_chars) const {
  const double mean = std::max(1.0, (ratio_ * source_chars + target_chars) / 2.0);
  return (target_chars - ratio_ * source_chars) / std::sqrt(params_.len_variance * mean);
}

// log P(|X| >= |delta|) for a standard normal X (Gale & Church 1993), floored at -25.3.
double BeadAligner::LogErfcHalf(double delta) {
  const double probability = std::erfc(std::fabs(delta) / std::sqrt(2.0));
  return probability > 1e-11 ? std::log(probability) : -25.3;
}

// Lexical evidence is summed per sentence (each sentence's coverage inside the bead), so a
// sentence that belongs to no one cannot ride along with a well-matched neighbour: it pays its own
// way. Then the Gale-Church length term and the prior of the bead's shape.
double BeadAligner::BeadScore(uint32_t source_count, uint32_t target_count, double lexical_sum, double source_chars,
                              double target_chars) const {
  const double lexical = params_.lex_weight * lexical_sum;
  const double length = params_.len_weight * LogErfcHalf(LengthDelta(source_chars, target_chars));
  double prior = 0;
  if (source_count == 2 && target_count == 2)
    prior = -params_.two_two_cost;
  else if (source_count + target_count > 2)
    prior = -(params_.merge_cost + (source_count + target_count - 3) * params_.merge_step);
  return lexical + length + prior;
}

double BeadAligner::NullCost(const SentenceFeatures& sentence) const {
  return sentence.chars == 0 ? 0.0 : null_cost_;  // an empty line costs nothing to leave out
}

size_t BeadAligner::Cell(uint32_t i, uint32_t j) const { return row_start_[i] + (j - band_first_[i]); }

bool BeadAligner::InBand(uint32_t i, uint32_t j) const { return j >= band_first_[i] && j <= band_last_[i]; }

}  // namespace dhakira::align
