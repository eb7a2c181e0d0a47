// dhakira.v1.TranslationMemory handlers. Only request checks and type mapping live here; the engine does
// the work. RPCs whose engine part is not in this build answer UNIMPLEMENTED with a message saying so.
#include "service_impl.h"

#include <grpcpp/grpcpp.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>
#include <thread>
#include <tuple>
#include <utility>

#include "convert.h"
#include "request_traits.h"
#include "dhakira/text.h"

namespace dhakira::service {
namespace {

grpc::Status Invalid(const std::string& msg) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, msg);
}

// CANCELLED / DEADLINE_EXCEEDED when the client gave up or its deadline passed (checked between the items
// of long calls, so a stuck client never keeps a server thread busy for long).
bool Abandoned(grpc::ServerContextBase* ctx, grpc::Status* status) {
  if (!ctx->IsCancelled()) return false;
  const bool expired = ctx->deadline() <= std::chrono::system_clock::now();
  *status = expired ? grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "deadline exceeded")
                    : grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled by the client");
  return true;
}

// KeyHash of a neighbouring source segment, as the store keeps it in SegmentPair::prev_hash/next_hash;
// 0 for "" (no neighbour). Uses the source-language profile, as the store does for the unit's own source.
StatusOr<uint64_t> ContextHash(const std::string& text, const std::string& language) {
  if (text.empty()) return uint64_t{0};
  NormalizerOptions options;
  options.language = language;
  DHAKIRA_ASSIGN_OR_RETURN(std::unique_ptr<Normalizer> normalizer, Normalizer::Create(options));
  DHAKIRA_ASSIGN_OR_RETURN(NormalizedText normalized, normalizer->Normalize(text));
  return KeyHash(normalized.tokens);
}

}  // namespace

TranslationMemoryService::TranslationMemoryService(TranslationMemory* store, const ServerOptions& options)
    : store_(store),
      options_(options)
      ,
      matchers_([store] { return store->NewMatcher(); })
{
}

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

grpc::Status TranslationMemoryService::CheckQuerySize(const std::string& text,
                                                      const char* field) const {
  if (text.size() <= options_.max_query_bytes) return grpc::Status::OK;
  return Invalid(std::string(field) + ": " + std::to_string(text.size()) +
                 " bytes is longer than the server's limit of " +
                 std::to_string(options_.max_query_bytes) + " bytes (Capabilities.limits.max_query_bytes)");
}

// ---------------------------------------------------------------------------------------------------------
// Lookup, BatchLookup, Concordance

namespace {

v1::MatchKind KindToProto(MatchKind kind) {
  switch (kind) {
    case MatchKind::kFuzzy:
      return v1::FUZZY;
    case MatchKind::kExact:
      return v1::EXACT;
    case MatchKind::kContext:
      return v1::EXACT_IN_CONTEXT;
  }
  return v1::MATCH_KIND_UNSPECIFIED;
}

void SpansToProto(const std::vector<std::pair<uint32_t, uint32_t>>& spans,
                  google::protobuf::RepeatedPtrField<v1::Span>* out) {
  out->Reserve(static_cast<int>(spans.size()));
  for (const auto& [begin, end] : spans) {
    v1::Span* s = out->Add();
    s->set_begin(begin);
    s->set_end(end);
  }
}

}  // namespace

// Builds MatchOptions from the request's LookupOptions; INVALID_ARGUMENT naming the field on bad values.
static grpc::Status ToMatchOptions(const v1::LookupOptions& in, uint32_t max_top, MatchOptions* out) {
  out->src_lang = in.src_lang();
  out->tgt_lang = in.tgt_lang();
  if (out->src_lang.empty()) return Invalid("options.src_lang: required (a BCP 47 language, e.g. \"ar\")");
  if (out->tgt_lang.empty()) return Invalid("options.tgt_lang: required (a BCP 47 language, e.g. \"en\")");
  if (in.threshold() != 0) out->threshold = in.threshold();  // 0 = default
  if (in.top() != 0) {
    if (in.top() > max_top) {
      return Invalid("options.top: " + std::to_string(in.top()) + " is more than the server's limit of " +
                     std::to_string(max_top));
    }
    out->top = in.top();
  }
  out->origin = in.origin();
  for (const auto& [origin, points] : in.origin_penalties()) out->origin_points[origin] = points;
  Status st = out->Validate();
  if (!st.ok()) return Invalid("options: " + st.message());
  return grpc::Status::OK;
}

