// Number keys (private): "1,000.5" -> "1000.5", value 1000.5.
#ifndef DHAKIRA_SRC_TEXT_NUMBER_H_
#define DHAKIRA_SRC_TEXT_NUMBER_H_

#include <string>
#include <string_view>

namespace dhakira::text_internal {

struct NumberSeparators {
  char decimal = '.';  // the language's decimal separator after folding ('.' or ',')
  char group = ',';    // the other one
};

// Separators of a canonical language tag, from ICU's CLDR data with Latin digits (de -> ',' '.').
NumberSeparators SeparatorsFor(const std::string& canonical_tag);

// If `key` (a folded word-break segment) is a number, sets *number_key (ASCII digits, '.' decimal
// point, no group separators) and *value, and returns true. A number is
//   [clitic prefix] digits-and-separators [era suffix]
// where the optional prefix is up to five code points from و ف ب ك ل ا and tatweel (الـ20,
// وبـ5, ل2020) and the optional suffix is م or ه(ـ) after a year (1950م, 1445هـ). The key keeps
// only the number. Separators: '.' and ',' are read with the language's convention, and unambiguous
// evidence wins: in "1.000,5" the last separator is the decimal point whatever the language; one
// group separator followed by other than three digits is a decimal point ("3,5"). Digit strings
// that are not one number (dates "12.05.2020", versions "1.2.3") keep their separators in the key
// and get value NaN.
bool ParseNumber(std::string_view key, NumberSeparators seps, std::string* number_key, double* value);

}  // namespace dhakira::text_internal

#endif  // DHAKIRA_SRC_TEXT_NUMBER_H_
