// Editorial lines: each kind in several wordings, the places they may occur, body sentences that must
// stay unnamed, the real Syrian Observer page of ../shared/seed and the committed article, the data
// files and a desk's extra file.
#include "align/editorial.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "align/editorial_patterns.h"
#include "dhakira/align.h"
#include "testing/shared_data.h"

namespace dhakira::align {
namespace {

using K = EditorialKind;

constexpr K kNone = K::kNone, kTitle = K::kTitle, kStandfirst = K::kStandfirst, kDisclaimer = K::kDisclaimer,
            kKeywords = K::kKeywords, kCredit = K::kCredit, kRelated = K::kRelated, kPhoto = K::kPhoto;

// Three body sentences with the words of the traps in them. The first is the lead, right under
// the head, and ends like a standfirst with a source that is not a medium: it stays body.
const std::vector<std::string> kBody = {
    "Wheat delivered to collection centres in Hama has exceeded 236,000 tonnes, according to the Syrian Grain "
    "Establishment.",
    "Inspectors reported 37 violations at private bakeries in June, and put tags on every sack they seized.",
    "A bundle of subsidised bread still costs SYP 400, the head of consumer protection said.",
};

std::vector<std::string> Doc(const std::vector<std::string>& head, const std::vector<std::string>& tail) {
  std::vector<std::string> doc = head;
  doc.insert(doc.end(), kBody.begin(), kBody.end());
  doc.insert(doc.end(), tail.begin(), tail.end());
  return doc;
}

// "[i] kind  text" for every line, so a failure shows the whole document.
std::string Show(const std::vector<std::string>& lines, const std::vector<K>& kinds) {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i)
    out += "[" + std::to_string(i) + "] " + EditorialKindName(kinds[i]) + "\t" + lines[i] + "\n";
  return out;
}

// Checks the kinds of a document made of `head`, the body and `tail`: the body is always kNone.
void ExpectKinds(const std::vector<std::pair<std::string, K>>& head, const std::vector<std::pair<std::string, K>>& tail,
                 const EditorialPatterns* extra = nullptr) {
  std::vector<std::string> head_lines, tail_lines;
  std::vector<K> want;
  for (const auto& [line, kind] : head) head_lines.push_back(line), want.push_back(kind);
  want.insert(want.end(), kBody.size(), kNone);
  for (const auto& [line, kind] : tail) tail_lines.push_back(line), want.push_back(kind);
  const std::vector<std::string> doc = Doc(head_lines, tail_lines);
  const std::vector<K> got = DetectEditorial(doc, "en", extra);
  EXPECT_EQ(got, want) << "got:\n" << Show(doc, got) << "want:\n" << Show(doc, want);
}

// A headline that translates the original (a free rewrite: not a title).
const std::pair<std::string, K> kHeadline = {"Bread Gets Better as the Harvest Grows", kNone};

TEST(EditorialTest, BuiltinFilesParse) {
  EXPECT_TRUE(BuiltinEditorialStatus().ok()) << BuiltinEditorialStatus().ToString();
  ASSERT_NE(BuiltinEditorialPatterns("en"), nullptr);
  ASSERT_NE(BuiltinEditorialPatterns("en-GB"), nullptr);
  ASSERT_NE(BuiltinEditorialPatterns("ar"), nullptr);
  EXPECT_EQ(BuiltinEditorialPatterns("xx"), nullptr);
  EXPECT_GT(BuiltinEditorialPatterns("en")->size(), 20u);
}

TEST(EditorialTest, TitleRepeatingTheLeadOrTheOriginalHeadline) {
  // Repeats the lead.
  ExpectKinds({{"Wheat Deliveries Exceed 236,000 Tonnes in Hama", kTitle},
               {"Wheat deliveries in Hama exceed 236,000 tonnes this season, officials said.", kNone}},
              {});
  // Repeats the original headline under the standfirst (the Syrian Observer layout): the first is the
  // title, the repeat translates the Arabic headline and stays linkable.
  ExpectKinds({{"CSTO: We Support Efforts to Resolve Crisis", kTitle},
               {"The CSTO reaffirmed its support for the Astana process, writes Al-Watan.", kStandfirst},
               {"CSTO: We support efforts to resolve crisis", kNone}},
              {});
  // A free rewrite of the headline is not a title.
  ExpectKinds({kHeadline}, {});
  // A headline may end in ? or !: it neither ends the head nor stops being a title.
  ExpectKinds({{"Another Black Person?!", kTitle}, {"Another Black Person?!, writes Al-Watan.", kStandfirst}}, {});
  ExpectKinds(
      {{"Will Bread Get Cheaper?", kNone}, {"Wheat deliveries are up by a fifth, writes Tishreen.", kStandfirst}}, {});
}

TEST(EditorialTest, StandfirstNamesItsSourceInAnyForm) {
  const std::vector<std::string> wordings = {
      "Deliveries are up by a fifth on last season, writes Al-Watan.",
      "Deliveries are up by a fifth on last season writes Al-Watan.",  // the seed: no comma
      "Deliveries are up by a fifth on last season, Al-Watan reported.",
      "Deliveries are up by a fifth on last season, writes the pro-government Al-Watan newspaper.",
      "Deliveries are up by a fifth on last season, according to the state-run SANA news agency.",
      "Deliveries are up by a fifth on last season, reported by the opposition Enab Baladi website.",
      "Deliveries are up by a fifth on last season, the loyalist Al-Watan daily reported on Monday.",
      "Deliveries are up by a fifth on last season, according to al-Watan.",
      "Deliveries are up by a fifth on last season, as reported by North Press Agency.",
      "Deliveries are up by a fifth on last season, a report by Tishreen newspaper said.",
  };
  for (const std::string& w : wordings) ExpectKinds({kHeadline, {w, kStandfirst}}, {});
}

TEST(EditorialTest, StandfirstNeedsTheHeadAndAHeadlineAbove) {
  // The lead of a document without a headline ends like a standfirst: it is body.
  ExpectKinds({{"Prices doubled in a year, the state-run SANA news agency reported.", kNone}}, {});
  // The same line after the first body sentence is body too.
  std::vector<std::string> doc = {kHeadline.first, "Prices rose again on Sunday in Hama.",
                                  "Bread prices doubled in a year, Al-Watan reported.", kBody[0], kBody[1]};
  EXPECT_EQ(DetectEditorial(doc, "en"), std::vector<K>(doc.size(), kNone));
  // ... and at the end of the document.
  doc.push_back("Bread prices doubled in a year, writes Al-Watan.");
  EXPECT_EQ(DetectEditorial(doc, "en"), std::vector<K>(doc.size(), kNone));
}

TEST(EditorialTest, DisclaimerOfOneOrMoreSentences) {
  ExpectKinds({kHeadline}, {{"Translated and edited from the Arabic original.", kDisclaimer},
                            {"The views expressed are those of the original outlet.", kDisclaimer}});
  ExpectKinds({kHeadline},
              {{"This article was translated and edited by The Syrian Observer.", kDisclaimer},
               {"The Syrian Observer has not verified the content of this story.", kDisclaimer},
               {"Responsibility for the information and views set out in this article lies entirely with the "
                "author.",
                kDisclaimer}});
  // A sentence inside the block that no pattern knows continues it; one after a disclaimer block
  // that a keywords line follows is still found (the old last-three-lines window missed it).
  ExpectKinds({kHeadline}, {{"This article was translated and edited by The Levant Desk.", kDisclaimer},
                            {"The desk checked the names but not the figures.", kDisclaimer},
                            {"The Levant Desk has not verified the content of this story.", kDisclaimer},
                            {"Its content does not necessarily reflect the views of the desk.", kDisclaimer},
                            {"Keywords: Hama, wheat", kKeywords},
                            {"Translated by Lina Haddad", kCredit},
                            {"Read more: Aleppo exam transport", kRelated}});
  ExpectKinds({kHeadline}, {{"© 2024 The Syrian Observer", kDisclaimer}});
  ExpectKinds({kHeadline}, {{"Copyright 2024 The Levant Desk", kDisclaimer}});
  ExpectKinds({kHeadline}, {{"All rights reserved.", kDisclaimer}});
}

TEST(EditorialTest, KeywordAndTagLines) {
  for (const char* w : {"Helpful keywords", "Helpful keywords: Hama, wheat, bread", "Keywords: Hama, wheat",
                        "Key words: Syria", "Tags:", "Tags: Syria, Hama", "Topics", "Filed under: Syria"})
    ExpectKinds({kHeadline}, {{w, kKeywords}});
}

TEST(EditorialTest, CreditLines) {
  for (const char* w :
       {"Translated by Lina Haddad", "Edited by: Sami al-Ali", "By Sami al-Ali", "By Lina Haddad and Omar Khalil",
        "Source: Al-Watan", "Reporting by Omar Khalil", "Translation and editing: The Levant Desk"}) {
    ExpectKinds({kHeadline}, {{w, kCredit}});
    ExpectKinds({kHeadline, {w, kCredit}}, {});
  }
}

TEST(EditorialTest, ReadMoreAndRelatedLines) {
  for (const char* w : {"Read more: Aleppo students wait for buses", "Read also", "Related", "Related articles",
                        "See also: Tartus solar pumping", "Also read: Wheat prices", "More from The Syrian Observer"})
    ExpectKinds({kHeadline}, {{w, kRelated}});
}

TEST(EditorialTest, PhotoCaptionsCreditsAndAltText) {
  for (const char* w : {"Photo: SANA", "(Photo: SANA)", "Image: Reuters", "Photo by Omar Khalil", "Logo Wide",
                        "Featured image", "Farmers harvest wheat in the al-Ghab plain (Photo: SANA)", "IMG_2041.jpg"}) {
    ExpectKinds({{w, kPhoto}, kHeadline}, {});
    ExpectKinds({kHeadline}, {{w, kPhoto}});
  }
}

TEST(EditorialTest, BodySentencesStayUnnamed) {
  // Editorial-looking lines in the middle of the body are body, whatever they contain.
  std::vector<std::string> doc = {kHeadline.first,
                                  kBody[0],
                                  "Tags: the ministry did not say how many were issued.",
                                  "Photo: a farmer said the harvest was the best in years.",
                                  "Read more about the plan, the governor told reporters.",
                                  "Prices doubled in a year, writes Al-Watan.",
                                  "This article was translated and edited by the ministry's press office.",
                                  kBody[1],
                                  kBody[2]};
  EXPECT_EQ(DetectEditorial(doc, "en"), std::vector<K>(doc.size(), kNone)) << Show(doc, DetectEditorial(doc, "en"));
  // Last body sentences that merely mention verification, copyright or more are body.
  for (const char* last : {"The Syrian Observatory has not verified the report.",
                           "Copyright law was changed in 2020 to protect authors.", "More on that came later."}) {
    doc.push_back(last);
    EXPECT_EQ(DetectEditorial(doc, "en").back(), kNone) << last;
    doc.pop_back();
  }
}

TEST(EditorialTest, LanguagesAreData) {
  // Arabic originals carry source, photo, tag and "read also" lines (data/editorial/ar.tsv).
  const std::vector<std::string> doc = {"تصوير: سانا",
                                        "236 ألف طن من القمح في مراكز حماة",
                                        "تجاوزت كميات القمح المسلَّمة 236 ألف طن.",
                                        "وأشار الخطيب إلى أن نسبة الأقماح بلغت 61.5%.",
                                        "المصدر: الوطن",
                                        "اقرأ أيضاً: أسعار الخبز",
                                        "الكلمات المفتاحية: حماة، القمح"};
  const std::vector<K> want = {kPhoto, kNone, kNone, kNone, kCredit, kRelated, kKeywords};
  EXPECT_EQ(DetectEditorial(doc, "ar"), want) << Show(doc, DetectEditorial(doc, "ar"));
  // A language without a file gets the structural title cue only.
  std::vector<std::string> fr = {"Le blé de Hama dépasse 236 000 tonnes", "Le blé de Hama dépasse 236 000 tonnes.",
                                 "Photo: SANA"};
  EXPECT_EQ(DetectEditorial(fr, "fr"), (std::vector<K>{kTitle, kNone, kNone}));
}

// The English of a real page as the desk publishes it, split as the CLI splits plain text; the kinds
// were written by hand from reading the page.
TEST(EditorialTest, SyrianObserverSeedPage) {
  DHAKIRA_SKIP_WITHOUT_SHARED_DIR();
  std::ifstream in(test_support::SharedPath("seed/syrian-observer-csto-syria.txt"), std::ios::binary);
  ASSERT_TRUE(in) << "missing seed/syrian-observer-csto-syria.txt in " << test_support::SharedDir();
  std::stringstream text;
  text << in.rdbuf();
  auto lines = SplitDocument(text.str(), "en", false, "seed");
  ASSERT_TRUE(lines.ok()) << lines.status().ToString();
  std::vector<K> want(lines->size(), kNone);
  auto at = [&](const std::string& start) {
    for (size_t i = 0; i < lines->size(); ++i)
      if ((*lines)[i].rfind(start, 0) == 0) return i;
    ADD_FAILURE() << "no line starts with " << start;
    return size_t{0};
  };
  want[at("Logo Wide")] = kPhoto;
  want[at("CSTO: We Support")] = kTitle;  // the first of the two: the second translates the original
  want[at("The Collective Security Treaty Organization has reaffirmed")] = kStandfirst;
  want[at("This article was translated")] = kDisclaimer;
  want[at("The Syrian Observer has not verified")] = kDisclaimer;
  want[at("Responsibility for the information")] = kDisclaimer;
  want[at("Helpful keywords")] = kKeywords;
  const std::vector<K> got = DetectEditorial(*lines, "en");
  EXPECT_EQ(got, want) << Show(*lines, got);
  EXPECT_EQ(std::count(want.begin(), want.end(), kNone), static_cast<long>(lines->size()) - 7);
}

TEST(EditorialTest, CommittedHamaArticle) {
  for (bool presplit : {false, true}) {
    const std::string path =
        std::string(DHAKIRA_SOURCE_DIR) + "/data/articles/hama-wheat-harvest.en." + (presplit ? "split" : "txt");
    auto lines = ReadDocument(path, "en", presplit);
    ASSERT_TRUE(lines.ok()) << lines.status().ToString();
    std::vector<K> want(lines->size(), kNone);
    // Line 0 translates the Arabic headline (gold [0]:[0]): it is not an added title.
    want[1] = kStandfirst;
    const size_t n = lines->size();
    ASSERT_GE(n, 6u);
    want[n - 4] = kDisclaimer;  // "This article was translated and edited by The Levant Desk."
    want[n - 3] = kDisclaimer;  // "The Levant Desk has not verified the content of this story."
    want[n - 2] = kDisclaimer;  // "Responsibility for the information … lies entirely with the author."
    want[n - 1] = kKeywords;    // "Keywords: Hama, wheat, bread, bakeries, agriculture"
    const std::vector<K> got = DetectEditorial(*lines, "en");
    EXPECT_EQ(got, want) << Show(*lines, got);
  }
}

TEST(EditorialTest, ExtraPatternsFileOfADesk) {
  const std::string path = ::testing::TempDir() + "/desk-patterns.tsv";
  {
    std::ofstream out(path);
    out << "# our own lines\n"
        << "define\tDESK\t(?:the\\s+)?levant\\s+desk\tour name\n"
        << "credit\ttail\t^checked\\s+by\\s+{{DESK}}\\.?$\tour fact-check line\n";
  }
  auto extra = EditorialPatterns::Load(path);
  ASSERT_TRUE(extra.ok()) << extra.status().ToString();
  ExpectKinds({kHeadline}, {{"Checked by the Levant Desk.", kCredit}}, &*extra);
  ExpectKinds({kHeadline}, {{"Checked by the Levant Desk.", kNone}});
  std::remove(path.c_str());
}

// A desk's pattern that backtracks without end gives up on the line instead of hanging the aligner.
TEST(EditorialTest, RunawayPatternGivesUp) {
  auto extra = EditorialPatterns::Parse(
      "related\ttail\t^(a+)+$\trunaway\n"
      "related\ttail\t^a+!$\tfine\n",
      "desk.tsv");
  ASSERT_TRUE(extra.ok()) << extra.status().ToString();
  ExpectKinds({kHeadline}, {{std::string(64, 'a') + "!", kRelated}}, &*extra);
}

TEST(EditorialTest, BadPatternsNameFileLineAndIcuError) {
  struct Case {
    const char* text;
    const char* want;
  };
  for (const Case& c : std::vector<Case>{
           {"# fine\n\nkeywords\teither\t^tags(\tunclosed\n", "desk.tsv:3: U_REGEX_MISMATCHED_PAREN"},
           {"keywords\teither\t^tags$\n"
            "colour\teither\t^x$\n",
            "desk.tsv:2: unknown kind 'colour'"},
           {"keywords\tmiddle\t^x$\n", "desk.tsv:1: unknown place 'middle'"},
           {"keywords\teither\n", "desk.tsv:1: expected kind, where and regex"},
           {"keywords\teither\t{{NOPE}}\n", "desk.tsv:1: undefined fragment {{NOPE}}"},
       }) {
    auto parsed = EditorialPatterns::Parse(c.text, "desk.tsv");
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_TRUE(parsed.status().IsInvalidArgument());
    EXPECT_NE(parsed.status().message().find(c.want), std::string::npos) << parsed.status().ToString();
  }
  auto missing = EditorialPatterns::Load("/nonexistent/desk.tsv");
  EXPECT_TRUE(missing.status().IsNotFound());
}

TEST(EditorialTest, AlignerReadsTheExtraFileAndRejectsABadOne) {
  const std::string path = ::testing::TempDir() + "/bad-desk-patterns.tsv";
  {
    std::ofstream out(path);
    out << "photo\teither\t[unclosed\n";
  }
  AlignOptions options;
  options.src_lang = "ar";
  options.tgt_lang = "en";
  options.editorial_patterns = path;
  auto aligner = Aligner::Create(options, nullptr);
  ASSERT_FALSE(aligner.ok());
  EXPECT_TRUE(aligner.status().IsInvalidArgument());
  EXPECT_NE(aligner.status().message().find(path + ":1: U_REGEX"), std::string::npos) << aligner.status().ToString();
  std::remove(path.c_str());
}

}  // namespace
}  // namespace dhakira::align
