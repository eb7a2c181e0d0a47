#include "testing/cli_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

extern char** environ;

namespace dhakira::test_support {
namespace {

namespace fs = std::filesystem;

// Closes the descriptors it holds (a pipe end may be handed over early by setting it to -1).
struct Fds {
  int fd[6] = {-1, -1, -1, -1, -1, -1};
  ~Fds() {
    for (int f : fd)
      if (f >= 0) ::close(f);
  }
};

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

std::string NameOf(const std::string& entry) { return entry.substr(0, entry.find('=')); }

// The child's environment as described at RunProcess(): later entries replace earlier ones of the
// same name.
std::vector<std::string> ChildEnvironment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  auto set = [&env](const std::string& entry) {
    const std::string name = NameOf(entry);
    for (std::string& e : env) {
      if (NameOf(e) == name) {
        e = entry;
        return;
      }
    }
    env.push_back(entry);
  };
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string name = NameOf(*e);
    if (name != "LANGUAGE" && name != "LANG" && name != "LC_ALL" && name != "LC_MESSAGES" && name != "DHAKIRA_DB") {
      env.emplace_back(*e);
    }
  }
  set("LC_ALL=C.UTF-8");
  for (const std::string& e : extra) set(e);
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

ProcessResult Failed(const std::string& what) {
  ProcessResult r;
  r.err = "cli_runner: " + what + ": " + std::strerror(errno);
  return r;
}

// Starts argv with the environment described at RunProcess(); the child's stdin, stdout and stderr
// are dup2'ed from `in`, `out` and `err`, or /dev/null where they are -1. Returns its pid, or -1
// with errno set.
pid_t Spawn(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env, int in, int out, int err) {
  std::vector<std::string> args = argv;
  std::vector<std::string> env = ChildEnvironment(extra_env);
  std::vector<char*> c_args = CStrings(args), c_env = CStrings(env);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const int fds[3] = {in, out, err};
  for (int target = 0; target < 3; ++target) {
    if (fds[target] >= 0) {
      posix_spawn_file_actions_adddup2(&actions, fds[target], target);
    } else {
      posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0);
    }
  }
  pid_t pid = -1;
  const int spawned = ::posix_spawnp(&pid, c_args[0], &actions, nullptr, c_args.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    errno = spawned;
    return -1;
  }
  return pid;
}

}  // namespace

ProcessResult RunProcess(const std::vector<std::string>& argv, const RunOptions& options) {
  if (argv.empty()) return ProcessResult{-1, "", "cli_runner: no program to run"};
  // fd[0..1]: stdin pipe, fd[2..3]: stdout pipe, fd[4..5]: stderr pipe; all close-on-exec, the
  // child gets its ends through dup2.
  Fds p;
  const bool feed = !options.input.empty();
  if ((feed && ::pipe2(p.fd, O_CLOEXEC) != 0) || ::pipe2(p.fd + 2, O_CLOEXEC) != 0 ||
      (!options.merge_stderr && ::pipe2(p.fd + 4, O_CLOEXEC) != 0)) {
    return Failed("pipe");
  }
  const pid_t pid = Spawn(argv, options.env, feed ? p.fd[0] : -1, p.fd[3], options.merge_stderr ? p.fd[3] : p.fd[5]);
  if (pid < 0) return Failed("cannot run " + argv[0]);
  CloseFd(p.fd[0]);
  CloseFd(p.fd[3]);
  CloseFd(p.fd[5]);
  if (feed) ::fcntl(p.fd[1], F_SETFL, O_NONBLOCK);

  // A child that exits without reading all its input must not kill the test with SIGPIPE: write()
  // then fails with EPIPE instead.
  struct sigaction ignore = {}, previous = {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &previous);

  ProcessResult r;
  size_t written = 0;
  bool timed_out = false;
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  while (p.fd[1] >= 0 || p.fd[2] >= 0 || p.fd[4] >= 0) {
    pollfd polls[3];
    int n = 0;
    if (p.fd[1] >= 0) polls[n++] = {p.fd[1], POLLOUT, 0};
    if (p.fd[2] >= 0) polls[n++] = {p.fd[2], POLLIN, 0};
    if (p.fd[4] >= 0) polls[n++] = {p.fd[4], POLLIN, 0};
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    if (::poll(polls, n, static_cast<int>(left.count())) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < n; ++i) {
      if (polls[i].revents == 0) continue;
      const int fd = polls[i].fd;
      if (fd == p.fd[1]) {
        const ssize_t w = ::write(fd, options.input.data() + written, options.input.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == options.input.size()) {
          CloseFd(p.fd[1]);
        }
        continue;
      }
      char buf[65536];
      const ssize_t got = ::read(fd, buf, sizeof buf);
      if (got > 0) {
        (fd == p.fd[2] ? r.out : r.err).append(buf, static_cast<size_t>(got));
      } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
        CloseFd(fd == p.fd[2] ? p.fd[2] : p.fd[4]);
      }
    }
  }
  ::sigaction(SIGPIPE, &previous, nullptr);
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.exit_code = !timed_out && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (timed_out) r.err += "\ncli_runner: killed after the timeout";
  return r;
}

