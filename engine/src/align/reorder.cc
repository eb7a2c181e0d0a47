// The second pass of the aligner: links that break the monotonic order (swapped paragraphs, a
// moved block). The bead DP is monotone, so of two swapped English paragraphs it links one and
// leaves the other's sentences out (or forces weak links between the wrong sentences). This pass
// takes the sentences the monotone path left out or linked weakly and pairs them among themselves
// with a 1-1 assignment on the similarities already computed for the pair band: a pair is linked
// when each is the other's best partner in the pool, clearly above chance, with a margin over the
// next best (the competitive-linking rule of Melamed 2000, restricted to the leftovers).
// Weak links whose sentences find a better partner this way are dissolved.
#include <algorithm>

#include "align/bead_aligner.h"

namespace dhakira::align {
namespace {

// A pool pair needs this standardised similarity (1 = a typical translation) ...
constexpr double kMinimumZ = 1.0;
// ... and this margin over each side's next best partner in the pool.
constexpr double kMinimumMargin = 0.5;
// A 1-1 link of the monotone path below this standardised similarity is weak: its sentences join
// the pool.
constexpr double kWeakZ = 0.5;

}  // namespace

// The sentences the monotone path left out (editorial lines excepted) or linked 1-1 weakly.
void BeadAligner::CollectPool(const std::vector<AlignLink>& links, std::vector<uint32_t>* sources,
                              std::vector<uint32_t>* targets) const {
  for (const AlignLink& link : links) {
    if (link.tgt.empty()) {
      sources->push_back(link.src[0]);
    } else if (link.src.empty()) {
      if (link.editorial == EditorialKind::kNone) targets->push_back(link.tgt[0]);
    } else if (link.src.size() == 1 && link.tgt.size() == 1 && PairZ(link.src[0], link.tgt[0]) < kWeakZ) {
      sources->push_back(link.src[0]);
      targets->push_back(link.tgt[0]);
    }
  }
}

// Mutually best pool pairs with enough similarity and margin: partner[s] = t for each.
std::vector<uint32_t> BeadAligner::MatchPool(const std::vector<uint32_t>& sources,
                                             const std::vector<uint32_t>& targets) const {
  std::vector<uint32_t> partner(source_count_, UINT32_MAX);
  if (sources.empty() || targets.empty()) return partner;
  // Best and second best within the pool, per source and per target.
  std::vector<PartnerPair> source_best(sources.size()), target_best(targets.size());
  for (size_t a = 0; a < sources.size(); ++a)
    for (size_t b = 0; b < targets.size(); ++b) {
      const uint32_t s = sources[a], t = targets[b];
      if (t < pairs_.target_begin[s] || t >= pairs_.target_end[s]) continue;
      const double z = PairZ(s, t);
      OfferPartner(&source_best[a], static_cast<uint32_t>(b), z);
      OfferPartner(&target_best[b], static_cast<uint32_t>(a), z);
    }
  for (size_t a = 0; a < sources.size(); ++a) {
    const PartnerPair& mine = source_best[a];
    if (mine.index[0] == UINT32_MAX || mine.z[0] < kMinimumZ) continue;
    const PartnerPair& theirs = target_best[mine.index[0]];
    if (theirs.index[0] != a) continue;
    const double runner_up = std::max({mine.z[1], theirs.z[1], 0.0});
    if (mine.z[0] - runner_up < kMinimumMargin) continue;
    partner[sources[a]] = targets[mine.index[0]];
  }
  return partner;
}

void BeadAligner::OfferPartner(PartnerPair* pair, uint32_t index, double z) {
  if (z > pair->z[0]) {
    pair->z[1] = pair->z[0];
    pair->index[1] = pair->index[0];
    pair->z[0] = z;
    pair->index[0] = index;
  } else if (z > pair->z[1]) {
    pair->z[1] = z;
    pair->index[1] = index;
  }
}

// Rewrites `links` with the pool pairs: a source's new link takes the place of its old link (the
// links stay in source order, so the target sides of these links may be out of order); a target
// that found a partner leaves its old place; a sentence whose weak partner went elsewhere is left
// out. Every sentence stays in exactly one link.
void BeadAligner::LinkOutOfOrder(std::vector<AlignLink>* links, std::vector<bool>* reordered) const {
  std::vector<uint32_t> pool_sources, pool_targets;
  CollectPool(*links, &pool_sources, &pool_targets);
  const std::vector<uint32_t> partner = MatchPool(pool_sources, pool_targets);
  std::vector<uint32_t> source_of(target_count_, UINT32_MAX);
  bool any = false;
  for (uint32_t s = 0; s < source_count_; ++s)
    if (partner[s] != UINT32_MAX) {
      source_of[partner[s]] = s;
      any = true;
    }
  reordered->assign(links->size(), false);
  if (!any) return;
  std::vector<AlignLink> out;
  std::vector<bool> out_reordered;
  auto emit = [&](std::vector<uint32_t> src, std::vector<uint32_t> tgt, bool moved) {
    AlignLink link;
    link.src = std::move(src);
    link.tgt = std::move(tgt);
    if (link.src.empty()) link.editorial = editorial_[link.tgt[0]];
    out.push_back(std::move(link));
    out_reordered.push_back(moved);
  };
  for (size_t k = 0; k < links->size(); ++k) {
    AlignLink& link = (*links)[k];
    const bool single_source = link.src.size() == 1, single_target = link.tgt.size() == 1;
    const bool source_moves = single_source && partner[link.src[0]] != UINT32_MAX;
    const bool target_moves = single_target && source_of[link.tgt[0]] != UINT32_MAX;
    if (!source_moves && !target_moves) {
      out.push_back(std::move(link));
      out_reordered.push_back(false);
      continue;
    }
    // Only pool links (1-0, 0-1, weak 1-1) can have a moving sentence.
    if (source_moves) {
      const uint32_t target = partner[link.src[0]];
      emit({link.src[0]}, {target}, !(single_target && link.tgt[0] == target));
    } else if (single_source) {
      emit({link.src[0]}, {}, false);
    }
    if (single_target && !target_moves) emit({}, {link.tgt[0]}, false);
  }
  *links = std::move(out);
  *reordered = std::move(out_reordered);
}

}  // namespace dhakira::align
