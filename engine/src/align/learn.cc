// A lexicon learned from the TM: IBM Model 1 (Brown et al. 1993, "The Mathematics of Statistical
// Machine Translation", model 1 with a NULL source word) estimated by EM over the stored pairs of a
// language pair, on alignment stems. Only word pairs that co-occur often enough and reach a
// translation probability bar are kept, so the result is a small, precise complement to the
// dictionary (names, terms, outlet vocabulary).
#include <cmath>
#include <unordered_map>

#include "align/keys.h"
#include "align/lexicon_impl.h"
#include "dhakira/align.h"
#include "dhakira/segment.h"
#include "dhakira/store.h"

namespace dhakira {

Status LearnOptions::Validate() const {
  if (src_lang.empty()) return Status::InvalidArgument("LearnOptions.src_lang: empty");
  if (tgt_lang.empty()) return Status::InvalidArgument("LearnOptions.tgt_lang: empty");
  if (iterations < 1 || iterations > 20)
    return Status::InvalidArgument("LearnOptions.iterations: " + std::to_string(iterations) +
                                   " not in 1 .. 20");
  if (!(min_probability > 0 && min_probability <= 1))
    return Status::InvalidArgument(
        "LearnOptions.min_probability: " + std::to_string(min_probability) + " not in (0, 1]");
  if (min_cooccurrence < 1 || min_cooccurrence > 1000)
    return Status::InvalidArgument(
        "LearnOptions.min_cooccurrence: " + std::to_string(min_cooccurrence) + " not in 1 .. 1000");
  if (max_tokens < 1 || max_tokens > 1000)
    return Status::InvalidArgument("LearnOptions.max_tokens: " + std::to_string(max_tokens) +
                                   " not in 1 .. 1000");
  if (max_pairs < 1 || max_pairs > 100'000'000)
    return Status::InvalidArgument("LearnOptions.max_pairs: " + std::to_string(max_pairs) +
                                   " not in 1 .. 10^8");
  return Status::OK();
}

StatusOr<Lexicon> LearnLexicon(const Snapshot& snapshot, const LearnOptions& options) {
  DHAKIRA_RETURN_IF_ERROR(options.Validate());
  DHAKIRA_ASSIGN_OR_RETURN(Lexicon lex, Lexicon::Empty(options.src_lang, options.tgt_lang));
  const std::string src = lex.lang_a(), tgt = lex.lang_b();
  auto base = [](const std::string& l) { return l.substr(0, l.find('-')); };
  std::unique_ptr<Normalizer> norm[2];
  for (int k = 0; k < 2; ++k) {
    NormalizerOptions no;
    no.language = k == 0 ? src : tgt;
    no.keep_punctuation = false;
    DHAKIRA_ASSIGN_OR_RETURN(norm[k], Normalizer::Create(no));
  }
  // Corpus as stem ids. Word 0 of the source vocabulary is NULL.
  std::unordered_map<std::string, uint32_t> vocab[2];
  std::vector<std::string> words[2];
  words[0].push_back("");
  vocab[0][""] = 0;
  std::vector<std::vector<uint32_t>> corpus_s, corpus_t;
  auto ids = [&](int side, const std::string& text, std::vector<uint32_t>* out) -> Status {
    DHAKIRA_ASSIGN_OR_RETURN(NormalizedText nt, norm[side]->Normalize(text));
    out->clear();
    for (const Token& t : nt.tokens) {
      if (t.type != TokenType::kWord) continue;
      std::string stem = align::AlignStem(t.key);
      if (stem.empty()) continue;
      auto [it, inserted] =
          vocab[side].try_emplace(stem, static_cast<uint32_t>(words[side].size()));
      if (inserted) words[side].push_back(stem);
      out->push_back(it->second);
    }
    return Status::OK();
  };
  Status failure;
  std::vector<uint32_t> a, b;
  uint64_t read = 0;
  Status walk = snapshot.ForEach([&](const SegmentPair& p) {
    const bool forward = base(p.src_lang) == base(src) && base(p.tgt_lang) == base(tgt);
    const bool reverse = base(p.src_lang) == base(tgt) && base(p.tgt_lang) == base(src);
    if (!forward && !reverse) return true;
    const std::string& s_text = forward ? p.source : p.target;
    const std::string& t_text = forward ? p.target : p.source;
    if (Status s = ids(0, s_text, &a); !s.ok())
      return true;  // a bad unit teaches nothing; keep going
    if (Status s = ids(1, t_text, &b); !s.ok()) return true;
    if (a.empty() || b.empty() || a.size() > options.max_tokens || b.size() > options.max_tokens)
      return true;
    corpus_s.push_back(a);
    corpus_t.push_back(b);
    return ++read < options.max_pairs;
  });
  DHAKIRA_RETURN_IF_ERROR(walk.WithContext("learning a lexicon from the TM"));
  if (corpus_s.empty()) return lex;

  // t(f|e) on co-occurring pairs only, uniform start; co-occurrence counts for the final filter.
  auto key = [](uint32_t e, uint32_t f) { return (uint64_t{e} << 32) | f; };
  std::unordered_map<uint64_t, float> prob;
  std::unordered_map<uint64_t, uint32_t> cooc;
  for (size_t k = 0; k < corpus_s.size(); ++k) {
    for (uint32_t e : corpus_s[k])
      for (uint32_t f : corpus_t[k]) {
        ++cooc[key(e, f)];
      }
    for (uint32_t f : corpus_t[k]) cooc.try_emplace(key(0, f), 0);
  }
  const float uniform = 1.0f / static_cast<float>(words[1].size());
  for (auto& [k, c] : cooc) prob[k] = uniform;
  std::unordered_map<uint64_t, float> count;
  std::vector<float> total(words[0].size());
  for (uint32_t it = 0; it < options.iterations; ++it) {
    count.clear();
    std::fill(total.begin(), total.end(), 0.f);
    for (size_t k = 0; k < corpus_s.size(); ++k) {
      for (uint32_t f : corpus_t[k]) {
        float denom = prob[key(0, f)];
        for (uint32_t e : corpus_s[k]) denom += prob[key(e, f)];
        if (denom <= 0) continue;
        float share = prob[key(0, f)] / denom;
        count[key(0, f)] += share;
        total[0] += share;
        for (uint32_t e : corpus_s[k]) {
          share = prob[key(e, f)] / denom;
          count[key(e, f)] += share;
          total[e] += share;
        }
      }
    }
    for (auto& [k, p] : prob) {
      const uint32_t e = static_cast<uint32_t>(k >> 32);
      auto c = count.find(k);
      p = (c == count.end() || total[e] <= 0) ? 0.f : c->second / total[e];
    }
  }
  for (const auto& [k, p] : prob) {
    const uint32_t e = static_cast<uint32_t>(k >> 32), f = static_cast<uint32_t>(k & 0xFFFFFFFFu);
    if (e == 0 || p < options.min_probability) continue;
    auto c = cooc.find(k);
    if (c == cooc.end() || c->second < options.min_cooccurrence) continue;
    lex.impl_->AddStems(words[0][e], words[1][f], p);
  }
  return lex;
}

}  // namespace dhakira