grpc::Status TranslationMemoryService::LookupOne(
    Matcher& matcher, const std::string& source, const std::string& prev, const std::string& next,
    const MatchOptions& base, google::protobuf::RepeatedPtrField<v1::Match>* out) const {
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
  for (const Match& m : result->matches) {
    v1::Match* pm = out->Add();
    ToProto(m.pair, pm->mutable_unit());
    pm->set_score(m.score);
    pm->set_fuzzy(m.fuzzy);
    pm->set_kind(KindToProto(m.kind));
    for (const Penalty& p : m.penalties) {
      v1::Penalty* pp = pm->add_penalties();
      pp->set_reason(p.reason);
      pp->set_points(p.points);
    }
    pm->set_target_substituted(m.target_substituted);
    SpansToProto(m.source_marks, pm->mutable_source_marks());
  }
  return grpc::Status::OK;
}

namespace {

// Parses the raw request `in` as `Req` (ParseRequest names a field with invalid UTF-8), runs `handler`
// on it and serializes its response into `out`.
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

}  // namespace

grpc::ServerUnaryReactor* TranslationMemoryService::Lookup(grpc::CallbackServerContext* ctx,
                                                           const grpc::ByteBuffer* req,
                                                           grpc::ByteBuffer* resp) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  reactor->Finish(RunRaw<v1::LookupRequest, v1::LookupResponse>(
      "Lookup", req, resp, [&](const v1::LookupRequest* r, v1::LookupResponse* out) {
        return DoLookup(ctx, r, out);
      }));
  return reactor;
}

grpc::Status TranslationMemoryService::DoLookup(grpc::ServerContextBase* ctx, const v1::LookupRequest* req,
                                                v1::LookupResponse* resp) {
  grpc::Status gs;
  if (Abandoned(ctx, &gs)) return gs;
  MatchOptions options;
  gs = ToMatchOptions(req->options(), options_.max_top, &options);
  if (!gs.ok()) return gs;
  StatusOr<Pool<Matcher>::Lease> matcher = matchers_.Acquire();
  if (!matcher.ok()) return ToGrpc(matcher.status());
  return LookupOne(**matcher, req->source(), req->previous_source(), req->next_source(), options,
                   resp->mutable_matches());
}

namespace {

// Whether a call is answered on gRPC's callback thread: a small BatchLookup is (a few milliseconds of
// matching at most); writes and alignments never are (they may wait for the TM's writer).
bool RunsInline(const v1::BatchLookupRequest& req) {
  return req.segments_size() <= TranslationMemoryService::kInlineBatchSegments;
}
bool RunsInline(const v1::UpsertRequest&) { return false; }
bool RunsInline(const v1::AlignRequest&) { return false; }

}  // namespace

template <typename Req, typename Resp, typename Handler>
void TranslationMemoryService::FinishOffThread(const char* rpc, grpc::ServerUnaryReactor* reactor,
                                               const grpc::ByteBuffer* in, grpc::ByteBuffer* out,
                                               Handler handler) {
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

grpc::ServerUnaryReactor* TranslationMemoryService::BatchLookup(grpc::CallbackServerContext* ctx,
                                                                const grpc::ByteBuffer* req,
                                                                grpc::ByteBuffer* resp) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  auto handler = [this, ctx](const v1::BatchLookupRequest* r, v1::BatchLookupResponse* out) {
    return DoBatchLookup(ctx, r, out);
  };
  FinishOffThread<v1::BatchLookupRequest, v1::BatchLookupResponse>("BatchLookup", reactor, req, resp,
                                                                   handler);
  return reactor;
}

grpc::ServerUnaryReactor* TranslationMemoryService::Upsert(grpc::CallbackServerContext* ctx,
                                                           const grpc::ByteBuffer* req,
                                                           grpc::ByteBuffer* resp) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  FinishOffThread<v1::UpsertRequest, v1::UpsertResponse>(
      "Upsert", reactor, req, resp,
      [this, ctx](const v1::UpsertRequest* r, v1::UpsertResponse* out) { return DoUpsert(ctx, r, out); });
  return reactor;
}

grpc::ServerUnaryReactor* TranslationMemoryService::Align(grpc::CallbackServerContext* ctx,
                                                          const grpc::ByteBuffer* req,
                                                          grpc::ByteBuffer* resp) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  FinishOffThread<v1::AlignRequest, v1::AlignResponse>(
      "Align", reactor, req, resp,
      [this, ctx](const v1::AlignRequest* r, v1::AlignResponse* out) { return DoAlign(ctx, r, out); });
  return reactor;
}

