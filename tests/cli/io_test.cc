// End-to-end tests of `dhakira import` and `dhakira export`, including a real import process killed
// with SIGKILL mid-way.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "dhakira/store.h"
#include "testing/cli_runner.h"
#include "testing/shared_data.h"

namespace {

namespace fs = std::filesystem;

using dhakira::test_support::ReadFile;
using CliRun = dhakira::test_support::ProcessResult;

class IoCliTest : public dhakira::test_support::CliTest {
 protected:
  uint64_t Segments() {
    dhakira::StoreOptions options;
    options.read_only = true;
    options.create_if_missing = false;
    auto store = dhakira::Store::Open(db_, options);
    if (!store.ok()) return 0;
    auto stats = (*store)->Stats();
    return stats.ok() ? stats->segments : 0;
  }
};

std::string ArabicTmx() {
  return dhakira::test_support::SharedPath(
      "tmx/translate-toolkit-ar/libreoffice-sd.en-ar.po2tmx.tmx");
}

TEST_F(IoCliTest, ImportPrintsSummaryAndWritesRejects) {
  DHAKIRA_SKIP_WITHOUT_SHARED_DIR();
  const std::string kArabicTmx = ArabicTmx();
  const std::string rejects = (dir_ / "rejects.tsv").string();
  CliRun r = Dhakira({"import", kArabicTmx, "--src-lang", "en", "--tgt-lang", "ar", "--rejects", rejects,
                      "--json", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"read\":1284"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"added\":929"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"duplicates_skipped\":353"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"rejected_by_reason\":{\"empty-segment\":2}"), std::string::npos) << r.out;
  const std::string rej = ReadFile(rejects);
  EXPECT_EQ(rej.rfind("file\tline\tcolumn\treason\tmessage\ttext\n", 0), 0u) << rej;
  EXPECT_NE(rej.find(kArabicTmx + "\t8116\t5\tempty-segment\t"), std::string::npos) << rej;
  EXPECT_EQ(Segments(), 929u);

  // Human summary; a second run skips everything.
  r = Dhakira({"import", kArabicTmx, "--src-lang", "en", "--tgt-lang", "ar"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("read 1284, added 0, updated 0, duplicates skipped 1282, rejected 2"), std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("rejected (empty-segment)"), std::string::npos) << r.err;
}

TEST_F(IoCliTest, ExportThenImportIntoAnotherTm) {
  DHAKIRA_SKIP_WITHOUT_SHARED_DIR();
  const std::string kArabicTmx = ArabicTmx();
  ASSERT_EQ(Dhakira({"import", kArabicTmx, "--src-lang", "en", "--tgt-lang", "ar", "--quiet"}).exit_code, 0);
  const std::string out = (dir_ / "out.tmx.gz").string();
  CliRun e = Dhakira({"export", out, "--json"});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_NE(e.out.find("\"pairs\":929"), std::string::npos) << e.out;
  db_ = (dir_ / "second.db").string();
  CliRun r = Dhakira({"import", out, "--src-lang", "en", "--tgt-lang", "ar", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"added\":929"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"rejected\":0"), std::string::npos) << r.out;
}

TEST_F(IoCliTest, ParallelStrictDryRunAndErrors) {
  const std::string ar = Write("a.ar", "واحد\nاثنان\n\nأربعة\n");
  const std::string en = Write("a.en", "one\ntwo\nthree\nfour\n");
  CliRun strict = Dhakira({"import", ar, "--tgt-file", en, "--src-lang", "ar", "--tgt-lang", "en", "--strict"});
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_NE(strict.err.find("line 3"), std::string::npos) << strict.err;
  EXPECT_NE(strict.err.find("nothing was written"), std::string::npos) << strict.err;
  EXPECT_EQ(Segments(), 0u);

  CliRun dry = Dhakira({"import", ar, "--tgt-file", en, "--src-lang", "ar", "--tgt-lang", "en", "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("Dry run"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("rejected 1 (empty-segment 1)"), std::string::npos) << dry.out;
  EXPECT_EQ(Segments(), 0u);

  const std::string short_en = Write("short.en", "one\n");
  CliRun mismatch = Dhakira({"import", ar, "--tgt-file", short_en, "--src-lang", "ar", "--tgt-lang", "en"});
  EXPECT_EQ(mismatch.exit_code, 1);
  EXPECT_NE(mismatch.err.find("differ in length"), std::string::npos) << mismatch.err;

  CliRun missing = Dhakira({"import", (dir_ / "nope.tmx").string(), "--src-lang", "ar", "--tgt-lang", "en"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no such file"), std::string::npos) << missing.err;

  CliRun usage = Dhakira({"import", ar, "--format", "docx", "--src-lang", "ar", "--tgt-lang", "en"});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_NE(usage.err.find("unknown format 'docx'"), std::string::npos) << usage.err;
}

// A real `dhakira import` is killed with SIGKILL while it writes: the TM opens with whole batches only, and
// running the same import again with --on-duplicate skip completes it.
TEST_F(IoCliTest, SigkillMidImportThenResume) {
  constexpr int kPairs = 60000;
  constexpr int kBatch = 500;
  std::string tsv;
  for (int i = 0; i < kPairs; ++i) {
    tsv += "قال المتحدث في البيان رقم " + std::to_string(i) + " إن الوضع مستقر\tthe spokesman said in statement " +
           std::to_string(i) + " that the situation is stable\n";
  }
  const std::string path = Write("big.tsv", tsv);
  dhakira::test_support::BackgroundProcess import({DHAKIRA_CLI_BINARY, "--db", db_, "import", path,
                                                   "--src-lang", "ar", "--tgt-lang", "en",
                                                   "--batch", std::to_string(kBatch), "--quiet"});
  ASSERT_TRUE(import.running());
  // Kill it once some batches are committed (the TM is polled read-only from here).
  uint64_t seen = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (seen < 2 * kBatch && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    seen = Segments();
  }
  import.Kill(SIGKILL);
  const int status = import.Wait();
  ASSERT_TRUE(WIFSIGNALED(status)) << "the import ended before it was killed (" << seen << " pairs seen)";

  const uint64_t kept = Segments();
  EXPECT_GE(kept, seen);
  EXPECT_LT(kept, static_cast<uint64_t>(kPairs));
  EXPECT_EQ(kept % kBatch, 0u) << "only whole batches may be committed";

  CliRun resumed =
      Dhakira({"import", path, "--src-lang", "ar", "--tgt-lang", "en", "--on-duplicate", "skip", "--json"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("\"duplicates_skipped\":" + std::to_string(kept) + ","), std::string::npos)
      << resumed.out;
  EXPECT_NE(resumed.out.find("\"added\":" + std::to_string(kPairs - kept) + ","), std::string::npos)
      << resumed.out;
  EXPECT_EQ(Segments(), static_cast<uint64_t>(kPairs));
  CliRun stats = Dhakira({"stats", "--json"});
  EXPECT_NE(stats.out.find("\"segments\":" + std::to_string(kPairs)), std::string::npos) << stats.out;
}

}  // namespace
