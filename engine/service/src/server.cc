// Server: transport, safety and lifecycle around TranslationMemoryService.
//
// Access control is the socket file's permissions (docs/cat-tools.md#sockets-and-access-control): the socket is created
// owner-only, and TCP is bound to loopback only. gRPC's sync server runs the handlers on its own thread pool (bounded
// by a ResourceQuota); Shutdown() gives in-flight calls a grace period, then cancels them.
#include <absl/synchronization/mutex.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>

#include "dhakira/service.h"
#include "service_impl.h"

namespace dhakira {
namespace {

constexpr const char* kServiceName = "dhakira.v1.TranslationMemory";

std::string Errno(int err) { return std::strerror(err); }

// What is at `path` when we want to serve a socket there: nothing (fine), a stale socket (removed), a live
// server (refused: we never steal another server's socket) or something else (refused, never deleted).
Status ClaimSocketPath(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::OK();
    return Status::IOError("socket " + path + ": cannot inspect it: " + Errno(errno));
  }
  if (!S_ISSOCK(st.st_mode)) {
    return Status::FailedPrecondition("socket " + path +
                                      ": a file that is not a socket is in the way; not replacing it");
  }
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IOError("socket " + path + ": socket(): " + Errno(errno));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  const int err = errno;
  ::close(fd);
  if (rc == 0) {
    return Status::FailedPrecondition("socket " + path +
                                      ": another server is listening on it; stop that one first or "
                                      "choose another socket with --socket");
  }
  if (err != ECONNREFUSED) {
    return Status::FailedPrecondition("socket " + path + ": cannot tell whether a server owns it (" + Errno(err) +
                                      "); not replacing it");
  }
  // Nobody accepts on it: a server that died without cleaning up. Replace it.
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return Status::IOError("socket " + path + ": cannot remove the stale socket: " + Errno(errno));
  }
  return Status::OK();
}

// Binds a socket at `path` (free) and removes it again, so that a directory we may not create it in
// (read-only, not writable, not a real directory) is reported with the system's reason, not as
// gRPC's "no address added".
Status ProbeSocketPath(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IOError("socket " + path + ": socket(): " + Errno(errno));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const mode_t old_mask = ::umask(0177);
  const int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  const int err = errno;
  ::umask(old_mask);
  ::close(fd);
  if (rc != 0) return Status::IOError("socket " + path + ": cannot create it: " + Errno(err));
  ::unlink(path.c_str());
  return Status::OK();
}

// Loopback only: the service has no authentication, so it must not be reachable from the network.
Status CheckLoopback(const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon + 1 == address.size()) {
    return Status::InvalidArgument("listen address '" + address + "': expected HOST:PORT, e.g. 127.0.0.1:7411");
  }
  const std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 || std::stoul(port) > 65535) {
    return Status::InvalidArgument("listen address '" + address + "': port '" + port + "' is not a number 0 .. 65535");
  }
  if (host != "127.0.0.1" && host != "localhost" && host != "[::1]") {
    return Status::InvalidArgument("listen address '" + address +
                                   "': only loopback hosts are allowed (127.0.0.1, [::1], localhost); "
                                   "the service has no authentication");
  }
  return Status::OK();
}

class ServerImpl final : public Server {
 public:
  ServerImpl(TranslationMemory* store, const ServerOptions& options) : options_(options), service_(store, options) {}

  ~ServerImpl() override {
    Shutdown();
    Wait();
  }

  Status Start() {
    if (!options_.socket_path.empty()) {
      std::error_code ec;
      std::filesystem::path p = std::filesystem::absolute(options_.socket_path, ec);
      if (ec) return Status::IOError("socket " + options_.socket_path + ": " + ec.message());
      socket_path_ = p.lexically_normal().string();
      if (socket_path_.size() >= sizeof(sockaddr_un{}.sun_path)) {
        return Status::InvalidArgument("socket " + socket_path_ + ": path is " + std::to_string(socket_path_.size()) +
                                       " bytes; Unix sockets allow at most 107");
      }
      const std::filesystem::path dir = p.parent_path();
      if (!std::filesystem::is_directory(dir, ec)) {
        return Status::NotFound("socket " + socket_path_ + ": directory " + dir.string() + " does not exist");
      }
      DHAKIRA_RETURN_IF_ERROR(ClaimSocketPath(socket_path_));
      DHAKIRA_RETURN_IF_ERROR(ProbeSocketPath(socket_path_));
    }
    if (!options_.listen_address.empty()) DHAKIRA_RETURN_IF_ERROR(CheckLoopback(options_.listen_address));

    // gRPC's locks are abseil Mutexes, and Debian builds abseil without NDEBUG: every lock and unlock
    // then feeds the deadlock detector, a process-wide lock-order graph under one spin lock (measured:
    // ~4% of the server's CPU under 4 clients doing lookups). That is a debugging aid, off in abseil's
    // release builds; process-wide, like gRPC itself.
    absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    builder.SetMaxReceiveMessageSize(static_cast<int>(options_.max_message_bytes));
    grpc::ResourceQuota quota("dhakira");
    quota.SetMaxThreads(static_cast<int>(options_.max_threads));
    builder.SetResourceQuota(quota);
    int unix_ok = 0;
    if (!socket_path_.empty()) {
      builder.AddListeningPort("unix:" + socket_path_, grpc::InsecureServerCredentials(), &unix_ok);
    }
    if (!options_.listen_address.empty()) {
      builder.AddListeningPort(options_.listen_address, grpc::InsecureServerCredentials(), &tcp_port_);
    }
    builder.RegisterService(&service_);

    // The socket must never be reachable by others, not even between bind() and a chmod(): create it under
    // umask 0177. umask is per process; Start() runs before the server has threads of its own, and callers
    // start servers at startup (documented in docs/service.md).
    const mode_t old_mask = ::umask(0177);
    server_ = builder.BuildAndStart();
    ::umask(old_mask);
    if (server_ == nullptr) {
      return Status::IOError("cannot start the gRPC server on " +
                             (socket_path_.empty() ? std::string() : "unix:" + socket_path_ + " ") +
                             options_.listen_address + " (address in use, or no permission)");
    }
    if (!socket_path_.empty()) {
      if (unix_ok == 0) return Status::IOError("cannot listen on socket " + socket_path_);
      if (::chmod(socket_path_.c_str(), 0600) != 0) {
        return Status::IOError("socket " + socket_path_ + ": chmod 0600: " + Errno(errno));
      }
      owns_socket_ = true;
    }
    if (!options_.listen_address.empty() && tcp_port_ == 0) {
      return Status::IOError("cannot listen on " + options_.listen_address + " (port in use?)");
    }
    if (grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService()) {
      health->SetServingStatus(true);
      health->SetServingStatus(kServiceName, true);
    }
    return Status::OK();
  }

