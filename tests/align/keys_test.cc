// Alignment keys: stems, clitic variants, cross-script name skeletons, cognates.
#include "align/keys.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "dhakira/text.h"

namespace dhakira::align {
namespace {

bool Shares(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (const auto& x : a)
    for (const auto& y : b)
      if (x == y) return true;
  return false;
}

TEST(KeysTest, NamesMatchAcrossScripts) {
  struct Case {
    const char* arabic;   // match keys (already folded)
    const char* english;  // case-folded
    bool match;
  };
  const std::vector<Case> cases = {
      {"ترامب", "trump", true},    {"وارين", "warren", true},         {"بوسطن", "boston", true},
      {"هوليوك", "holyoke", true}, {"وبغداد", "baghdad", true},       {"لموسكو", "moscow", true},
      {"ماكرون", "macron", true},  {"كازاخستان", "kazakhstan", true}, {"ترامب", "warren", false},
      {"بوسطن", "paris", false},   {"الرييس", "president", false},
  };
  for (const Case& c : cases) {
    std::vector<std::string> a, e;
    NameSkeletons(c.arabic, &a);
    NameSkeletons(c.english, &e);
    EXPECT_EQ(Shares(a, e), c.match) << c.arabic << " / " << c.english;
  }
  std::vector<std::string> shortname;
  NameSkeletons("al", &shortname);
  EXPECT_TRUE(shortname.empty());  // under three consonant classes: no evidence
}

// The Latin side of the skeleton table, one word per branch (digraphs ph th dh gh kh ch ck sh, soft
// and hard c, x as "ks", final h, w and y only word-initially, runs collapsed), pinned.
TEST(KeysTest, LatinSkeletonsArePinned) {
  // One word a line:
  // clang-format off
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"philip", "flb"},
      {"pablito", "blt"},
      {"thomas", "tms"},
      {"dhahran", "dhrn"},
      {"ghandour", "gndr"},
      {"khalid", "kld"},
      {"kuwaitis", "kts"},
      {"qatar", "ktr"},
      {"charles", "Srls"},
      {"jackson", "gksn"},
      {"cecilton", "sltn"},
      {"cyrus", "srs"},
      {"cubans", "kbns"},
      {"shahrani", "Shrn"},
      {"jeremiah", "grm"},
      {"xavier", "ksfr"},
      {"alexander", "lksndr"},
      {"maxx", "mksks"},
      {"wyoming", "wmng"},
      {"yemen", "ymn"},
      {"bowden", "bdn"},
      {"haydens", "hdns"},
      {"zurich", "srS"},
      {"victoria", "fktr"},
      {"jordan", "grdn"},
      {"fennell", "fnl"},
      {"mohammed", "mhmd"},
      {"brahim", "brhm"},
      {"pochettino", "bStn"},
      {"o'donnell", "dnl"},
      {"ahmad", "hmd"},
      {"bob", ""},  // under three classes: none
  };
  // clang-format on
  for (const auto& [word, expected] : cases) {
    std::vector<std::string> skeletons;
    NameSkeletons(word, &skeletons);
    EXPECT_EQ(skeletons, (expected[0] ? std::vector<std::string>{expected} : std::vector<std::string>{})) << word;
  }
}

// English stems are Snowball's (Porter 2001) capped at 6 letters, on the lexicon side and the text
// side alike.
TEST(KeysTest, EnglishStemsAreSnowball) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"elections", "elect"},    {"elected", "elect"},       {"negotiations", "negoti"}, {"negotiating", "negoti"},
      {"territorial", "territ"}, {"territories", "territ"},  {"countries", "countr"},    {"country's", "countr"},
      {"country’s", "countr"},   {"governments", "govern"},  {"fighting", "fight"},      {"killed", "kill"},
      {"news", "news"},          {"presidential", "presid"}, {"president", "presid"},    {"ran", "ran"},
  };
  for (const auto& [word, stem] : cases) {
    EXPECT_EQ(AlignStem(word), stem) << word;
    EXPECT_EQ(AlignStem(word, "en"), stem) << word;
    EXPECT_EQ(AlignStem(word, "en-US"), stem) << word;
  }
  std::vector<std::string> v;
  LookupStems("territorial", &v);
  EXPECT_EQ(v, std::vector<std::string>{"territ"});
}

// Languages are data: any language Snowball has gets its stemmer, the others truncation.
TEST(KeysTest, OtherLanguagesUseTheirSnowballStemmerOrTruncation) {
  EXPECT_EQ(AlignStem("regierungen", "de"), "regier");
  EXPECT_EQ(AlignStem("regierung", "de-CH"), "regier");
  EXPECT_EQ(AlignStem("gouvernements", "fr"), "gouver");
  EXPECT_EQ(AlignStem("élections", "fr"), "élect");
  EXPECT_EQ(AlignStem("négociations", "fr"), "négoci");                 // 6 code points, not bytes
  EXPECT_EQ(AlignStem("elections", "zz"), "electi");                    // no Snowball stemmer: plural off, 6 letters
  EXPECT_EQ(AlignStem("والحكومه", "en"), ArabicLightStem("والحكومه"));  // Arabic keys: light stem
}

// Arabic words are looked up under their clitic variants: the light stem (article groups, و, the
// suffixes), then without a proclitic (و ف ب ل ك س) or a conjunction plus a preposition.
TEST(KeysTest, ArabicCliticVariants) {
  struct Case {
    const char* key;   // match key (folded)
    const char* base;  // a word whose stem must be among the variants
  };
  const std::vector<Case> cases = {
      {"بالمدرسه", "مدرسه"},  // the article with ب: the light stem handles it
      {"لرياسه", "رياسه"},    // ل without the article
      {"وبرياسه", "رياسه"},   // و + ب
      {"فلبلدان", "بلدان"},   // ف + ل
      {"سيعلن", "يعلن"},      // the future prefix
      {"كمدينه", "مدينه"},    // ك
      {"فالحكومه", "حكومه"},  // فال: the light stem
      {"وللحكومه", "حكومه"},  // و + لل
      {"وبلادها", "بلاد"},    // و, then the light stem's suffix ها
  };
  for (const Case& c : cases) {
    std::vector<std::string> v;
    LookupStems(c.key, &v);
    ASSERT_FALSE(v.empty()) << c.key;
    EXPECT_EQ(v[0], AlignStem(c.key)) << c.key;  // the word's own stem comes first
    EXPECT_NE(std::find(v.begin(), v.end(), AlignStem(c.base)), v.end()) << c.key << " -> " << c.base;
  }
  std::vector<std::string> v;
  LookupStems("مدينه", &v);  // no clitic: the stem only
  EXPECT_EQ(v, std::vector<std::string>{AlignStem("مدينه")});
}

TEST(KeysTest, CognatesForAlphabeticScriptsOnly) {
  EXPECT_EQ(CognateKey("économie"), CognateKey("economy"));
  EXPECT_EQ(CognateKey("regierung"), "regi");
  EXPECT_EQ(CognateKey("sie"), "");     // too short
  EXPECT_EQ(CognateKey("الكتاب"), "");  // not a cased alphabet
}

}  // namespace
}  // namespace dhakira::align
