// Private layout of dhakira::Lexicon, shared by the lexicon loaders and the aligner.
#ifndef DHAKIRA_ALIGN_LEXICON_IMPL_H_
#define DHAKIRA_ALIGN_LEXICON_IMPL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "dhakira/align.h"
#include "dhakira/text.h"

namespace dhakira {

struct Lexicon::Impl {
  std::string lang[2];  // canonical BCP 47 of side 0 (a) and side 1 (b)
  // Alignment stems (align::AlignStem of a match key) of each side -> dense id.
  std::unordered_map<std::string, uint32_t> vocab[2];
  std::vector<std::string> words[2];  // id -> stem
  // links[s][id]: ids on side 1 - s that translate stem `id` of side s, with weights in (0, 1].
  std::vector<std::vector<std::pair<uint32_t, float>>> links[2];
  size_t pairs = 0;
  // Normalizers for AddPair, created on first use.
  std::unique_ptr<Normalizer> normalizer[2];

  // 0 or 1 for a canonical language of this lexicon, -1 otherwise.
  int SideOf(std::string_view canonical_lang) const;
  uint32_t Intern(int side, const std::string& stem);
  // Links stems (both non-empty). Returns false when the pair was known already.
  bool AddStems(const std::string& stem_a, const std::string& stem_b, float weight);
  // The alignment stem of a single-word text of side `side`; "" when not exactly one word.
  std::string StemOfWord(int side, std::string_view word);
  // StemOfWord for many words at once (a few large Normalize calls); "" where not exactly one word.
  std::vector<std::string> StemWords(int side, const std::vector<std::string>& words);
  const std::vector<std::pair<uint32_t, float>>* Find(int side, const std::string& stem) const;
};

// Built-in word pairs (lang_a, lang_b, word_a, word_b), compiled in: align/builtin_lexicon.cc.
struct BuiltinPair {
  const char* lang_a;
  const char* lang_b;
  const char* word_a;
  const char* word_b;
};
const std::vector<BuiltinPair>& BuiltinPairs();

}  // namespace dhakira

#endif  // DHAKIRA_ALIGN_LEXICON_IMPL_H_
