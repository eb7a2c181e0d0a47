// Normalizer: NFC original, folded match-key tokens with byte spans (docs/text.md#facts-the-match-keys-rely-on).
//
// How offsets survive folding: instead of folding the whole text and mapping positions back
// (SentencePiece's normalizer keeps a per-byte alignment vector), we segment the NFC text first
// with ICU's word BreakIterator and fold each segment on its own. Every key token therefore maps to
// exactly one segment span of the original, with no alignment table at all. Folding per segment
// gives the same keys as folding the whole text because no fold we apply crosses a word boundary
// (NFKC compositions stay inside a grapheme cluster, and UAX #29 never breaks one).
//
// Bidi controls (LRM, RLM, ALM, LRE..PDF, LRI..PDI) and ZWJ/ZWNJ: UAX #29 rule WB4 makes them
// transparent to word segmentation (they attach to the preceding segment), which is exactly as if
// they had been removed before tokenizing; we then trim them off span edges and NFKC_Casefold drops
// them from keys.
#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>

#include <memory>
#include <string>

#include "dhakira/text.h"
#include "text/fold.h"
#include "text/language.h"
#include "text/normalizer_internal.h"
#include "text/number.h"
#include "text/utf8.h"

namespace dhakira {
namespace {

using text_internal::Profile;

// Whitespace or default-ignorable (bidi controls, ZWJ, ZWNJ, BOM, soft hyphen...): not part of any
// token.
inline bool IsBlank(UChar32 c) {
  if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D);
  if (c >= 0x0621 && c <= 0x064A) return false;  // the common case in Arabic text, no property lookup
  return u_isUWhiteSpace(c) || u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

// Is every code point of `key` a letter? A symbol whose key is letters is a word: U+FDFC RIAL SIGN
// folds to "ريال", U+2122 to "tm".
bool AllLetters(std::string_view key) {
  for (size_t i = 0; i < key.size();) {
    if (!u_isalpha(text_internal::NextCodePoint(key, &i))) return false;
  }
  return true;
}

inline bool IsPlaceholder(UChar32 c) {
  return c >= static_cast<UChar32>(kPlaceholderBase) && c < static_cast<UChar32>(kPlaceholderBase + kMaxInlineCodes);
}

class NormalizerImpl final : public Normalizer {
 public:
  NormalizerImpl(const NormalizerOptions& options, std::string language)
      : options_(options), language_(std::move(language)) {
    profile_ = text_internal::ProfileFor(language_);
  }
  ~NormalizerImpl() override { utext_close(&utext_); }

  Status Init() {
    UErrorCode status = U_ZERO_ERROR;
    nfc_ = icu::Normalizer2::getNFCInstance(status);
    if (U_FAILURE(status)) return text_internal::IcuStatus(status, "loading the NFC normalizer");
    nfkc_cf_ = icu::Normalizer2::getNFKCCasefoldInstance(status);
    if (U_FAILURE(status)) {
      return text_internal::IcuStatus(status, "loading the NFKC_Casefold normalizer");
    }
    icu::Locale locale = icu::Locale::forLanguageTag(language_, status);
    if (U_FAILURE(status)) {
      status = U_ZERO_ERROR;
      locale = icu::Locale::getRoot();
    }
    words_.reset(icu::BreakIterator::createWordInstance(locale, status));
    if (U_FAILURE(status) || !words_) {
      return text_internal::IcuStatus(status, "creating the ICU word break iterator");
    }
    separators_ = text_internal::SeparatorsFor(language_);
    return Status::OK();
  }

  const char* profile() const override { return text_internal::ProfileName(profile_); }
  const std::string& language() const override { return language_; }