grpc::Status TranslationMemoryService::DoBatchLookup(grpc::ServerContextBase* ctx,
                                                     const v1::BatchLookupRequest* req,
                                                     v1::BatchLookupResponse* resp) {
  grpc::Status gs;
  if (Abandoned(ctx, &gs)) return gs;
  const int n = req->segments_size();
  if (static_cast<uint64_t>(n) > options_.max_batch_segments) {
    return Invalid("segments: " + std::to_string(n) + " segments is more than the server's limit of " +
                   std::to_string(options_.max_batch_segments) +
                   " per call (Capabilities.limits.max_batch_segments); split the batch");
  }
  MatchOptions options;
  gs = ToMatchOptions(req->options(), options_.max_top, &options);
  if (!gs.ok()) return gs;
  StatusOr<Pool<Matcher>::Lease> matcher = matchers_.Acquire();
  if (!matcher.ok()) return ToGrpc(matcher.status());
  static const std::string kNone;
  resp->mutable_results()->Reserve(n);
  for (int i = 0; i < n; ++i) {
    if (Abandoned(ctx, &gs)) return gs;
    const v1::BatchSegment& seg = req->segments(i);
    const std::string* prev = &seg.previous_source();
    const std::string* next = &seg.next_source();
    if (req->document_context()) {
      prev = i > 0 ? &req->segments(i - 1).source() : &kNone;
      next = i + 1 < n ? &req->segments(i + 1).source() : &kNone;
    }
    v1::BatchLookupResult* r = resp->add_results();
    r->set_index(static_cast<uint32_t>(i));
    r->set_client_ref(seg.client_ref());
    gs = LookupOne(**matcher, seg.source(), *prev, *next, options, r->mutable_matches());
    if (!gs.ok()) {
      // One bad segment (empty, over-long) must not cost the whole pre-translation.
      r->clear_matches();
      r->mutable_error()->set_code(static_cast<int32_t>(gs.error_code()));
      r->mutable_error()->set_message("segment " + std::to_string(i) + ": " + gs.error_message());
    }
  }
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* TranslationMemoryService::Concordance(grpc::CallbackServerContext* ctx,
                                                                const grpc::ByteBuffer* req,
                                                                grpc::ByteBuffer* resp) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  reactor->Finish(RunRaw<v1::ConcordanceRequest, v1::ConcordanceResponse>(
      "Concordance", req, resp, [&](const v1::ConcordanceRequest* r, v1::ConcordanceResponse* out) {
        return DoConcordance(ctx, r, out);
      }));
  return reactor;
}

grpc::Status TranslationMemoryService::DoConcordance(grpc::ServerContextBase* ctx,
                                                     const v1::ConcordanceRequest* req,
                                                     v1::ConcordanceResponse* resp) {
  grpc::Status gs;
  if (Abandoned(ctx, &gs)) return gs;
  gs = CheckQuerySize(req->phrase(), "phrase");
  if (!gs.ok()) return gs;
  ConcordanceOptions options;
  options.src_lang = req->src_lang();
  options.tgt_lang = req->tgt_lang();
  if (options.src_lang.empty()) return Invalid("src_lang: required (a BCP 47 language, e.g. \"ar\")");
  if (options.tgt_lang.empty()) return Invalid("tgt_lang: required (a BCP 47 language, e.g. \"en\")");
  switch (req->side()) {
    case v1::CONCORDANCE_SIDE_SOURCE:
      options.side = ConcordanceSide::kSource;
      break;
    case v1::CONCORDANCE_SIDE_TARGET:
      options.side = ConcordanceSide::kTarget;
      break;
    default:
      return Invalid("side: unknown value " + std::to_string(static_cast<int>(req->side())));
  }
  if (req->top() != 0) {
    if (req->top() > options_.max_concordance_top) {
      return Invalid("top: " + std::to_string(req->top()) + " is more than the server's limit of " +
                     std::to_string(options_.max_concordance_top));
    }
    options.top = req->top();
  }
  Status st = options.Validate();
  if (!st.ok()) return Invalid(st.message());
  StatusOr<Pool<Matcher>::Lease> matcher = matchers_.Acquire();
  if (!matcher.ok()) return ToGrpc(matcher.status());
  StatusOr<ConcordanceResult> result = (*matcher)->Concordance(req->phrase(), options);
  if (!result.ok()) return ToGrpc(result.status());
  resp->mutable_hits()->Reserve(static_cast<int>(result->hits.size()));
  for (const ConcordanceHit& hit : result->hits) {
    v1::ConcordanceHit* h = resp->add_hits();
    ToProto(hit.pair, h->mutable_unit());
    SpansToProto(hit.spans, h->mutable_spans());
  }
  return grpc::Status::OK;
}

// ---------------------------------------------------------------------------------------------------------
// Upsert, Delete, Get

