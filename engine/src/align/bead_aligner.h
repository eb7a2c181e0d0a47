// Steps 2-5 of the aligner (see aligner.cc) for one document pair: the band, the pair coverage and
// length ratio, the bead DP, the backtrace, and the links with their confidence.
#ifndef DHAKIRA_ALIGN_BEAD_ALIGNER_H_
#define DHAKIRA_ALIGN_BEAD_ALIGNER_H_

#include <cstdint>
#include <limits>
#include <vector>

#include "align/confidence.h"
#include "align/features.h"
#include "align/scoring.h"
#include "dhakira/align.h"
#include "dhakira/status.h"

namespace dhakira::align {

// Aligns one document pair from its features. Use once: construct, then Run(). Holds references
// to `options`, `params` and `features`, which must outlive it.
class BeadAligner {
 public:
  // `editorial`: the kind of each target sentence (all kNone when detection is off).
  BeadAligner(const AlignOptions& options, const ScoreParams& params, const DocumentPairFeatures& features,
              std::vector<EditorialKind> editorial);

  // The links covering both documents, with calibrated confidences. `features`, when not null,
  // receives the confidence features of each link (calibration tools). Internal error only if no
  // path exists at the full band, which cannot happen (null links always reach the last cell).
  StatusOr<AlignResult> Run(ConfidenceFeatures* features = nullptr);

 private:
  // A bead: so many source sentences linked with so many target sentences (1-0, 0-1, 1-1, ...).
  struct Bead {
    uint32_t source_count = 0;
    uint32_t target_count = 0;
  };
  // The best bead ending in one DP cell so far.
  struct CellChoice {
    double score = -std::numeric_limits<double>::infinity();  // none yet
    uint8_t source_count = 0;
    uint8_t target_count = 0;
  };
  // Matched token weight of every (source, target) pair a bead ending in the DP band can touch.
  // Source sentence s has targets [target_begin[s], target_end[s]), stored from row_start[s].
  struct PairCoverage {
    std::vector<uint32_t> target_begin, target_end, row_start;
    std::vector<float> matched_source;  // weight of the source sentence's tokens the target covers
    std::vector<float> matched_target;  // weight of the target sentence's tokens the source covers
    float MatchedSource(uint32_t source, uint32_t target) const;
    float MatchedTarget(uint32_t source, uint32_t target) const;
  };
  enum class TraceOutcome { kPath, kWidenBand, kNoPath };

  // bead_aligner.cc: length ratio, band, pair coverage, DP and backtrace.
  void EstimateRatioFromDocuments();
  void ComputeBandCentre();
  void SetBand();
  void ScorePairsInBand();
  void EstimateRatioFromAnchors();
  void FillDpTable();
  void ScoreCell(uint32_t i, uint32_t j);
  void ConsiderOneToMany(uint32_t i, uint32_t j, CellChoice* best) const;
  void ConsiderManyToOne(uint32_t i, uint32_t j, CellChoice* best) const;
  void ConsiderTwoToTwo(uint32_t i, uint32_t j, CellChoice* best) const;
  void Consider(uint32_t i, uint32_t j, uint32_t source_count, uint32_t target_count, double gain,
                CellChoice* best) const;
  TraceOutcome TraceBack(std::vector<Bead>* path) const;
  bool CanWidenBand() const;

  // Scores shared by the DP and the confidence.
  double Similarity(float matched_source, const SentenceFeatures& source, float matched_target,
                    const SentenceFeatures& target) const;
  double StandardisedCoverage(double matched, double weight) const;
  double LengthDelta(double source_chars, double target_chars) const;
  static double LogErfcHalf(double delta);
  double BeadScore(uint32_t source_count, uint32_t target_count, double lexical_sum, double source_chars,
                   double target_chars) const;
  double NullCost(const SentenceFeatures& sentence) const;
  size_t Cell(uint32_t i, uint32_t j) const;
  bool InBand(uint32_t i, uint32_t j) const;