  StatusOr<NormalizedText> Normalize(std::string_view text) override {
    DHAKIRA_RETURN_IF_ERROR(CheckLength(text));
    DHAKIRA_RETURN_IF_ERROR(text_internal::CheckUtf8(text, "normalizing text"));
    NormalizedText result;
    UErrorCode status = U_ZERO_ERROR;
    const icu::StringPiece piece(text.data(), static_cast<int32_t>(text.size()));
    if (nfc_->isNormalizedUTF8(piece, status) && U_SUCCESS(status)) {
      result.text.assign(text);  // already NFC (nearly always): keep the bytes as received
    } else {
      status = U_ZERO_ERROR;
      icu::StringByteSink<std::string> sink(&result.text, static_cast<int32_t>(text.size()));
      nfc_->normalizeUTF8(0, piece, sink, nullptr, status);
      if (U_FAILURE(status)) return text_internal::IcuStatus(status, "normalizing text to NFC");
    }
    DHAKIRA_RETURN_IF_ERROR(Tokenize(result.text, &result.tokens));
    return result;
  }

  // Tokens of `text`, well-formed UTF-8 in NFC (text_internal::TokenizeCheckedNfc).
  StatusOr<std::vector<Token>> TokenizeNfc(std::string_view text) {
    DHAKIRA_RETURN_IF_ERROR(CheckLength(text));
    std::vector<Token> tokens;
    DHAKIRA_RETURN_IF_ERROR(Tokenize(text, &tokens));
    return tokens;
  }

 private:
  Status CheckLength(std::string_view text) const {
    if (text.size() <= options_.max_input_bytes) return Status::OK();
    return Status::InvalidArgument("normalizing text: input of " + std::to_string(text.size()) +
                                   " bytes is longer than max_input_bytes (" +
                                   std::to_string(options_.max_input_bytes) + ")");
  }

  // Appends the tokens of `text` (well-formed UTF-8 in NFC); their spans index `text`.
  Status Tokenize(std::string_view text, std::vector<Token>* tokens) {
    if (text.empty()) return Status::OK();
    tokens->reserve(text.size() / 6 + 1);
    UErrorCode status = U_ZERO_ERROR;
    utext_openUTF8(&utext_, text.data(), static_cast<int64_t>(text.size()), &status);
    if (U_FAILURE(status)) return text_internal::IcuStatus(status, "opening text for ICU");
    words_->setText(&utext_, status);
    if (U_FAILURE(status)) return text_internal::IcuStatus(status, "setting word iterator text");
    int32_t start = words_->first();
    for (int32_t end = words_->next(); end != icu::BreakIterator::DONE; start = end, end = words_->next()) {
      AddSegment(text, static_cast<size_t>(start), static_cast<size_t>(end), words_->getRuleStatus(), tokens);
    }
    // Drop the iterator's reference to `text`, which the caller may free or move.
    utext_openUTF8(&utext_, "", 0, &status);
    words_->setText(&utext_, status);
    return Status::OK();
  }

  void AddSegment(std::string_view all, size_t begin, size_t end, int32_t rule_status, std::vector<Token>* tokens) {
    // Trim whitespace and default-ignorables (a trailing LRM is absorbed into the previous word,
    // WB4).
    while (begin < end) {
      size_t next = begin;
      if (!IsBlank(text_internal::NextCodePoint(all, &next))) break;
      begin = next;
    }
    while (end > begin) {
      const size_t prev = text_internal::PrevCodePointStart(all, end);
      size_t tmp = prev;
      if (!IsBlank(text_internal::NextCodePoint(all, &tmp))) break;
      end = prev;
    }
    if (begin == end) return;  // whitespace
    size_t first_end = begin;
    const UChar32 first = text_internal::NextCodePoint(all, &first_end);
    if (IsPlaceholder(first)) {
      Token& t = tokens->emplace_back();
      t.type = TokenType::kPlaceholder;
      t.key = std::to_string(first - static_cast<UChar32>(kPlaceholderBase));
      t.begin = static_cast<uint32_t>(begin);
      t.end = static_cast<uint32_t>(first_end);
      return;  // marks attached to a placeholder (WB4) carry no key
    }
    key_.clear();
    text_internal::FoldRun(all.substr(begin, end - begin), profile_, *nfkc_cf_, &scratch_, &key_);
    if (key_.empty()) return;  // e.g. a lone tatweel or haraka in the Arabic profile

    if (rule_status < UBRK_WORD_NONE_LIMIT && !AllLetters(key_)) {
      // Punctuation and symbols: adjacent segments form one cluster ("...", "?!", ".»"), so that
      // "…" (NFKC "...") and "..." get the same key.
      if (!options_.keep_punctuation) return;
      if (!tokens->empty() && tokens->back().type == TokenType::kPunct && tokens->back().end == begin) {
        tokens->back().key += key_;
        tokens->back().end = static_cast<uint32_t>(end);
        return;
      }
      Token& t = tokens->emplace_back();
      t.type = TokenType::kPunct;
      t.key = key_;
      t.begin = static_cast<uint32_t>(begin);
      t.end = static_cast<uint32_t>(end);
      return;
    }
    // Words and numbers. NFKC can expand one code point to several words (U+FDFA -> 4 words): each
    // becomes a token of its own sharing the span of the code point.
    std::string_view rest(key_);
    while (!rest.empty()) {
      const size_t space = rest.find(' ');
      std::string_view piece = rest.substr(0, space);
      rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
      if (piece.empty()) continue;
      Token& t = tokens->emplace_back();
      t.begin = static_cast<uint32_t>(begin);
      t.end = static_cast<uint32_t>(end);
      double value = 0;
      if (text_internal::ParseNumber(piece, separators_, &number_, &value)) {
        t.type = TokenType::kNumber;
        t.key = number_;
        t.value = value;
      } else {
        t.type = TokenType::kWord;
        t.key.assign(piece);
      }
    }
  }

