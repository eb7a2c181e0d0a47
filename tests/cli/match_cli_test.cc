// End-to-end tests of `dhakira match` and `dhakira concordance` on the built binary.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testing/cli_runner.h"
#include "testing/old_index.h"

namespace {

using dhakira::test_support::PyOnJsonLines;
using CliResult = dhakira::test_support::ProcessResult;

class MatchCliTest : public dhakira::test_support::CliTest {
 protected:
  // Evaluates a Python expression over the JSON lines of `text` (list `docs`); returns what it
  // prints.
  std::string Py(const std::string& text, const std::string& expr) { return PyOnJsonLines(text, expr); }

  void AddPairs() {
    ASSERT_EQ(Dhakira({"add", "--src-lang", "ar", "--tgt-lang", "en", "قتل 12 شخصا في الهجوم",
                       "12 people were killed in the attack"})
                  .exit_code,
              0);
    ASSERT_EQ(Dhakira({"add", "--src-lang", "ar", "--tgt-lang", "en", "أعلن الرئيس عن خطة جديدة",
                       "The president announced a new plan"})
                  .exit_code,
              0);
  }
};

TEST_F(MatchCliTest, JsonMatchWithSubstitutedNumber) {
  AddPairs();
  CliResult r = Dhakira({"match", "قتل ١٥ شخصا في الهجوم", "--src-lang", "ar", "--tgt-lang", "en", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Py(r.out, "len(docs[0]['matches'])"), "1");
  EXPECT_EQ(Py(r.out, "docs[0]['matches'][0]['target_substituted']"), "15 people were killed in the attack");
  EXPECT_EQ(Py(r.out, "docs[0]['matches'][0]['kind']"), "fuzzy");
  EXPECT_EQ(Py(r.out, "float(docs[0]['matches'][0]['fuzzy'])"), "100.0");
  EXPECT_EQ(Py(r.out, "sorted(docs[0]['matches'][0].keys())"),
            "['changed', 'doc', 'fuzzy', 'id', 'kind', 'origin', 'penalties', 'score', 'source', "
            "'target', 'target_substituted']");
  EXPECT_EQ(Py(r.out, "[float(p['points']) for p in docs[0]['matches'][0]['penalties']]"), "[1.0]");
}

TEST_F(MatchCliTest, HumanOutputMarksDifferingWords) {
  AddPairs();
  CliResult r = Dhakira({"match", "اعلن الوزير عن خطة جديدة", "--threshold", "50"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("[الرئيس]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("The president announced a new plan"), std::string::npos) << r.out;
}

TEST_F(MatchCliTest, BatchModeOneJsonLinePerQuery) {
  AddPairs();
  CliResult r =
      Dhakira({"match", "--json", "--threshold", "50"}, "أعلن الرئيس عن خطة جديدة\n\nكلام لا علاقة له بأي شيء\n");
  EXPECT_EQ(r.exit_code, 1);  // the empty line is an error, the others are answered
  EXPECT_EQ(Py(r.out, "len(docs)"), "3");
  EXPECT_EQ(Py(r.out, "docs[0]['matches'][0]['kind']"), "exact");
  EXPECT_EQ(Py(r.out, "'error' in docs[1]"), "True");
  EXPECT_EQ(Py(r.out, "docs[2]['matches']"), "[]");
  // --brute-force gives the same answers.
  CliResult b = Dhakira({"match", "--json", "--threshold", "50", "--brute-force"},
                        "أعلن الرئيس عن خطة جديدة\n\nكلام لا علاقة له بأي شيء\n");
  EXPECT_EQ(b.out, r.out);
}

TEST_F(MatchCliTest, ConcordanceFindsVariants) {
  AddPairs();
  CliResult r = Dhakira({"concordance", "اعلن", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Py(r.out, "len(docs[0]['hits'])"), "1");
  // The span covers the word as written in the TM (with its hamza).
  EXPECT_EQ(Py(r.out,
               "(lambda h: h['source'].encode()[h['spans'][0][0]:h['spans'][0][1]].decode())"
               "(docs[0]['hits'][0])"),
            "أعلن");
  CliResult t = Dhakira({"concordance", "PRESIDENT", "--side", "target"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("[president]"), std::string::npos) << t.out;
}

// A TM whose fuzzy index an older dhakira wrote (index.meta "format" 1): `dhakira match` opens it
// read-only, finds no usable index, says so and builds it once, then answers.
TEST_F(MatchCliTest, OlderIndexIsRebuiltOnceByMatch) {
  AddPairs();
  ASSERT_EQ(dhakira::test_support::DowngradeFuzzyIndex(db_), "");
  CliResult r = Dhakira({"match", "أعلن الرئيس عن خطة جديدة", "--threshold", "50"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("building the fuzzy index"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("The president announced a new plan"), std::string::npos) << r.out;
  CliResult again = Dhakira({"match", "أعلن الرئيس عن خطة جديدة", "--threshold", "50"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.err.find("building the fuzzy index"), std::string::npos) << again.err;
  EXPECT_EQ(again.out, r.out);
}

TEST_F(MatchCliTest, UsageErrors) {
  AddPairs();
  EXPECT_EQ(Dhakira({"match", "نص", "--threshold", "abc"}).exit_code, 2);
  EXPECT_EQ(Dhakira({"match", "نص", "--threshold", "0"}).exit_code, 2);
  EXPECT_EQ(Dhakira({"match", "نص", "--top", "0"}).exit_code, 2);
  EXPECT_EQ(Dhakira({"concordance", "x", "--side", "middle"}).exit_code, 2);
  CliResult r = Dhakira({"match", "نص", "--src-lang", "!!"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("src_lang"), std::string::npos) << r.err;
}

}  // namespace