grpc::Status TranslationMemoryService::DoUpsert(grpc::ServerContextBase* ctx, const v1::UpsertRequest* req,
                                                v1::UpsertResponse* resp) {
  grpc::Status gs = CheckWritable("Upsert");
  if (!gs.ok()) return gs;
  if (Abandoned(ctx, &gs)) return gs;
  if (!req->has_unit()) return Invalid("unit: required");
  const v1::Unit& unit = req->unit();
  if (unit.src_lang().empty()) return Invalid("unit.src_lang: required (a BCP 47 language)");
  if (unit.tgt_lang().empty()) return Invalid("unit.tgt_lang: required (a BCP 47 language)");
  if (unit.source().empty()) return Invalid("unit.source: required (the source segment)");
  if (unit.target().empty()) return Invalid("unit.target: required (the target segment)");
  gs = CheckQuerySize(req->previous_source(), "previous_source");
  if (gs.ok()) gs = CheckQuerySize(req->next_source(), "next_source");
  if (!gs.ok()) return gs;
  StatusOr<DuplicatePolicy> policy = FromProto(req->on_duplicate());
  if (!policy.ok()) return ToGrpc(policy.status());

  SegmentPair pair;
  FromProto(unit, &pair);
  StatusOr<uint64_t> prev = ContextHash(req->previous_source(), pair.src_lang);
  if (!prev.ok()) return ToGrpc(prev.status().WithContext("previous_source"));
  StatusOr<uint64_t> next = ContextHash(req->next_source(), pair.src_lang);
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
  Status st = store_->Update(std::move(pair));
  if (!st.ok()) return ToGrpc(st);
  resp->set_id(id);
  resp->set_outcome(v1::WRITE_OUTCOME_UPDATED);
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

grpc::Status TranslationMemoryService::Get(grpc::ServerContext* ctx, const v1::GetRequest* req,
                                           v1::Unit* resp) {
  grpc::Status gs;
  if (Abandoned(ctx, &gs)) return gs;
  if (req->id() == 0) return Invalid("id: required (ids start at 1)");
  StatusOr<SegmentPair> pair = store_->Get(req->id());
  if (!pair.ok()) return ToGrpc(pair.status());
  ToProto(*pair, resp);
  return grpc::Status::OK;
}

// ---------------------------------------------------------------------------------------------------------
// Import, Export, Align

namespace {

// A file in the spool directory, removed when this goes out of scope. The io library reads and writes
// files (it sniffs encodings, gunzips, renames into place), so streamed imports and exports pass through one.
class SpoolFile {
 public:
  ~SpoolFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  Status Create(const std::string& dir, const char* stem, const std::string& suffix) {
    std::string tmpl = dir + "/" + stem + "-XXXXXX" + suffix;
    fd_ = ::mkstemps(tmpl.data(), static_cast<int>(suffix.size()));
    if (fd_ < 0) {
      return Status::IOError("cannot create a spool file in " + dir + ": " + std::strerror(errno));
    }
    path_ = tmpl;
    return Status::OK();
  }
  Status Write(const std::string& data) {
    size_t done = 0;
    while (done < data.size()) {
      const ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Status::IOError("cannot write spool file " + path_ + ": " + std::strerror(errno));
      done += static_cast<size_t>(n);
    }
    return Status::OK();
  }
  Status Close() {
    if (fd_ >= 0 && ::close(fd_) != 0) {
      fd_ = -1;
      return Status::IOError("cannot write spool file " + path_ + ": " + std::strerror(errno));
    }
    fd_ = -1;
    return Status::OK();
  }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

std::string SpoolDir(const ServerOptions& options) {
  if (!options.spool_dir.empty()) return options.spool_dir;
  const char* tmp = std::getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
}

bool EndsWith(const std::string& s, const char* suffix) {
  const size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

// Messages from the io library name the spool file; the client knows its file by its own name.
std::string Rename(std::string message, const std::string& spool, const std::string& name) {
  for (size_t pos = message.find(spool); pos != std::string::npos; pos = message.find(spool, pos)) {
    message.replace(pos, spool.size(), name);
    pos += name.size();
  }
  return message;
}

// Cancels the call when Feed() has not been called for `timeout`: a client that stops sending in the
// middle of an upload (without closing its stream) must not hold a server thread for ever.
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
  CollectingReporter(grpc::ServerContext* ctx, const TranslationMemoryService* service,
                     const std::string& spool, const std::string& name, v1::ImportSummary* out)
      : ctx_(ctx), service_(service), spool_(spool), name_(name), out_(out) {}
  void OnReject(const ImportIssue& issue) override {
    if (static_cast<size_t>(out_->problems_size()) >= kMaxProblems) return;
    v1::ImportProblem* p = out_->add_problems();
    p->set_line(issue.line);
    p->set_column(issue.column);
    p->set_reason(issue.reason);
    p->set_message(Rename(issue.message, spool_, name_));
    p->set_excerpt(issue.excerpt);
  }
  bool ShouldStop() override {
    if (stop_by_ != std::chrono::system_clock::time_point::max() &&
        std::chrono::system_clock::now() >= stop_by_) {
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
    const auto reserve = std::min<std::chrono::system_clock::duration>((deadline - now) / 4,
                                                                       std::chrono::seconds(2));
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

}  // namespace

grpc::Status TranslationMemoryService::Import(grpc::ServerContext* ctx,
                                              grpc::ServerReader<v1::ImportRequest>* reader,
                                              v1::ImportSummary* resp) {
  grpc::Status gs;
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
  const v1::ImportOptions o = msg.options();
  if (!o.dry_run()) {  // a dry run only reads the TM
    gs = CheckWritable("Import");
    if (!gs.ok()) return gs;
  }
  const std::string name = o.file_name().empty() ? std::string("(uploaded file)") : o.file_name();
  ImportOptions options;
  switch (o.format()) {
    case v1::FILE_FORMAT_TMX:
      options.format = FileFormat::kTmx;
      break;
    case v1::FILE_FORMAT_TSV:
      options.format = FileFormat::kTsv;
      break;
    case v1::FILE_FORMAT_AUTO:
      if (!o.file_name().empty()) {
        StatusOr<FileFormat> f = FormatFromFileName(o.file_name());
        if (!f.ok()) return Invalid("options.file_name: " + f.status().message());
        options.format = *f;
      }
      break;  // else sniffed from the content below
    default:
      return Invalid("options.format: unknown value " + std::to_string(static_cast<int>(o.format())));
  }
  options.src_lang = o.src_lang();
  options.tgt_lang = o.tgt_lang();
  options.origin = o.origin().empty() ? o.file_name() : o.origin();
  StatusOr<DuplicatePolicy> policy = FromProto(o.on_duplicate());
  if (!policy.ok()) return ToGrpc(policy.status());
  options.on_duplicate = *policy;
  options.strict = o.strict();
  options.encoding = o.encoding();
  options.dry_run = o.dry_run();
  options.tsv_unescape = o.tsv_unescape();
  if (o.batch_size() != 0) options.batch_size = o.batch_size();  // 0 = default
  if (o.max_segment_bytes() != 0) options.max_segment_bytes = o.max_segment_bytes();
  if (options.format != FileFormat::kAuto) {
    Status st = options.Validate();
    if (!st.ok()) return Invalid("options: " + st.message());
  }

  // Spool the stream. The suffix keeps ".gz" so the io library gunzips.
  const bool gz = EndsWith(o.file_name(), ".gz");
  SpoolFile spool;
  Status st = spool.Create(SpoolDir(options_), "dhakira-import", gz ? ".gz" : ".in");
  if (!st.ok()) return ToGrpc(st);
  uint64_t bytes = 0;
  std::string head;  // first bytes, for format sniffing
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
      bytes += msg.data().size();
      if (options_.max_import_bytes != 0 && bytes > options_.max_import_bytes) {
        return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                            name + ": larger than the server's import limit of " +
                                std::to_string(options_.max_import_bytes) + " bytes");
      }
      if (head.size() < 512) head.append(msg.data(), 0, 512 - head.size());
      st = spool.Write(msg.data());
      if (!st.ok()) return ToGrpc(st);
    }
    if (watchdog.fired()) {
      return grpc::Status(grpc::StatusCode::CANCELLED,
                          "Import: " + name + ": nothing received for " +
                              std::to_string(options_.import_idle_timeout_ms) +
                              " ms; the upload was cancelled and nothing of it imported");
    }
  }
  if (std::string bad = TakeLastRequestError(); !bad.empty()) {
    return Invalid(bad + " (message " + std::to_string(messages + 1) + " of the stream; nothing imported)");
  }
  if (Abandoned(ctx, &gs)) return gs;
  st = spool.Close();
  if (!st.ok()) return ToGrpc(st);
  resp->set_bytes(bytes);

  if (options.format == FileFormat::kAuto) {
    // No name and no format: TMX starts with '<' (after a BOM and blanks; UTF-16 shows '<' as "<\0" or
    // "\0<"); anything else is taken for TSV.
    if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1F &&
        static_cast<unsigned char>(head[1]) == 0x8B) {
      return Invalid("options: a gzip-compressed upload needs options.format or a file_name ending in .gz");
    }
    size_t i = head.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    while (i < head.size() && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n' ||
                               head[i] == '\0' || static_cast<unsigned char>(head[i]) >= 0xFE)) {
      ++i;
    }
    options.format = i < head.size() && head[i] == '<' ? FileFormat::kTmx : FileFormat::kTsv;
    Status vst = options.Validate();
    if (!vst.ok()) return Invalid("options: " + vst.message());
  }

  // gRPC ends the upload early at a shutdown; what was received is not the whole file.
  if (ShuttingDown()) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        "Import: the server is shutting down; nothing of " + name +
                            " was imported (send it again to a running server)");
  }
  CollectingReporter reporter(ctx, this, spool.path(), name, resp);
  reporter.StopBeforeDeadline();
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
    summary = dhakira::Import(*store_, spool.path(), options, &reporter);
  });
  worker.join();
  if (!summary.ok()) {
    const Status& err = summary.status();
    std::string message = Rename(err.message(), spool.path(), name);
    // The file is the client's: a damaged one is a bad argument, not data loss on our side.
    if (err.IsCorruption()) return Invalid(message);
    if (err.code() == Status::Code::kCancelled && reporter.deadline_near()) {
      return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                          "Import: stopped before the call's deadline: " + message);
    }
    if (err.code() == Status::Code::kCancelled && ShuttingDown()) {
      // The message says what the TM holds: the client can send the rest again (duplicates skipped).
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "Import: the server is shutting down: " + message);
    }
    return grpc::Status(ToGrpc(err).error_code(), message);
  }
  resp->set_read(summary->records_read);
  resp->set_added(summary->added);
  resp->set_updated(summary->updated);
  resp->set_skipped_duplicates(summary->duplicates_skipped);
  resp->set_skipped_invalid(summary->rejected);
  for (const auto& [reason, n] : summary->rejected_by_reason) (*resp->mutable_skipped_by_reason())[reason] = n;
  resp->set_seconds(summary->seconds);
  resp->set_replaced_characters(summary->illegal_chars_replaced);
  resp->set_format(summary->format == FileFormat::kTmx ? v1::FILE_FORMAT_TMX : v1::FILE_FORMAT_TSV);
  resp->set_encoding(summary->encoding);
  for (const auto& [reason, n] : summary->warnings_by_reason)
    (*resp->mutable_warnings_by_reason())[reason] = n;
  resp->set_entities_replaced(summary->entities_replaced);
  resp->set_batches_committed(summary->batches_committed);
  resp->set_dry_run(summary->dry_run);
  return grpc::Status::OK;
}