  NormalizerOptions options_;
  std::string language_;
  Profile profile_ = Profile::kGeneric;
  const icu::Normalizer2* nfc_ = nullptr;
  const icu::Normalizer2* nfkc_cf_ = nullptr;
  std::unique_ptr<icu::BreakIterator> words_;
  UText utext_ = UTEXT_INITIALIZER;
  text_internal::NumberSeparators separators_;
  std::string key_, scratch_, number_;  // reused buffers: no per-token heap churn beyond the keys
};

}  // namespace

namespace text_internal {

StatusOr<std::vector<Token>> TokenizeCheckedNfc(Normalizer& normalizer, std::string_view text) {
  if (auto* impl = dynamic_cast<NormalizerImpl*>(&normalizer)) return impl->TokenizeNfc(text);
  DHAKIRA_ASSIGN_OR_RETURN(NormalizedText normalized, normalizer.Normalize(text));
  return std::move(normalized.tokens);
}

}  // namespace text_internal

const char* TokenTypeName(TokenType type) {
  switch (type) {
    case TokenType::kWord:
      return "word";
    case TokenType::kNumber:
      return "number";
    case TokenType::kPunct:
      return "punct";
    case TokenType::kPlaceholder:
      return "placeholder";
  }
  return "unknown";
}

Status NormalizerOptions::Validate() const {
  if (language.empty()) return Status::InvalidArgument("NormalizerOptions.language: empty");
  StatusOr<std::string> canonical = CanonicalLanguage(language);
  if (!canonical.ok()) return canonical.status().WithContext("NormalizerOptions.language");
  if (max_input_bytes < 1 || max_input_bytes > (64u << 20)) {
    return Status::InvalidArgument("NormalizerOptions.max_input_bytes: " + std::to_string(max_input_bytes) +
                                   " is outside 1 .. 67108864");
  }
  return Status::OK();
}

StatusOr<std::unique_ptr<Normalizer>> Normalizer::Create(const NormalizerOptions& options) {
  DHAKIRA_RETURN_IF_ERROR(options.Validate());
  DHAKIRA_ASSIGN_OR_RETURN(std::string language, CanonicalLanguage(options.language));
  auto impl = std::make_unique<NormalizerImpl>(options, std::move(language));
  DHAKIRA_RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<Normalizer>(std::move(impl));
}

uint64_t KeyHash(const std::vector<Token>& tokens) {
  // FNV-1a 64 (Fowler, Noll, Vo; offset basis 14695981039346656037, prime 1099511628211).
  uint64_t h = 14695981039346656037ull;
  for (const Token& t : tokens) {
    if (t.type == TokenType::kPlaceholder) continue;
    for (unsigned char c : t.key) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0x1F;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace dhakira
