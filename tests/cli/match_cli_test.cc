// End-to-end tests of `dhakira match` and `dhakira concordance` on the built binary.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class MatchCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("dhakira_match_cli_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "tm.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  CliResult Dhakira(const std::vector<std::string>& args, const std::string& input = "") {
    fs::path in = dir_ / "stdin", out = dir_ / "stdout", err = dir_ / "stderr";
    std::ofstream(in, std::ios::binary) << input;
    std::string cmd = "env LC_ALL=C.UTF-8 DHAKIRA_DB=" + Quote(db_) + " " + Quote(DHAKIRA_CLI_BINARY);
    for (const auto& a : args) cmd += " " + Quote(a);
    cmd += " <" + Quote(in.string()) + " >" + Quote(out.string()) + " 2>" + Quote(err.string());
    const int status = std::system(cmd.c_str());
    CliResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = Slurp(out);
    r.err = Slurp(err);
    return r;
  }

  // Evaluates a Python expression over the JSON lines of `text` (list `docs`); returns what it prints.
  std::string Py(const std::string& text, const std::string& expr) {
    fs::path f = dir_ / "json", o = dir_ / "py";
    std::ofstream(f, std::ios::binary) << text;
    const std::string cmd = "python3 -c " +
                            Quote("import json,sys\ndocs=[json.loads(l) for l in open(sys.argv[1], "
                                  "encoding='utf-8') if l.strip()]\nprint(" + expr + ")") +
                            " " + Quote(f.string()) + " >" + Quote(o.string()) + " 2>&1";
    if (std::system(cmd.c_str()) != 0) return "python failed: " + Slurp(o);
    std::string s = Slurp(o);
    while (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
  }

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

  fs::path dir_;
  std::string db_;
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
  CliResult r = Dhakira({"match", "--json", "--threshold", "50"},
                  "أعلن الرئيس عن خطة جديدة\n\nكلام لا علاقة له بأي شيء\n");
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
  EXPECT_EQ(Py(r.out, "(lambda h: h['source'].encode()[h['spans'][0][0]:h['spans'][0][1]].decode())"
                      "(docs[0]['hits'][0])"),
            "أعلن");
  CliResult t = Dhakira({"concordance", "PRESIDENT", "--side", "target"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("[president]"), std::string::npos) << t.out;
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