grpc::Status TranslationMemoryService::Export(grpc::ServerContext* ctx, const v1::ExportRequest* req,
                                              grpc::ServerWriter<v1::ExportChunk>* writer) {
  grpc::Status gs;
  if (Abandoned(ctx, &gs)) return gs;
  ExportOptions options;
  std::string suffix;
  switch (req->format()) {
    case v1::FILE_FORMAT_AUTO:
    case v1::FILE_FORMAT_TMX:
      options.format = FileFormat::kTmx;
      suffix = ".tmx";
      break;
    case v1::FILE_FORMAT_TSV:
      options.format = FileFormat::kTsv;
      suffix = ".tsv";
      break;
    default:
      return Invalid("format: unknown value " + std::to_string(static_cast<int>(req->format())));
  }
  // The io filters compare canonical tags exactly: canonicalise what the client wrote.
  for (auto [in, out, field] : {std::tuple{&req->src_lang(), &options.src_lang, "src_lang"},
                                std::tuple{&req->tgt_lang(), &options.tgt_lang, "tgt_lang"}}) {
    if (in->empty()) continue;
    StatusOr<std::string> lang = CanonicalLanguage(*in);
    if (!lang.ok()) return ToGrpc(lang.status().WithContext(field));
    *out = *lang;
  }
  options.origin = req->origin();
  options.tsv_escape = !req->tsv_no_escape();
  if (req->gzip()) suffix += ".gz";  // the io library compresses by file name
  Status st = options.Validate();
  if (!st.ok()) return Invalid(st.message());

  SpoolFile spool;
  st = spool.Create(SpoolDir(options_), "dhakira-export", suffix);
  if (!st.ok()) return ToGrpc(st);
  st = spool.Close();
  if (!st.ok()) return ToGrpc(st);
  StatusOr<ExportSummary> summary = dhakira::Export(*store_, spool.path(), options);
  if (!summary.ok()) {
    return grpc::Status(ToGrpc(summary.status()).error_code(),
                        Rename(summary.status().message(), spool.path(), "(export)"));
  }
  std::ifstream in(spool.path(), std::ios::binary);
  if (!in) return ToGrpc(Status::IOError("cannot read back the export spool file " + spool.path()));
  std::string buf(1 << 20, '\0');
  while (in) {
    if (Abandoned(ctx, &gs)) return gs;
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const std::streamsize n = in.gcount();
    if (n <= 0) break;
    v1::ExportChunk chunk;
    chunk.set_data(buf.data(), static_cast<size_t>(n));
    chunk.set_units(summary->pairs_written);
    chunk.set_uncompressed_bytes(summary->bytes_written);
    chunk.set_replaced_characters(summary->characters_replaced);
    chunk.set_seconds(summary->seconds);
    if (!writer->Write(chunk)) {
      return grpc::Status(grpc::StatusCode::CANCELLED, "Export: the client stopped reading");
    }
  }
  return grpc::Status::OK;
}



