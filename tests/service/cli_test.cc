// The CLI side of the service: `dhakira serve` as a process (ready line, SIGTERM stops it cleanly,
// socket removed) and `dhakira --server ADDRESS COMMAND` printing the same as the command run on
// the TM itself.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "dhakira/service.h"
#include "testing/cli_runner.h"
#include "testing/files.h"

namespace dhakira {
namespace {

namespace fs = std::filesystem;

using test_support::ProcessResult;

// Runs dhakira with `args`; stderr merged into out.
ProcessResult Cli(const std::vector<std::string>& args) {
  test_support::RunOptions options;
  options.merge_stderr = true;
  return test_support::RunCli(args, options);
}

// `words` split at spaces.
std::vector<std::string> Words(const std::string& words) {
  std::vector<std::string> out;
  std::istringstream in(words);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// `a` followed by `b`.
std::vector<std::string> Cat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

class CliServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(tmp_.ok()) << "cannot make a temporary directory"; }
  // Starts `dhakira --db DIR/tm serve --socket DIR/s.sock` and waits for its "listening" line.
  void StartServe() {
    const std::string sock = dir_ + "/s.sock";
    serve_ = std::make_unique<test_support::BackgroundProcess>(
        std::vector<std::string>{DHAKIRA_CLI_BINARY, "--db", dir_ + "/tm", "serve", "--socket", sock},
        test_support::BackgroundOptions{.pipe_stdout = true});
    ASSERT_TRUE(serve_->running());
    const std::string line = serve_->ReadLine();
    ASSERT_EQ(line, "listening unix:" + sock);
    address_ = line.substr(std::string("listening ").size());
  }

  test_support::TempDir tmp_;
  const std::string dir_ = tmp_.path();
  std::unique_ptr<test_support::BackgroundProcess> serve_;  // killed at destruction if still running
  std::string address_;
};

TEST_F(CliServiceTest, ServeStopsCleanlyOnSigterm) {
  StartServe();
  ProcessResult added =
      Cli({"--server", address_, "add", "--src-lang", "ar", "--tgt-lang", "en", "انتهى الاجتماع", "The meeting ended"});
  ASSERT_EQ(added.exit_code, 0) << added.out;
  ASSERT_TRUE(serve_->Kill(SIGTERM));
  const int status = serve_->Wait();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_FALSE(fs::exists(dir_ + "/s.sock"));
  // The TM was closed cleanly and holds the pair.
  ProcessResult stats = Cli({"--db", dir_ + "/tm", "stats", "--json"});
  ASSERT_EQ(stats.exit_code, 0) << stats.out;
  EXPECT_NE(stats.out.find("\"segments\":1"), std::string::npos) << stats.out;
}

TEST_F(CliServiceTest, RemoteCommandsPrintWhatLocalOnesPrint) {
  StartServe();
  const std::vector<std::string> remote = {"--server", address_}, local = {"--db", dir_ + "/tm"};
  ProcessResult added =
      Cli(Cat(remote, {"add", "--json", "--src-lang", "ar", "--tgt-lang", "en", "--origin", "Al-Watan", "--note", "n",
                       "ارتفعت الأسعار بنسبة 3 في المئة", "Prices rose 3 percent"}));
  ASSERT_EQ(added.exit_code, 0) << added.out;
  EXPECT_NE(added.out.find("\"outcome\":\"added\""), std::string::npos) << added.out;

  for (const char* cmd : {"get 1", "get --json 1", "get --json --tokens 1", "stats --json"}) {
    ProcessResult r = Cli(Cat(remote, Words(cmd)));
    ProcessResult l = Cli(Cat(local, Words(cmd)));
    ASSERT_EQ(r.exit_code, 0) << cmd << ": " << r.out;
    ASSERT_EQ(l.exit_code, 0) << cmd << ": " << l.out;
    if (std::string(cmd) == "stats --json") {
      // Same but for the path: the server reports its own (absolute) one.
      EXPECT_NE(r.out.find("\"segments\":1"), std::string::npos) << r.out;
      EXPECT_EQ(r.out.substr(r.out.find("\"segments\"")), l.out.substr(l.out.find("\"segments\"")));
    } else {
      EXPECT_EQ(r.out, l.out) << cmd;
    }
  }
  ProcessResult missing = Cli(Cat(remote, Words("get 99")));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.out.find("99"), std::string::npos) << missing.out;

