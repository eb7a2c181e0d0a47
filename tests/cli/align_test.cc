// End-to-end tests of `dhakira align`: formats, batch mode, import into the TM, usage errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "testing/cli_runner.h"

namespace {

namespace fs = std::filesystem;

using dhakira::test_support::NonEmptyLines;
using dhakira::test_support::ProcessResult;
using dhakira::test_support::PyOnJson;
using dhakira::test_support::ReadFile;
using CliRun = ProcessResult;

class AlignCliTest : public dhakira::test_support::CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    articles_ = fs::path(DHAKIRA_SOURCE_DIR) / "data" / "articles";
  }
  std::string Split(const char* slug, const char* lang) {
    return (articles_ / (std::string(slug) + "." + lang + ".split")).string();
  }
  // `dhakira align` of the presplit sample article `slug`, Arabic to English, then `extra`.
  ProcessResult AlignPresplit(const char* slug, const std::vector<std::string>& extra) {
    std::vector<std::string> args = {
        "align", Split(slug, "ar"), Split(slug, "en"), "--src-lang", "ar", "--tgt-lang",
        "en",    "--presplit"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Dhakira(args);
  }

  fs::path articles_;
};

TEST_F(AlignCliTest, LinksCoverBothDocuments) {
  CliRun r = AlignPresplit("hama-wheat-harvest", {});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::regex link(R"(^\[([0-9, ]*)\]:\[([0-9, ]*)\]$)");
  size_t src = 0, tgt = 0;
  for (const std::string& l : NonEmptyLines(r.out)) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(l, m, link)) << l;
    std::istringstream a(std::regex_replace(m[1].str(), std::regex(","), " ")),
        b(std::regex_replace(m[2].str(), std::regex(","), " "));
    for (size_t id; a >> id;) EXPECT_EQ(id, src++);
    for (size_t id; b >> id;) EXPECT_EQ(id, tgt++);
  }
  EXPECT_EQ(src, NonEmptyLines(ReadFile(Split("hama-wheat-harvest", "ar"))).size());
  EXPECT_EQ(tgt, NonEmptyLines(ReadFile(Split("hama-wheat-harvest", "en"))).size());
}

TEST_F(AlignCliTest, OtherFormats) {
  auto with = [&](const char* f) { return AlignPresplit("tartus-solar-pumping", {"--format", f}); };
  CliRun tsv = with("tsv");
  ASSERT_EQ(tsv.exit_code, 0) << tsv.err;
  ASSERT_FALSE(NonEmptyLines(tsv.out).empty());
  for (const std::string& l : NonEmptyLines(tsv.out))
    EXPECT_EQ(std::count(l.begin(), l.end(), '\t'), 1) << l;

  CliRun tmx = with("tmx");
  ASSERT_EQ(tmx.exit_code, 0) << tmx.err;
  EXPECT_NE(tmx.out.find("<tmx version=\"1.4\">"), std::string::npos);
  EXPECT_NE(tmx.out.find("xml:lang=\"ar\""), std::string::npos);

  CliRun json = with("json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(PyOnJson(json.out,
                     "bool(doc['links']) and all('confidence' in l and 'editorial' in l for l in "
                     "doc['links']) and any(l['editorial'] == 'disclaimer' for l in doc['links'])"),
            "True")
      << json.out;

  CliRun bad = with("xml");
  EXPECT_EQ(bad.exit_code, 2);
}

TEST_F(AlignCliTest, BatchWritesOneFilePerDocument) {
  fs::path in = dir_ / "in", out = dir_ / "out";
  fs::create_directories(in);
  for (const char* slug : {"hama-wheat-harvest", "aleppo-exam-transport"}) {
    fs::copy_file(Split(slug, "ar"), in / (std::string(slug) + ".ar"));
    fs::copy_file(Split(slug, "en"), in / (std::string(slug) + ".en"));
  }
  std::ofstream(in / "lonely.ar") << "بلا ترجمة\n";  // no .en beside it: skipped
  CliRun r = Dhakira({"align", "--batch", in.string(), "--out", out.string(), "--presplit",
                      "--src-lang", "ar", "--tgt-lang", "en"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(out / "hama-wheat-harvest.align"));
  EXPECT_TRUE(fs::exists(out / "aleppo-exam-transport.align"));
  EXPECT_FALSE(fs::exists(out / "lonely.align"));
  EXPECT_GT(NonEmptyLines(ReadFile(out / "hama-wheat-harvest.align")).size(), 10u);
}

TEST_F(AlignCliTest, ImportStoresPairsOnceAndReports) {
  const std::vector<std::string> import = {"--import", "--origin", "Al-Watan"};
  CliRun first = AlignPresplit("hama-wheat-harvest", import);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("stored"), std::string::npos) << first.err;
  CliRun stats = Dhakira({"stats", "--json"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_NE(stats.out.find("Al-Watan"), std::string::npos) << stats.out;
  CliRun second = AlignPresplit("hama-wheat-harvest", import);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find(" 0 stored"), std::string::npos) << second.err;
  // With the TM filled, --learn adds a TM-learned lexicon and still aligns.
  CliRun learned = AlignPresplit("tartus-solar-pumping", {"--learn"});
  EXPECT_EQ(learned.exit_code, 0) << learned.err;
  EXPECT_GT(NonEmptyLines(learned.out).size(), 10u);
}

TEST_F(AlignCliTest, UsageAndInputErrors) {
  CliRun no_lang =
      Dhakira({"align", Split("hama-wheat-harvest", "ar"), Split("hama-wheat-harvest", "en")});
  EXPECT_EQ(no_lang.exit_code, 2);
  CliRun one_file =
      Dhakira({"align", Split("hama-wheat-harvest", "ar"), "--src-lang", "ar", "--tgt-lang", "en"});
  EXPECT_EQ(one_file.exit_code, 2);
  CliRun same =
      Dhakira({"align", Split("hama-wheat-harvest", "ar"), Split("hama-wheat-harvest", "en"),
               "--src-lang", "ar", "--tgt-lang", "ar"});
  EXPECT_EQ(same.exit_code, 2);
  CliRun missing = Dhakira({"align", (dir_ / "nope.ar").string(), Split("hama-wheat-harvest", "en"),
                            "--src-lang", "ar", "--tgt-lang", "en"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("nope.ar"), std::string::npos) << missing.err;
  CliRun batch_no_out =
      Dhakira({"align", "--batch", dir_.string(), "--src-lang", "ar", "--tgt-lang", "en"});
  EXPECT_EQ(batch_no_out.exit_code, 2);
}

}  // namespace
