// End-to-end tests of the built `dhakira` binary: exit codes, outputs, --json parsable, --help, bad input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "testing/cli_runner.h"

namespace {

namespace fs = std::filesystem;

using dhakira::test_support::CliTest;
using dhakira::test_support::IsJsonLines;
using CliRun = dhakira::test_support::ProcessResult;

TEST_F(CliTest, HelpForEveryCommand) {
  CliRun top = Dhakira({"--help"});
  ASSERT_EQ(top.exit_code, 0) << top.err;
  for (const char* cmd : {"add", "get", "delete", "stats", "normalize", "split"}) {
    EXPECT_NE(top.out.find(std::string("  ") + cmd), std::string::npos) << cmd;
    CliRun r = Dhakira({cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0) << cmd << ": " << r.err;
    EXPECT_NE(r.out.find("Usage:"), std::string::npos) << cmd;
    EXPECT_NE(r.out.find("--db"), std::string::npos) << cmd;
  }
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Dhakira({}).exit_code, 2);
  EXPECT_EQ(Dhakira({"no-such-command"}).exit_code, 2);
  EXPECT_EQ(Dhakira({"add", "only-source"}).exit_code, 2);
  EXPECT_EQ(Dhakira({"add", "--src-lang", "ar", "a", "b"}).exit_code, 2);  // no --tgt-lang
  EXPECT_EQ(Dhakira({"get", "abc"}).exit_code, 2);
  EXPECT_EQ(Dhakira({"get", "1", "--bogus"}).exit_code, 2);
  EXPECT_EQ(Dhakira({"normalize", "text"}).exit_code, 2);  // no --lang
  CliRun r = Dhakira({"add", "--src-lang", "ar", "--tgt-lang", "en", "--on-duplicate", "sometimes", "a", "b"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("sometimes"), std::string::npos) << r.err;
}

TEST_F(CliTest, AddGetDeleteStats) {
  CliRun add = Dhakira({"add", "--src-lang", "ar", "--tgt-lang", "en", "--origin", "Al-Watan", "--doc", "d1",
                        "أعلنت الوزارة عن خطة جديدة.", "The ministry announced a new plan."});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  const std::string id = add.out.substr(0, add.out.find('\n'));
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(id.find_first_not_of("0123456789"), std::string::npos) << add.out;

  CliRun get = Dhakira({"get", id});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_NE(get.out.find("أعلنت الوزارة عن خطة جديدة."), std::string::npos);
  EXPECT_NE(get.out.find("Al-Watan"), std::string::npos);

  CliRun json = Dhakira({"get", "--json", "--tokens", id});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_TRUE(IsJsonLines(json.out)) << json.out;
  EXPECT_NE(json.out.find("\"target\":\"The ministry announced a new plan.\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"key\":\"اعلنت\""), std::string::npos) << json.out;  // hamza seat folded

  // The same pair again is skipped by default and reported with the stored id.
  CliRun dup = Dhakira({"add", "--src-lang", "ar", "--tgt-lang", "en", "--json", "أعلنت الوزارة عن خطة جديدة.",
                        "The ministry announced a new plan."});
  ASSERT_EQ(dup.exit_code, 0) << dup.err;
  EXPECT_TRUE(IsJsonLines(dup.out)) << dup.out;
  EXPECT_NE(dup.out.find("\"outcome\":\"skipped\""), std::string::npos) << dup.out;

  CliRun stats = Dhakira({"stats", "--json"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_TRUE(IsJsonLines(stats.out)) << stats.out;
  EXPECT_NE(stats.out.find("\"segments\":1"), std::string::npos) << stats.out;
  CliRun human = Dhakira({"stats"});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_NE(human.out.find("Al-Watan"), std::string::npos) << human.out;

  CliRun del = Dhakira({"delete", id});
  ASSERT_EQ(del.exit_code, 0) << del.err;
  CliRun gone = Dhakira({"get", id});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_NE(gone.err.find("not found"), std::string::npos) << gone.err;
  EXPECT_EQ(Dhakira({"delete", id}).exit_code, 1);
}

TEST_F(CliTest, MissingTmIsAClearFailure) {
  CliRun r = Dhakira({"stats"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no translation memory"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(db_)) << "a read command must not create a TM";
}

TEST_F(CliTest, ForeignFileIsRejected) {
  fs::create_directories(db_);
  std::ofstream(fs::path(db_) / "data.mdb", std::ios::binary) << std::string(8192, 'x');
  CliRun r = Dhakira({"stats"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(r.err.empty());
}

TEST_F(CliTest, InvalidUtf8IsAClearError) {
  CliRun r = Dhakira({"add", "--src-lang", "ar", "--tgt-lang", "en", "abc\xff", "def"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("UTF-8"), std::string::npos) << r.err;

  CliRun n = Dhakira({"normalize", "--lang", "ar"}, "سلام\nbad \xC3\x28 line\nكتاب\n");
  EXPECT_EQ(n.exit_code, 1);
  EXPECT_NE(n.err.find("line 2"), std::string::npos) << n.err;
  // Output stays line-aligned: three input lines, three output lines.
  EXPECT_EQ(std::count(n.out.begin(), n.out.end(), '\n'), 3) << n.out;
  EXPECT_EQ(n.out.substr(0, n.out.find('\n')), "سلام");
}

TEST_F(CliTest, NormalizeFoldsArabic) {
  // Diacritics, tatweel and hamza seats go; ta marbuta folds; digits become ASCII.
  CliRun r = Dhakira({"normalize", "--lang", "ar", "الـمُـدَرِّسَةُ أعلنت ١٢٫٥٪"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "المدرسه اعلنت 12.5 %\n");
  CliRun j = Dhakira({"normalize", "--lang", "ar", "--json"}, "قال الرئيس\n");
  ASSERT_EQ(j.exit_code, 0) << j.err;
  EXPECT_TRUE(IsJsonLines(j.out)) << j.out;
  EXPECT_NE(j.out.find("\"key\":\"الرئيس\""), std::string::npos) << j.out;
  EXPECT_EQ(Dhakira({"normalize", "--lang", "!!", "x"}).exit_code, 1);
}

TEST_F(CliTest, SplitArabicFile) {
  fs::path f = dir_ / "article.txt";
  std::ofstream(f, std::ios::binary) << "عنوان الخبر\n\nقال د. محمد إن الاجتماع كان مثمراً. وأضاف أن النسبة بلغت 3.5 "
                                        "بالمئة.\n";
  CliRun r = Dhakira({"split", "--lang", "ar", f.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "عنوان الخبر\nقال د. محمد إن الاجتماع كان مثمراً.\nوأضاف أن النسبة بلغت 3.5 بالمئة.\n");
  CliRun j = Dhakira({"split", "--lang", "ar", "--json", f.string()});
  ASSERT_EQ(j.exit_code, 0);
  EXPECT_TRUE(IsJsonLines(j.out)) << j.out;
  CliRun missing = Dhakira({"split", "--lang", "ar", (dir_ / "nope.txt").string()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("nope.txt"), std::string::npos) << missing.err;
  CliRun directory = Dhakira({"split", "--lang", "ar", dir_.string()});
  EXPECT_EQ(directory.exit_code, 1);
  EXPECT_NE(directory.err.find("directory"), std::string::npos) << directory.err;
}

TEST_F(CliTest, ArabicMessagesWithArabicLocale) {
  CliRun r = Dhakira({"stats"}, "", {"LC_ALL=ar_SY.UTF-8"});
  EXPECT_EQ(r.exit_code, 1);
  // The catalog translates the failure kind; the path stays as given.
  EXPECT_NE(r.err.find("غير موجود"), std::string::npos) << r.err;
  CliRun help = Dhakira({"--help"}, "", {"LC_ALL=ar_SY.UTF-8"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("الأوامر"), std::string::npos) << help.out;
  // Numbers in results stay ASCII whatever the locale.
  CliRun add = Dhakira({"add", "--src-lang", "ar", "--tgt-lang", "en", "نص", "text"}, "", {"LC_ALL=ar_SY.UTF-8"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_EQ(add.out, "1\n");
}

}  // namespace
