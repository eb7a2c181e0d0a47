// The CLI side of the service: `dhakira serve` as a process (ready line, SIGTERM stops it cleanly, socket
// removed) and `dhakira --server ADDRESS COMMAND` printing the same as the command run on the TM itself.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
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
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  // Starts `dhakira --db DIR/tm serve --socket DIR/s.sock` and waits for its "listening" line.
  void StartServe() {
    int out[2];
    ASSERT_EQ(::pipe(out), 0);
    pid_ = ::fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      ::close(out[0]);
      const int devnull = ::open("/dev/null", O_WRONLY);  // keep the test log free of its messages
      if (devnull >= 0) ::dup2(devnull, 2);
      const std::string db = dir_ + "/tm", sock = dir_ + "/s.sock";
      ::execl(DHAKIRA_CLI_BINARY, "dhakira", "--db", db.c_str(), "serve", "--socket", sock.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    std::string line;
    char c;
    while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(out[0]);
    ASSERT_EQ(line, "listening unix:" + dir_ + "/s.sock");
    address_ = line.substr(std::string("listening ").size());
  }

  test_support::TempDir tmp_;
  const std::string dir_ = tmp_.path();
  pid_t pid_ = -1;
  std::string address_;
};

TEST_F(CliServiceTest, ServeStopsCleanlyOnSigterm) {
  StartServe();
  ProcessResult added = Cli({"--server", address_, "add", "--src-lang", "ar", "--tgt-lang", "en",
                             "انتهى الاجتماع", "The meeting ended"});
  ASSERT_EQ(added.exit_code, 0) << added.out;
  ASSERT_EQ(::kill(pid_, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid_, &status, 0), pid_);
  pid_ = -1;
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
  ProcessResult added = Cli(
      Cat(remote, {"add", "--json", "--src-lang", "ar", "--tgt-lang", "en", "--origin", "Al-Watan",
                   "--note", "n", "ارتفعت الأسعار بنسبة 3 في المئة", "Prices rose 3 percent"}));
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

}  // namespace
}  // namespace dhakira
