// End-to-end tests of the TM's learned lexicon through the CLI: `dhakira lexicon WORD` (text and JSON) and
// `align --learn`, which reads the stored lexicon for the document's words.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testing/cli_runner.h"

namespace {

using dhakira::test_support::NonEmptyLines;
using dhakira::test_support::ProcessResult;
using dhakira::test_support::PyOnJson;

class LexiconCliTest : public dhakira::test_support::CliTest {
 protected:
  // Invented names no dictionary has and no transliteration links: شنفار is always "Ulteb" and قمطريس
  // always "Bolvenk" in the TM.
  void FillTm() {
    const std::vector<std::pair<std::string, std::string>> pairs = {
        {"تحدث شنفار أمس", "Ulteb spoke yesterday"},        {"سافر شنفار", "Ulteb travelled"},
        {"كتب شنفار رسالة", "Ulteb wrote a letter"},        {"تحدث قمطريس", "Bolvenk spoke"},
        {"سافر قمطريس أمس", "Bolvenk travelled yesterday"}, {"كتب قمطريس", "Bolvenk wrote"}};
    for (const auto& [ar, en] : pairs) {
      ProcessResult r = Dhakira({"add", "--src-lang", "ar", "--tgt-lang", "en", ar, en});
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
  }
};

TEST_F(LexiconCliTest, ShowsWhatTheTmTaught) {
  FillTm();
  ProcessResult text = Dhakira({"lexicon", "شنفار", "--src-lang", "ar", "--tgt-lang", "en"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  const std::vector<std::string> lines = NonEmptyLines(text.out);
  ASSERT_GE(lines.size(), 3u) << text.out;
  EXPECT_NE(lines[0].find("6 ar-en pairs"), std::string::npos) << text.out;
  // The learned translation first among the TM's partners, with its counts and score.
  EXPECT_NE(lines[2].find("ulteb"), std::string::npos) << text.out;
  EXPECT_NE(lines[2].find("learned"), std::string::npos) << text.out;
  EXPECT_NE(lines[2].find("1.00 mutual"), std::string::npos) << text.out;

  ProcessResult json = Dhakira({"lexicon", "شنفار", "--src-lang", "ar", "--tgt-lang", "en", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(PyOnJson(json.out, "doc['tm_pairs']"), "6");
  EXPECT_EQ(PyOnJson(json.out,
                     "[(t['target'], t['sources'], t['together'], float(t['score'])) for t in doc['translations'] "
                     "if t.get('learned')]"),
            "[('ulteb', ['learned'], 3, 1.0)]");
  // "spoke" was seen with it once: counted, not learned.
  EXPECT_EQ(PyOnJson(json.out, "[t['sources'] for t in doc['translations'] if t['target'] == 'spoke']"), "[['tm']]");

  // A dictionary word: its dictionary or built-in translations, no TM statistics.
  ProcessResult month = Dhakira({"lexicon", "يناير", "--src-lang", "ar", "--tgt-lang", "en", "--json"});
  ASSERT_EQ(month.exit_code, 0) << month.err;
  EXPECT_EQ(PyOnJson(month.out, "[t['sources'] for t in doc['translations'] if t['target'] == 'januar']"),
            "[['built-in']]");

  ProcessResult usage = Dhakira({"lexicon", "شنفار", "--src-lang", "ar"});
  EXPECT_EQ(usage.exit_code, 2) << usage.err;
  // The learned lexicon is the TM's own: not served over --server, and it says so before connecting.
  ProcessResult remote = Dhakira({"--server", "unix:" + (dir_ / "none.sock").string(), "lexicon", "شنفار", "--src-lang",
                                  "ar", "--tgt-lang", "en"});
  EXPECT_EQ(remote.exit_code, 2) << remote.err;
  EXPECT_NE(remote.err.find("does not work through --server"), std::string::npos) << remote.err;
}

// An article whose alignment only the learned word pairs can fix: two Arabic sentences that differ only
// in a name, one English sentence translating the second.
TEST_F(LexiconCliTest, AlignLearnUsesTheStoredLexicon) {
  FillTm();
  const std::string ar = Write("doc.ar", "وصل قمطريس اليوم إلى المدينة\nوصل شنفار اليوم إلى المدينة\n");
  const std::string en = Write("doc.en", "Ulteb arrived in the city today\n");
  const std::vector<std::string> align = {"align", ar, en, "--src-lang", "ar", "--tgt-lang", "en", "--presplit"};
  ProcessResult plain = Dhakira(align);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(NonEmptyLines(plain.out), (std::vector<std::string>{"[0]:[0]", "[1]:[]"}));  // wrong, as expected
  std::vector<std::string> with_learn = align;
  with_learn.push_back("--learn");
  ProcessResult learned = Dhakira(with_learn);
  ASSERT_EQ(learned.exit_code, 0) << learned.err;
  EXPECT_EQ(NonEmptyLines(learned.out), (std::vector<std::string>{"[0]:[]", "[1]:[0]"}));
  EXPECT_NE(learned.err.find("learned lexicon: 2 word pairs used from the TM (6 pairs"), std::string::npos)
      << learned.err;
  EXPECT_NE(learned.err.find("شنفار=ulteb (1.00, 3)"), std::string::npos) << learned.err;
}

}  // namespace
