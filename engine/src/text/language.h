// Language tags and the normalization profile they select (private).
#ifndef DHAKIRA_SRC_TEXT_LANGUAGE_H_
#define DHAKIRA_SRC_TEXT_LANGUAGE_H_

#include <string_view>

namespace dhakira::text_internal {

// Match-key profiles (docs/text.md#facts-the-match-keys-rely-on). Which language gets which profile is data
// (ProfileFor), not code.
enum class Profile : unsigned char { kArabic, kEnglish, kGeneric };

const char* ProfileName(Profile profile);  // "ar", "en", "generic"

// The primary language subtag of a canonical BCP 47 tag: "ar-SY" -> "ar".
std::string_view PrimaryLanguage(std::string_view canonical_tag);

// Profile for a canonical BCP 47 tag (the output of CanonicalLanguage).
Profile ProfileFor(std::string_view canonical_tag);

}  // namespace dhakira::text_internal

#endif  // DHAKIRA_SRC_TEXT_LANGUAGE_H_
