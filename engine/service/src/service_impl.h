// The dhakira.v1.TranslationMemory handlers. Each handler validates the request against the server
// limits, maps proto -> engine types (convert.h), makes the engine call and maps the result back.
// Implemented by responsibility: service_impl.cc (construction, shutdown, Stats, Capabilities),
// service_lookup.cc, service_write.cc, service_import.cc, service_export.cc, service_align.cc; the
// shared request checks and FinishOffThread are in handlers.h.
//
// Thread safety: handlers run concurrently on gRPC's threads. The Store is safe for concurrent use
// (reads are LMDB snapshots, writes are serialized by the store); the per-thread engine objects
// (Matcher, Normalizer) come from pools, one object per call.
#ifndef DHAKIRA_SERVICE_SERVICE_IMPL_H_
#define DHAKIRA_SERVICE_SERVICE_IMPL_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "dhakira/align.h"
#include "dhakira/io.h"
#include "dhakira/match.h"
#include "dhakira/service.h"
#include "dhakira/store.h"
#include "dhakira/v1/translation_memory.grpc.pb.h"

namespace dhakira::service {

class SpoolFile;  // spool.h

// A free list of engine objects that are not safe for concurrent use; Acquire() hands one to a call and the
// lease gives it back. Grows to the peak number of concurrent calls (bounded by the server's threads).
template <typename T>
class Pool {
 public:
  using Factory = std::function<StatusOr<std::unique_ptr<T>>()>;
  explicit Pool(Factory factory) : factory_(std::move(factory)) {}

  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<T> obj) : pool_(pool), obj_(std::move(obj)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (obj_ != nullptr) pool_->Release(std::move(obj_));
    }
    T* operator->() const { return obj_.get(); }
    T& operator*() const { return *obj_; }

   private:
    Pool* pool_;
    std::unique_ptr<T> obj_;
  };

  StatusOr<Lease> Acquire() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        std::unique_ptr<T> obj = std::move(free_.back());
        free_.pop_back();
        return Lease(this, std::move(obj));
      }
    }
    DHAKIRA_ASSIGN_OR_RETURN(std::unique_ptr<T> obj, factory_());
    return Lease(this, std::move(obj));
  }

 private:
  void Release(std::unique_ptr<T> obj) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(std::move(obj));
  }
  Factory factory_;
  std::mutex mu_;
  std::vector<std::unique_ptr<T>> free_;
};