  const std::string& socket_path() const override { return socket_path_; }
  int tcp_port() const override { return tcp_port_; }

  std::vector<std::string> addresses() const override {
    std::vector<std::string> out;
    if (!socket_path_.empty()) out.push_back("unix:" + socket_path_);
    if (tcp_port_ != 0) {
      const std::string host = options_.listen_address.substr(0, options_.listen_address.rfind(':'));
      out.push_back(host + ":" + std::to_string(tcp_port_));
    }
    return out;
  }

  void Shutdown() override {
    std::call_once(shutdown_once_, [this] {
      if (server_ == nullptr) return;
      // Health first, so probes see NOT_SERVING while in-flight calls drain.
      if (grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService()) health->Shutdown();
      // Imports stop in time to answer within the grace (they would run on after gRPC's cancel).
      service_.BeginShutdown(std::chrono::milliseconds(options_.shutdown_grace_ms));
      server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(options_.shutdown_grace_ms));
    });
  }

  void Wait() override {
    std::call_once(wait_once_, [this] {
      if (server_ != nullptr) server_->Wait();
      if (owns_socket_) ::unlink(socket_path_.c_str());
    });
  }

 private:
  ServerOptions options_;
  service::TranslationMemoryService service_;
  std::unique_ptr<grpc::Server> server_;
  std::string socket_path_;
  bool owns_socket_ = false;
  int tcp_port_ = 0;
  std::once_flag shutdown_once_, wait_once_;
};

}  // namespace

Status ServerOptions::Validate() const {
  if (socket_path.empty() && listen_address.empty()) {
    return Status::InvalidArgument("socket_path / listen_address: give at least one address to serve on");
  }
  if (max_message_bytes < (4u << 10) || max_message_bytes > (1ull << 30)) {
    return Status::InvalidArgument("max_message_bytes: " + std::to_string(max_message_bytes) +
                                   " is outside 4096 .. 1073741824");
  }
  if (max_query_bytes < 16 || max_query_bytes > (16ull << 20)) {
    return Status::InvalidArgument("max_query_bytes: " + std::to_string(max_query_bytes) +
                                   " is outside 16 .. 16777216");
  }
  if (max_batch_segments < 1 || max_batch_segments > 1'000'000) {
    return Status::InvalidArgument("max_batch_segments: " + std::to_string(max_batch_segments) +
                                   " is outside 1 .. 1000000");
  }
  if (max_top < 1 || max_top > 1000) {
    return Status::InvalidArgument("max_top: " + std::to_string(max_top) + " is outside 1 .. 1000");
  }
  if (max_concordance_top < 1 || max_concordance_top > 10'000) {
    return Status::InvalidArgument("max_concordance_top: " + std::to_string(max_concordance_top) +
                                   " is outside 1 .. 10000");
  }
  if (max_threads < 2 || max_threads > 1024) {
    return Status::InvalidArgument("max_threads: " + std::to_string(max_threads) + " is outside 2 .. 1024");
  }
  if (import_nice < 0 || import_nice > 19) {
    return Status::InvalidArgument("import_nice: " + std::to_string(import_nice) + " is outside 0 .. 19");
  }
  if (import_idle_timeout_ms < 100 || import_idle_timeout_ms > 3'600'000) {
    return Status::InvalidArgument("import_idle_timeout_ms: " + std::to_string(import_idle_timeout_ms) +
                                   " is outside 100 .. 3600000");
  }
  if (shutdown_grace_ms > 3'600'000) {
    return Status::InvalidArgument("shutdown_grace_ms: " + std::to_string(shutdown_grace_ms) +
                                   " is outside 0 .. 3600000");
  }
  return Status::OK();
}

std::string DefaultSocketPath() {
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  if (runtime != nullptr && *runtime != '\0') return std::string(runtime) + "/dhakira.sock";
  return "./dhakira.sock";
}

StatusOr<std::unique_ptr<Server>> Server::Start(TranslationMemory* store, const ServerOptions& options) {
  if (store == nullptr) return Status::InvalidArgument("Server::Start: store is null");
  DHAKIRA_RETURN_IF_ERROR(options.Validate());
  auto server = std::make_unique<ServerImpl>(store, options);
  DHAKIRA_RETURN_IF_ERROR(server->Start());
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace dhakira
