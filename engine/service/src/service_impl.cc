// dhakira.v1.TranslationMemory: construction, shutdown, the checks every handler shares, and the
// administrative RPCs (Stats, Capabilities). The other handlers are in service_lookup.cc (Lookup,
// BatchLookup, Concordance), service_write.cc (Upsert, Delete, Get), service_import.cc (Import),
// service_export.cc (Export) and service_align.cc (Align). Only request checks and plumbing live in
// the handlers; convert.h maps the messages and the engine does the work.
#include "service_impl.h"

#include <grpcpp/grpcpp.h>
#include <sched.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "convert.h"
#include "handlers.h"

namespace dhakira::service {

TranslationMemoryService::TranslationMemoryService(TranslationMemory* store, const ServerOptions& options)
    : store_(store), options_(options), matchers_([store] { return store->NewMatcher(); }) {}

TranslationMemoryService::~TranslationMemoryService() {
  std::unique_lock<std::mutex> lock(batch_threads_mu_);
  batch_threads_done_.wait(lock, [this] { return batch_threads_ == 0; });
}

namespace {

// Moves every thread of this process that is in the SCHED_IDLE class (the import threads) back to
// the normal class, and a niced one back to nice 0. Best effort: an unprivileged process may be
// refused (RLIMIT_NICE); then the import only runs when the CPU is otherwise idle, as before.
void RestoreNormalScheduling() {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    const auto tid = static_cast<pid_t>(std::strtol(entry.path().filename().c_str(), nullptr, 10));
    if (tid <= 0) continue;
    if (::sched_getscheduler(tid) == SCHED_IDLE) {
      sched_param param{};
      (void)::sched_setscheduler(tid, SCHED_OTHER, &param);
    }
    errno = 0;
    if (::getpriority(PRIO_PROCESS, static_cast<id_t>(tid)) > 0 && errno == 0) {
      (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(tid), 0);
    }
  }
}

}  // namespace

void TranslationMemoryService::BeginShutdown(std::chrono::milliseconds grace) {
  const auto stop_at = std::chrono::steady_clock::now() + grace / 2;
  import_stop_at_.store(stop_at.time_since_epoch().count());
  if (shutting_down_.exchange(true)) return;
  RestoreNormalScheduling();
}

bool TranslationMemoryService::ImportMustStop() const {
  if (!shutting_down_.load()) return false;
  return std::chrono::steady_clock::now().time_since_epoch().count() >= import_stop_at_.load();
}

std::vector<std::string> TranslationMemoryService::ImplementedRpcs() {
  std::vector<std::string> rpcs = {"Upsert", "Delete", "Get", "Stats", "Capabilities"};
  rpcs.insert(rpcs.end(), {"Lookup", "BatchLookup", "Concordance"});
  rpcs.insert(rpcs.end(), {"Import", "Export"});
  rpcs.push_back("Align");
  return rpcs;
}

grpc::Status TranslationMemoryService::CheckWritable(const char* rpc) const {
  if (!options_.read_only) return grpc::Status::OK;
  return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                      std::string(rpc) + ": this server is read-only (started with --read-only)");
}

grpc::Status TranslationMemoryService::CheckQuerySize(const std::string& text, const char* field) const {
  if (text.size() <= options_.max_query_bytes) return grpc::Status::OK;
  return Invalid(std::string(field) + ": " + std::to_string(text.size()) +
                 " bytes is longer than the server's limit of " + std::to_string(options_.max_query_bytes) +
                 " bytes (Capabilities.limits.max_query_bytes)");
}

// ---------------------------------------------------------------------------------------------------------
// Stats, Capabilities

grpc::Status TranslationMemoryService::Stats(grpc::ServerContext* ctx, const v1::StatsRequest*,
                                             v1::StatsResponse* resp) {
  grpc::Status gs;
  if (Abandoned(ctx, &gs)) return gs;
  StatusOr<StoreStats> stats = store_->Stats();
  if (!stats.ok()) return ToGrpc(stats.status());
  ToProto(*stats, resp);
  resp->set_path(store_->path());
  return grpc::Status::OK;
}

grpc::Status TranslationMemoryService::Capabilities(grpc::ServerContext* ctx, const v1::CapabilitiesRequest*,
                                                    v1::CapabilitiesResponse* resp) {
  grpc::Status gs;
  if (Abandoned(ctx, &gs)) return gs;
  resp->set_server_version(DHAKIRA_VERSION);
  resp->set_api_version("dhakira.v1");
  StatusOr<StoreStats> stats = store_->Stats();
  if (!stats.ok()) return ToGrpc(stats.status());
  // Languages are data: "ar" and "en" have their own normalisation profiles (text.h), every other
  // valid BCP 47 language works through the generic one.
  resp->add_language_profiles("ar");
  resp->add_language_profiles("en");
  resp->set_any_language(true);
  ToProto(*stats, options_, resp);
  for (const std::string& rpc : ImplementedRpcs()) resp->add_rpcs(rpc);
  resp->add_import_formats(v1::FILE_FORMAT_TMX);
  resp->add_import_formats(v1::FILE_FORMAT_TSV);
  resp->add_export_formats(v1::FILE_FORMAT_TMX);
  resp->add_export_formats(v1::FILE_FORMAT_TSV);
  return grpc::Status::OK;
}

}  // namespace dhakira::service
