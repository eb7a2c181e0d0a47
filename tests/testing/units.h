// Small builders for the units and options tests write by hand.
#ifndef DHAKIRA_TESTS_TESTING_UNITS_H_
#define DHAKIRA_TESTS_TESTING_UNITS_H_

#include <string>

#include "dhakira/match.h"
#include "dhakira/segment.h"

namespace dhakira::test_support {

// A unit with only its languages and texts set.
inline SegmentPair Unit(const std::string& src_lang, const std::string& tgt_lang, const std::string& source,
                        const std::string& target) {
  SegmentPair unit;
  unit.src_lang = src_lang;
  unit.tgt_lang = tgt_lang;
  unit.source = source;
  unit.target = target;
  return unit;
}

// Lookup options for Arabic -> English, every other field at its default.
inline MatchOptions ArabicToEnglish() {
  MatchOptions options;
  options.src_lang = "ar";
  options.tgt_lang = "en";
  return options;
}

}  // namespace dhakira::test_support

#endif  // DHAKIRA_TESTS_TESTING_UNITS_H_
