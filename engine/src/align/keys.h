// Word keys shared by the lexicon and the aligner: stems, Arabic clitic variants, phonetic
// skeletons.
#ifndef DHAKIRA_ALIGN_KEYS_H_
#define DHAKIRA_ALIGN_KEYS_H_

#include <string>
#include <string_view>
#include <vector>

namespace dhakira::align {

// True when `lang` (canonical BCP 47) selects Arabic handling ("ar", "ar-SY", ...).
bool IsArabicLanguage(std::string_view lang);

// True when the UTF-8 key contains an Arabic letter.
bool HasArabicLetter(std::string_view key);

// The alignment stem of a match key (the Normalizer's key, already folded and case-folded), the
// same on the lexicon side and the text side:
// - Arabic keys are light-stemmed (ArabicLightStem);
// - other keys lose a possessive ending, are stemmed by the Snowball stemmer of `lang`'s base
//   language (Porter 2001; Debian libstemmer: english, german, french, ... also under their ISO
//   639-1 codes) and capped at kTruncate code points ("negotiations" -> "negoti", "presidential"
//   and "president" -> "presid"); `lang` empty means English, the product's target language (what
//   the one-argument form does);
// - languages Snowball lacks lose a plural ending and are truncated to their first kTruncate code
//   points (cf. the 4-6 letter prefixes of Simard et al. 1992).
// The Snowball stemmers are created once per thread and language, and kept (they are not
// thread-safe, and cost a few microseconds to create).
inline constexpr size_t kTruncate = 6;
std::string AlignStem(std::string_view key);
std::string AlignStem(std::string_view key, std::string_view lang);

// Stems under which an Arabic word may be looked up: the stem itself and the stems left after
// removing one proclitic letter (و ف ب ل ك س) or a two-letter و/ف + ب/ل/ك combination. Non-Arabic
// keys: {AlignStem(key)}. Results are distinct; the first one is AlignStem(key).
void LookupStems(std::string_view key, std::vector<std::string>* out);
// The same with the Snowball stemmer of `lang` for non-Arabic keys (see AlignStem).
void LookupStems(std::string_view key, std::string_view lang, std::vector<std::string>* out);

// Consonant skeletons used to compare names across scripts (e.g. ترامب and Trump -> "trmb",
// وارين and Warren -> "wrn"): both scripts map onto the same coarse consonant classes, vowels and
// vowel letters dropped (except word-initially), runs collapsed. A hand-written table, not ICU's
// Arabic-Latin transliterator, measured 4x slower (docs/text.md#facts-the-match-keys-rely-on), and its
// output still needs folding. Skeletons of fewer than 3 consonant classes are left out. For Arabic
// keys, *out also holds the skeletons of the key without a leading ال or one proclitic letter.
void NameSkeletons(std::string_view key, std::vector<std::string>* out);

// The cognate key of a word in a cased alphabetic script (Latin, Greek, Cyrillic): its first 4
// letters with accents removed, for words of at least 4 letters; "" otherwise (Simard, Foster &
// Isabelle 1992).
std::string CognateKey(std::string_view key);

}  // namespace dhakira::align

#endif  // DHAKIRA_ALIGN_KEYS_H_