  // bead_links.cc: links and their calibrated confidence (confidence.h).
  // The two best 1-1 partners of a sentence: indices on the other side and standardised
  // similarities (UINT32_MAX / -inf when fewer are in the band).
  struct PartnerPair {
    uint32_t index[2] = {UINT32_MAX, UINT32_MAX};
    double z[2] = {-std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
  };
  struct BestPartners {
    std::vector<PartnerPair> source;  // per source sentence
    std::vector<PartnerPair> target;  // per target sentence
  };
  // Coverage evidence of one link (pair links only; all zero for null links).
  struct LinkEvidence {
    bool pair = false;
    double mean_coverage = 0;  // mean standardised coverage of the link's sentences
    double min_coverage = 0;   // the weakest sentence's
    double length_fit = 0;     // Gale-Church log probability, floored at -10
    double weight = 0;         // matchable weight of the link's sentences
  };
  // reorder.cc: the second pass, links out of the monotone order among the sentences the path left
  // out or linked weakly. reordered[k]: link k was made by this pass.
  void LinkOutOfOrder(std::vector<AlignLink>* links, std::vector<bool>* reordered) const;
  void CollectPool(const std::vector<AlignLink>& links, std::vector<uint32_t>* sources,
                   std::vector<uint32_t>* targets) const;
  std::vector<uint32_t> MatchPool(const std::vector<uint32_t>& sources, const std::vector<uint32_t>& targets) const;
  static void OfferPartner(PartnerPair* pair, uint32_t index, double z);

  AlignResult NullLinksOnly() const;
  AlignLink NullLink(bool source, uint32_t index) const;
  AlignResult MakeLinks(const std::vector<Bead>& path, ConfidenceFeatures* features) const;
  BestPartners FindBestPartners() const;
  double PairZ(uint32_t source, uint32_t target) const;
  void Calibrate(const std::vector<bool>& reordered, AlignResult* result, ConfidenceFeatures* sink) const;
  LinkEvidence Evidence(const AlignLink& link) const;
  static double NeighbourStrength(const std::vector<AlignLink>& links, const std::vector<LinkEvidence>& evidence,
                                  size_t k);
  double MutualMargin(const AlignLink& link, const BestPartners& partners) const;
  // Per sentence: left out by the path (null link, editorial lines excepted).
  struct LeftOut {
    std::vector<bool> source, target;
  };
  void AdjacentCoverage(const AlignLink& link, const std::vector<bool>& source_left_out,
                        const std::vector<bool>& target_left_out, double* all, double* left_out) const;
  std::vector<double> PairFeatures(const AlignLink& link, const LinkEvidence& evidence, const BestPartners& partners,
                                   const LeftOut& left_out, double neighbours, bool reordered) const;
  std::vector<double> NullFeatures(const AlignLink& link, const BestPartners& partners, double neighbours) const;
  std::vector<double> DocumentFeatures(const std::vector<AlignLink>& links, const BestPartners& partners) const;

  const AlignOptions& options_;
  const ScoreParams& params_;
  const SideFeatures& source_;
  const SideFeatures& target_;
  const size_t concept_count_;
  const std::vector<EditorialKind> editorial_;  // per target sentence
  const uint32_t source_count_;                 // source sentences
  const uint32_t target_count_;                 // target sentences

  // Target characters per source character: from the whole documents, then from anchors.
  double ratio_ = 1.0;
  // Character prefix sums: source_prefix_chars_[i] = characters of source sentences 0 .. i-1.
  std::vector<double> source_prefix_chars_, target_prefix_chars_;
  // Per source prefix length i: the target prefix length on the length diagonal.
  std::vector<uint32_t> band_centre_;
  uint32_t band_half_width_ = 0;  // sentences either side of the centre; doubles when touched
  // DP row i (first i source sentences) holds target prefix lengths band_first_[i] ..
  // band_last_[i] (inclusive), stored from row_start_[i].
  std::vector<uint32_t> band_first_, band_last_, row_start_;
  PairCoverage pairs_;
  // Levels of 1-1 similarity in the band: chance (mean over all pairs) and translation (mean best
  // pair per source sentence); spread = translation - chance, at least ScoreParams::min_spread.
  double chance_similarity_ = 0;
  double translation_similarity_ = 0;
  double similarity_spread_ = 1;
  std::vector<double> best_source_similarity_;  // per source sentence: its best 1-1 similarity
  std::vector<double> best_target_similarity_;  // per target sentence: its best 1-1 similarity
  double null_cost_ = 0;                        // cost of leaving out a non-empty sentence, for this document pair
  std::vector<double> dp_score_;                // per cell: best score of aligning the two prefixes
  std::vector<uint8_t> back_source_;            // per cell: source sentences of the best bead ending there
  std::vector<uint8_t> back_target_;            // per cell: target sentences of that bead
};

}  // namespace dhakira::align

#endif  // DHAKIRA_ALIGN_BEAD_ALIGNER_H_
