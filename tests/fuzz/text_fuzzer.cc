// Fuzzes the normalizer (match keys, tokens) and the sentence splitter on arbitrary bytes. The
// first byte picks the language profile and options; the rest is the text. Invalid UTF-8 must be
// InvalidArgument; valid text must give tokens and sentences whose byte spans lie inside the input,
// in order.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "dhakira/text.h"
#include "fuzz_util.h"

namespace {

using dhakira::fuzz::Check;
using dhakira::fuzz::CheckOk;
using dhakira::fuzz::CheckStatus;

const char* const kLanguages[] = {"ar", "en", "fr", "ar-SY"};

// Normalizers and splitters are costly to create (ICU iterators): one per language and option set,
// made on first use and kept for the whole process, as the engine itself does.
dhakira::Normalizer& GetNormalizer(int lang, bool keep_punctuation) {
  static std::unique_ptr<dhakira::Normalizer> cache[4][2];
  auto& slot = cache[lang][keep_punctuation ? 1 : 0];
  if (slot == nullptr) {
    dhakira::NormalizerOptions options;
    options.language = kLanguages[lang];
    options.keep_punctuation = keep_punctuation;
    auto created = dhakira::Normalizer::Create(options);
    CheckOk(created.status(), "Normalizer::Create");
    slot = std::move(created).value();
  }
  return *slot;
}

dhakira::SentenceSplitter& GetSplitter(int lang, bool unwrap, bool headlines) {
  static std::unique_ptr<dhakira::SentenceSplitter> cache[4][2][2];
  auto& slot = cache[lang][unwrap ? 1 : 0][headlines ? 1 : 0];
  if (slot == nullptr) {
    dhakira::SplitterOptions options;
    options.language = kLanguages[lang];
    options.unwrap_lines = unwrap;
    options.headline_max_chars = headlines ? 120 : 0;
    auto created = dhakira::SentenceSplitter::Create(options);
    CheckOk(created.status(), "SentenceSplitter::Create");
    slot = std::move(created).value();
  }
  return *slot;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  dhakira::fuzz::Input in(data, size);
  const uint8_t selector = in.Byte();
  const int lang = selector & 3;
  const std::string_view text = in.Rest();

  auto normalized = GetNormalizer(lang, (selector & 4) != 0).Normalize(text);
  if (normalized.ok()) {
    const std::string& nfc = normalized->text;
    uint32_t prev_begin = 0;
    for (const dhakira::Token& t : normalized->tokens) {
      Check(t.begin <= t.end && t.end <= nfc.size(), "token span outside the normalized text");
      Check(t.begin >= prev_begin, "tokens out of text order");
      prev_begin = t.begin;
    }
    // Hashing and stemming every key must not crash either.
    (void)dhakira::KeyHash(normalized->tokens);
    for (const dhakira::Token& t : normalized->tokens) (void)dhakira::ArabicLightStem(t.key);
  } else {
    CheckStatus(normalized.status(), normalized.status().IsInvalidArgument(),
                "Normalize failed with another code than InvalidArgument");
  }

  auto sentences = GetSplitter(lang, (selector & 8) != 0, (selector & 16) != 0).Split(text);
  if (sentences.ok()) {
    uint32_t prev_end = 0;
    for (const dhakira::Sentence& s : *sentences) {
      Check(s.begin <= s.end && s.end <= text.size(), "sentence span outside the input");
      Check(s.begin >= prev_end, "sentences overlap or are out of order");
      Check(s.text.size() <= s.end - s.begin, "sentence text longer than its span");
      prev_end = s.end;
    }
  } else {
    CheckStatus(sentences.status(), sentences.status().IsInvalidArgument(),
                "Split failed with another code than InvalidArgument");
  }
  return 0;
}
