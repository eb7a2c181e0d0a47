// dhakira.v1.TranslationMemory read handlers: Lookup, BatchLookup, Concordance (callback API, see
// service_impl.h). Each checks the request against the server's limits, takes a Matcher from the
// pool and maps its result (convert.h).
#include <grpcpp/grpcpp.h>

#include <string>

#include "convert.h"
#include "handlers.h"
#include "service_impl.h"

namespace dhakira::service {

grpc::Status TranslationMemoryService::LookupOne(Matcher& matcher, const std::string& source, const std::string& prev,
                                                 const std::string& next, const MatchOptions& base,
                                                 google::protobuf::RepeatedPtrField<v1::Match>* out) const {
  grpc::Status gs = CheckQuerySize(source, "source");
  if (gs.ok()) gs = CheckQuerySize(prev, "previous_source");
  if (gs.ok()) gs = CheckQuerySize(next, "next_source");
  if (!gs.ok()) return gs;
  MatchOptions options = base;
  options.prev_source = prev;
  options.next_source = next;
  StatusOr<MatchResult> result = matcher.Match(source, options);
  if (!result.ok()) return ToGrpc(result.status());
  out->Reserve(static_cast<int>(result->matches.size()));
  for (const Match& match : result->matches) ToProto(match, out->Add());
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* TranslationMemoryService::Lookup(grpc::CallbackServerContext* ctx,
                                                           const grpc::ByteBuffer* req, grpc::ByteBuffer* resp) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  reactor->Finish(RunRaw<v1::LookupRequest, v1::LookupResponse>(
      "Lookup", req, resp, [&](const v1::LookupRequest* r, v1::LookupResponse* out) { return DoLookup(ctx, r, out); }));
  return reactor;
}

grpc::Status TranslationMemoryService::DoLookup(grpc::ServerContextBase* ctx, const v1::LookupRequest* req,
                                                v1::LookupResponse* resp) {
  grpc::Status gs;
  if (Abandoned(ctx, &gs)) return gs;
  MatchOptions options;
  Status mapped = FromProto(req->options(), options_.max_top, &options);
  if (!mapped.ok()) return ToGrpc(mapped);
  StatusOr<Pool<Matcher>::Lease> matcher = matchers_.Acquire();
  if (!matcher.ok()) return ToGrpc(matcher.status());
  return LookupOne(**matcher, req->source(), req->previous_source(), req->next_source(), options,
                   resp->mutable_matches());
}

grpc::ServerUnaryReactor* TranslationMemoryService::BatchLookup(grpc::CallbackServerContext* ctx,
                                                                const grpc::ByteBuffer* req, grpc::ByteBuffer* resp) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  auto handler = [this, ctx](const v1::BatchLookupRequest* r, v1::BatchLookupResponse* out) {
    return DoBatchLookup(ctx, r, out);
  };
  FinishOffThread<v1::BatchLookupRequest, v1::BatchLookupResponse>("BatchLookup", reactor, req, resp, handler);
  return reactor;
}

grpc::Status TranslationMemoryService::DoBatchLookup(grpc::ServerContextBase* ctx, const v1::BatchLookupRequest* req,
                                                     v1::BatchLookupResponse* resp) {
  grpc::Status gs;
  if (Abandoned(ctx, &gs)) return gs;
  const int segments = req->segments_size();
  if (static_cast<uint64_t>(segments) > options_.max_batch_segments) {
    return Invalid("segments: " + std::to_string(segments) + " segments is more than the server's limit of " +
                   std::to_string(options_.max_batch_segments) +
                   " per call (Capabilities.limits.max_batch_segments); split the batch");
  }
  MatchOptions options;
  Status mapped = FromProto(req->options(), options_.max_top, &options);
  if (!mapped.ok()) return ToGrpc(mapped);
  StatusOr<Pool<Matcher>::Lease> matcher = matchers_.Acquire();
  if (!matcher.ok()) return ToGrpc(matcher.status());
  static const std::string kNone;
  resp->mutable_results()->Reserve(segments);
  for (int i = 0; i < segments; ++i) {
    if (Abandoned(ctx, &gs)) return gs;
    const v1::BatchSegment& segment = req->segments(i);
    const std::string* prev = &segment.previous_source();
    const std::string* next = &segment.next_source();
    if (req->document_context()) {
      prev = i > 0 ? &req->segments(i - 1).source() : &kNone;
      next = i + 1 < segments ? &req->segments(i + 1).source() : &kNone;
    }
    v1::BatchLookupResult* result = resp->add_results();
    result->set_index(static_cast<uint32_t>(i));
    result->set_client_ref(segment.client_ref());
    gs = LookupOne(**matcher, segment.source(), *prev, *next, options, result->mutable_matches());
    if (!gs.ok()) {
      // One bad segment (empty, over-long) must not cost the whole pre-translation.
      result->clear_matches();
      ToProto(gs, i, result->mutable_error());
    }
  }
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* TranslationMemoryService::Concordance(grpc::CallbackServerContext* ctx,
                                                                const grpc::ByteBuffer* req, grpc::ByteBuffer* resp) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  reactor->Finish(RunRaw<v1::ConcordanceRequest, v1::ConcordanceResponse>(
      "Concordance", req, resp,
      [&](const v1::ConcordanceRequest* r, v1::ConcordanceResponse* out) { return DoConcordance(ctx, r, out); }));
  return reactor;
}

grpc::Status TranslationMemoryService::DoConcordance(grpc::ServerContextBase* ctx, const v1::ConcordanceRequest* req,
                                                     v1::ConcordanceResponse* resp) {
  grpc::Status gs;
  if (Abandoned(ctx, &gs)) return gs;
  gs = CheckQuerySize(req->phrase(), "phrase");
  if (!gs.ok()) return gs;
  ConcordanceOptions options;
  Status mapped = FromProto(*req, options_.max_concordance_top, &options);
  if (!mapped.ok()) return ToGrpc(mapped);
  StatusOr<Pool<Matcher>::Lease> matcher = matchers_.Acquire();
  if (!matcher.ok()) return ToGrpc(matcher.status());
  StatusOr<ConcordanceResult> result = (*matcher)->Concordance(req->phrase(), options);
  if (!result.ok()) return ToGrpc(result.status());
  resp->mutable_hits()->Reserve(static_cast<int>(result->hits.size()));
  for (const ConcordanceHit& hit : result->hits) ToProto(hit, resp->add_hits());
  return grpc::Status::OK;
}

}  // namespace dhakira::service
