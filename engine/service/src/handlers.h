// What the handler files (service_*.cc) share: the request checks every RPC makes, and how a
// raw-bytes callback method parses its request and finishes, inline or on a thread of its own.
// Private to dhakira_service.
#ifndef DHAKIRA_SERVICE_HANDLERS_H_
#define DHAKIRA_SERVICE_HANDLERS_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>

#include "request_traits.h"
#include "service_impl.h"

namespace dhakira::service {

inline grpc::Status Invalid(const std::string& msg) { return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, msg); }

// CANCELLED / DEADLINE_EXCEEDED when the client gave up or its deadline passed (checked between the
// items of long calls, so a stuck client never keeps a server thread busy for long).
inline bool Abandoned(grpc::ServerContextBase* ctx, grpc::Status* status) {
  if (!ctx->IsCancelled()) return false;
  const bool expired = ctx->deadline() <= std::chrono::system_clock::now();
  *status = expired ? grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "deadline exceeded")
                    : grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled by the client");
  return true;
}

// Parses the raw request `in` as `Req` (ParseRequest names a field with invalid UTF-8), runs
// `handler` on it and serializes its response into `out`.
template <typename Req, typename Resp, typename Handler>
grpc::Status RunRaw(const char* rpc, const grpc::ByteBuffer* in, grpc::ByteBuffer* out, Handler&& handler) {
  grpc::ByteBuffer bytes(*in);  // shares the slices; ParseRequest consumes its argument
  Req req;
  grpc::Status gs = ParseRequest(rpc, &bytes, &req);
  if (!gs.ok()) return gs;
  Resp resp;
  gs = handler(&req, &resp);
  if (!gs.ok()) return gs;
  bool own = false;
  return grpc::SerializationTraits<Resp>::Serialize(resp, out, &own);
}

// Whether a call is answered on gRPC's callback thread: a small BatchLookup is (a few milliseconds
// of matching at most); writes and alignments never are (they may wait for the TM's writer).
inline bool RunsInline(const v1::BatchLookupRequest& req) {
  return req.segments_size() <= TranslationMemoryService::kInlineBatchSegments;
}
inline bool RunsInline(const v1::UpsertRequest&) { return false; }
inline bool RunsInline(const v1::AlignRequest&) { return false; }

template <typename Req, typename Resp, typename Handler>
void TranslationMemoryService::FinishOffThread(const char* rpc, grpc::ServerUnaryReactor* reactor,
                                               const grpc::ByteBuffer* in, grpc::ByteBuffer* out, Handler handler) {
  auto request = std::make_shared<Req>();
  grpc::ByteBuffer bytes(*in);  // shares the slices; ParseRequest consumes its argument
  grpc::Status parsed = ParseRequest(rpc, &bytes, request.get());
  if (!parsed.ok()) {
    reactor->Finish(parsed);
    return;
  }
  bool own_thread = false;
  if (!RunsInline(*request)) {
    std::lock_guard<std::mutex> lock(batch_threads_mu_);
    // At the thread limit the call runs here (slower for the other calls, but never refused).
    if (batch_threads_ < options_.max_threads) {
      ++batch_threads_;
      own_thread = true;
    }
  }
  // out stays valid until Finish (the call is not done before); `this` outlives the thread through
  // the destructor's wait.
  auto run = [this, request, out, reactor, handler, own_thread] {
    Resp resp;
    grpc::Status gs = handler(request.get(), &resp);
    bool own = false;
    if (gs.ok()) gs = grpc::SerializationTraits<Resp>::Serialize(resp, out, &own);
    reactor->Finish(gs);
    if (!own_thread) return;
    std::lock_guard<std::mutex> lock(batch_threads_mu_);
    if (--batch_threads_ == 0) batch_threads_done_.notify_all();
  };
  if (!own_thread) return run();
  try {
    std::thread(run).detach();
  } catch (const std::system_error&) {  // no thread to be had: run it here
    run();
  }
}

}  // namespace dhakira::service

#endif  // DHAKIRA_SERVICE_HANDLERS_H_
