// Per-language data of the sentence splitter (private): abbreviations and sentence starters.
// Languages are data: adding a language means adding a table in split_data.cc, no code.
#ifndef DHAKIRA_SRC_TEXT_SPLIT_DATA_H_
#define DHAKIRA_SRC_TEXT_SPLIT_DATA_H_

#include <cstdint>
#include <span>
#include <string_view>

namespace dhakira::text_internal {

// What a period after an abbreviation means when ICU's sentence iterator breaks after it.
enum class AbbrevKind : uint8_t {
  kTitle,         // precedes a name or number: never ends a sentence (د. أ.د. Mr. Dr. Gen. ص.ب.)
  kEra,           // after a number it is a date/time marker that may end a sentence (1950 م. وتوفي);
                  // elsewhere a title (م. = engineer, ص. = page)
  kBeforeNumber,  // does not end a sentence when a number follows (No. 5, Jan. 12); otherwise it
                  // does
  kMidSentence,   // usually inside a sentence (U.S., etc., إلخ.): ends one only before a sentence
                  // starter
};

struct Abbreviation {
  std::string_view text;  // as written, with its periods: "أ.د.", "U.S."
  AbbrevKind kind;
};

struct SplitLanguageData {
  std::string_view language;  // primary language subtag
  std::span<const Abbreviation> abbreviations;
  // Words that begin sentences; after a kMidSentence abbreviation they confirm ICU's break.
  std::span<const std::string_view> sentence_starters;
  // A single letter and a period (uppercase in cased scripts) is an initial, never a sentence end:
  // George W. Bush, ن. وين هالي. Single-letter entries of `abbreviations` (م. ص.) take precedence.
  bool initials;
  // The script has case and sentences start with a capital: a break before a lowercase word is
  // dropped
  // ("Why?" he asked.).
  bool cased;
  // Words that continue a sentence after a quotation closed by ? or ! («...؟» تساءل أحمد): the
  // break ICU makes there is dropped. Written without harakat; harakat in the text are ignored when
  // comparing.
  std::span<const std::string_view> quote_continuations;
  // ".." "..." and "…" are pauses inside a sentence, as Arabic news uses them ("حماة.. وتحسن",
  // "صغار جدا ... إنهم"): ICU's break after them is dropped.
  bool ellipsis_is_pause;
};

// Data for a primary language subtag ("ar", "en"), or nullptr: then ICU's plain UAX #29 rules are
// used alone.
const SplitLanguageData* SplitDataFor(std::string_view primary_language);

}  // namespace dhakira::text_internal

#endif  // DHAKIRA_SRC_TEXT_SPLIT_DATA_H_
