// dhakira.v1.TranslationMemory Import: the client streams a file (options first, then data); the
// handler spools it, works out its format (io's SniffFormat when the client gave neither format nor
// name) and runs dhakira::Import on it on a low-priority thread, reporting the first rejects.
#include <grpcpp/grpcpp.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "convert.h"
#include "handlers.h"
#include "service_impl.h"
#include "spool.h"

namespace dhakira::service {
namespace {

// Cancels the call when Feed() has not been called for `timeout`: a client that stops sending in
// the middle of an upload (without closing its stream) must not hold a server thread for ever.
class StallWatchdog {
 public:
  StallWatchdog(grpc::ServerContext* ctx, std::chrono::milliseconds timeout)
      : thread_([this, ctx, timeout] {
          std::unique_lock<std::mutex> lock(mu_);
          while (!done_) {
            if (cv_.wait_for(lock, timeout, [this] { return done_ || fed_; })) {
              fed_ = false;
              continue;
            }
            fired_ = true;
            ctx->TryCancel();
            return;
          }
        }) {}
  ~StallWatchdog() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
  void Feed() {
    std::lock_guard<std::mutex> lock(mu_);
    fed_ = true;
    cv_.notify_one();
  }
  bool fired() {
    std::lock_guard<std::mutex> lock(mu_);
    return fired_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false, fed_ = false, fired_ = false;
  std::thread thread_;  // last: starts once the members above exist
};

// Collects the first rejects for the summary; stops the import when the client gives up.
class CollectingReporter final : public ImportReporter {
 public:
  static constexpr size_t kMaxProblems = 100;
  CollectingReporter(grpc::ServerContext* ctx, const TranslationMemoryService* service, const std::string& spool,
                     const std::string& name, v1::ImportSummary* out)
      : ctx_(ctx), service_(service), spool_(spool), name_(name), out_(out) {}
  void OnReject(const ImportIssue& issue) override {
    if (static_cast<size_t>(out_->problems_size()) >= kMaxProblems) return;
    v1::ImportProblem* problem = out_->add_problems();
    ToProto(issue, problem);
    problem->set_message(Rename(issue.message, spool_, name_));
  }
  bool ShouldStop() override {
    if (stop_by_ != std::chrono::system_clock::time_point::max() && std::chrono::system_clock::now() >= stop_by_) {
      deadline_near_ = true;
      return true;
    }
    return service_->ImportMustStop() || ctx_->IsCancelled();
  }
  // The import stops when the call has this long left before its deadline, so that the client is
  // still there to be told what was committed (after the deadline it would hear only
  // DEADLINE_EXCEEDED from its own side): a quarter of the time left now, at most 2 s.
  void StopBeforeDeadline() {
    const auto deadline = ctx_->deadline();
    const auto now = std::chrono::system_clock::now();
    if (deadline == std::chrono::system_clock::time_point::max() || deadline <= now) return;
    const auto reserve = std::min<std::chrono::system_clock::duration>((deadline - now) / 4, std::chrono::seconds(2));
    stop_by_ = deadline - reserve;
  }
  bool deadline_near() const { return deadline_near_; }

 private:
  grpc::ServerContext* ctx_;
  const TranslationMemoryService* service_;
  std::chrono::system_clock::time_point stop_by_ = std::chrono::system_clock::time_point::max();
  bool deadline_near_ = false;
  const std::string& spool_;
  const std::string& name_;
  v1::ImportSummary* out_;
};

// The first message of the stream, which must carry the options.
grpc::Status ReadOptionsMessage(grpc::ServerReader<v1::ImportRequest>* reader, v1::ImportOptions* out) {
  v1::ImportRequest msg;
  // A message that cannot be parsed ends reader->Read() as the end of the stream does; ParseRequest
  // (which parses on this thread) tells the two apart. Nothing of a stream with such a message is
  // imported: it would be a truncated file.
  (void)TakeLastRequestError();
  if (!reader->Read(&msg)) {
    std::string bad = TakeLastRequestError();
    if (!bad.empty()) return Invalid(bad);
  }
  if (msg.part_case() != v1::ImportRequest::kOptions) {
    return Invalid("the first Import message must carry the options (ImportRequest.options)");
  }
  *out = msg.options();
  return grpc::Status::OK;
}

// A format for an upload that came with neither a format nor a name, from its first bytes (io's
// SniffFormat), and the options validated with it.
grpc::Status SniffUploadFormat(const std::string& head, ImportOptions* options) {
  StatusOr<FileFormat> format = SniffFormat(head);
  if (!format.ok()) {
    return Invalid("options: a gzip-compressed upload needs options.format or a file_name ending in .gz");
  }
  options->format = *format;
  Status valid = options->Validate();
  if (!valid.ok()) return Invalid("options: " + valid.message());
  return grpc::Status::OK;
}

}  // namespace

grpc::Status TranslationMemoryService::Import(grpc::ServerContext* ctx, grpc::ServerReader<v1::ImportRequest>* reader,
                                              v1::ImportSummary* resp) {
  v1::ImportOptions request_options;
  grpc::Status gs = ReadOptionsMessage(reader, &request_options);
  if (!gs.ok()) return gs;
  if (!request_options.dry_run()) {  // a dry run only reads the TM
    gs = CheckWritable("Import");
    if (!gs.ok()) return gs;
  }
  const std::string& file_name = request_options.file_name();
  const std::string name = file_name.empty() ? std::string("(uploaded file)") : file_name;
  ImportOptions options;
  Status mapped = FromProto(request_options, &options);
  if (!mapped.ok()) return ToGrpc(mapped);

  // Spool the stream. The suffix keeps ".gz" so the io library gunzips.
  const bool gz = file_name.size() >= 3 && file_name.compare(file_name.size() - 3, 3, ".gz") == 0;
  SpoolFile spool;
  Status created = spool.Create(SpoolDir(options_), "dhakira-import", gz ? ".gz" : ".in");
  if (!created.ok()) return ToGrpc(created);
  std::string head;  // the first bytes, for format sniffing
  uint64_t bytes = 0;
  gs = ReceiveUpload(ctx, reader, name, &spool, &head, &bytes);
  if (!gs.ok()) return gs;
  resp->set_bytes(bytes);
  if (options.format == FileFormat::kAuto) {
    gs = SniffUploadFormat(head, &options);
    if (!gs.ok()) return gs;
  }
  // gRPC ends the upload early at a shutdown; what was received is not the whole file.
  if (ShuttingDown()) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "Import: the server is shutting down; nothing of " + name +
                                                           " was imported (send it again to a running server)");
  }
  CollectingReporter reporter(ctx, this, spool.path(), name, resp);
  reporter.StopBeforeDeadline();
  StatusOr<ImportSummary> summary = ImportAtLowPriority(spool.path(), options, &reporter);
  if (!summary.ok()) return ImportFailure(summary.status(), spool.path(), name, reporter.deadline_near());
  ToProto(*summary, resp);
  return grpc::Status::OK;
}

