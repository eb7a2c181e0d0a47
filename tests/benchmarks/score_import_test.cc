// benchmarks/align_eval.d/score_import.py on a tiny hand-made gold and aligner output, run as a real
// process: import precision and yield at the bar (n-m links stored and held back), the bar sweep, the
// expected calibration error over pair and null links, documents with no gold pair, and the --dump rows.
// Every expected figure below is worked out by hand in the comments.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "dhakira/align.h"
#include "testing/cli_runner.h"

namespace {

namespace fs = std::filesystem;

using dhakira::test_support::NonEmptyLines;
using dhakira::test_support::ProcessResult;
using dhakira::test_support::PyOnJson;
using dhakira::test_support::ReadFile;

const char* kScript = DHAKIRA_SOURCE_DIR "/benchmarks/align_eval.d/score_import.py";

// One link of `dhakira align --format json` (texts left out: the scorer does not read them).
std::string Link(const std::string& src, const std::string& tgt, double confidence) {
  return "{\"src\": [" + src + "], \"tgt\": [" + tgt + "], \"confidence\": " + std::to_string(confidence) +
         ", \"low_confidence\": " + (confidence < 0.5 ? "true" : "false") + ", \"editorial\": \"none\"}";
}

std::string Doc(const std::string& name, const std::vector<std::string>& links) {
  std::string out = "{\"document\": \"" + name + "\", \"length_ratio\": 1.0, \"links\": [";
  for (size_t i = 0; i < links.size(); ++i) out += (i ? ", " : "") + links[i];
  return out + "]}\n";
}

class ScoreImportTest : public dhakira::test_support::CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (!fs::exists(DHAKIRA_SHARED_DIR "/align-eval/score.py")) {
      GTEST_SKIP() << "../shared/align-eval/score.py is absent (the scorer imports its metric)";
    }
    gold_ = dir_ / "gold";
    out_ = dir_ / "out";
    fs::create_directories(gold_);
    fs::create_directories(out_);
    // Document a: 4 gold pair links; b: not a translation (every gold link null).
    std::ofstream(gold_ / "a.gold") << "[]:[0]\n[0]:[1]\n[1, 2]:[2]\n[3]:[]\n[4]:[3, 4]\n[5]:[5]\n";
    std::ofstream(gold_ / "b.gold") << "[0]:[]\n[1]:[]\n[]:[0]\n[]:[1]\n";
    // a: pairs 0.95 right, 0.6 wrong (half of a 2-1), 0.7 right (1-2), 0.45 right (below the bar);
    //    nulls 0.9 right, 0.4 wrong (ar 2 is not dropped), 0.8 right.
    std::ofstream(out_ / "a.json") << Doc(
        "a", {Link("", "0", 0.9), Link("0", "1", 0.95), Link("1", "2", 0.6), Link("2", "", 0.4), Link("3", "", 0.8),
              Link("4", "3, 4", 0.7), Link("5", "5", 0.45)});
    // b: a wrong pair 0.55 above the bar, two right nulls 0.9.
    std::ofstream(out_ / "b.json") << Doc("b", {Link("0", "0", 0.55), Link("1", "", 0.9), Link("", "1", 0.9)});
  }

  // The fixture's confidences are set around a bar of 0.5; `extra` may give another (the last --bar counts).
  ProcessResult Score(const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {"python3", kScript, gold_.string(), out_.string(), "--json", "--bar", "0.5"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return dhakira::test_support::RunProcess(argv);
  }

  fs::path gold_, out_;
};

