// Text pipeline: normalization to match keys, tokenization, sentence splitting, language tags.
//
// The text a user gives is kept as received (NFC). Matching works on *match keys*: a token sequence derived
// per language profile (docs/text.md#facts-the-match-keys-rely-on): "ar" (Arabic folding), "en" (NFKC_Casefold), and
// "generic" for any other valid BCP 47 language (NFKC_Casefold). Every key token keeps the byte span of the original
// text it came from, so highlights and inline codes survive (after SentencePiece's normalizer with offset map).
//
// Inline codes (TMX bpt/ept/ph/it/...) are carried in segment text as one private-use code point each,
// U+E000 + index (see kPlaceholderBase); the tokenizer emits them as kPlaceholder tokens, which matching ignores.
#ifndef DHAKIRA_TEXT_H_
#define DHAKIRA_TEXT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dhakira/status.h"

namespace dhakira {

// First code point of inline-code placeholders: code i of a segment is U+E000 + i, i < kMaxInlineCodes.
inline constexpr char32_t kPlaceholderBase = 0xE000;
inline constexpr uint32_t kMaxInlineCodes = 0x1900;  // U+E000..U+F8FF, the BMP private use area

// Tokens are the segments of ICU's word BreakIterator (UAX #29) over the NFC text: rule status 100..199
// numbers, 200+ words, status 0 punctuation/symbols (whitespace dropped). Details in docs/text.md.
enum class TokenType : uint8_t {
  kWord = 0,    // letters (Arabic clitics are not split: والكتاب is one word). A code point that NFKC
                // expands to several words (U+FDFA) gives one token per word, all with its span.
  kNumber = 1,  // 3.5, ١٬٠٠٠٫٥, 1,000.5, الـ20 (key "20": a clitic prefix such as الـ وبـ لـ and an era
                // suffix م / هـ after a year are part of the span, not of the key); key is the ASCII digit
                // form, value its numeric value. Digit strings that are not one number (12.05.2020)
                // keep their separators in the key and have value NaN.
  kPunct = 2,        // punctuation and symbols; adjacent ones form one cluster token (".»", "?!", "...", and
                     // "…" whose key is "..."). A symbol whose key is letters is a word (U+FDFC -> "ريال").
  kPlaceholder = 3,  // an inline-code placeholder (U+E000 + index); key is the decimal index
};

// "word", "number", "punct", "placeholder".
const char* TokenTypeName(TokenType type);

struct Token {
  TokenType type = TokenType::kWord;
  std::string key;     // match key, UTF-8; numbers: ASCII digits, '.' decimal point, no group separators
  uint32_t begin = 0;  // byte offset of the first byte in NormalizedText::text
  uint32_t end = 0;    // byte offset one past the last byte in NormalizedText::text
  double value = 0;    // numeric value, kNumber only
};

struct NormalizedText {
  std::string text;           // the input, NFC; token spans index into it
  std::vector<Token> tokens;  // in text order
};

struct NormalizerOptions {
  // BCP 47 language of the text (any case, '_' accepted). "ar*" selects the Arabic profile, "en*" English,
  // any other valid language the generic profile.
  std::string language;
  // Emit kPunct tokens (true) or drop them (false). Matching keeps them; alignment cues may drop them.
  bool keep_punctuation = true;
  // Longest input accepted, in bytes (1 .. 64 MiB). Longer input is InvalidArgument.
  uint32_t max_input_bytes = 1u << 20;

  // InvalidArgument naming the first bad field.
  Status Validate() const;
};

// Turns text into match-key tokens. Create once and reuse: construction instantiates ICU iterators
// (~15 µs of CPU, benchmarks/text_bench).
// Thread safety: a Normalizer is NOT safe for concurrent use (it owns ICU iterators); use one per thread.
class Normalizer {
 public:
  static StatusOr<std::unique_ptr<Normalizer>> Create(const NormalizerOptions& options);
  virtual ~Normalizer() = default;

  // "ar", "en" or "generic".
  virtual const char* profile() const = 0;
  // The canonical BCP 47 language it was created for.
  virtual const std::string& language() const = 0;

