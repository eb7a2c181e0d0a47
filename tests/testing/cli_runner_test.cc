// The test helpers themselves: the process runner (pipes, exit codes, environment, timeout), the
// background process, TempDir and the shared-directory check.
#include "testing/cli_runner.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <filesystem>
#include <string>

#include "testing/files.h"
#include "testing/shared_data.h"

namespace dhakira::test_support {
namespace {

TEST(RunProcessTest, FeedsStdinAndSeparatesOutputs) {
  std::string input;
  for (int i = 0; i < 20000; ++i) input += "line " + std::to_string(i) + "\n";  // > a pipe's buffer
  RunOptions options;
  options.input = input;
  ProcessResult r = RunProcess({"sh", "-c", "cat; echo oops >&2; exit 3"}, options);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, input);
  EXPECT_EQ(r.err, "oops\n");

  options.input.clear();
  options.merge_stderr = true;
  r = RunProcess({"sh", "-c", "echo a; echo b >&2"}, options);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "a\nb\n");
  EXPECT_EQ(r.err, "");
}

TEST(RunProcessTest, ChildThatIgnoresItsInputDoesNotKillTheTest) {
  RunOptions options;
  options.input = std::string(1 << 20, 'x');
  ProcessResult r = RunProcess({"true"}, options);
  EXPECT_EQ(r.exit_code, 0);
}

TEST(RunProcessTest, EnvironmentIsCLocaleWithoutTmUnlessGiven) {
  ::setenv("DHAKIRA_DB", "/nonexistent/tm", 1);
  ::setenv("LANG", "ar_SY.UTF-8", 1);
  ProcessResult r = RunProcess({"sh", "-c", "echo \"$LC_ALL|$LANG|$DHAKIRA_DB\""});
  EXPECT_EQ(r.out, "C.UTF-8||\n");
  RunOptions options;
  options.env = {"LC_ALL=ar_SY.UTF-8", "DHAKIRA_DB=/tmp/x"};
  r = RunProcess({"sh", "-c", "echo \"$LC_ALL|$DHAKIRA_DB\""}, options);
  EXPECT_EQ(r.out, "ar_SY.UTF-8|/tmp/x\n");
  ::unsetenv("DHAKIRA_DB");
  ::unsetenv("LANG");
}

TEST(RunProcessTest, MissingProgramAndTimeoutAreReported) {
  ProcessResult missing = RunProcess({"/nonexistent/program"});
  EXPECT_EQ(missing.exit_code, -1);
  EXPECT_NE(missing.err.find("/nonexistent/program"), std::string::npos) << missing.err;

  RunOptions options;
  options.timeout = std::chrono::milliseconds(200);
  ProcessResult slow = RunProcess({"sleep", "30"}, options);
  EXPECT_EQ(slow.exit_code, -1);
  EXPECT_NE(slow.err.find("timeout"), std::string::npos) << slow.err;
}

TEST(RunProcessTest, RunsTheCli) {
  ProcessResult r = RunCli({"--version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(r.out.empty());
  EXPECT_EQ(RunCli({"no-such-command"}).exit_code, 2);
}

TEST(RunProcessTest, PythonOverJson) {
  EXPECT_EQ(PyOnJsonLines("{\"a\": 1}\n\n{\"a\": 2}\n", "[d['a'] for d in docs]"), "[1, 2]");
  EXPECT_EQ(PyOnJson("{\"a\":\n [1, 2]}", "doc['a'][1]"), "2");
  EXPECT_TRUE(IsJsonLines("{}\n[1]\n"));
  EXPECT_FALSE(IsJsonLines("{}\nnot json\n"));
}

TEST(BackgroundProcessTest, ReadsLinesAndReportsHowItEnded) {
  BackgroundProcess p({"sh", "-c", "echo ready; echo second; exec sleep 30"}, BackgroundOptions{.pipe_stdout = true});
  ASSERT_TRUE(p.running());
  EXPECT_EQ(p.ReadLine(), "ready");
  EXPECT_EQ(p.ReadLine(), "second");
  ASSERT_TRUE(p.Kill(SIGTERM));
  const int status = p.Wait();
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGTERM);
  EXPECT_FALSE(p.running());
  EXPECT_FALSE(p.Kill(SIGTERM));

  BackgroundProcess exits({"sh", "-c", "exit 4"});
  const int exit_status = exits.Wait();
  ASSERT_TRUE(WIFEXITED(exit_status));
  EXPECT_EQ(WEXITSTATUS(exit_status), 4);
}

TEST(BackgroundProcessTest, FedOneLineAtATime) {
  BackgroundProcess cat({"cat"}, BackgroundOptions{.pipe_stdin = true, .pipe_stdout = true});
  ASSERT_TRUE(cat.running());
  ASSERT_TRUE(cat.WriteLine("first"));
  EXPECT_EQ(cat.ReadLine(), "first");
  EXPECT_EQ(cat.ReadLine(std::chrono::milliseconds(100)), "(timeout)");  // cat waits for more input
  ASSERT_TRUE(cat.WriteLine("second"));
  EXPECT_EQ(cat.ReadLine(), "second");
  cat.CloseStdin();
  EXPECT_EQ(cat.ReadLine(), "(end of output)");
  const int status = cat.Wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_FALSE(cat.WriteLine("late"));
}

TEST(TempDirTest, MadeAndRemoved) {
  std::string path;
  {
    TempDir dir;
    ASSERT_TRUE(dir.ok());
    path = dir.path();
    EXPECT_EQ(ReadFile(dir.Write("a.txt", "x\ny")), "x\ny");
    EXPECT_EQ(Lines("x\n\ny\n"), (std::vector<std::string>{"x", "", "y"}));
    EXPECT_EQ(NonEmptyLines("x\n\ny\n"), (std::vector<std::string>{"x", "y"}));
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(SharedDataTest, EnvironmentOverridesAndAbsenceIsExplained) {
  ::setenv("DHAKIRA_SHARED_DIR", "/nonexistent/shared", 1);
  EXPECT_EQ(SharedPath("tmx/a.tmx"), "/nonexistent/shared/tmx/a.tmx");
  EXPECT_NE(SharedDirMissing().find("/nonexistent/shared"), std::string::npos);
  TempDir dir;
  ::setenv("DHAKIRA_SHARED_DIR", dir.path().c_str(), 1);
  EXPECT_EQ(SharedDirMissing(), "");
  ::unsetenv("DHAKIRA_SHARED_DIR");
  EXPECT_EQ(SharedDir(), DHAKIRA_SHARED_DIR);
}

}  // namespace
}  // namespace dhakira::test_support
