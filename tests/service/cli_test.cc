// The CLI side of the service: `dhakira serve` as a process (ready line, SIGTERM stops it cleanly, socket
// removed) and `dhakira --server ADDRESS COMMAND` printing the same as the command run on the TM itself.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

#include "dhakira/service.h"

namespace dhakira {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int exit_code = -1;
  std::string out;
};

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

CliRun Cli(const std::string& args) {
  CliRun run;
  const std::string cmd = std::string("LC_ALL=C.UTF-8 ") + DHAKIRA_CLI_BINARY + " " + args + " 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return run;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) run.out.append(buf, n);
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

class CliServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dhk-cli-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
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

  std::string dir_;
  pid_t pid_ = -1;
  std::string address_;
};

TEST_F(CliServiceTest, ServeStopsCleanlyOnSigterm) {
  StartServe();
  CliRun added = Cli("--server " + Quote(address_) + " add --src-lang ar --tgt-lang en " +
                     Quote("انتهى الاجتماع") + " " + Quote("The meeting ended"));
  ASSERT_EQ(added.exit_code, 0) << added.out;
  ASSERT_EQ(::kill(pid_, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid_, &status, 0), pid_);
  pid_ = -1;
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_FALSE(fs::exists(dir_ + "/s.sock"));
  // The TM was closed cleanly and holds the pair.
  CliRun stats = Cli("--db " + Quote(dir_ + "/tm") + " stats --json");
  ASSERT_EQ(stats.exit_code, 0) << stats.out;
  EXPECT_NE(stats.out.find("\"segments\":1"), std::string::npos) << stats.out;
}

TEST_F(CliServiceTest, RemoteCommandsPrintWhatLocalOnesPrint) {
  StartServe();
  const std::string remote = "--server " + Quote(address_) + " ";
  const std::string local = "--db " + Quote(dir_ + "/tm") + " ";
  CliRun added = Cli(remote + "add --json --src-lang ar --tgt-lang en --origin Al-Watan --note n " +
                     Quote("ارتفعت الأسعار بنسبة 3 في المئة") + " " + Quote("Prices rose 3 percent"));
  ASSERT_EQ(added.exit_code, 0) << added.out;
  EXPECT_NE(added.out.find("\"outcome\":\"added\""), std::string::npos) << added.out;

  for (const char* cmd : {"get 1", "get --json 1", "get --json --tokens 1", "stats --json"}) {
    CliRun r = Cli(remote + cmd);
    CliRun l = Cli(local + cmd);
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
  CliRun missing = Cli(remote + "get 99");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.out.find("99"), std::string::npos) << missing.out;

  CliRun deleted = Cli(remote + "delete 1");
  ASSERT_EQ(deleted.exit_code, 0) << deleted.out;
  CliRun gone = Cli(local + "get 1");
  EXPECT_EQ(gone.exit_code, 1) << gone.out;

  // A command that cannot work through a server says so instead of silently using a local TM.
  CliRun serve = Cli(remote + "serve");
  EXPECT_EQ(serve.exit_code, 2) << serve.out;
}

}  // namespace
}  // namespace dhakira
