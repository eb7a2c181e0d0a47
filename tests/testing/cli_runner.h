// Runs the built `dhakira` binary (or any program) as a child process and captures what it prints,
// for the end-to-end tests. Include as "testing/cli_runner.h"; every test executable links it.
#ifndef DHAKIRA_TESTS_TESTING_CLI_RUNNER_H_
#define DHAKIRA_TESTS_TESTING_CLI_RUNNER_H_

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "testing/files.h"  // ReadFile, NonEmptyLines: most CLI tests want them

namespace dhakira::test_support {

// What a finished child process did.
struct ProcessResult {
  // Its exit status (0..255); -1 when it was killed by a signal, timed out or could not be started.
  int exit_code = -1;
  std::string out;  // everything it wrote to stdout (and stderr too with RunOptions::merge_stderr)
  std::string err;  // everything it wrote to stderr; a note from the runner when it could not run it
};

struct RunOptions {
  // Bytes fed to the child's stdin, which is then closed; empty: stdin is /dev/null.
  std::string input;
  // NAME=VALUE entries set in the child's environment after the defaults (see Run), overriding
  // them.
  std::vector<std::string> env = {};
  // True: stderr goes to the same pipe as stdout (ProcessResult::out, interleaved as written).
  bool merge_stderr = false;
  // Wall-clock limit; the child is killed with SIGKILL when it is exceeded (exit_code -1). Range >
  // 0.
  std::chrono::milliseconds timeout = std::chrono::minutes(2);
};

// Runs argv[0] (a path, or a name looked up on PATH) with arguments argv[1..], without a shell, and
// waits for it. Its environment is the test's own without LANGUAGE, LANG, LC_ALL, LC_MESSAGES and
// DHAKIRA_DB, plus LC_ALL=C.UTF-8 (so messages are the untranslated ones), plus options.env. Safe
// to call while the test process runs threads (it spawns with posix_spawn).
ProcessResult RunProcess(const std::vector<std::string>& argv, const RunOptions& options = {});

// RunProcess() of the dhakira binary built with the tests (DHAKIRA_CLI_BINARY) with `args`.
ProcessResult RunCli(const std::vector<std::string>& args, const RunOptions& options = {});

// Evaluates the Python 3 expression `expr` with `docs` bound to the list of JSON documents, one per
// non-empty line of `json_lines`, and returns what print() writes without the final newline; starts
// with "python failed:" and the traceback when a line is not JSON or the expression fails.
std::string PyOnJsonLines(const std::string& json_lines, const std::string& expr);

// The same with `doc` bound to `json`, one JSON document (which may span lines).
std::string PyOnJson(const std::string& json, const std::string& expr);

// True when every non-empty line of `text` is a JSON document.
bool IsJsonLines(const std::string& text);

// `s` quoted for a POSIX shell (for the scripts some clients read).
std::string ShellQuote(const std::string& s);

struct BackgroundOptions {
  // NAME=VALUE entries for its environment, as RunOptions::env.
  std::vector<std::string> env = {};
  // True: its stdin is a pipe fed by WriteLine() and closed by CloseStdin(); false: /dev/null.
  bool pipe_stdin = false;
  // True: its stdout is a pipe read by ReadLine(); false: /dev/null. Its stderr is /dev/null.
  bool pipe_stdout = false;
};

// A child process left running while the test works: a server, an import to kill mid-way, a command
// fed one line at a time as a CAT tool feeds it. Started as RunProcess() starts one (no shell, same
// environment rules). The destructor kills it with SIGKILL and reaps it unless Wait() did.
class BackgroundProcess {
 public:
  explicit BackgroundProcess(const std::vector<std::string>& argv, const BackgroundOptions& options = {});
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  // False when it could not be started, or once Wait() reaped it.
  bool running() const { return pid_ > 0; }
  // Writes `line` and '\n' to its stdin (pipe_stdin); false when that fails (e.g. it has exited).
  bool WriteLine(const std::string& line);
  // Closes its stdin (end of input).
  void CloseStdin();
  // The next line of its stdout (pipe_stdout) without the '\n'. At the end of its output: what is
  // left, or "(end of output)" when nothing is; "(timeout)" when no whole line comes in `timeout`.
  std::string ReadLine(std::chrono::milliseconds timeout = std::chrono::minutes(1));
  // Sends `signal` (e.g. SIGTERM); false when it is not running.
  bool Kill(int signal);
  // Waits for it to end and returns its wait status (WIFEXITED …); -1 when it is not running. A
  // child that reads its stdin to the end needs CloseStdin() first.
  int Wait();

 private:
  int pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::string buffered_;  // read from stdout, not yet returned by ReadLine()
};

// Fixture for CLI tests: a fresh directory per test (removed afterwards) holding the TM the CLI is
// run on.
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Runs dhakira with `args` on the TM db_ (DHAKIRA_DB), stdin `input`; `env` as in
  // RunOptions::env, e.g. {"LC_ALL=ar_SY.UTF-8"}.
  ProcessResult Dhakira(const std::vector<std::string>& args, const std::string& input = "",
                        const std::vector<std::string>& env = {});
  // Writes `content` to dir_/name and returns that path.
  std::string Write(const std::string& name, const std::string& content) const;

  std::filesystem::path dir_;  // the test's directory
  std::string db_;             // dir_/tm.db, not created until a command writes to it
};

}  // namespace dhakira::test_support

#endif  // DHAKIRA_TESTS_TESTING_CLI_RUNNER_H_