  // Normalizes `text`. InvalidArgument on invalid UTF-8 (names the byte offset) or over-long input.
  // Complexity: linear in the input length.
  virtual StatusOr<NormalizedText> Normalize(std::string_view text) = 0;
};

// Light stem of an Arabic *match key* (prefixes ال وال بال كال فال لل و, suffixes ها ان ات ون ين يه ية ه ة ي,
// keeping ≥ 2 letters; Larkey et al. 2007, as Lucene's ArabicStemmer). For retrieval and alignment cues;
// scores use unstemmed keys. Returns the input unchanged when it is not Arabic.
std::string ArabicLightStem(std::string_view key);

// Stable 64-bit hash of the key sequence of `tokens`, placeholders ignored (FNV-1a 64 over the keys, each
// followed by 0x1F); every other token counts, punctuation included. KeyHash({}) is the FNV offset basis
// 0xcbf29ce484222325. Stored on disk (context hashes): never change it without a format version bump.
uint64_t KeyHash(const std::vector<Token>& tokens);

// The context hash of a neighbouring source segment, as the store keeps it in
// SegmentPair::prev_hash / next_hash and as a lookup compares it: KeyHash() of `neighbour`
// normalized by `normalizer`, which must be created for the source language with keep_punctuation
// (the default; punctuation counts, as in the store's source keys). 0 for "" (no neighbour).
// InvalidArgument as Normalizer::Normalize (invalid UTF-8, longer than the normalizer's
// max_input_bytes). The one definition: the aligner's units, the matcher's query context and the
// service's Upsert all call it.
StatusOr<uint64_t> ContextHash(Normalizer& normalizer, std::string_view neighbour);
// The same for a one-off call: creates a normalizer for `language` (with max_input_bytes 64 MiB,
// the limit the matcher and the aligner use) and hashes `neighbour`. InvalidArgument also for a
// bad language.
StatusOr<uint64_t> ContextHash(std::string_view neighbour, std::string_view language);

// Canonical BCP 47 tag for a language value as found in the wild: "ar_SY", "AR-sy" -> "ar-SY", "ara" -> "ar",
// "EN-us" -> "en-US". InvalidArgument (naming the value) when it is empty or not a well-formed language.
StatusOr<std::string> CanonicalLanguage(std::string_view value);

struct SplitterOptions {
  // BCP 47 language of the text; selects abbreviation lists ("ar", "en", others use ICU's root rules).
  std::string language;
  // Join hard-wrapped lines inside a paragraph (a single newline is a space). Blank lines always end a sentence.
  // A line ending with punctuation is always joined (ICU decides). Other lines are joined only in paragraphs
  // that look hard-wrapped (reflow test, lines of at most 150 code points); elsewhere each line ends a
  // sentence (one paragraph or sentence per line). false: every newline ends a sentence.
  bool unwrap_lines = true;
  // In a hard-wrapped paragraph, a line shorter than this many code points that ends without punctuation and
  // after which the next line's first word would have fitted (no wrap) is a headline: a sentence of its own.
  // 0 disables (such lines are joined). Range 0 .. 1000.
  uint32_t headline_max_chars = 120;

  Status Validate() const;
};

struct Sentence {
  std::string text;    // the sentence, hard-wrap newlines replaced by spaces, trimmed
  uint32_t begin = 0;  // byte span in the input (untrimmed of inner newlines)
  uint32_t end = 0;
  bool starts_paragraph = false;  // first sentence after a blank line (or of the text)
};

// Splits text into sentences with ICU's sentence iterator plus the Arabic/English news rules of
// docs/text.md#facts-the-splitter-relies-on. Thread safety: not safe for concurrent use; one per thread.
class SentenceSplitter {
 public:
  static StatusOr<std::unique_ptr<SentenceSplitter>> Create(const SplitterOptions& options);
  virtual ~SentenceSplitter() = default;
  // InvalidArgument on invalid UTF-8 (names the byte offset). Empty input gives no sentences.
  virtual StatusOr<std::vector<Sentence>> Split(std::string_view text) = 0;
};

}  // namespace dhakira

#endif  // DHAKIRA_TEXT_H_
