// dhakira serve: the local gRPC service (dhakira.v1.TranslationMemory) for CAT tools and editors.
// Built only with the gRPC service (cli/CMakeLists.txt).
#include <pthread.h>
#include <signal.h>

#include <cstring>

#include "cli.h"
#include "dhakira/service.h"

namespace dhakira::cli {
namespace {

bool ParseServerOptions(const Context& ctx, const ArgParser& p, ServerOptions* out, int* exit_code);
int Serve(const Context& ctx, const ServerOptions& options);

int RunServe(Context& ctx, const std::vector<std::string>& args) {
  ServerOptions defaults;
  ArgParser p("serve", "serve [--socket PATH] [--listen 127.0.0.1:PORT] [OPTIONS]",
              N_("Serve the TM over gRPC (dhakira.v1.TranslationMemory) on a Unix socket and, optionally, "
                 "loopback TCP, until SIGINT or SIGTERM."));
  p.Value("socket", "PATH",
          "Unix socket, created owner-only (default: $XDG_RUNTIME_DIR/dhakira.sock, else ./dhakira.sock)")
      .Switch("no-socket", "serve TCP only (needs --listen)")
      .Value("listen", "HOST:PORT", "also serve on loopback TCP (127.0.0.1, [::1] or localhost; port 0 picks one)")
      .Switch("read-only", "refuse writes (upsert, delete, import)")
      .Value("max-message-bytes", "N", "largest request message in bytes", std::to_string(defaults.max_message_bytes))
      .Value("max-query-bytes", "N", "longest lookup or concordance text in bytes",
             std::to_string(defaults.max_query_bytes))
      .Value("max-batch", "N", "most segments per batch lookup", std::to_string(defaults.max_batch_segments))
      .Value("max-import-bytes", "N", "largest streamed import in bytes (0: no limit; it is spooled to disk)",
             std::to_string(defaults.max_import_bytes))
      .Value("import-idle-ms", "N", "an import upload that sends nothing for this long is cancelled, in milliseconds",
             std::to_string(defaults.import_idle_timeout_ms))
      .Value("threads", "N", "most calls served at once", std::to_string(defaults.max_threads))
      .Value("import-priority", "idle|low|normal",
             "CPU priority of imports sent to the server: idle (they run only when no lookup wants the "
             "CPU), low (niced) or normal",
             defaults.import_sched_idle ? "idle" : "low")
      .Value("grace-ms", "N", "on SIGINT/SIGTERM, how long in-flight calls may finish, in milliseconds",
             std::to_string(defaults.shutdown_grace_ms));
  int code = kExitOk;
  if (!p.Parse(ctx, args, &code)) return code;
  if (!p.positionals().empty()) return UsageError(ctx, "serve", Tr("takes no arguments"));
  if (!ctx.server.empty()) return UsageError(ctx, "serve", Tr("--server cannot be used with serve"));
  ServerOptions options;
  if (!ParseServerOptions(ctx, p, &options, &code)) return code;
  return Serve(ctx, options);
}

// Reads the serve flags into *options; false (with *exit_code set) on a usage error.
bool ParseServerOptions(const Context& ctx, const ArgParser& p, ServerOptions* out, int* exit_code) {
  ServerOptions& options = *out;
  int& code = *exit_code;
  auto usage = [&](const std::string& message) {
    code = UsageError(ctx, "serve", message);
    return false;
  };
  if (!p.Flag("no-socket")) options.socket_path = p.Has("socket") ? p.Get("socket") : DefaultSocketPath();
  options.listen_address = p.Get("listen");
  if (options.socket_path.empty() && options.listen_address.empty()) {
    return usage(Tr("--no-socket needs --listen"));
  }
  options.read_only = p.Flag("read-only");
  uint64_t v = 0;
  if (!p.GetUint(ctx, "max-message-bytes", &v, &code)) return false;
  options.max_message_bytes = v;
  if (!p.GetUint(ctx, "max-query-bytes", &v, &code)) return false;
  options.max_query_bytes = v;
  if (!p.GetUint(ctx, "max-batch", &v, &code)) return false;
  options.max_batch_segments = static_cast<uint32_t>(std::min<uint64_t>(v, UINT32_MAX));
  if (!p.GetUint(ctx, "max-import-bytes", &v, &code)) return false;
  options.max_import_bytes = v;
  if (!p.GetUint(ctx, "import-idle-ms", &v, &code)) return false;
  options.import_idle_timeout_ms = static_cast<uint32_t>(std::min<uint64_t>(v, UINT32_MAX));
  if (!p.GetUint(ctx, "threads", &v, &code)) return false;
  options.max_threads = static_cast<uint32_t>(std::min<uint64_t>(v, UINT32_MAX));
  if (!p.GetUint(ctx, "grace-ms", &v, &code)) return false;
  options.shutdown_grace_ms = static_cast<uint32_t>(std::min<uint64_t>(v, UINT32_MAX));
  if (p.Has("import-priority")) {
    const std::string priority = p.Get("import-priority");
    if (priority == "idle") {
      options.import_sched_idle = true;
    } else if (priority == "low") {
      options.import_sched_idle = false;
    } else if (priority == "normal") {
      options.import_sched_idle = false;
      options.import_nice = 0;
    } else {
      return usage(Trf("--import-priority: '{1}' is not idle, low or normal", priority));
    }
  }
  if (Status st = options.Validate(); !st.ok()) return usage(st.message());
  return true;
}

// Serves the TM at --db until SIGINT or SIGTERM.
int Serve(const Context& ctx, const ServerOptions& options) {
  auto store = OpenTm(ctx, options.read_only ? TmAccess::kRead : TmAccess::kCreate, StoreOptions(), TmWalk::kAlways);
  if (!store.ok()) return Fail(ctx, store.status());

  // Block SIGINT/SIGTERM before gRPC starts its threads (they inherit the mask), then wait for them here:
  // the shutdown runs in normal code, not in a signal handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto server = Server::Start(store->get(), options);
  if (!server.ok()) return Fail(ctx, server.status());
  // One "listening ADDRESS" line per address on stdout (for scripts), a human line on stderr.
  for (const std::string& address : (*server)->addresses()) *ctx.out << "listening " << address << '\n';
  ctx.out->flush();
  *ctx.err << "dhakira: " << Trf("serving {1}; stop with Ctrl-C or SIGTERM", ctx.db_path) << std::endl;

  int sig = 0;
  sigwait(&signals, &sig);
  *ctx.err << "dhakira: " << Trf("{1}: finishing calls in flight, then stopping", strsignal(sig)) << std::endl;
  (*server)->Shutdown();
  (*server)->Wait();
  server->reset();
  store->reset();  // closes the TM cleanly (LMDB environment) before we exit
  *ctx.err << "dhakira: " << Tr("stopped") << std::endl;
  return kExitOk;
}

}  // namespace
DHAKIRA_COMMAND("serve", "serve the TM to CAT tools over gRPC", RunServe);
}  // namespace dhakira::cli
