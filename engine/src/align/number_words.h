// Number words of a language ("three", ثلاثة, الثامن) and their values, so that a number written
// as a word meets the same number written in digits on the other side (docs/align.md, cue table).
#ifndef DHAKIRA_ALIGN_NUMBER_WORDS_H_
#define DHAKIRA_ALIGN_NUMBER_WORDS_H_

#include <string>
#include <string_view>
#include <unordered_map>

namespace dhakira::align {

class NumberWords {
 public:
  // The table of `lang` (BCP 47; its base language selects the table). Languages without one get
  // an empty table.
  explicit NumberWords(std::string_view lang);

  // The value of the word with match key `key` (Arabic: also under a conjunction و ف and the
  // article or a preposition with it: وثلاثة والثالث), 0 when it is not a number word.
  int ValueOf(std::string_view key) const;

  // The multiplier of a scale word (thousand 1e3, million 1e6, billion 1e9 ...; Arabic الف مليون
  // مليار ... with their plurals), 0 for other words: "1.5 million" and "1.5 مليون" also stand
  // for 1500000.
  double ScaleOf(std::string_view key) const;

 private:
  int Find(std::string_view key) const;

  bool arabic_;
  std::unordered_map<std::string, int> by_key_;     // match key -> value
  std::unordered_map<std::string, double> scales_;  // match key -> multiplier
};

}  // namespace dhakira::align

#endif  // DHAKIRA_ALIGN_NUMBER_WORDS_H_
