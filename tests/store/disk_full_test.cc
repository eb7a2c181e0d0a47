// `dhakira import` into a TM on a file system that fills up: a 64 MiB tmpfs mounted in a private
// mount namespace (unshare -m) of a child shell. The import must end with a clear "No space left on
// device" error and exit code 1 (before the fix: SIGBUS from a store through the write map into a
// hole of the file), and the TM must reopen holding what was there plus whole batches of the input.
// Skipped, saying why, where mount namespaces or tmpfs mounts are not permitted.
#include <gtest/gtest.h>

#include <string>

#include "testing/cli_runner.h"
#include "testing/files.h"

namespace dhakira {
namespace {

using test_support::ProcessResult;
using test_support::PyOnJson;
using test_support::ReadFile;
using test_support::RunOptions;
using test_support::RunProcess;
using test_support::ShellQuote;
using test_support::TempDir;

constexpr int kPairs = 150000;  // far more than 64 MiB of TM
constexpr int kBatch = 5000;

std::string BigSource(int i) {
  std::string s;
  for (int w = 0; w < 12; ++w) s += "كلمة" + std::to_string((i * 7919 + w * 104729) % 5003) + " ";
  return s + std::to_string(i);
}

std::string BigTsv() {
  std::string s;
  s.reserve(static_cast<size_t>(kPairs) * 220);
  for (int i = 0; i < kPairs; ++i) {
    s += BigSource(i);
    s += "\tsentence number " + std::to_string(i) + " of a corpus too large for its disk\n";
  }
  return s;
}

TEST(DiskFullTest, ImportIntoAFullFileSystemFailsCleanlyAndKeepsTheTm) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  ProcessResult can = RunProcess({"unshare", "-m", "--propagation", "private", "sh", "-c",
                                  "mount -t tmpfs -o size=1m tmpfs " + ShellQuote(dir.path())});
  if (can.exit_code != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs in a private mount namespace here (needs root or "
                    "CAP_SYS_ADMIN): "
                 << can.err;
  }
  const std::string big = dir.Write("big.tsv", BigTsv());
  const std::string mnt = dir.Path("mnt"), out = dir.Path("out");
  std::filesystem::create_directories(mnt);
  std::filesystem::create_directories(out);
  const std::string dhakira = ShellQuote(DHAKIRA_CLI_BINARY), tm = ShellQuote(mnt + "/tm");
  const std::string o = ShellQuote(out);
  const std::string import = dhakira + " --db " + tm + " import ";
  // Everything that needs the mount runs in the namespace; results go to files outside it.
  const std::string script =
      "mount -t tmpfs -o size=64m tmpfs " + ShellQuote(mnt) + " || exit 77\n" + import +
      ShellQuote(DHAKIRA_SOURCE_DIR "/data/sample-pairs.tsv") + " --src-lang ar --tgt-lang en --quiet || exit 78\n" +
      import + ShellQuote(big) + " --src-lang ar --tgt-lang en --quiet --batch " + std::to_string(kBatch) + " 2>" + o +
      "/import.err; echo $? >" + o + "/import.rc\n" + dhakira + " --db " + tm + " stats --json >" + o +
      "/stats.json 2>&1; echo $? >" + o + "/stats.rc\n" + dhakira + " --db " + tm + " get 1 --json >" + o +
      "/first.json 2>&1\n" + dhakira + " --db " + tm +
      " get \"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[\"segments\"])' " + o +
      "/stats.json)\" --json >" + o + "/last.json 2>&1\n";
  RunOptions options;
  options.timeout = std::chrono::minutes(5);
  ProcessResult r = RunProcess({"unshare", "-m", "--propagation", "private", "sh", "-c", script}, options);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  const std::string import_err = ReadFile(out + "/import.err");
  EXPECT_EQ(ReadFile(out + "/import.rc"), "1\n") << "128 + 7 is SIGBUS; error: " << import_err;
  EXPECT_NE(import_err.find("No space left on device"), std::string::npos) << import_err;
  EXPECT_EQ(import_err.rfind("dhakira: ", 0), 0u) << import_err;

  ASSERT_EQ(ReadFile(out + "/stats.rc"), "0\n") << ReadFile(out + "/stats.json");
  const std::string stats = ReadFile(out + "/stats.json");
  const long segments = std::stol(PyOnJson(stats, "doc['segments']"));
  const long imported = segments - 15;  // the sample's 15 pairs came first
  ASSERT_GT(imported, 0) << "nothing of the big file fitted: " << stats;
  EXPECT_LT(imported, kPairs);
  EXPECT_EQ(imported % kBatch, 0) << "a partial batch: " << imported;
  EXPECT_EQ(PyOnJson(ReadFile(out + "/first.json"), "doc['target']").rfind("Wheat delivered", 0), 0u);
  EXPECT_EQ(PyOnJson(ReadFile(out + "/last.json"), "doc['source']"), BigSource(static_cast<int>(imported - 1)));
}

}  // namespace
}  // namespace dhakira
