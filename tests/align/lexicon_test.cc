// Lexicon loading: FreeDict parsing and cleaning, the built-in table, the installed Debian
// dictionary.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

#include "align/keys.h"
#include "dhakira/align.h"

namespace dhakira {
namespace {

const std::string kMini = std::string(DHAKIRA_TESTDATA_DIR) + "/align/mini-ara-eng.dict.dz";
const char* kDebianDict = "/usr/share/dictd/freedict-ara-eng.dict.dz";

// Is the alignment stem of an (ASCII) English word among the translations?
bool Has(const std::vector<std::string>& v, std::string word) {
  for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::find(v.begin(), v.end(), align::AlignStem(word)) != v.end();
}

TEST(LexiconTest, LoadsFreedictEntriesSingleWordsOnly) {
  auto lex = Lexicon::LoadFreedict(kMini, "ar", "en");
  ASSERT_TRUE(lex.ok()) << lex.status().ToString();
  EXPECT_EQ(lex->lang_a(), "ar");
  EXPECT_EQ(lex->lang_b(), "en");
  struct Case {
    const char* arabic;
    std::vector<const char*> present;
    std::vector<const char*> absent;
  };
  const std::vector<Case> cases = {
      {"كتاب", {"book", "volume"}, {"school"}},
      {"والكتاب", {"book"}, {}},  // proclitic و + article, light-stemmed
      {"المدرسة", {"school"}, {"book"}},
      {"مدرسة", {"school"}, {}},                      // headword had the article
      {"سيارة", {"car", "automobile", "drive"}, {}},  // "to drive" cleaned, comma alternatives split
      {"عربة", {"car"}, {}},                          // the second headword alternative
      {"بيت", {"house", "home"}, {"dwelling"}},       // "(a) home" cleaned; "dwelling place" is two words
  };
  for (const Case& c : cases) {
    std::vector<std::string> t = lex->Translations("ar", c.arabic);
    for (const char* w : c.present) EXPECT_TRUE(Has(t, w)) << c.arabic << " -> " << w;
    for (const char* w : c.absent) EXPECT_FALSE(Has(t, w)) << c.arabic << " -/-> " << w;
  }
  EXPECT_TRUE(lex->Translations("ar", "قنفذ").empty());  // multi-word headword skipped
  // The reverse direction is served from the same data.
  EXPECT_FALSE(lex->Translations("en", "books").empty());
}

TEST(LexiconTest, MissingAndBadFilesAreErrors) {
  auto missing = Lexicon::LoadFreedict("/nonexistent/x.dict.dz", "ar", "en");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound()) << missing.status().ToString();
  EXPECT_NE(missing.status().message().find("/nonexistent/x.dict.dz"), std::string::npos);

  auto bad = Lexicon::LoadFreedict(std::string(DHAKIRA_TESTDATA_DIR) + "/align/not-a-dict.dict", "ar", "en");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsCorruption()) << bad.status().ToString();

  auto same = Lexicon::Empty("ar", "AR");
  EXPECT_FALSE(same.ok());
  auto invalid = Lexicon::Empty("", "en");
  EXPECT_FALSE(invalid.ok());
}

TEST(LexiconTest, AddPairAndMerge) {
  auto a = Lexicon::Empty("ar", "en");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->AddPair("دمشق", "Damascus"));
  EXPECT_FALSE(a->AddPair("دمشق", "Damascus"));    // known already
  EXPECT_FALSE(a->AddPair("مدينة دمشق", "city"));  // multi-word
  EXPECT_EQ(a->size(), 1u);
  auto b = Lexicon::Empty("en", "ar");  // the other orientation merges too
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->AddPair("Aleppo", "حلب"));
  ASSERT_TRUE(a->Merge(*b).ok());
  EXPECT_EQ(a->size(), 2u);
  EXPECT_TRUE(Has(a->Translations("ar", "حلب"), "aleppo"));
  auto fr = Lexicon::Empty("de", "fr");
  ASSERT_TRUE(fr.ok());
  EXPECT_FALSE(a->Merge(*fr).ok());
}

TEST(LexiconTest, DefaultHasBuiltInMonthsAndTheDebianDictionary) {
  auto lex = Lexicon::LoadDefault("ar", "en");
  ASSERT_TRUE(lex.ok()) << lex.status().ToString();
  // Syrian and Egyptian month names come from the built-in table, whatever is installed.
  struct Month {
    const char* arabic;
    const char* english;
  };
  for (const Month& m : std::vector<Month>{{"شباط", "February"},
                                           {"آذار", "March"},
                                           {"أيار", "May"},
                                           {"حزيران", "June"},
                                           {"تموز", "July"},
                                           {"أيلول", "September"},
                                           {"كانون", "January"},
                                           {"تشرين", "November"},
                                           {"أغسطس", "August"},
                                           {"ديسمبر", "December"}}) {
    EXPECT_TRUE(Has(lex->Translations("ar", m.arabic), m.english)) << m.arabic;
  }
  if (!std::filesystem::exists(kDebianDict)) GTEST_SKIP() << "dict-freedict-ara-eng not installed";
  EXPECT_GT(lex->size(), 30000u);
  EXPECT_TRUE(Has(lex->Translations("ar", "الإدارة"), "administration"));
}

TEST(LexiconTest, UnknownPairGivesAnEmptyLexicon) {
  auto lex = Lexicon::LoadDefault("sw", "fi");
  ASSERT_TRUE(lex.ok()) << lex.status().ToString();
  EXPECT_EQ(lex->size(), 0u);
}

}  // namespace
}  // namespace dhakira
