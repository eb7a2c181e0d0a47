// dhakira: the command-line front end. Parses the global flags, picks a command, runs it.
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "backend.h"
#include "cli.h"

namespace dhakira::cli {
namespace {

void PrintUsage(const Context& ctx, std::ostream& os) {
  os << Tr("Usage:") << " dhakira [--db PATH] COMMAND [OPTIONS] [ARGS]\n\n"
     << Tr("dhakira keeps a translation memory of aligned segment pairs and serves matches from it.") << "\n\n"
     << Tr("Commands:") << '\n';
  for (const auto& [name, cmd] : Commands()) {
    std::string left = "  " + name;
    if (left.size() < 16) left.resize(16, ' ');
    os << left << ' ' << Tr(cmd.summary) << '\n';
  }
  os << '\n'
     << Tr("Global options:") << '\n'
     << "  --db PATH       " << Tr("the translation memory (default: $DHAKIRA_DB, else ./dhakira.db)") << '\n'
     << "  --server ADDR   " << Tr("work through a running 'dhakira serve' (unix:PATH or HOST:PORT)") << '\n'
     << "  --help          " << Tr("show this help and exit") << '\n'
     << "  --version       " << Tr("show the version and exit") << "\n\n"
     << Trf("Run '{1} COMMAND --help' for a command's options.", ctx.program) << '\n';
}

// The last line of defence against a damaged TM (docs/storage.md "Damage detection"): commands check
// the page structure before LMDB reads it, but a file damaged after that check, or damage no check
// sees, can still make LMDB fault. Then say so and exit 1 instead of dying of the signal. Only
// async-signal-safe calls here (write, _exit). DHAKIRA_NO_CRASH_HANDLER=1 leaves the default action
// (a core dump for debugging; the corruption tests use it to see real crashes).
void OnFatalSignal(int sig) {
  static const char kMsg[] =
      "dhakira: invalid memory access while reading the TM: data.mdb may be damaged; run "
      "'dhakira check' (restore it from a backup or re-import when it reports damage)\n";
  ssize_t ignored = write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
  (void)ignored;
  (void)sig;
  _exit(kExitFailure);
}

void InstallFatalSignalHandler() {
#if defined(__SANITIZE_ADDRESS__)
  // Under AddressSanitizer its own SEGV handler reports where the fault was; ours would hide that.
  return;
#endif
  const char* off = std::getenv("DHAKIRA_NO_CRASH_HANDLER");
  if (off != nullptr && std::strcmp(off, "1") == 0) return;
  // An alternate stack, so that the handler also runs when the fault is a stack overflow.
  static char alt_stack[64 * 1024];
  stack_t ss{};
  ss.ss_sp = alt_stack;
  ss.ss_size = sizeof alt_stack;
  sigaltstack(&ss, nullptr);
  struct sigaction sa {};
  sa.sa_handler = OnFatalSignal;
  sa.sa_flags = SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, nullptr);
  sigaction(SIGBUS, &sa, nullptr);
}

int Main(int argc, char** argv) {
  InstallFatalSignalHandler();
  // Results and JSON are written in the classic locale whatever the environment says
  // (docs/cat-tools.md#locale-of-output).
  std::cout.imbue(std::locale::classic());
  std::cerr.imbue(std::locale::classic());
  InitMessages();

  Context ctx;
  ctx.program = "dhakira";
  ctx.out = &std::cout;
  ctx.err = &std::cerr;
  const char* env_db = std::getenv("DHAKIRA_DB");
  ctx.db_path = (env_db != nullptr && *env_db != '\0') ? env_db : "./dhakira.db";

  std::vector<std::string> args(argv + 1, argv + argc);
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      PrintUsage(ctx, std::cout);
      return kExitOk;
    }
    if (a == "--version") {
      std::cout << "dhakira " << DHAKIRA_VERSION << '\n';
      return kExitOk;
    }
    if (a == "--db" || a == "--server") {
      if (i + 1 >= args.size()) return UsageError(ctx, "", Trf("option '{1}' needs a value", a));
      (a == "--db" ? ctx.db_path : ctx.server) = args[++i];
      continue;
    }
    if (a.rfind("--db=", 0) == 0) {
      ctx.db_path = a.substr(5);
      continue;
    }
    if (a.rfind("--server=", 0) == 0) {
      ctx.server = a.substr(9);
      continue;
    }
    if (!a.empty() && a[0] == '-') {
      std::cerr << "dhakira: " << Trf("unknown option '{1}'", a) << '\n';
      PrintUsage(ctx, std::cerr);
      return kExitUsage;
    }
    break;
  }
  if (i >= args.size()) {
    PrintUsage(ctx, std::cerr);
    return kExitUsage;
  }
  const std::string& name = args[i];
  if (name == "help") {
    if (i + 1 < args.size()) {
      auto it = Commands().find(args[i + 1]);
      if (it != Commands().end()) return it->second.run(ctx, {"--help"});
    }
    PrintUsage(ctx, std::cout);
    return kExitOk;
  }
  auto it = Commands().find(name);
  if (it == Commands().end()) {
    std::cerr << "dhakira: " << Trf("unknown command '{1}'", name) << '\n';
    PrintUsage(ctx, std::cerr);
    return kExitUsage;
  }
  if (!ctx.server.empty()) {
    if (Status remote = CheckServerSupport(name); !remote.ok()) {
      return UsageError(ctx, name, remote.message());
    }
  }
  std::vector<std::string> rest(args.begin() + static_cast<long>(i) + 1, args.end());
  return it->second.run(ctx, rest);
}

}  // namespace
}  // namespace dhakira::cli

int main(int argc, char** argv) {
  try {
    return dhakira::cli::Main(argc, argv);
  } catch (const std::exception& e) {
    // The engine reports failures as Status; this only catches std::bad_alloc and the like.
    std::cerr << "dhakira: internal error: " << e.what() << '\n';
    return dhakira::cli::kExitFailure;
  }
}
