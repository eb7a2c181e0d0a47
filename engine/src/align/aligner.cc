// Aligner: bead DP over two sentence sequences (see dhakira/align.h and docs/align.md).
//
// Scoring (higher is better), per bead of a source and b target sentences:
//   lexical  A * (a + b) * (z - c): z is the bead's weighted token coverage (Dice-like: matched
//   source plus
//            matched target token weight over all matchable weight), standardised per document pair
//            between the mean 1-1 similarity of all pairs in the band (chance) and the mean best
//            1-1 similarity (translation): this makes one threshold fit any dictionary coverage and
//            language pair, the way Vecalign (Thompson & Koehn 2019) normalises its cost by
//            random-pair similarity;
//   length   B * log P(length match) of Gale & Church (1993), with the ratio estimated per document
//   pair; prior    a log prior per bead shape; nulls    a fixed cost per sentence left out, turned
//   into a bonus for recognised editorial lines.
// Token weights are within-document inverse sentence frequencies, so function words count little
// without a stop list. Evidence for a pair comes from shared "concepts": lexicon translations,
// numbers, phonetic name skeletons (cross-script pairs) and 4-letter cognates (Simard et al. 1992).
// The DP runs in a band around the length-proportional diagonal and doubles the band when the best
// path touches its edge (as hunalign and Moore 2002 restrict the search), so time and memory are
// linear.
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include "align/editorial.h"
#include "align/keys.h"
#include "align/lexicon_impl.h"
#include "align/scoring.h"
#include "dhakira/align.h"
#include "util/hash.h"
#include "dhakira/text.h"

