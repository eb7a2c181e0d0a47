// dhakira.v1.TranslationMemory write and unit handlers: Upsert (callback API, on a thread of its
// own: it may wait for the TM's writer), Delete, Get.
#include <grpcpp/grpcpp.h>

#include <string>
#include <utility>

#include "convert.h"
#include "dhakira/text.h"
#include "handlers.h"
#include "service_impl.h"

namespace dhakira::service {

grpc::ServerUnaryReactor* TranslationMemoryService::Upsert(grpc::CallbackServerContext* ctx,
                                                           const grpc::ByteBuffer* req, grpc::ByteBuffer* resp) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  FinishOffThread<v1::UpsertRequest, v1::UpsertResponse>(
      "Upsert", reactor, req, resp,
      [this, ctx](const v1::UpsertRequest* r, v1::UpsertResponse* out) { return DoUpsert(ctx, r, out); });
  return reactor;
}

grpc::Status TranslationMemoryService::DoUpsert(grpc::ServerContextBase* ctx, const v1::UpsertRequest* req,
                                                v1::UpsertResponse* resp) {
  grpc::Status gs = CheckWritable("Upsert");
  if (!gs.ok()) return gs;
  if (Abandoned(ctx, &gs)) return gs;
  SegmentPair pair;
  Status mapped = FromProto(*req, &pair);
  if (!mapped.ok()) return ToGrpc(mapped);
  gs = CheckQuerySize(req->previous_source(), "previous_source");
  if (gs.ok()) gs = CheckQuerySize(req->next_source(), "next_source");
  if (!gs.ok()) return gs;
  StatusOr<DuplicatePolicy> policy = FromProto(req->on_duplicate());
  if (!policy.ok()) return ToGrpc(policy.status());
  // The neighbours' hashes exactly as the aligner stores them and a lookup compares them (text.h).
  StatusOr<uint64_t> prev = dhakira::ContextHash(req->previous_source(), pair.src_lang);
  if (!prev.ok()) return ToGrpc(prev.status().WithContext("previous_source"));
  StatusOr<uint64_t> next = dhakira::ContextHash(req->next_source(), pair.src_lang);
  if (!next.ok()) return ToGrpc(next.status().WithContext("next_source"));
  pair.prev_hash = *prev;
  pair.next_hash = *next;

  if (pair.id == 0) {
    StatusOr<WriteResult> result = store_->Add(std::move(pair), *policy);
    if (!result.ok()) return ToGrpc(result.status());
    resp->set_id(result->id);
    resp->set_outcome(ToProto(result->outcome));
    return grpc::Status::OK;
  }
  const uint64_t id = pair.id;
  Status updated = store_->Update(std::move(pair));
  if (!updated.ok()) return ToGrpc(updated);
  resp->set_id(id);
  resp->set_outcome(ToProto(WriteOutcome::kUpdated));
  return grpc::Status::OK;
}

grpc::Status TranslationMemoryService::Delete(grpc::ServerContext* ctx, const v1::DeleteRequest* req,
                                              v1::DeleteResponse* resp) {
  grpc::Status gs = CheckWritable("Delete");
  if (!gs.ok()) return gs;
  if (Abandoned(ctx, &gs)) return gs;
  if (req->ids_size() == 0) return Invalid("ids: required (at least one id)");
  if (static_cast<uint64_t>(req->ids_size()) > options_.max_batch_segments) {
    return Invalid("ids: more than the server's limit of " + std::to_string(options_.max_batch_segments));
  }
  WriteBatch batch;
  for (uint64_t id : req->ids()) {
    if (id == 0) return Invalid("ids: 0 is not an id (ids start at 1)");
    batch.Delete(id);
  }
  // One transaction: all or none.
  StatusOr<std::vector<WriteResult>> results = store_->Write(batch, DuplicatePolicy::kSkip);
  if (!results.ok()) return ToGrpc(results.status());
  resp->set_deleted(static_cast<uint32_t>(results->size()));
  return grpc::Status::OK;
}

grpc::Status TranslationMemoryService::Get(grpc::ServerContext* ctx, const v1::GetRequest* req, v1::Unit* resp) {
  grpc::Status gs;
  if (Abandoned(ctx, &gs)) return gs;
  if (req->id() == 0) return Invalid("id: required (ids start at 1)");
  StatusOr<SegmentPair> pair = store_->Get(req->id());
  if (!pair.ok()) return ToGrpc(pair.status());
  ToProto(*pair, resp);
  return grpc::Status::OK;
}

}  // namespace dhakira::service
