// CanonicalLanguage: language values as found in TMX files, TSV headers and command lines, turned
// into one canonical BCP 47 spelling (docs/text.md#language-tags): ICU's uloc_canonicalize (case, '_' vs '-',
// CLDR aliases such as ara -> ar, iw -> he) followed by uloc_toLanguageTag in strict mode, which
// rejects what is not well-formed.
#include "text/language.h"

#include <unicode/uloc.h>

#include <cstring>
#include <string>

#include "dhakira/text.h"
#include "text/utf8.h"

namespace dhakira {
namespace text_internal {
namespace {

// ISO 639-2/B ("bibliographic") codes and ISO 639-3 individual languages that ICU 72's alias data
// leaves alone although a two-letter code exists. Terminology codes (deu, fra, ara, ...) ICU maps
// by itself.
struct LanguageAlias {
  const char* from;
  const char* to;
};
constexpr LanguageAlias kExtraAliases[] = {
    {"alb", "sq"}, {"arb", "ar"}, {"arm", "hy"}, {"baq", "eu"}, {"bur", "my"}, {"chi", "zh"},
    {"cze", "cs"}, {"dut", "nl"}, {"fre", "fr"}, {"geo", "ka"}, {"ger", "de"}, {"gre", "el"},
    {"ice", "is"}, {"mac", "mk"}, {"mao", "mi"}, {"may", "ms"}, {"per", "fa"}, {"rum", "ro"},
    {"slo", "sk"}, {"tib", "bo"}, {"wel", "cy"}, {"zsm", "ms"}, {"pes", "fa"}, {"cmn", "zh"},
};

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiAlnum(char c) { return IsAsciiAlpha(c) || (c >= '0' && c <= '9'); }
char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

const char* ProfileName(Profile profile) {
  switch (profile) {
    case Profile::kArabic:
      return "ar";
    case Profile::kEnglish:
      return "en";
    case Profile::kGeneric:
      return "generic";
  }
  return "generic";
}

std::string_view PrimaryLanguage(std::string_view tag) {
  const size_t dash = tag.find_first_of("-_");
  return dash == std::string_view::npos ? tag : tag.substr(0, dash);
}

Profile ProfileFor(std::string_view canonical_tag) {
  // Data, not code: languages written in Arabic script with the same letter folding could join "ar"
  // here.
  const std::string_view lang = PrimaryLanguage(canonical_tag);
  if (lang == "ar") return Profile::kArabic;
  if (lang == "en") return Profile::kEnglish;
  return Profile::kGeneric;
}

}  // namespace text_internal

StatusOr<std::string> CanonicalLanguage(std::string_view value) {
  auto bad = [&](std::string_view why) {
    std::string msg = "language \"";
    msg.append(value.substr(0, 64));
    if (value.size() > 64) msg += "...";
    msg += "\": ";
    msg += why;
    return Status::InvalidArgument(msg);
  };
  std::string_view v = value;
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  if (v.empty()) return bad("empty");
  if (v == "*all*") return bad("\"*all*\" is not a language (TMX uses it for \"any source language\")");
  if (v.size() > 64) return bad("too long for a language tag");
  for (char c : v) {
    if (!text_internal::IsAsciiAlnum(c) && c != '-' && c != '_') {
      return bad("a language tag has only ASCII letters, digits, '-' and '_'");
    }
  }
  if (v.back() == '-' || v.back() == '_' || v.find("--") != std::string_view::npos ||
      v.find("__") != std::string_view::npos || v.find("-_") != std::string_view::npos ||
      v.find("_-") != std::string_view::npos) {
    return bad("empty subtag");
  }
  // The primary subtag must be letters: ICU would otherwise turn "12" into a default locale.
  const std::string_view primary = text_internal::PrimaryLanguage(v);
  if (primary.size() < 2 || primary.size() > 8) {
    return bad("the language subtag must have 2 to 8 letters");
  }
  for (char c : primary) {
    if (!text_internal::IsAsciiAlpha(c)) return bad("the language subtag must be letters only");
  }
  std::string input;
  input.reserve(v.size());
  std::string lower_primary;
  for (char c : primary) lower_primary.push_back(text_internal::AsciiLower(c));
  for (const auto& alias : text_internal::kExtraAliases) {
    if (lower_primary == alias.from) {
      lower_primary = alias.to;
      break;
    }
  }
  input = lower_primary;
  input.append(v.substr(primary.size()));

  char canonical[ULOC_FULLNAME_CAPACITY];
  UErrorCode status = U_ZERO_ERROR;
  int32_t n = uloc_canonicalize(input.c_str(), canonical, sizeof canonical, &status);
  if (U_FAILURE(status) || status == U_STRING_NOT_TERMINATED_WARNING || n <= 0) {
    return bad(std::string("ICU cannot canonicalize it (") + u_errorName(status) + ")");
  }
  char tag[ULOC_FULLNAME_CAPACITY];
  status = U_ZERO_ERROR;
  n = uloc_toLanguageTag(canonical, tag, sizeof tag, /*strict=*/true, &status);
  if (U_FAILURE(status) || status == U_STRING_NOT_TERMINATED_WARNING || n <= 0) {
    return bad(std::string("not a well-formed BCP 47 language tag (") + u_errorName(status) + ")");
  }
  std::string result(tag, static_cast<size_t>(n));
  const std::string_view result_primary = text_internal::PrimaryLanguage(result);
  if (result_primary == "und" || result_primary.size() < 2) return bad("no language given");
  return result;
}

}  // namespace dhakira
