// Number words per language, compiled in (the product needs no data path): cardinals and ordinals
// up to twelve and the tens, so that "three" meets "3" and الثامن meets "8th" or "8". Words are
// written as match keys (folded: ة -> ه, أ إ آ -> ا, ى -> ي) and looked up as whole keys, not
// stems: light stemming would take عشرين (20) to عشر (10) and ثلاثين (30) to ثلاث (3).
#include "align/number_words.h"

#include <string>
#include <unordered_map>

#include "align/keys.h"

namespace dhakira::align {
namespace {

struct NumberWord {
  const char* lang;  // base language
  const char* word;  // match key
  int value;
};

// One and its ordinal are left out: "one" is also a pronoun (one of them), and أحد / الأول mean
// "someone" / "the first" (the earliest) as often as a count.
constexpr NumberWord kNumberWords[] = {
    // English cardinals and ordinals.
    {"en", "two", 2},
    {"en", "three", 3},
    {"en", "four", 4},
    {"en", "five", 5},
    {"en", "six", 6},
    {"en", "seven", 7},
    {"en", "eight", 8},
    {"en", "nine", 9},
    {"en", "ten", 10},
    {"en", "eleven", 11},
    {"en", "twelve", 12},
    {"en", "twenty", 20},
    {"en", "thirty", 30},
    {"en", "forty", 40},
    {"en", "fifty", 50},
    {"en", "hundred", 100},
    {"en", "second", 2},
    {"en", "third", 3},
    {"en", "fourth", 4},
    {"en", "fifth", 5},
    {"en", "sixth", 6},
    {"en", "seventh", 7},
    {"en", "eighth", 8},
    {"en", "ninth", 9},
    {"en", "tenth", 10},
    // Arabic cardinals (masculine and feminine forms, the dual's two cases) and ordinals.
    {"ar", "اثنان", 2},
    {"ar", "اثنين", 2},
    {"ar", "اثنتان", 2},
    {"ar", "اثنتين", 2},
    {"ar", "ثلاث", 3},
    {"ar", "ثلاثه", 3},
    {"ar", "اربع", 4},
    {"ar", "اربعه", 4},
    {"ar", "خمس", 5},
    {"ar", "خمسه", 5},
    {"ar", "ست", 6},
    {"ar", "سته", 6},
    {"ar", "سبع", 7},
    {"ar", "سبعه", 7},
    {"ar", "ثماني", 8},
    {"ar", "ثمانيه", 8},
    {"ar", "تسع", 9},
    {"ar", "تسعه", 9},
    {"ar", "عشر", 10},
    {"ar", "عشره", 10},
    {"ar", "عشرين", 20},
    {"ar", "عشرون", 20},
    {"ar", "ثلاثين", 30},
    {"ar", "ثلاثون", 30},
    {"ar", "اربعين", 40},
    {"ar", "اربعون", 40},
    {"ar", "خمسين", 50},
    {"ar", "خمسون", 50},
    {"ar", "مئه", 100},
    {"ar", "مائه", 100},
    {"ar", "الثاني", 2},
    {"ar", "الثالث", 3},
    {"ar", "الرابع", 4},
    {"ar", "الخامس", 5},
    {"ar", "السادس", 6},
    {"ar", "السابع", 7},
    {"ar", "الثامن", 8},
    {"ar", "التاسع", 9},
    {"ar", "العاشر", 10},
};

struct ScaleWord {
  const char* lang;  // base language
  const char* word;  // match key
  double scale;
};

constexpr ScaleWord kScaleWords[] = {
    {"en", "thousand", 1e3}, {"en", "thousands", 1e3}, {"en", "million", 1e6},   {"en", "millions", 1e6},
    {"en", "billion", 1e9},  {"en", "billions", 1e9},  {"en", "trillion", 1e12}, {"ar", "الف", 1e3},
    {"ar", "الاف", 1e3},     {"ar", "مليون", 1e6},     {"ar", "ملايين", 1e6},    {"ar", "مليار", 1e9},
    {"ar", "مليارات", 1e9},  {"ar", "بليون", 1e9},     {"ar", "تريليون", 1e12},
};

std::string BaseLanguage(std::string_view lang) { return std::string(lang.substr(0, lang.find('-'))); }

}  // namespace

NumberWords::NumberWords(std::string_view lang) : arabic_(IsArabicLanguage(BaseLanguage(lang))) {
  const std::string base = BaseLanguage(lang);
  for (const NumberWord& entry : kNumberWords)
    if (base == entry.lang) by_key_.emplace(entry.word, entry.value);
  for (const ScaleWord& entry : kScaleWords)
    if (base == entry.lang) scales_.emplace(entry.word, entry.scale);
}

double NumberWords::ScaleOf(std::string_view key) const {
  auto found = scales_.find(std::string(key));
  return found == scales_.end() ? 0 : found->second;
}

int NumberWords::ValueOf(std::string_view key) const {
  if (by_key_.empty()) return 0;
  if (int value = Find(key)) return value;
  if (!arabic_) return 0;
  // Arabic clitics: a conjunction (و ف), then the article or a preposition with it (ال بال لل).
  static constexpr std::string_view kConjunctions[] = {"و", "ف"};
  static constexpr std::string_view kArticles[] = {"ال", "بال", "لل", "وال"};
  std::string_view rest = key;
  for (std::string_view conjunction : kConjunctions)
    if (rest.size() >= conjunction.size() + 4 && rest.substr(0, conjunction.size()) == conjunction) {
      rest.remove_prefix(conjunction.size());
      if (int value = Find(rest)) return value;
      break;
    }
  for (std::string_view article : kArticles)
    if (rest.size() >= article.size() + 4 && rest.substr(0, article.size()) == article) {
      rest.remove_prefix(article.size());
      if (int value = Find(rest)) return value;
      // Ordinals are listed with their article: والثالث -> الثالث.
      if (int value = Find(std::string("ال").append(rest))) return value;
      break;
    }
  return 0;
}

int NumberWords::Find(std::string_view key) const {
  auto found = by_key_.find(std::string(key));
  return found == by_key_.end() ? 0 : found->second;
}

}  // namespace dhakira::align