ProcessResult RunCli(const std::vector<std::string>& args, const RunOptions& options) {
  std::vector<std::string> argv{DHAKIRA_CLI_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, options);
}

namespace {

// Runs Python `program` with `input` on stdin; returns what it prints, without the final newline.
std::string Python(const std::string& program, const std::string& input) {
  RunOptions options;
  options.input = input;
  options.merge_stderr = true;
  ProcessResult r = RunProcess({"python3", "-c", "import json,sys\n" + program}, options);
  if (r.exit_code != 0) return "python failed: " + r.out + r.err;
  while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
  return r.out;
}

}  // namespace

std::string PyOnJsonLines(const std::string& json_lines, const std::string& expr) {
  return Python("docs=[json.loads(l) for l in sys.stdin.buffer if l.strip()]\nprint(" + expr + ")", json_lines);
}

std::string PyOnJson(const std::string& json, const std::string& expr) {
  return Python("doc=json.loads(sys.stdin.buffer.read())\nprint(" + expr + ")", json);
}

bool IsJsonLines(const std::string& text) { return PyOnJsonLines(text, "'ok'") == "ok"; }

std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv, const BackgroundOptions& options) {
  if (argv.empty()) return;
  Fds p;  // fd[0..1]: stdin pipe, fd[2..3]: stdout pipe
  if ((options.pipe_stdin && ::pipe2(p.fd, O_CLOEXEC) != 0) ||
      (options.pipe_stdout && ::pipe2(p.fd + 2, O_CLOEXEC) != 0)) {
    return;
  }
  pid_ = Spawn(argv, options.env, p.fd[0], p.fd[3], -1);
  if (pid_ < 0) return;
  std::swap(stdin_fd_, p.fd[1]);
  std::swap(stdout_fd_, p.fd[2]);
}

BackgroundProcess::~BackgroundProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    Wait();
  }
  CloseStdin();
  CloseFd(stdout_fd_);
}

bool BackgroundProcess::WriteLine(const std::string& line) {
  if (stdin_fd_ < 0) return false;
  const std::string data = line + "\n";
  // As in RunProcess(): EPIPE rather than SIGPIPE when the child has gone.
  struct sigaction ignore = {}, previous = {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &previous);
  size_t written = 0;
  while (written < data.size()) {
    const ssize_t w = ::write(stdin_fd_, data.data() + written, data.size() - written);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    written += static_cast<size_t>(w);
  }
  ::sigaction(SIGPIPE, &previous, nullptr);
  return written == data.size();
}

void BackgroundProcess::CloseStdin() { CloseFd(stdin_fd_); }

std::string BackgroundProcess::ReadLine(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const size_t nl = buffered_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffered_.substr(0, nl);
      buffered_.erase(0, nl + 1);
      return line;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return "(timeout)";
    if (stdout_fd_ >= 0) {
      pollfd poll_fd{stdout_fd_, POLLIN, 0};
      const int ready = ::poll(&poll_fd, 1, static_cast<int>(left.count()));
      if (ready == 0 || (ready < 0 && errno == EINTR)) continue;  // a timeout is reported above
      char chunk[4096];
      const ssize_t got = ready > 0 ? ::read(stdout_fd_, chunk, sizeof chunk) : -1;
      if (got > 0) {
        buffered_.append(chunk, static_cast<size_t>(got));
        continue;
      }
    }
    // End of output (or an error reading it).
    std::string rest = std::move(buffered_);
    buffered_.clear();
    return rest.empty() ? "(end of output)" : rest;
  }
}

bool BackgroundProcess::Kill(int signal) { return pid_ > 0 && ::kill(pid_, signal) == 0; }

int BackgroundProcess::Wait() {
  if (pid_ <= 0) return -1;
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  pid_ = -1;
  return status;
}

void CliTest::SetUp() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name =
      "dhakira_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" + std::to_string(::getpid());
  for (char& c : name) c = c == '/' ? '_' : c;  // parameterised tests have '/' in their names
  dir_ = fs::temp_directory_path() / name;
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  db_ = (dir_ / "tm.db").string();
}

void CliTest::TearDown() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

ProcessResult CliTest::Dhakira(const std::vector<std::string>& args, const std::string& input,
                               const std::vector<std::string>& env) {
  RunOptions options;
  options.input = input;
  options.env = {"DHAKIRA_DB=" + db_};
  options.env.insert(options.env.end(), env.begin(), env.end());
  return RunCli(args, options);
}

std::string CliTest::Write(const std::string& name, const std::string& content) const {
  const std::string path = (dir_ / name).string();
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

}  // namespace dhakira::test_support