  ProcessResult deleted = Cli(Cat(remote, Words("delete 1")));
  ASSERT_EQ(deleted.exit_code, 0) << deleted.out;
  ProcessResult gone = Cli(Cat(local, Words("get 1")));
  EXPECT_EQ(gone.exit_code, 1) << gone.out;

  // A command that cannot work through a server says so instead of silently using a local TM.
  ProcessResult serve = Cli(Cat(remote, Words("serve")));
  EXPECT_EQ(serve.exit_code, 2) << serve.out;
}

TEST_F(CliServiceTest, ImportPriorityIsCheckedAndEachValueServesImports) {
  ProcessResult bad = Cli({"--db", dir_ + "/tm", "serve", "--socket", dir_ + "/s.sock", "--import-priority", "high"});
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_NE(bad.out.find("--import-priority"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("high"), std::string::npos) << bad.out;
  EXPECT_FALSE(fs::exists(dir_ + "/s.sock"));

  const std::string tsv = tmp_.Write("pairs.tsv", "ارتفعت الأسعار\tPrices rose\nانتهى الاجتماع\tThe meeting ended\n");
  for (const char* priority : {"idle", "low", "normal"}) {
    SCOPED_TRACE(priority);
    const std::string sock = dir_ + "/p.sock";
    test_support::BackgroundProcess serve({DHAKIRA_CLI_BINARY, "--db", dir_ + "/tm-" + priority, "serve", "--socket",
                                           sock, "--import-priority", priority},
                                          test_support::BackgroundOptions{.pipe_stdout = true});
    ASSERT_TRUE(serve.running());
    ASSERT_EQ(serve.ReadLine(), "listening unix:" + sock);
    ProcessResult imported =
        Cli({"--server", "unix:" + sock, "import", tsv, "--src-lang", "ar", "--tgt-lang", "en", "--json"});
    ASSERT_EQ(imported.exit_code, 0) << imported.out;
    EXPECT_NE(imported.out.find("\"added\":2"), std::string::npos) << imported.out;
    ASSERT_TRUE(serve.Kill(SIGTERM));
    const int status = serve.Wait();
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
}

TEST_F(CliServiceTest, ImportLimitsAreOptionsOfServe) {
  ProcessResult bad = Cli({"--db", dir_ + "/tm", "serve", "--socket", dir_ + "/s.sock", "--import-idle-ms", "5"});
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_NE(bad.out.find("import_idle_timeout_ms: 5 is outside"), std::string::npos) << bad.out;

  const std::string sock = dir_ + "/s.sock";
  test_support::BackgroundProcess serve(
      {DHAKIRA_CLI_BINARY, "--db", dir_ + "/tm", "serve", "--socket", sock, "--max-import-bytes", "40"},
      test_support::BackgroundOptions{.pipe_stdout = true});
  ASSERT_TRUE(serve.running());
  ASSERT_EQ(serve.ReadLine(), "listening unix:" + sock);
  const std::string tsv = tmp_.Write("pairs.tsv", "ارتفعت الأسعار\tPrices rose\nانتهى الاجتماع\tThe meeting ended\n");
  ProcessResult imported = Cli({"--server", "unix:" + sock, "import", tsv, "--src-lang", "ar", "--tgt-lang", "en"});
  EXPECT_EQ(imported.exit_code, 1) << imported.out;
  EXPECT_NE(imported.out.find("larger than the server's import limit of 40 bytes"), std::string::npos) << imported.out;
  ProcessResult stats = Cli({"--server", "unix:" + sock, "stats", "--json"});
  ASSERT_EQ(stats.exit_code, 0) << stats.out;
  EXPECT_NE(stats.out.find("\"segments\":0"), std::string::npos) << stats.out;
}

}  // namespace
}  // namespace dhakira