grpc::Status TranslationMemoryService::ReceiveUpload(grpc::ServerContext* ctx,
                                                     grpc::ServerReader<v1::ImportRequest>* reader,
                                                     const std::string& name, SpoolFile* spool, std::string* head,
                                                     uint64_t* bytes) {
  grpc::Status gs;
  v1::ImportRequest msg;
  uint64_t messages = 1;
  {
    StallWatchdog watchdog(ctx, std::chrono::milliseconds(options_.import_idle_timeout_ms));
    while (reader->Read(&msg)) {
      watchdog.Feed();
      ++messages;
      if (Abandoned(ctx, &gs)) return gs;
      if (msg.part_case() != v1::ImportRequest::kData) {
        return Invalid("Import: options may only come in the first message");
      }
      *bytes += msg.data().size();
      if (options_.max_import_bytes != 0 && *bytes > options_.max_import_bytes) {
        return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, name + ": larger than the server's import limit of " +
                                                                      std::to_string(options_.max_import_bytes) +
                                                                      " bytes");
      }
      if (head->size() < kSniffBytes) head->append(msg.data(), 0, kSniffBytes - head->size());
      Status written = spool->Write(msg.data());
      if (!written.ok()) return ToGrpc(written);
    }
    if (watchdog.fired()) {
      return grpc::Status(grpc::StatusCode::CANCELLED, "Import: " + name + ": nothing received for " +
                                                           std::to_string(options_.import_idle_timeout_ms) +
                                                           " ms; the upload was cancelled and nothing of it imported");
    }
  }
  if (std::string bad = TakeLastRequestError(); !bad.empty()) {
    return Invalid(bad + " (message " + std::to_string(messages + 1) + " of the stream; nothing imported)");
  }
  if (Abandoned(ctx, &gs)) return gs;
  Status closed = spool->Close();
  if (!closed.ok()) return ToGrpc(closed);
  return grpc::Status::OK;
}

StatusOr<ImportSummary> TranslationMemoryService::ImportAtLowPriority(const std::string& path,
                                                                      const ImportOptions& options,
                                                                      ImportReporter* reporter) {
  // The import runs on a thread of its own at lower CPU priority, so that on a small machine
  // lookups keep their latency while it parses and writes (the gRPC thread waits; a pool thread
  // must not keep a lowered priority). The threads it starts (the store prepares large batches on
  // several) inherit it. SCHED_IDLE rather than a nice value: a niced thread still runs out its
  // time slice (milliseconds) before a lookup that wakes up gets the CPU, which doubled the
  // lookups' p99 during an import on two cores; an idle-class thread is preempted at once
  // (docs/service.md, "Measured").
  StatusOr<ImportSummary> summary = Status::Internal("the import thread did not run");
  std::thread worker([&] {
    const auto tid = static_cast<pid_t>(::syscall(SYS_gettid));
    bool idle_class = false;
    if (options_.import_sched_idle) {
      sched_param param{};
      idle_class = ::sched_setscheduler(tid, SCHED_IDLE, &param) == 0;
    }
    if (!idle_class && options_.import_nice > 0) {
      // Best effort: Linux applies a nice value per thread (setpriority on the thread id).
      (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(tid), options_.import_nice);
    }
    summary = dhakira::Import(*store_, path, options, reporter);
  });
  worker.join();
  return summary;
}

grpc::Status TranslationMemoryService::ImportFailure(const Status& error, const std::string& spool,
                                                     const std::string& name, bool deadline_near) const {
  std::string message = Rename(error.message(), spool, name);
  // The file is the client's: a damaged one is a bad argument, not data loss on our side.
  if (error.IsCorruption()) return Invalid(message);
  if (error.code() == Status::Code::kCancelled && deadline_near) {
    return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "Import: stopped before the call's deadline: " + message);
  }
  if (error.code() == Status::Code::kCancelled && ShuttingDown()) {
    // The message says what the TM holds: the client can send the rest again (duplicates skipped).
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "Import: the server is shutting down: " + message);
  }
  return grpc::Status(ToGrpc(error).error_code(), message);
}

}  // namespace dhakira::service