// Without --bar the scorer judges at the bar --import uses (PairOptions' default, the fitted kImportBar).
TEST_F(ScoreImportTest, DefaultBarIsTheImportBar) {
  ProcessResult r = dhakira::test_support::RunProcess({"python3", kScript, gold_.string(), out_.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::stod(PyOnJson(r.out, "doc['stored_all']['bar']")), dhakira::PairOptions().min_confidence);
}

TEST_F(ScoreImportTest, PrecisionYieldAndSweep) {
  ProcessResult r = Score({});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(PyOnJson(r.out, "doc['gold_pairs']"), "4");
  // Stored at 0.5, n-m kept: 0.95 ok, 0.6 wrong, 0.7 ok, 0.55 wrong: 2 of 4 right, 2 of 4 gold pairs.
  EXPECT_EQ(PyOnJson(r.out, "(doc['stored_all']['stored'], doc['stored_all']['wrong'])"), "(4, 2)");
  EXPECT_EQ(PyOnJson(r.out, "(doc['stored_all']['precision'], doc['stored_all']['yield'])"), "(0.5, 0.5)");
  // 1-1 only: 0.95 ok, 0.6 wrong, 0.55 wrong: 1 of 3, yield 1 of 4.
  EXPECT_EQ(PyOnJson(r.out, "round(doc['stored_one_to_one']['precision'], 4)"), "0.3333");
  EXPECT_EQ(PyOnJson(r.out, "doc['stored_one_to_one']['yield']"), "0.25");
  // At 0.65 only 0.95 and 0.7 remain, both right.
  EXPECT_EQ(PyOnJson(r.out,
                     "[(s['all']['precision'], s['all']['yield']) for s in doc['sweep'] if s['all']['bar'] "
                     "== 0.65]"),
            "[(1.0, 0.5)]");
  EXPECT_EQ(PyOnJson(r.out, "len(doc['sweep'])"), "14");
  // b has no gold pair and stores one.
  EXPECT_EQ(PyOnJson(r.out, "doc['unrelated']"), "{'documents': 1, 'storing': 1, 'pairs_stored': 1}");
}

TEST_F(ScoreImportTest, CalibrationAndScorePyMetrics) {
  ProcessResult r = Score({});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Pair links, one per bin: |1-.95| + |0-.6| + |1-.7| + |1-.45| + |0-.55| = 2.05, over 5.
  EXPECT_EQ(PyOnJson(r.out, "round(doc['ece_pair'], 4)"), "0.41");
  EXPECT_EQ(PyOnJson(r.out, "[(b['low'], b['count'], b['accuracy']) for b in doc['reliability_pair']]"),
            "[(0.4, 1, 1.0), (0.5, 1, 0.0), (0.6, 1, 0.0), (0.7, 1, 1.0), (0.9, 1, 1.0)]");
  // Null links: three right at .9 (.1 each), .4 wrong (.4), .8 right (.2): 0.9 over 5.
  EXPECT_EQ(PyOnJson(r.out, "round(doc['ece_null'], 4)"), "0.18");
  // score.py's metric: 7 of 10 test links exact, 3 of 4 gold pairs found; nulls 4 hit of 5 test, 6 gold.
  EXPECT_EQ(PyOnJson(r.out, "(doc['strict']['precision'], doc['strict']['recall'])"), "(0.7, 0.75)");
  EXPECT_EQ(PyOnJson(r.out, "round(doc['null']['f1'], 4)"), "0.7273");
}

// Wrong stored pairs by kind: a's [1]:[2] overlaps the gold [1, 2]:[2] (partial), b's [0]:[0] takes in two
// lines the gold leaves out (absorbs), c's two crossing links overlap no gold link (misplaced).
TEST_F(ScoreImportTest, WrongPairsAreToldApart) {
  std::ofstream(gold_ / "c.gold") << "[0]:[0]\n[1]:[1]\n";
  std::ofstream(out_ / "c.json") << Doc("c", {Link("0", "1", 0.8), Link("1", "0", 0.8)});
  ProcessResult r = Score({});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(PyOnJson(r.out, "doc['stored_all']['errors']"), "{'absorbs': 1, 'partial': 1, 'misplaced': 2}");
  EXPECT_EQ(PyOnJson(r.out, "doc['stored_all']['wrong']"), "4");
}

TEST_F(ScoreImportTest, DumpHasOneRowPerLinkAndABarMoves) {
  const std::string dump = (dir_ / "links.tsv").string();
  ProcessResult r = Score({"--dump", dump, "--bar", "0.96"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(PyOnJson(r.out, "doc['stored_all']['stored']"), "0");
  EXPECT_EQ(PyOnJson(r.out, "doc['stored_all']['precision']"), "1.0");  // nothing stored, nothing wrong
  const std::vector<std::string> rows = NonEmptyLines(ReadFile(dump));
  ASSERT_EQ(rows.size(), 11u);  // header and 10 links
  EXPECT_EQ(rows[0], "doc\tlink\tn_src\tn_tgt\tconfidence\tlow_confidence\teditorial\tcorrect");
  EXPECT_EQ(rows[6], "a\t[4]:[3, 4]\t1\t2\t0.700000\t0\tnone\t1");
  EXPECT_EQ(rows[8], "b\t[0]:[0]\t1\t1\t0.550000\t0\tnone\t0");

  ProcessResult bad = Score({"--bar", "1.5"});
  EXPECT_NE(bad.exit_code, 0);
}

}  // namespace
