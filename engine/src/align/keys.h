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

// The alignment stem of a match key (the Normalizer's key, already folded and case-folded):
// Arabic keys are light-stemmed (ArabicLightStem); other keys lose a plural/possessive ending and
// are truncated to their first kTruncate code points ("truncation stemming": cheap,
// language-independent and good enough for lexical alignment cues, cf. the 4-6 letter prefixes of
// Simard et al. 1992 and of IBM-model alignment work).
inline constexpr size_t kTruncate = 6;
std::string AlignStem(std::string_view key);

// Stems under which an Arabic word may be looked up: the stem itself and the stems left after
// removing one proclitic letter (و ف ب ل ك س) or a two-letter و/ف + ب/ل/ك combination. Non-Arabic
// keys: {AlignStem(key)}. Results are distinct; the first one is AlignStem(key).
void LookupStems(std::string_view key, std::vector<std::string>* out);

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
