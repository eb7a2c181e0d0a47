#include "text/number.h"

#include <unicode/dcfmtsym.h>
#include <unicode/locid.h>

#include <charconv>
#include <limits>

#include "text/utf8.h"

namespace dhakira::text_internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsClitic(UChar32 c) {
  switch (c) {
    case 0x0648:  // و
    case 0x0641:  // ف
    case 0x0628:  // ب
    case 0x0643:  // ك
    case 0x0644:  // ل
    case 0x0627:  // ا
    case 0x0640:  // tatweel (kept by profiles other than "ar")
      return true;
    default:
      return false;
  }
}

// Does `digits` (digits and `sep` only) group as 1-3 digits then groups of exactly 3?
bool IsGrouped(std::string_view digits, char sep) {
  size_t first = digits.find(sep);
  if (first == std::string_view::npos) return true;
  if (first == 0 || first > 3) return false;
  size_t pos = first;
  while (pos != std::string_view::npos) {
    size_t next = digits.find(sep, pos + 1);
    size_t len = (next == std::string_view::npos ? digits.size() : next) - pos - 1;
    if (len != 3) return false;
    pos = next;
  }
  return true;
}

size_t Count(std::string_view s, char c) {
  size_t n = 0;
  for (char x : s) n += (x == c);
  return n;
}

}  // namespace

NumberSeparators SeparatorsFor(const std::string& canonical_tag) {
  NumberSeparators seps;
  UErrorCode status = U_ZERO_ERROR;
  icu::Locale locale = icu::Locale::forLanguageTag(canonical_tag + "-u-nu-latn", status);
  if (U_FAILURE(status)) return seps;
  icu::DecimalFormatSymbols symbols(locale, status);
  if (U_FAILURE(status)) return seps;
  const icu::UnicodeString& decimal = symbols.getConstSymbol(icu::DecimalFormatSymbols::kDecimalSeparatorSymbol);
  if (decimal == icu::UnicodeString(u",")) {
    seps.decimal = ',';
    seps.group = '.';
  }
  return seps;
}

bool ParseNumber(std::string_view key, NumberSeparators seps, std::string* number_key, double* value) {
  // Prefix: up to four clitic letters (and tatweel) before the first digit.
  size_t i = 0;
  int prefix_letters = 0;
  while (i < key.size() && !IsDigit(key[i])) {
    if (static_cast<unsigned char>(key[i]) < 0x80) return false;
    size_t next = i;
    if (!IsClitic(NextCodePoint(key, &next)) || ++prefix_letters > 5) return false;
    i = next;
  }
  if (i == key.size()) return false;
  // Core: digits and separators, digits at both ends.
  size_t j = i;
  while (j < key.size() && (IsDigit(key[j]) || key[j] == '.' || key[j] == ',')) ++j;
  while (j > i && !IsDigit(key[j - 1])) --j;
  std::string_view core = key.substr(i, j - i);
  // Suffix: nothing, or an era letter after a year: م (ميلادي), ه / هـ (هجري).
  std::string_view suffix = key.substr(j);
  if (!suffix.empty() && suffix != "\u0645" && suffix != "\u0647" && suffix != "\u0647\u0640") {
    return false;
  }
  for (size_t k = 1; k < core.size(); ++k) {
    if (!IsDigit(core[k]) && !IsDigit(core[k - 1])) return false;  // "1..2", "1.,2"
  }

  const size_t n_dec = Count(core, seps.decimal);
  const size_t n_grp = Count(core, seps.group);
  char decimal = 0;  // the separator read as decimal point, 0 = none
  char group = 0;    // the separator read as grouping, 0 = none
  bool one_number = true;
  if (n_dec == 0 && n_grp == 0) {
    // plain digits
  } else if (n_dec == 0 || n_grp == 0) {
    const char sep = n_dec ? seps.decimal : seps.group;
    const size_t count = n_dec + n_grp;
    if (sep == seps.group && IsGrouped(core, sep)) {
      group = sep;  // 1,000 / 1,000,000
    } else if (count == 1) {
      decimal = sep;  // 3.5, and "3,5" in English text
    } else if (IsGrouped(core, sep)) {
      group = sep;  // 1.000.000 in a '.'-decimal language
    } else {
      one_number = false;  // 12.05.2020, 1.2.3
    }
  } else {
    const size_t last = core.find_last_of(".,");
    const char last_sep = core[last];
    const char other = last_sep == '.' ? ',' : '.';
    if (Count(core, last_sep) == 1 && IsGrouped(core.substr(0, last), other)) {
      decimal = last_sep;
      group = other;
    } else {
      one_number = false;
    }
  }

  number_key->clear();
  if (!one_number) {
    number_key->assign(core);
    *value = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  for (char c : core) {
    if (IsDigit(c)) {
      number_key->push_back(c);
    } else if (c == decimal) {
      number_key->push_back('.');
    } else if (c != group) {
      number_key->push_back(c);
    }
  }
  double v = 0;
  auto [ptr, ec] = std::from_chars(number_key->data(), number_key->data() + number_key->size(), v);
  *value = (ec == std::errc()) ? v : std::numeric_limits<double>::quiet_NaN();
  return true;
}

}  // namespace dhakira::text_internal