// The read RPCs (Lookup, BatchLookup, Concordance) use gRPC's callback API: they are answered on
// gRPC's own threads, without the sync server's hand-off to a worker thread (on a small VM that
// wake-up costs more than a lookup). gRPC has few such threads (two on two cores), so a BatchLookup
// of more than kInlineBatchSegments segments runs on a thread of its own instead of holding one of
// them. Upsert and Align (which may wait for the TM's writer, or align for long) also run on a thread
// of their own. The other methods are synchronous. The callback methods take the request's raw bytes and parse
// them with ParseRequest (wire/request_traits.h): gRPC's own parsing would answer a request with invalid
// UTF-8 with an empty UNIMPLEMENTED status; ours names the field (INVALID_ARGUMENT).
class TranslationMemoryService final
    : public v1::TranslationMemory::WithRawCallbackMethod_Lookup<
          v1::TranslationMemory::WithRawCallbackMethod_BatchLookup<
              v1::TranslationMemory::WithRawCallbackMethod_Concordance<
                  v1::TranslationMemory::WithRawCallbackMethod_Upsert<
                      v1::TranslationMemory::WithRawCallbackMethod_Align<v1::TranslationMemory::Service>>>>> {
 public:
  // Largest BatchLookup answered on gRPC's callback thread (a few milliseconds of matching at
  // most).
  static constexpr int kInlineBatchSegments = 8;

  // `store` must outlive the service.
  TranslationMemoryService(TranslationMemory* store, const ServerOptions& options);
  // Waits for the BatchLookups running on threads of their own (the server has finished them
  // already when it shut down; their threads may still be returning).
  ~TranslationMemoryService() override;

  grpc::ServerUnaryReactor* Lookup(grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req,
                                   grpc::ByteBuffer* resp) override;
  grpc::ServerUnaryReactor* BatchLookup(grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req,
                                        grpc::ByteBuffer* resp) override;
  grpc::ServerUnaryReactor* Concordance(grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req,
                                        grpc::ByteBuffer* resp) override;
  grpc::ServerUnaryReactor* Upsert(grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req,
                                   grpc::ByteBuffer* resp) override;
  grpc::Status Delete(grpc::ServerContext* ctx, const v1::DeleteRequest* req, v1::DeleteResponse* resp) override;
  grpc::Status Get(grpc::ServerContext* ctx, const v1::GetRequest* req, v1::Unit* resp) override;
  grpc::Status Import(grpc::ServerContext* ctx, grpc::ServerReader<v1::ImportRequest>* reader,
                      v1::ImportSummary* resp) override;
  grpc::Status Export(grpc::ServerContext* ctx, const v1::ExportRequest* req,
                      grpc::ServerWriter<v1::ExportChunk>* writer) override;
  grpc::ServerUnaryReactor* Align(grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req,
                                  grpc::ByteBuffer* resp) override;
  grpc::Status Stats(grpc::ServerContext* ctx, const v1::StatsRequest* req, v1::StatsResponse* resp) override;
  grpc::Status Capabilities(grpc::ServerContext* ctx, const v1::CapabilitiesRequest* req,
                            v1::CapabilitiesResponse* resp) override;

  // The server is shutting down (Server::Shutdown, before gRPC's own shutdown): an import still
  // reading its upload stops and imports nothing; an import writing stops once half of `grace`
  // has passed (so that it can answer before gRPC cancels it at the end of the grace), after at
  // most the batch it is committing; both answer UNAVAILABLE saying what the TM holds. The import
  // threads leave the idle scheduling class, so a busy machine cannot hold the shutdown back.
  void BeginShutdown(std::chrono::milliseconds grace);
  // Whether an import writing now must stop (see BeginShutdown).
  bool ImportMustStop() const;
  bool ShuttingDown() const { return shutting_down_.load(); }

  // Names of the RPCs this build implements (Capabilities.rpcs).
  static std::vector<std::string> ImplementedRpcs();

 private:
  grpc::Status CheckWritable(const char* rpc) const;
  // INVALID_ARGUMENT when `text` (field `field`) is longer than max_query_bytes.
  grpc::Status CheckQuerySize(const std::string& text, const char* field) const;

  TranslationMemory* store_;
  ServerOptions options_;
  std::atomic<bool> shutting_down_{false};
  // When imports stop, as steady_clock ticks (valid once shutting_down_ is set).
  std::atomic<std::chrono::steady_clock::rep> import_stop_at_{0};
  Pool<Matcher> matchers_;
  grpc::Status DoUpsert(grpc::ServerContextBase* ctx, const v1::UpsertRequest* req, v1::UpsertResponse* resp);
  grpc::Status DoAlign(grpc::ServerContextBase* ctx, const v1::AlignRequest* req, v1::AlignResponse* resp);
  // Align with import: stores AlignedPairs() of the alignment in one transaction and counts the
  // outcome.
  grpc::Status ImportAligned(const v1::AlignRequest& req, const AlignOptions& options,
                             const std::vector<std::string>& source, const std::vector<std::string>& target,
                             const AlignResult& result, DuplicatePolicy policy, v1::AlignResponse* resp);
  // Import, step by step: spools the data messages after the options into `spool` (the first
  // kSniffBytes into `head`, the total into `bytes`), within the server's size and idle limits.
  grpc::Status ReceiveUpload(grpc::ServerContext* ctx, grpc::ServerReader<v1::ImportRequest>* reader,
                             const std::string& name, SpoolFile* spool, std::string* head, uint64_t* bytes);
  // dhakira::Import of the spooled file on a thread of its own in the idle scheduling class (or
  // niced).
  StatusOr<ImportSummary> ImportAtLowPriority(const std::string& path, const ImportOptions& options,
                                              ImportReporter* reporter);
  // The gRPC status of a failed import: the client's file name instead of the spool file's, a
  // damaged file as INVALID_ARGUMENT, a stop for the deadline or the shutdown said as such.
  grpc::Status ImportFailure(const Status& error, const std::string& spool, const std::string& name,
                             bool deadline_near) const;
  // Parses the raw request `in` as Req, then runs `handler` (Req*, Resp*) -> grpc::Status on a thread
  // of its own (at the thread limit: here) and finishes `reactor` with its status and response.
  template <typename Req, typename Resp, typename Handler>
  void FinishOffThread(const char* rpc, grpc::ServerUnaryReactor* reactor, const grpc::ByteBuffer* in,
                       grpc::ByteBuffer* out, Handler handler);
  grpc::Status DoLookup(grpc::ServerContextBase* ctx, const v1::LookupRequest* req, v1::LookupResponse* resp);
  grpc::Status DoBatchLookup(grpc::ServerContextBase* ctx, const v1::BatchLookupRequest* req,
                             v1::BatchLookupResponse* resp);
  grpc::Status DoConcordance(grpc::ServerContextBase* ctx, const v1::ConcordanceRequest* req,
                             v1::ConcordanceResponse* resp);
  // BatchLookups running on threads of their own, and the destructor's wait for them.
  std::mutex batch_threads_mu_;
  std::condition_variable batch_threads_done_;
  uint32_t batch_threads_ = 0;
  grpc::Status LookupOne(Matcher& matcher, const std::string& source, const std::string& prev, const std::string& next,
                         const MatchOptions& options, google::protobuf::RepeatedPtrField<v1::Match>* out) const;
  // The default lexicon of a language pair (freedict + built-in table), loaded once on first use: loading
  // takes a fraction of a second, aligning a document milliseconds.
  StatusOr<std::shared_ptr<const Lexicon>> DefaultLexicon(const std::string& src_lang, const std::string& tgt_lang);
  std::mutex lexicons_mu_;
  std::map<std::pair<std::string, std::string>, std::shared_ptr<const Lexicon>> lexicons_;
};

}  // namespace dhakira::service

#endif  // DHAKIRA_SERVICE_SERVICE_IMPL_H_
