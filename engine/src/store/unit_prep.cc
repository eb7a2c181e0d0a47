#include "store/unit_prep.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <array>

#include "text/normalizer_internal.h"
#include "text/utf8.h"

namespace dhakira::store_internal {

namespace {

// Language values seen in one TM are few; the cache only guards against pathological input.
constexpr size_t kMaxCachedLanguages = 1024;

// "char": a literal private-use character of the input kept as a code (segment.h).
constexpr std::array<std::string_view, 8> kInlineElements = {"bpt", "ept", "it", "ph", "hi", "sub", "ut", "char"};

std::string Field(std::string_view name, size_t index, std::string_view member) {
  std::string f(name);
  f += '[';
  f += std::to_string(index);
  f += "].";
  f += member;
  return f;
}

Status FieldError(std::string_view field, std::string_view what) {
  std::string msg(field);
  msg += ": ";
  msg += what;
  return Status::InvalidArgument(msg);
}

// Puts `text` in NFC in place. ICU's quick check makes the common case (already NFC) a single pass.
Status ToNfc(std::string* text, std::string_view field) {
  UErrorCode ec = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(ec);
  if (U_FAILURE(ec)) return Status::Internal(std::string("loading ICU NFC data: ") + u_errorName(ec));
  const icu::StringPiece piece(text->data(), static_cast<int32_t>(text->size()));
  if (nfc->isNormalizedUTF8(piece, ec) && U_SUCCESS(ec)) return Status::OK();
  if (U_FAILURE(ec)) return FieldError(field, std::string("NFC check failed: ") + u_errorName(ec));
  std::string out;
  out.reserve(text->size());
  icu::StringByteSink<std::string> sink(&out);
  nfc->normalizeUTF8(0, piece, sink, nullptr, ec);
  if (U_FAILURE(ec)) return FieldError(field, std::string("NFC failed: ") + u_errorName(ec));
  *text = std::move(out);
  return Status::OK();
}

bool IsBlank(std::string_view s) {
  const auto n = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(s.data(), i, n, c);
    if (c < 0 || !u_isUWhiteSpace(c)) return false;
  }
  return true;
}

// Non-empty, valid UTF-8, put in NFC and not blank.
Status CheckText(std::string* text, std::string_view field) {
  if (text->empty()) return FieldError(field, "empty");
  if (text->size() > INT32_MAX) return FieldError(field, "longer than 2 GiB");
  DHAKIRA_RETURN_IF_ERROR(CheckUtf8(*text, field));
  DHAKIRA_RETURN_IF_ERROR(ToNfc(text, field));
  if (IsBlank(*text)) return FieldError(field, "only white space");
  return Status::OK();
}

Status CheckCodes(const std::vector<InlineCode>& codes, std::string_view name) {
  if (codes.size() > kMaxInlineCodes) {
    return FieldError(name, "more than " + std::to_string(kMaxInlineCodes) + " inline codes");
  }
  for (size_t i = 0; i < codes.size(); ++i) {
    const InlineCode& c = codes[i];
    bool known = false;
    for (std::string_view e : kInlineElements) known = known || c.element == e;
    if (!known) {
      return FieldError(Field(name, i, "element"), "unknown inline element '" + c.element.substr(0, 32) + "'");
    }
    DHAKIRA_RETURN_IF_ERROR(CheckUtf8(c.native, Field(name, i, "native")));
  }
  return Status::OK();
}

}  // namespace

Status CheckUtf8(std::string_view s, std::string_view field) {
  const size_t bad = text_internal::FindInvalidUtf8(s);
  if (bad == std::string_view::npos) return Status::OK();
  return FieldError(field, "invalid UTF-8 at byte " + std::to_string(bad));
}

StatusOr<std::string> UnitPreparer::Canonical(const std::string& value) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = canonical_.find(value);
    if (it != canonical_.end()) return it->second;
  }
  StatusOr<std::string> tag = CanonicalLanguage(value);
  if (!tag.ok()) return tag.status();
  std::lock_guard<std::mutex> lock(mu_);
  if (canonical_.size() >= kMaxCachedLanguages) canonical_.clear();
  canonical_.emplace(value, *tag);
  return tag;
}

NormalizerOptions UnitPreparer::KeyOptions() {
  NormalizerOptions options;
  options.keep_punctuation = true;
  return options;
}

Status UnitPreparer::Prepare(SegmentPair* pair) {
  DHAKIRA_RETURN_IF_ERROR(PrepareFields(pair));
  return ComputeKeys(pair);
}

Status UnitPreparer::PrepareFields(SegmentPair* pair) {
  StatusOr<std::string> src = Canonical(pair->src_lang);
  if (!src.ok()) return src.status().WithContext("src_lang");
  StatusOr<std::string> tgt = Canonical(pair->tgt_lang);
  if (!tgt.ok()) return tgt.status().WithContext("tgt_lang");
  pair->src_lang = std::move(*src);
  pair->tgt_lang = std::move(*tgt);

  DHAKIRA_RETURN_IF_ERROR(CheckText(&pair->source, "source"));
  DHAKIRA_RETURN_IF_ERROR(CheckText(&pair->target, "target"));
  DHAKIRA_RETURN_IF_ERROR(CheckCodes(pair->source_codes, "source_codes"));
  DHAKIRA_RETURN_IF_ERROR(CheckCodes(pair->target_codes, "target_codes"));
  DHAKIRA_RETURN_IF_ERROR(CheckUtf8(pair->origin, "origin"));
  DHAKIRA_RETURN_IF_ERROR(CheckUtf8(pair->doc_id, "doc_id"));
  DHAKIRA_RETURN_IF_ERROR(CheckUtf8(pair->created_by, "created_by"));
  DHAKIRA_RETURN_IF_ERROR(CheckUtf8(pair->changed_by, "changed_by"));
  DHAKIRA_RETURN_IF_ERROR(CheckUtf8(pair->note, "note"));
  for (size_t i = 0; i < pair->properties.size(); ++i) {
    const auto& [type, value] = pair->properties[i];
    if (type.empty()) return FieldError(Field("properties", i, "type"), "empty");
    DHAKIRA_RETURN_IF_ERROR(CheckUtf8(type, Field("properties", i, "type")));
    DHAKIRA_RETURN_IF_ERROR(CheckUtf8(value, Field("properties", i, "value")));
  }
  return Status::OK();
}

Status UnitPreparer::ComputeKeys(SegmentPair* pair) {
  // Match keys: one pooled normalizer per source language (Normalizer is not thread-safe).
  StatusOr<std::unique_ptr<Normalizer>> normalizer = normalizers_.Take(pair->src_lang);
  if (!normalizer.ok()) return normalizer.status().WithContext("src_lang");
  // PrepareFields checked the source and put it in NFC: the normalizer need not check it again, and
  // the token spans index the source as stored.
  StatusOr<std::vector<Token>> tokens = text_internal::TokenizeCheckedNfc(**normalizer, pair->source);
  normalizers_.Return(pair->src_lang, std::move(*normalizer));
  if (!tokens.ok()) return tokens.status().WithContext("source");
  pair->source_tokens = std::move(*tokens);
  for (const Token& t : pair->source_tokens) {
    if (t.begin > t.end || t.end > pair->source.size()) {
      return Status::Internal("normalizer produced a token span outside the source text");
    }
  }
  return Status::OK();
}

}  // namespace dhakira::store_internal