StatusOr<std::shared_ptr<const Lexicon>> TranslationMemoryService::DefaultLexicon(
    const std::string& src_lang, const std::string& tgt_lang) {
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

namespace {

StatusOr<std::vector<std::string>> DocumentSentences(const v1::Document& doc, const std::string& lang,
                                                     const char* field) {
  switch (doc.content_case()) {
    case v1::Document::kText:
      return SplitDocument(doc.text(), lang, /*presplit=*/false, field);
    case v1::Document::kSentences:
      return std::vector<std::string>(doc.sentences().sentence().begin(), doc.sentences().sentence().end());
    default:
      return Status::InvalidArgument(std::string(field) + ": required (text or sentences)");
  }
}

std::string JoinSentences(const std::vector<std::string>& sentences, const std::vector<uint32_t>& idx) {
  std::string out;
  for (uint32_t i : idx) {
    if (!out.empty()) out += ' ';
    out += sentences[i];
  }
  return out;
}

v1::EditorialKind EditorialToProto(EditorialKind kind) {
  switch (kind) {
    case EditorialKind::kNone:
      return v1::EDITORIAL_NONE;
    case EditorialKind::kTitle:
      return v1::EDITORIAL_TITLE;
    case EditorialKind::kStandfirst:
      return v1::EDITORIAL_STANDFIRST;
    case EditorialKind::kDisclaimer:
      return v1::EDITORIAL_DISCLAIMER;
    case EditorialKind::kKeywords:
      return v1::EDITORIAL_KEYWORDS;
  }
  return v1::EDITORIAL_NONE;
}

}  // namespace

grpc::Status TranslationMemoryService::DoAlign(grpc::ServerContextBase* ctx, const v1::AlignRequest* req,
                                               v1::AlignResponse* resp) {
  grpc::Status gs;
  if (Abandoned(ctx, &gs)) return gs;
  if (req->import()) {
    gs = CheckWritable("Align with import");
    if (!gs.ok()) return gs;
  }
  AlignOptions options;
  options.src_lang = req->src_lang();
  options.tgt_lang = req->tgt_lang();
  if (options.src_lang.empty()) return Invalid("src_lang: required (a BCP 47 language, e.g. \"ar\")");
  if (options.tgt_lang.empty()) return Invalid("tgt_lang: required (a BCP 47 language, e.g. \"en\")");
  StatusOr<std::string> src_lang = CanonicalLanguage(options.src_lang);
  if (!src_lang.ok()) return ToGrpc(src_lang.status().WithContext("src_lang"));
  StatusOr<std::string> tgt_lang = CanonicalLanguage(options.tgt_lang);
  if (!tgt_lang.ok()) return ToGrpc(tgt_lang.status().WithContext("tgt_lang"));
  options.src_lang = *src_lang;
  options.tgt_lang = *tgt_lang;
  if (req->length_ratio() != 0) options.length_ratio = req->length_ratio();
  if (req->min_confidence() != 0) options.min_confidence = req->min_confidence();
  options.detect_editorial = !req->no_editorial_detection();
  Status st = options.Validate();
  if (!st.ok()) return Invalid(st.message());
  StatusOr<DuplicatePolicy> policy = FromProto(req->on_duplicate());
  if (!policy.ok()) return ToGrpc(policy.status());

  StatusOr<std::vector<std::string>> src = DocumentSentences(req->source(), options.src_lang, "source");
  if (!src.ok()) return ToGrpc(src.status());
  StatusOr<std::vector<std::string>> tgt = DocumentSentences(req->target(), options.tgt_lang, "target");
  if (!tgt.ok()) return ToGrpc(tgt.status());

  StatusOr<std::shared_ptr<const Lexicon>> lexicon = DefaultLexicon(options.src_lang, options.tgt_lang);
  if (!lexicon.ok()) return ToGrpc(lexicon.status());
  StatusOr<std::unique_ptr<Aligner>> aligner = Aligner::Create(options, *lexicon);
  if (!aligner.ok()) return ToGrpc(aligner.status());
  if (Abandoned(ctx, &gs)) return gs;
  StatusOr<AlignResult> result = (*aligner)->Align(*src, *tgt);
  if (!result.ok()) return ToGrpc(result.status());

  for (const std::string& s : *src) resp->add_source_sentences(s);
  for (const std::string& s : *tgt) resp->add_target_sentences(s);
  resp->set_length_ratio(result->length_ratio);

  // Pairs (links with both sides) and, for import, TM units with document context: position = index of
  // the link's first source sentence, context hashes = KeyHash of the source sentences around the link.
  std::unique_ptr<Normalizer> normalizer;
  if (req->import()) {
    NormalizerOptions nopts;
    nopts.language = options.src_lang;
    StatusOr<std::unique_ptr<Normalizer>> n = Normalizer::Create(nopts);
    if (!n.ok()) return ToGrpc(n.status());
    normalizer = std::move(n).value();
  }
  auto sentence_hash = [&](int64_t i) -> StatusOr<uint64_t> {
    if (i < 0 || i >= static_cast<int64_t>(src->size())) return uint64_t{0};
    DHAKIRA_ASSIGN_OR_RETURN(NormalizedText t, normalizer->Normalize((*src)[static_cast<size_t>(i)]));
    return KeyHash(t.tokens);
  };
  WriteBatch batch;
  for (size_t li = 0; li < result->links.size(); ++li) {
    const AlignLink& link = result->links[li];
    v1::AlignLink* pl = resp->add_links();
    for (uint32_t i : link.src) pl->add_src(i);
    for (uint32_t i : link.tgt) pl->add_tgt(i);
    pl->set_confidence(link.confidence);
    pl->set_low_confidence(link.low_confidence);
    pl->set_editorial(EditorialToProto(link.editorial));
    if (link.src.empty() || link.tgt.empty()) continue;
    v1::SentencePair* pair = resp->add_pairs();
    pair->set_source(JoinSentences(*src, link.src));
    pair->set_target(JoinSentences(*tgt, link.tgt));
    pair->set_confidence(link.confidence);
    pair->set_low_confidence(link.low_confidence);
    pair->set_link(static_cast<uint32_t>(li));
    if (!req->import()) continue;
    if (link.low_confidence) {
      resp->set_held_back(resp->held_back() + 1);
      continue;
    }
    SegmentPair unit;
    unit.src_lang = options.src_lang;
    unit.tgt_lang = options.tgt_lang;
    unit.source = pair->source();
    unit.target = pair->target();
    unit.origin = req->origin();
    unit.doc_id = req->doc_id();
    unit.doc_position = link.src.front();
    StatusOr<uint64_t> prev = sentence_hash(static_cast<int64_t>(link.src.front()) - 1);
    if (!prev.ok()) return ToGrpc(prev.status());
    StatusOr<uint64_t> next = sentence_hash(static_cast<int64_t>(link.src.back()) + 1);
    if (!next.ok()) return ToGrpc(next.status());
    unit.prev_hash = *prev;
    unit.next_hash = *next;
    batch.Add(std::move(unit));
  }
  if (req->import() && !batch.empty()) {
    // One transaction: the document's pairs are all imported or none.
    StatusOr<std::vector<WriteResult>> written = store_->Write(batch, *policy);
    if (!written.ok()) return ToGrpc(written.status());
    for (const WriteResult& w : *written) {
      if (w.outcome == WriteOutcome::kAdded) resp->set_imported(resp->imported() + 1);
      if (w.outcome == WriteOutcome::kUpdated) resp->set_updated(resp->updated() + 1);
      if (w.outcome == WriteOutcome::kSkippedDuplicate) {
        resp->set_skipped_duplicates(resp->skipped_duplicates() + 1);
      }
    }
  }
  return grpc::Status::OK;
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

grpc::Status TranslationMemoryService::Capabilities(grpc::ServerContext* ctx,
                                                    const v1::CapabilitiesRequest*,
                                                    v1::CapabilitiesResponse* resp) {
  grpc::Status gs;
  if (Abandoned(ctx, &gs)) return gs;
  resp->set_server_version(DHAKIRA_VERSION);
  resp->set_api_version("dhakira.v1");
  StatusOr<StoreStats> stats = store_->Stats();
  if (!stats.ok()) return ToGrpc(stats.status());
  resp->set_format_version(stats->format_version);
  // Languages are data: "ar" and "en" have their own normalisation profiles (text.h), every other valid
  // BCP 47 language works through the generic one.
  resp->add_language_profiles("ar");
  resp->add_language_profiles("en");
  resp->set_any_language(true);
  v1::StatsResponse tmp;
  ToProto(*stats, &tmp);
  *resp->mutable_tm_language_pairs() = tmp.language_pairs();
  v1::Limits* limits = resp->mutable_limits();
  limits->set_max_message_bytes(options_.max_message_bytes);
  limits->set_max_query_bytes(options_.max_query_bytes);
  limits->set_max_batch_segments(options_.max_batch_segments);
  limits->set_max_top(options_.max_top);
  limits->set_max_concordance_top(options_.max_concordance_top);
  limits->set_max_import_bytes(options_.max_import_bytes);
  for (const std::string& rpc : ImplementedRpcs()) resp->add_rpcs(rpc);
  resp->add_import_formats(v1::FILE_FORMAT_TMX);
  resp->add_import_formats(v1::FILE_FORMAT_TSV);
  resp->add_export_formats(v1::FILE_FORMAT_TMX);
  resp->add_export_formats(v1::FILE_FORMAT_TSV);
  resp->set_read_only(options_.read_only);
  return grpc::Status::OK;
}

}  // namespace dhakira::service
