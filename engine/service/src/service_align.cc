// dhakira.v1.TranslationMemory Align (callback API, on a thread of its own): aligns two documents
// with the server's default lexicon of the pair and, with import, stores the units
// dhakira::AlignedPairs makes of the alignment, exactly as `dhakira align --import` stores them.
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "convert.h"
#include "handlers.h"
#include "service_impl.h"

namespace dhakira::service {

grpc::ServerUnaryReactor* TranslationMemoryService::Align(grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req,
                                                          grpc::ByteBuffer* resp) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  FinishOffThread<v1::AlignRequest, v1::AlignResponse>(
      "Align", reactor, req, resp,
      [this, ctx](const v1::AlignRequest* r, v1::AlignResponse* out) { return DoAlign(ctx, r, out); });
  return reactor;
}

StatusOr<std::shared_ptr<const Lexicon>> TranslationMemoryService::DefaultLexicon(const std::string& src_lang,
                                                                                  const std::string& tgt_lang) {
  // Lexicons are symmetric (align.h): one per unordered pair.
  auto key = src_lang < tgt_lang ? std::make_pair(src_lang, tgt_lang) : std::make_pair(tgt_lang, src_lang);
  std::lock_guard<std::mutex> lock(lexicons_mu_);
  auto it = lexicons_.find(key);
  if (it != lexicons_.end()) return it->second;
  DHAKIRA_ASSIGN_OR_RETURN(Lexicon lexicon, Lexicon::LoadDefault(key.first, key.second));
  auto shared = std::make_shared<const Lexicon>(std::move(lexicon));
  lexicons_.emplace(key, shared);
  return std::shared_ptr<const Lexicon>(shared);
}

grpc::Status TranslationMemoryService::DoAlign(grpc::ServerContextBase* ctx, const v1::AlignRequest* req,
                                               v1::AlignResponse* resp) {
  grpc::Status gs;
  if (Abandoned(ctx, &gs)) return gs;
  if (req->import()) {
    gs = CheckWritable("Align with import");
    if (!gs.ok()) return gs;
  }
  AlignOptions options;
  Status mapped = FromProto(*req, &options);
  if (!mapped.ok()) return ToGrpc(mapped);
  StatusOr<DuplicatePolicy> policy = FromProto(req->on_duplicate());
  if (!policy.ok()) return ToGrpc(policy.status());
  StatusOr<std::vector<std::string>> source = DocumentSentences(req->source(), options.src_lang, "source");
  if (!source.ok()) return ToGrpc(source.status());
  StatusOr<std::vector<std::string>> target = DocumentSentences(req->target(), options.tgt_lang, "target");
  if (!target.ok()) return ToGrpc(target.status());

  StatusOr<std::shared_ptr<const Lexicon>> lexicon = DefaultLexicon(options.src_lang, options.tgt_lang);
  if (!lexicon.ok()) return ToGrpc(lexicon.status());
  StatusOr<std::unique_ptr<Aligner>> aligner = Aligner::Create(options, *lexicon);
  if (!aligner.ok()) return ToGrpc(aligner.status());
  if (Abandoned(ctx, &gs)) return gs;
  StatusOr<AlignResult> result = (*aligner)->Align(*source, *target);
  if (!result.ok()) return ToGrpc(result.status());
  ToProto(*source, *target, *result, resp);
  if (!req->import()) return grpc::Status::OK;
  return ImportAligned(*req, options, *source, *target, *result, *policy, resp);
}

grpc::Status TranslationMemoryService::ImportAligned(const v1::AlignRequest& req, const AlignOptions& options,
                                                     const std::vector<std::string>& source,
                                                     const std::vector<std::string>& target, const AlignResult& result,
                                                     DuplicatePolicy policy, v1::AlignResponse* resp) {
  // The engine's units of an alignment (text, document position, context hashes, x-align-*
  // properties): never a second copy of that logic here.
  PairReport report;
  StatusOr<std::vector<SegmentPair>> units =
      AlignedPairs(source, target, options.src_lang, options.tgt_lang, result, ToPairOptions(req, options), &report);
  if (!units.ok()) return ToGrpc(units.status());
  std::vector<WriteResult> written;
  if (!units->empty()) {
    WriteBatch batch;
    for (SegmentPair& unit : *units) batch.Add(std::move(unit));
    // One transaction: the document's pairs are all imported or none.
    StatusOr<std::vector<WriteResult>> results = store_->Write(batch, policy);
    if (!results.ok()) return ToGrpc(results.status());
    written = std::move(results).value();
  }
  ToProto(report, written, resp);
  return grpc::Status::OK;
}

}  // namespace dhakira::service