namespace dhakira {
namespace {

using align::ScoreParams;

std::string BaseLang(const std::string& l) { return l.substr(0, l.find('-')); }

enum ConceptType : uint64_t { kLex = 1, kNum = 2, kName = 3, kCog = 4 };

using util::Fnv1a64;

uint64_t MakeConcept(ConceptType t, uint64_t v) {
  return (uint64_t{t} << 58) ^ (v & ((uint64_t{1} << 58) - 1));
}

struct Tok {
  float weight = 1;             // type weight x within-document idf
  bool matchable = false;       // some concept of it occurs in the other document
  uint32_t begin = 0, end = 0;  // range in Side::concepts
  uint64_t df_key = 0;
};

struct Sent {
  uint32_t chars = 0;
  uint32_t tok_begin = 0, tok_end = 0;  // range in Side::toks
  float matchable_weight = 0;
};

struct Side {
  std::vector<Sent> sents;
  std::vector<Tok> toks;
  std::vector<uint32_t> concepts;  // dense concept ids
};

uint32_t CountChars(std::string_view s) {
  uint32_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string NumberKey(const std::string& key) {
  std::string k = key;
  if (k.find('.') != std::string::npos) {
    while (!k.empty() && k.back() == '0') k.pop_back();
    if (!k.empty() && k.back() == '.') k.pop_back();
  }
  return k;
}

bool StartsUpper(std::string_view text) {
  int32_t i = 0;
  UChar32 c;
  U8_NEXT(reinterpret_cast<const uint8_t*>(text.data()), i, static_cast<int32_t>(text.size()), c);
  return c >= 0 && u_isupper(c);
}

class AlignerImpl : public Aligner {
 public:
  AlignerImpl(AlignOptions o, std::shared_ptr<const Lexicon> lex, std::unique_ptr<Normalizer> ns,
              std::unique_ptr<Normalizer> nt, int lex_src_side)
      : opt_(std::move(o)), lex_(std::move(lex)), lex_src_side_(lex_src_side) {
    norm_[0] = std::move(ns);
    norm_[1] = std::move(nt);
    cross_script_ =
        align::IsArabicLanguage(opt_.src_lang) != align::IsArabicLanguage(opt_.tgt_lang);
  }

  StatusOr<AlignResult> Align(const std::vector<std::string>& src,
                              const std::vector<std::string>& tgt) override;

  ScoreParams params;

 private:
  Status Prepare(int side, const std::vector<std::string>& text, Side* out);
  uint32_t Dense(uint64_t c) {
    auto [it, inserted] = dense_.try_emplace(c, static_cast<uint32_t>(dense_.size()));
    return it->second;
  }

  AlignOptions opt_;
  std::shared_ptr<const Lexicon> lex_;
  std::unique_ptr<Normalizer> norm_[2];
  int lex_src_side_ = -1;  // lexicon side of the source language, -1 without lexicon
  bool cross_script_ = false;
  std::unordered_map<uint64_t, uint32_t> dense_;
  std::vector<std::string> stems_, skel_;
};

Status AlignerImpl::Prepare(int side, const std::vector<std::string>& text, Side* out) {
  out->sents.assign(text.size(), Sent{});
  const Lexicon::Impl* L = lex_ ? &lex_->impl() : nullptr;
  // Concepts live in the target language's lexicon space: a source word stands for its
  // translations.
  const int lex_tgt_side = lex_src_side_ < 0 ? -1 : 1 - lex_src_side_;
  const int my_lex_side = side == 0 ? lex_src_side_ : lex_tgt_side;
  for (size_t i = 0; i < text.size(); ++i) {
    Sent& s = out->sents[i];
    s.chars = CountChars(text[i]);
    s.tok_begin = static_cast<uint32_t>(out->toks.size());
    auto nt = norm_[side]->Normalize(text[i]);
    if (!nt.ok())
      return nt.status().WithContext(std::string(side == 0 ? "source" : "target") + " sentence " +
                                     std::to_string(i));
    for (const Token& t : nt->tokens) {
      Tok tok;
      tok.begin = static_cast<uint32_t>(out->concepts.size());
      if (t.type == TokenType::kNumber) {
        std::string k = NumberKey(t.key);
        out->concepts.push_back(Dense(MakeConcept(kNum, Fnv1a64(k))));
        tok.weight = params.number_weight;
        tok.df_key = Fnv1a64(k) ^ 0x9e37;
      } else if (t.type == TokenType::kWord) {
        align::LookupStems(t.key, &stems_);
        tok.df_key = Fnv1a64(stems_.empty() ? t.key : stems_[0]);
        if (L != nullptr && my_lex_side >= 0) {
          for (const std::string& st : stems_) {
            auto it = L->vocab[my_lex_side].find(st);
            if (it == L->vocab[my_lex_side].end()) continue;
            if (side == 0) {
              for (auto& [id, w] : L->links[my_lex_side][it->second])
                out->concepts.push_back(Dense(MakeConcept(kLex, id)));
            } else {
              out->concepts.push_back(Dense(MakeConcept(kLex, it->second)));
            }
          }
        }
        if (cross_script_) {
          bool arabic = align::HasArabicLetter(t.key);
          if (arabic || StartsUpper(std::string_view(nt->text).substr(t.begin, t.end - t.begin))) {
            align::NameSkeletons(t.key, &skel_);
            for (const std::string& k : skel_)
              out->concepts.push_back(Dense(MakeConcept(kName, Fnv1a64(k))));
          }
        }
        std::string cog = align::CognateKey(t.key);
        if (!cog.empty()) out->concepts.push_back(Dense(MakeConcept(kCog, Fnv1a64(cog))));
      } else {
        continue;
      }
      tok.end = static_cast<uint32_t>(out->concepts.size());
      // Dedupe the token's concepts (a stem and its clitic variant may share translations).
      std::sort(out->concepts.begin() + tok.begin, out->concepts.end());
      auto last = std::unique(out->concepts.begin() + tok.begin, out->concepts.end());
      out->concepts.erase(last, out->concepts.end());
      tok.end = static_cast<uint32_t>(out->concepts.size());
      out->toks.push_back(tok);
    }
    s.tok_end = static_cast<uint32_t>(out->toks.size());
  }
  // Within-document inverse sentence frequency of each token's stem.
  std::unordered_map<uint64_t, uint32_t> df;
  for (const Sent& s : out->sents) {
    std::unordered_set<uint64_t> seen;
    for (uint32_t k = s.tok_begin; k < s.tok_end; ++k)
      if (seen.insert(out->toks[k].df_key).second) ++df[out->toks[k].df_key];
  }
  const double n = static_cast<double>(out->sents.size());
  for (Tok& t : out->toks)
    t.weight *= static_cast<float>(std::log((n + 1.0) / (df[t.df_key] + 0.5)) + params.idf_floor);
  return Status::OK();
}

}  // namespace

namespace {
struct PairBand {
  std::vector<uint32_t> lo, hi,
      offset;                 // per source sentence: target range [lo, hi) and start in ms/mt
  std::vector<float> ms, mt;  // matched source / target weight of the pair
  float Ms(uint32_t s, uint32_t t) const {
    return t >= lo[s] && t < hi[s] ? ms[offset[s] + t - lo[s]] : 0.f;
  }
  float Mt(uint32_t s, uint32_t t) const {
    return t >= lo[s] && t < hi[s] ? mt[offset[s] + t - lo[s]] : 0.f;
  }
};

double LogErfcHalf(double delta) {
  double p = std::erfc(std::fabs(delta) / std::sqrt(2.0));
  return p > 1e-11 ? std::log(p) : -25.3;
}
}  // namespace

StatusOr<AlignResult> AlignerImpl::Align(const std::vector<std::string>& src,
                                         const std::vector<std::string>& tgt) {
  AlignResult res;
  const uint32_t n = static_cast<uint32_t>(src.size()), m = static_cast<uint32_t>(tgt.size());
  dense_.clear();
  Side S, T;
  DHAKIRA_RETURN_IF_ERROR(Prepare(0, src, &S));
  DHAKIRA_RETURN_IF_ERROR(Prepare(1, tgt, &T));
  std::vector<EditorialKind> ed(m, EditorialKind::kNone);
  if (opt_.detect_editorial) ed = align::DetectEditorial(tgt, opt_.tgt_lang);

  // Tokens count as evidence only when one of their concepts occurs anywhere in the other document.
  const size_t nc = dense_.size();
  std::vector<uint8_t> in_s(nc, 0), in_t(nc, 0);
  for (uint32_t c : S.concepts) in_s[c] = 1;
  for (uint32_t c : T.concepts) in_t[c] = 1;
  auto mark = [](Side& side, const std::vector<uint8_t>& other) {
    for (Sent& s : side.sents) {
      for (uint32_t k = s.tok_begin; k < s.tok_end; ++k) {
        Tok& t = side.toks[k];
        for (uint32_t c = t.begin; c < t.end && !t.matchable; ++c)
          t.matchable = other[side.concepts[c]] != 0;
        if (t.matchable) s.matchable_weight += t.weight;
      }
    }
  };
  mark(S, in_t);
  mark(T, in_s);

  // Length ratio (target characters per source character), editorial lines left out.
  double ls = 0, lt = 0;
  for (const Sent& s : S.sents) ls += s.chars;
  for (uint32_t j = 0; j < m; ++j)
    if (ed[j] == EditorialKind::kNone) lt += T.sents[j].chars;
  double r = 1.0;
  if (opt_.length_ratio > 0)
    r = 1.0 / opt_.length_ratio;
  else if (ls > 0 && lt > 0)
    r = std::clamp(lt / ls, 0.2, 5.0);
  res.length_ratio = 1.0 / r;

  auto null_link = [&](bool source, uint32_t k) {
    AlignLink l;
    (source ? l.src : l.tgt).push_back(k);
    if (!source) l.editorial = ed[k];
    l.confidence = l.editorial != EditorialKind::kNone ? 0.95 : 0.5;
    l.low_confidence = l.confidence < opt_.min_confidence;
    return l;
  };
  if (n == 0 || m == 0) {
    for (uint32_t i = 0; i < n; ++i) res.links.push_back(null_link(true, i));
    for (uint32_t j = 0; j < m; ++j) res.links.push_back(null_link(false, j));
    return res;
  }

  // Prefix sums.
  std::vector<double> cs(n + 1, 0), ct(m + 1, 0);
  for (uint32_t i = 0; i < n; ++i) cs[i + 1] = cs[i] + S.sents[i].chars;
  for (uint32_t j = 0; j < m; ++j) ct[j + 1] = ct[j] + T.sents[j].chars;
  // Band centre: the target prefix with the same share of characters as the source prefix (+1 per
  // sentence so that empty sentences still advance).
  std::vector<uint32_t> center(n + 1, 0);
  {
    uint32_t j = 0;
    const double tot_s = cs[n] + n, tot_t = ct[m] + m;
    for (uint32_t i = 0; i <= n; ++i) {
      double f = (cs[i] + i) / tot_s;
      while (j < m && (ct[j + 1] + j + 1) / tot_t <= f + 1e-12) ++j;
      center[i] = j;
    }
    center[n] = m;
  }

  const uint32_t max_1n = opt_.max_one_to_many, max_n1 = opt_.max_many_to_one;
  const uint32_t max_side = std::max(max_1n, max_n1);
  const ScoreParams& P = params;
  uint32_t W = opt_.band;
  std::vector<uint32_t> lo(n + 1), hi(n + 1), base(n + 2);
  std::vector<double> score;
  std::vector<uint8_t> back_a, back_b;
  PairBand pb;
  double mu0 = 0, spread = 1;
  std::vector<double> best_sim_s(n, 0), best_sim_t(m, 0);

  for (;;) {
    for (uint32_t i = 0; i <= n; ++i) {
      lo[i] = center[i] > W ? center[i] - W : 0;
      hi[i] = std::min(m, center[i] + W);
    }
    // Pair band: every pair a bead ending in the DP band can touch.
    pb.lo.assign(n, 0);
    pb.hi.assign(n, 0);
    pb.offset.assign(n + 1, 0);
    for (uint32_t s = 0; s < n; ++s) {
      uint32_t l = std::min(lo[s], lo[s + 1]), h = std::max(hi[s], hi[s + 1]);
      pb.lo[s] = l > max_side ? l - max_side : 0;
      pb.hi[s] = std::min(m, h + max_side);
      pb.offset[s + 1] = pb.offset[s] + (pb.hi[s] - pb.lo[s]);
    }
    pb.ms.assign(pb.offset[n], 0.f);
    pb.mt.assign(pb.offset[n], 0.f);
    std::vector<uint32_t> stamp(nc, 0);
    uint32_t epoch = 0;
    auto matched = [&](const Side& side, const Sent& sent, uint32_t ep) {
      float sum = 0;
      for (uint32_t k = sent.tok_begin; k < sent.tok_end; ++k) {
        const Tok& t = side.toks[k];
        if (!t.matchable) continue;
        for (uint32_t c = t.begin; c < t.end; ++c)
          if (stamp[side.concepts[c]] == ep) {
            sum += t.weight;
            break;
          }
      }
      return sum;
    };
    double sum_sim = 0;
    size_t pairs = 0;
    std::fill(best_sim_s.begin(), best_sim_s.end(), 0.0);
    std::fill(best_sim_t.begin(), best_sim_t.end(), 0.0);
    for (uint32_t s = 0; s < n; ++s) {
      const Sent& ss = S.sents[s];
      ++epoch;
      for (uint32_t k = ss.tok_begin; k < ss.tok_end; ++k)
        for (uint32_t c = S.toks[k].begin; c < S.toks[k].end; ++c) stamp[S.concepts[c]] = epoch;
      uint32_t src_epoch = epoch;
      for (uint32_t t = pb.lo[s]; t < pb.hi[s]; ++t) {
        const Sent& tt = T.sents[t];
        float mt = matched(T, tt, src_epoch);
        ++epoch;
        for (uint32_t k = tt.tok_begin; k < tt.tok_end; ++k)
          for (uint32_t c = T.toks[k].begin; c < T.toks[k].end; ++c) stamp[T.concepts[c]] = epoch;
        float ms = matched(S, ss, epoch);
        // Restore the source stamp for the next target.
        ++epoch;
        for (uint32_t k = ss.tok_begin; k < ss.tok_end; ++k)
          for (uint32_t c = S.toks[k].begin; c < S.toks[k].end; ++c) stamp[S.concepts[c]] = epoch;
        src_epoch = epoch;
        pb.ms[pb.offset[s] + t - pb.lo[s]] = ms;
        pb.mt[pb.offset[s] + t - pb.lo[s]] = mt;
        double sim =
            (ms / (ss.matchable_weight + P.smoothing) + mt / (tt.matchable_weight + P.smoothing)) /
            2;
        sum_sim += sim;
        ++pairs;
        best_sim_s[s] = std::max(best_sim_s[s], sim);
        best_sim_t[t] = std::max(best_sim_t[t], sim);
      }
    }
    mu0 = pairs ? sum_sim / pairs : 0;
    double mu1 = 0;
    for (double b : best_sim_s) mu1 += b;
    mu1 /= n;
    spread = std::max(mu1 - mu0, P.min_spread);
    // Length ratio from anchors: mutually best 1-1 pairs that are clearly translations. The ratio
    // over the whole documents is biased by dropped sentences and added lines; anchors are not (and
    // the estimate is per document pair, as DESIGN-NOTES §2 asks: Arabic originals and Arabic
    // translations differ).
    if (opt_.length_ratio <= 0) {
      std::vector<uint32_t> best_t(n, UINT32_MAX);
      std::vector<std::pair<double, uint32_t>> best_s(m, {-1.0, UINT32_MAX});
      for (uint32_t s2 = 0; s2 < n; ++s2) {
        double best = -1;
        for (uint32_t t = pb.lo[s2]; t < pb.hi[s2]; ++t) {
          double sim = (pb.Ms(s2, t) / (S.sents[s2].matchable_weight + P.smoothing) +
                        pb.Mt(s2, t) / (T.sents[t].matchable_weight + P.smoothing)) /
                       2;
          if (sim > best) {
            best = sim;
            best_t[s2] = t;
          }
          if (sim > best_s[t].first) best_s[t] = {sim, s2};
        }
      }
      double as = 0, at = 0;
      uint32_t anchors = 0;
      for (uint32_t s2 = 0; s2 < n; ++s2) {
        uint32_t t = best_t[s2];
        if (t == UINT32_MAX || best_s[t].second != s2) continue;
        if ((best_s[t].first - mu0) / spread < P.anchor_z) continue;
        as += S.sents[s2].chars;
        at += T.sents[t].chars;
        ++anchors;
      }
      if (anchors >= 3 && as > 0 && at > 0) {
        r = std::clamp(at / as, 0.2, 5.0);
        res.length_ratio = 1.0 / r;
      }
    }
    // Standardised coverage of one sentence by the other side of its bead, minus the offset c.
    auto zc = [&](double matched, double weight) {
      return (matched / (weight + P.smoothing) - mu0) / spread - P.lex_offset;
    };

    // DP over the band. Cell (i, j): best score of aligning the first i source and j target
    // sentences.
    base[0] = 0;
    for (uint32_t i = 0; i <= n; ++i) base[i + 1] = base[i] + (hi[i] - lo[i] + 1);
    const double kNeg = -std::numeric_limits<double>::infinity();
    score.assign(base[n + 1], kNeg);
    back_a.assign(base[n + 1], 0);
    back_b.assign(base[n + 1], 0);
    auto cell = [&](uint32_t i, uint32_t j) -> size_t { return base[i] + (j - lo[i]); };
    auto in_band = [&](uint32_t i, uint32_t j) { return j >= lo[i] && j <= hi[i]; };
    // When even the best pairs share little (no dictionary for the pair, free translation), a
    // sentence without matches is weak evidence of an omission: leaving a sentence out costs more.
    const double null_base =
        P.null_reference_sim > 0
            ? P.null_cost * std::clamp(P.null_reference_sim / std::max(mu1, 1e-3), 1.0, 3.0)
            : P.null_cost;
    auto null_cost = [&](const Sent& s) { return s.chars == 0 ? 0.0 : null_base; };
    // Lexical evidence is summed per sentence (each sentence's coverage inside the bead), so a
    // sentence that belongs to no one cannot ride along with a well-matched neighbour: it pays its
    // own way.
    auto bead_score = [&](uint32_t a, uint32_t b, double lexsum, double Ls, double Lt) {
      double lex = P.lex_weight * lexsum;
      double mean = std::max(1.0, (r * Ls + Lt) / 2.0);
      double delta = (Lt - r * Ls) / std::sqrt(P.len_variance * mean);
      double len = P.len_weight * LogErfcHalf(delta);
      double prior = 0;
      if (a == 2 && b == 2)
        prior = -P.two_two_cost;
      else if (a + b > 2)
        prior = -(P.merge_cost + (a + b - 3) * P.merge_step);
      return lex + len + prior;
    };
    score[cell(0, 0)] = 0;
    for (uint32_t i = 0; i <= n; ++i) {
      for (uint32_t j = lo[i]; j <= hi[i]; ++j) {
        if (i == 0 && j == 0) continue;
        double best = kNeg;
        uint8_t ba = 0, bb = 0;
        auto consider = [&](uint32_t a, uint32_t b, double gain) {
          if (a > i || b > j || !in_band(i - a, j - b)) return;
          double prev = score[cell(i - a, j - b)];
          if (prev == kNeg) return;
          if (prev + gain > best) {
            best = prev + gain;
            ba = static_cast<uint8_t>(a);
            bb = static_cast<uint8_t>(b);
          }
        };
        if (i >= 1) consider(1, 0, -null_cost(S.sents[i - 1]));
        if (j >= 1) {
          double g = -null_cost(T.sents[j - 1]);
          if (ed[j - 1] == EditorialKind::kTitle)
            g += P.title_bonus;
          else if (ed[j - 1] != EditorialKind::kNone)
            g += P.editorial_bonus;
          consider(0, 1, g);
        }
        if (i >= 1 && j >= 1) {
          // 1-b beads: source i-1 with targets j-b .. j-1.
          const uint32_t s = i - 1;
          double msum = 0, zt = 0, Lt = 0;
          const double WS = S.sents[s].matchable_weight, Ls = S.sents[s].chars;
          for (uint32_t b = 1; b <= max_1n && b <= j; ++b) {
            const uint32_t t = j - b;
            msum += pb.Ms(s, t);
            zt += zc(pb.Mt(s, t), T.sents[t].matchable_weight);
            Lt += T.sents[t].chars;
            if (!in_band(i - 1, j - b)) continue;
            consider(1, b, bead_score(1, b, zt + zc(std::min(msum, WS), WS), Ls, Lt));
          }
          // a-1 beads: sources i-a .. i-1 with target j-1.
          const uint32_t t = j - 1;
          double tsum = 0, zs = 0, Ls2 = 0;
          const double WT1 = T.sents[t].matchable_weight, Lt1 = T.sents[t].chars;
          for (uint32_t a = 1; a <= max_n1 && a <= i; ++a) {
            const uint32_t s2 = i - a;
            tsum += pb.Mt(s2, t);
            zs += zc(pb.Ms(s2, t), S.sents[s2].matchable_weight);
            Ls2 += S.sents[s2].chars;
            if (a == 1 || !in_band(i - a, j - 1)) continue;
            consider(a, 1, bead_score(a, 1, zs + zc(std::min(tsum, WT1), WT1), Ls2, Lt1));
          }
          if (i >= 2 && j >= 2 && in_band(i - 2, j - 2)) {
            double z2 = 0;
            for (uint32_t s3 = i - 2; s3 < i; ++s3) {
              const double w = S.sents[s3].matchable_weight;
              z2 += zc(std::min<double>(pb.Ms(s3, j - 2) + pb.Ms(s3, j - 1), w), w);
            }
            for (uint32_t t3 = j - 2; t3 < j; ++t3) {
              const double w = T.sents[t3].matchable_weight;
              z2 += zc(std::min<double>(pb.Mt(i - 2, t3) + pb.Mt(i - 1, t3), w), w);
            }
            consider(2, 2, bead_score(2, 2, z2, cs[i] - cs[i - 2], ct[j] - ct[j - 2]));
          }
        }
        size_t c = cell(i, j);
        score[c] = best;
        back_a[c] = ba;
        back_b[c] = bb;
      }
    }
    // Trace back; widen the band when the path runs along its edge.
    std::vector<std::pair<uint32_t, uint32_t>> path;
    bool touches = false;
    uint32_t i = n, j = m;
    if (score[cell(n, m)] == kNeg) {
      // The band follows the length diagonal, which can jump by more than a bead between two rows (empty
      // source sentences next to long target ones): no path joins them. A wider band always has one (at
      // full width every cell is in it and null links reach (n, m)).
      if (W < std::max(n, m)) {
        W = std::min<uint32_t>(std::max(n, m), W * 2);
        continue;
      }
      return Status::Internal("aligner: no path through the full band");
    }
    while (i > 0 || j > 0) {
      size_t c = cell(i, j);
      if ((j == lo[i] && lo[i] > 0) || (j == hi[i] && hi[i] < m)) touches = true;
      path.emplace_back(back_a[c], back_b[c]);
      i -= back_a[c];
      j -= back_b[c];
    }
    if (touches && W < std::max(n, m)) {
      W = std::min<uint32_t>(std::max(n, m), W * 2);
      continue;
    }
    std::reverse(path.begin(), path.end());
    std::vector<double> len_fit;  // per link: Gale-Church log probability (pair links only)
    res.band = W;
    uint32_t si = 0, tj = 0;
    for (auto [a, b] : path) {
      if (a == 1 && b == 0) {
        AlignLink l = null_link(true, si);
        double z = (best_sim_s[si] - mu0) / spread;
        l.confidence = 1.0 / (1.0 + std::exp(-3.0 * (P.lex_offset + 0.3 - z)));
        l.low_confidence = l.confidence < opt_.min_confidence;
        res.links.push_back(std::move(l));
      } else if (a == 0 && b == 1) {
        AlignLink l = null_link(false, tj);
        if (l.editorial == EditorialKind::kNone) {
          double z = (best_sim_t[tj] - mu0) / spread;
          l.confidence = 1.0 / (1.0 + std::exp(-3.0 * (P.lex_offset + 0.3 - z)));
          l.low_confidence = l.confidence < opt_.min_confidence;
        }
        res.links.push_back(std::move(l));
      } else {
        AlignLink l;
        double lexsum = 0;
        for (uint32_t s = si; s < si + a; ++s) {
          l.src.push_back(s);
          double x = 0;
          for (uint32_t t = tj; t < tj + b; ++t) x += pb.Ms(s, t);
          const double w = S.sents[s].matchable_weight;
          lexsum += zc(std::min<double>(x, w), w);
        }
        for (uint32_t t = tj; t < tj + b; ++t) {
          l.tgt.push_back(t);
          double x = 0;
          for (uint32_t s = si; s < si + a; ++s) x += pb.Mt(s, t);
          const double w = T.sents[t].matchable_weight;
          lexsum += zc(std::min<double>(x, w), w);
        }
        const double z = lexsum / (a + b) + P.lex_offset;
        double Ls = cs[si + a] - cs[si], Lt = ct[tj + b] - ct[tj];
        double delta =
            (Lt - r * Ls) / std::sqrt(P.len_variance * std::max(1.0, (r * Ls + Lt) / 2.0));
        double x = 3.0 * (z - P.lex_offset) + 0.5 * (LogErfcHalf(delta) + 1.0);
        l.confidence = 1.0 / (1.0 + std::exp(-x));
        l.low_confidence = l.confidence < opt_.min_confidence;
        res.links.push_back(std::move(l));
        len_fit.resize(res.links.size(), 0.0);
        len_fit.back() = LogErfcHalf(delta);
      }
      si += a;
      tj += b;
    }
    // A pair link without lexical evidence (a short quote, an idiom) between two confident pair
    // links is forced by monotonicity when its lengths fit: there is nowhere else for either side
    // to go.
    len_fit.resize(res.links.size(), 0.0);
    for (size_t k = 1; k + 1 < res.links.size(); ++k) {
      AlignLink& l = res.links[k];
      const AlignLink& prev = res.links[k - 1];
      const AlignLink& next = res.links[k + 1];
      if (l.src.empty() || l.tgt.empty() || l.confidence >= 0.5) continue;
      if (prev.src.empty() || prev.tgt.empty() || next.src.empty() || next.tgt.empty()) continue;
      const double neighbours = std::min(prev.confidence, next.confidence);
      if (neighbours < 0.7 || len_fit[k] < -2.5) continue;
      l.confidence = std::max(l.confidence, 0.5 + 0.4 * neighbours * std::exp(len_fit[k] / 2.0));
      l.low_confidence = l.confidence < opt_.min_confidence;
    }
    return res;
  }
}

void align::SetScoreParams(Aligner* aligner, const ScoreParams& params) {
  static_cast<AlignerImpl*>(aligner)->params = params;
}

Status align::ScoreParams::Parse(const std::string& spec) {
  size_t pos = 0;
  while (pos < spec.size()) {
    size_t comma = spec.find(',', pos);
    if (comma == std::string::npos) comma = spec.size();
    std::string item = spec.substr(pos, comma - pos);
    pos = comma + 1;
    size_t eq = item.find('=');
    if (eq == std::string::npos)
      return Status::InvalidArgument("score parameter without '=': " + item);
    std::string name = item.substr(0, eq);
    double v = std::atof(item.c_str() + eq + 1);
    struct F {
      const char* n;
      double* p;
    } fields[] = {{"lex_weight", &lex_weight},   {"lex_offset", &lex_offset},
                  {"len_weight", &len_weight},   {"len_variance", &len_variance},
                  {"null_cost", &null_cost},     {"editorial_bonus", &editorial_bonus},
                  {"title_bonus", &title_bonus}, {"merge_cost", &merge_cost},
                  {"merge_step", &merge_step},   {"two_two_cost", &two_two_cost},
                  {"smoothing", &smoothing},     {"number_weight", &number_weight},
                  {"idf_floor", &idf_floor},     {"min_spread", &min_spread},
                  {"anchor_z", &anchor_z},       {"null_reference_sim", &null_reference_sim}};
    bool found = false;
    for (auto& f : fields)
      if (name == f.n) {
        *f.p = v;
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
  auto s = CanonicalLanguage(src_lang);
  if (!s.ok()) return s.status().WithContext("AlignOptions.src_lang");
  auto t = CanonicalLanguage(tgt_lang);
  if (!t.ok()) return t.status().WithContext("AlignOptions.tgt_lang");
  if (*s == *t)
    return Status::InvalidArgument("AlignOptions: src_lang and tgt_lang are both " + *s);
  if (max_one_to_many < 1 || max_one_to_many > 12)
    return Status::InvalidArgument(
        "AlignOptions.max_one_to_many: " + std::to_string(max_one_to_many) + " not in 1 .. 12");
  if (max_many_to_one < 1 || max_many_to_one > 12)
    return Status::InvalidArgument(
        "AlignOptions.max_many_to_one: " + std::to_string(max_many_to_one) + " not in 1 .. 12");
  if (band < 4 || band > 10000)
    return Status::InvalidArgument("AlignOptions.band: " + std::to_string(band) +
                                   " not in 4 .. 10000");
  if (!(length_ratio == 0 || (length_ratio >= 0.05 && length_ratio <= 20)))
    return Status::InvalidArgument("AlignOptions.length_ratio: " + std::to_string(length_ratio) +
                                   " is neither 0 (estimate) nor in 0.05 .. 20");
  if (!(min_confidence >= 0 && min_confidence <= 1))
    return Status::InvalidArgument(
        "AlignOptions.min_confidence: " + std::to_string(min_confidence) + " not in 0 .. 1");
  return Status::OK();
}

StatusOr<std::unique_ptr<Aligner>> Aligner::Create(const AlignOptions& options,
                                                   std::shared_ptr<const Lexicon> lexicon) {
  DHAKIRA_RETURN_IF_ERROR(options.Validate());
  AlignOptions o = options;
  o.src_lang = *CanonicalLanguage(options.src_lang);
  o.tgt_lang = *CanonicalLanguage(options.tgt_lang);
  int side = -1;
  if (lexicon) {
    const std::string& a = lexicon->lang_a();
    const std::string& b = lexicon->lang_b();
    if (BaseLang(a) == BaseLang(o.src_lang) && BaseLang(b) == BaseLang(o.tgt_lang))
      side = 0;
    else if (BaseLang(b) == BaseLang(o.src_lang) && BaseLang(a) == BaseLang(o.tgt_lang))
      side = 1;
    else
      return Status::InvalidArgument("aligner: the lexicon is " + a + "/" + b + ", the documents " +
                                     o.src_lang + "/" + o.tgt_lang);
  }
  std::unique_ptr<Normalizer> norm[2];
  for (int k = 0; k < 2; ++k) {
    NormalizerOptions no;
    no.language = k == 0 ? o.src_lang : o.tgt_lang;
    no.keep_punctuation = false;
    no.max_input_bytes = 64u << 20;
    DHAKIRA_ASSIGN_OR_RETURN(norm[k], Normalizer::Create(no));
  }
  return std::unique_ptr<Aligner>(new AlignerImpl(std::move(o), std::move(lexicon),
                                                  std::move(norm[0]), std::move(norm[1]), side));
}

}  // namespace dhakira
