// Number words and scale words: "three" and ثلاثة meet "3", "1.5 million" meets "1,500,000".
#include "align/number_words.h"

#include <gtest/gtest.h>

namespace dhakira::align {
namespace {

TEST(NumberWordsTest, EnglishWords) {
  const NumberWords english("en-GB");
  EXPECT_EQ(english.ValueOf("three"), 3);
  EXPECT_EQ(english.ValueOf("twenty"), 20);
  EXPECT_EQ(english.ValueOf("eighth"), 8);
  EXPECT_EQ(english.ValueOf("one"), 0);  // also a pronoun: left out
  EXPECT_EQ(english.ValueOf("threat"), 0);
  EXPECT_EQ(english.ScaleOf("million"), 1e6);
  EXPECT_EQ(english.ScaleOf("billions"), 1e9);
  EXPECT_EQ(english.ScaleOf("millionaire"), 0);
}

TEST(NumberWordsTest, ArabicWordsWithClitics) {
  const NumberWords arabic("ar");
  struct Case {
    const char* key;  // match key (folded: ة -> ه, أ -> ا)
    int value;
  };
  const Case cases[] = {
      {"ثلاثه", 3}, {"وثلاثه", 3},  {"الثلاثه", 3}, {"اربع", 4},    {"ثمانيه", 8}, {"عشرين", 20},
      {"عشره", 10}, {"الثامن", 8},  {"والثامن", 8}, {"بالخامس", 5}, {"اثنين", 2},  {"خمسون", 50},
      {"ثلاث", 3},  {"ثلاثين", 30}, {"مدرسه", 0},   {"الثاني", 2},  {"ثوره", 0},   {"والخميس", 0},
  };
  for (const Case& c : cases) EXPECT_EQ(arabic.ValueOf(c.key), c.value) << c.key;
  EXPECT_EQ(arabic.ScaleOf("مليون"), 1e6);
  EXPECT_EQ(arabic.ScaleOf("مليار"), 1e9);
  EXPECT_EQ(arabic.ScaleOf("الاف"), 1e3);
}

TEST(NumberWordsTest, LanguagesWithoutATableHaveNoNumberWords) {
  const NumberWords german("de");
  EXPECT_EQ(german.ValueOf("drei"), 0);
  EXPECT_EQ(german.ValueOf("three"), 0);
  EXPECT_EQ(german.ScaleOf("million"), 0);
}

}  // namespace
}  // namespace dhakira::align
