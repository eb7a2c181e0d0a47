// Client: the C++ side of dhakira.v1.TranslationMemory, returning engine types so that the CLI prints the
// same output whether it works on a local TM or through a server.
#include <grpcpp/grpcpp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "convert.h"
#include "dhakira/service.h"
#include "dhakira/text.h"
#include "dhakira/v1/translation_memory.grpc.pb.h"

namespace dhakira {
namespace {

// Whether `s` is well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF).
bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const unsigned c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t min;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4, min = 0x10000;
    } else {
      return false;
    }
    if (n - i < len) return false;
    uint32_t cp = c & (0xFFu >> (len + 1));
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

// Protobuf refuses to send a string field that is not UTF-8 (the whole call would fail), so
// ill-formed text is caught here, with the error the engine gives for it on the server (or
// locally): the normalizer's message, naming the byte offset, in the context of `field`.
Status CheckText(std::string_view text, const char* field) {
  if (IsValidUtf8(text)) return Status::OK();
  NormalizerOptions options;
  options.language = "en";  // any: the UTF-8 check comes first
  options.max_input_bytes = 64u << 20;
  StatusOr<std::unique_ptr<Normalizer>> normalizer = Normalizer::Create(options);
  if (normalizer.ok()) {
    StatusOr<NormalizedText> normalized = (*normalizer)->Normalize(text);
    if (!normalized.ok()) return normalized.status().WithContext(field);
  }
  return Status::InvalidArgument(std::string(field) + ": invalid UTF-8");
}

// Opens the file to upload: NotFound or IOError naming it, InvalidArgument for a directory.
StatusOr<std::FILE*> OpenUpload(const std::string& path) {
  std::FILE* in = std::fopen(path.c_str(), "rb");
  if (in == nullptr) {
    if (errno == ENOENT) return Status::NotFound("cannot open '" + path + "': no such file");
    return Status::IOError("cannot open '" + path + "': " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(::fileno(in), &st) == 0 && S_ISDIR(st.st_mode)) {
    std::fclose(in);
    return Status::InvalidArgument("cannot read '" + path + "': it is a directory, not a file");
  }
  return in;
}

// Streams what is left of `in` (the file at `path`) as data messages of 256 KiB. Stops early when
// the server ends the call (its status says why). IOError naming the file when it cannot be read.
Status SendFile(std::FILE* in, const std::string& path, grpc::ClientWriter<v1::ImportRequest>* writer) {
  std::string buffer(256 << 10, '\0');
  while (true) {
    const size_t read = std::fread(buffer.data(), 1, buffer.size(), in);
    if (read == 0) {
      if (std::ferror(in)) return Status::IOError("cannot read '" + path + "': " + std::strerror(errno));
      return Status::OK();
    }
    v1::ImportRequest chunk;
    chunk.set_data(buffer.data(), read);
    if (!writer->Write(chunk)) return Status::OK();  // the server ended the call
  }
}

class ClientImpl final : public Client {
 public:
  ClientImpl(std::string address, const ClientOptions& options, std::shared_ptr<grpc::Channel> channel)
      : address_(std::move(address)),
        options_(options),
        channel_(std::move(channel)),
        stub_(v1::TranslationMemory::NewStub(channel_)) {}

  const std::string& address() const override { return address_; }

  StatusOr<RemoteStats> Stats() override {
    grpc::ClientContext ctx;
    Prepare(&ctx);
    v1::StatsRequest req;
    v1::StatsResponse resp;
    DHAKIRA_RETURN_IF_ERROR(Check(stub_->Stats(&ctx, req, &resp), "stats"));
    RemoteStats out;
    service::FromProto(resp, &out.stats);
    out.path = resp.path();
    return out;
  }

  StatusOr<SegmentPair> Get(uint64_t id) override {
    grpc::ClientContext ctx;
    Prepare(&ctx);
    v1::GetRequest req;
    req.set_id(id);
    v1::Unit resp;
    DHAKIRA_RETURN_IF_ERROR(Check(stub_->Get(&ctx, req, &resp), "get"));
    SegmentPair pair;
    service::FromProtoAll(resp, &pair);
    return pair;
  }

  StatusOr<WriteResult> Upsert(const SegmentPair& pair, std::string_view previous_source, std::string_view next_source,
                               DuplicatePolicy on_duplicate) override {
    grpc::ClientContext ctx;
    Prepare(&ctx);
    v1::UpsertRequest req;
    service::ToProto(pair, previous_source, next_source, on_duplicate, &req);
    v1::UpsertResponse resp;
    DHAKIRA_RETURN_IF_ERROR(Check(stub_->Upsert(&ctx, req, &resp), "upsert"));
    return WriteResult{resp.id(), service::FromProto(resp.outcome())};
  }

  Status Delete(const std::vector<uint64_t>& ids) override {
    grpc::ClientContext ctx;
    Prepare(&ctx);
    v1::DeleteRequest req;
    for (uint64_t id : ids) req.add_ids(id);
    v1::DeleteResponse resp;
    return Check(stub_->Delete(&ctx, req, &resp), "delete");
  }

  StatusOr<MatchResult> Lookup(std::string_view query, const MatchOptions& options) override {
    v1::LookupRequest req;
    DHAKIRA_RETURN_IF_ERROR(service::ToProto(query, options, &req));
    DHAKIRA_RETURN_IF_ERROR(CheckText(query, "query"));
    DHAKIRA_RETURN_IF_ERROR(CheckText(options.prev_source, "prev_source"));
    DHAKIRA_RETURN_IF_ERROR(CheckText(options.next_source, "next_source"));
    grpc::ClientContext ctx;
    Prepare(&ctx);
    v1::LookupResponse resp;
    DHAKIRA_RETURN_IF_ERROR(CheckRequest(stub_->Lookup(&ctx, req, &resp), "lookup"));
    MatchResult result;
    result.query = std::string(query);
    service::FromProto(resp.matches(), &result.matches);
    return result;
  }

  StatusOr<std::vector<StatusOr<MatchResult>>> BatchLookup(const std::vector<std::string>& queries,
                                                           const MatchOptions& options) override {
    if (queries.size() <= 1) return BatchLookupCall(queries, options);
    // Split into calls the server accepts: at most its max_batch_segments, and well under its
    // largest request message (half of it, leaving room for the options and the framing of each
    // segment).
    DHAKIRA_ASSIGN_OR_RETURN(const ServerLimits limits, Limits());
    const uint64_t budget = limits.max_message_bytes / 2;
    const uint64_t context = options.prev_source.size() + options.next_source.size();
    std::vector<StatusOr<MatchResult>> out;
    out.reserve(queries.size());
    std::vector<std::string> chunk;
    uint64_t bytes = 0;
    auto flush = [&]() -> Status {
      if (chunk.empty()) return Status::OK();
      DHAKIRA_ASSIGN_OR_RETURN(std::vector<StatusOr<MatchResult>> part, BatchLookupCall(chunk, options));
      for (auto& r : part) out.push_back(std::move(r));
      chunk.clear();
      bytes = 0;
      return Status::OK();
    };
    for (const std::string& q : queries) {
      const uint64_t size = q.size() + context + 32;
      if (!chunk.empty() && (chunk.size() >= limits.max_batch_segments || bytes + size > budget)) {
        DHAKIRA_RETURN_IF_ERROR(flush());
      }
      chunk.push_back(q);
      bytes += size;
    }
    DHAKIRA_RETURN_IF_ERROR(flush());
    return out;
  }

 private:
  struct ServerLimits {
    uint64_t max_batch_segments = 0;
    uint64_t max_message_bytes = 0;
  };

  // The server's limits (Capabilities), asked once.
  StatusOr<ServerLimits> Limits() {
    std::lock_guard<std::mutex> lock(limits_mu_);
    if (limits_.max_batch_segments != 0) return limits_;
    grpc::ClientContext ctx;
    Prepare(&ctx);
    v1::CapabilitiesResponse resp;
    DHAKIRA_RETURN_IF_ERROR(Check(stub_->Capabilities(&ctx, v1::CapabilitiesRequest(), &resp), "capabilities"));
    limits_.max_batch_segments = std::max<uint64_t>(1, resp.limits().max_batch_segments());
    limits_.max_message_bytes = std::max<uint64_t>(4096, resp.limits().max_message_bytes());
    return limits_;
  }

  // One BatchLookup call.
  StatusOr<std::vector<StatusOr<MatchResult>>> BatchLookupCall(const std::vector<std::string>& queries,
                                                               const MatchOptions& options) {
    v1::BatchLookupRequest req;
    DHAKIRA_RETURN_IF_ERROR(service::ToProto(options, req.mutable_options()));
    DHAKIRA_RETURN_IF_ERROR(CheckText(options.prev_source, "prev_source"));
    DHAKIRA_RETURN_IF_ERROR(CheckText(options.next_source, "next_source"));
    // Ill-formed queries are answered here and not sent; sent[i] is the request index of query i.
    std::vector<Status> bad(queries.size());
    std::vector<int> sent(queries.size(), -1);
    req.mutable_segments()->Reserve(static_cast<int>(queries.size()));
    for (size_t i = 0; i < queries.size(); ++i) {
      bad[i] = CheckText(queries[i], "query");
      if (!bad[i].ok()) continue;
      sent[i] = req.segments_size();
      service::ToProto(queries[i], options, req.add_segments());
    }
    v1::BatchLookupResponse resp;
    if (req.segments_size() > 0) {
      grpc::ClientContext ctx;
      Prepare(&ctx);
      DHAKIRA_RETURN_IF_ERROR(CheckRequest(stub_->BatchLookup(&ctx, req, &resp), "batch lookup"));
      if (resp.results_size() != req.segments_size()) {
        return Status::Internal("server " + address_ + ": batch lookup: " + std::to_string(resp.results_size()) +
                                " results for " + std::to_string(req.segments_size()) + " segments");
      }
    }
    std::vector<StatusOr<MatchResult>> out;
    out.reserve(queries.size());
    for (size_t i = 0; i < queries.size(); ++i) {
      if (sent[i] < 0) {
        out.push_back(bad[i]);
        continue;
      }
      const v1::BatchLookupResult& r = resp.results(sent[i]);
      if (Status error = service::FromProto(r.error(), sent[i]); !error.ok()) {
        out.push_back(error);
        continue;
      }
      MatchResult result;
      result.query = queries[i];
      service::FromProto(r.matches(), &result.matches);
      out.push_back(std::move(result));
    }
    return out;
  }

 public:
  StatusOr<ConcordanceResult> Concordance(std::string_view phrase, const ConcordanceOptions& options) override {
    v1::ConcordanceRequest req;
    DHAKIRA_RETURN_IF_ERROR(service::ToProto(phrase, options, &req));
    DHAKIRA_RETURN_IF_ERROR(CheckText(phrase, "phrase"));
    grpc::ClientContext ctx;
    Prepare(&ctx);
    v1::ConcordanceResponse resp;
    DHAKIRA_RETURN_IF_ERROR(CheckRequest(stub_->Concordance(&ctx, req, &resp), "concordance"));
    ConcordanceResult result;
    result.phrase = std::string(phrase);
    result.hits.reserve(static_cast<size_t>(resp.hits_size()));
    for (const v1::ConcordanceHit& h : resp.hits()) {
      ConcordanceHit hit;
      service::FromProto(h, &hit);
      result.hits.push_back(std::move(hit));
    }
    return result;
  }

  StatusOr<ImportSummary> Import(const std::string& path, const ImportOptions& options,
                                 ImportReporter* reporter) override {
    v1::ImportRequest first;
    DHAKIRA_RETURN_IF_ERROR(service::ToProto(path, options, first.mutable_options()));
    DHAKIRA_ASSIGN_OR_RETURN(std::FILE * in, OpenUpload(path));
    grpc::ClientContext ctx;
    Prepare(&ctx);
    v1::ImportSummary resp;
    std::unique_ptr<grpc::ClientWriter<v1::ImportRequest>> writer = stub_->Import(&ctx, &resp);
    const Status read_error = writer->Write(first) ? SendFile(in, path, writer.get()) : Status::OK();
    std::fclose(in);
    if (!read_error.ok()) {
      ctx.TryCancel();  // a half-sent file must not be imported
      (void)writer->Finish();
      return read_error;
    }
    writer->WritesDone();
    DHAKIRA_RETURN_IF_ERROR(Check(writer->Finish(), "import"));
    if (reporter != nullptr) {
      for (const v1::ImportProblem& problem : resp.problems()) reporter->OnReject(service::FromProto(problem, path));
    }
    ImportSummary summary;
    service::FromProto(resp, &summary);
    return summary;
  }

  StatusOr<AlignResult> Align(const std::vector<std::string>& source, const std::vector<std::string>& target,
                              const AlignOptions& options) override {
    v1::AlignRequest req;
    DHAKIRA_RETURN_IF_ERROR(service::ToProto(source, target, options, &req));
    for (const std::string& sentence : source) DHAKIRA_RETURN_IF_ERROR(CheckText(sentence, "source"));
    for (const std::string& sentence : target) DHAKIRA_RETURN_IF_ERROR(CheckText(sentence, "target"));
    grpc::ClientContext ctx;
    Prepare(&ctx);
    v1::AlignResponse resp;
    DHAKIRA_RETURN_IF_ERROR(CheckRequest(stub_->Align(&ctx, req, &resp), "align"));
    AlignResult result;
    service::FromProto(resp, &result);
    return result;
  }

  StatusOr<ExportSummary> Export(const std::string& path, const ExportOptions& options) override {
    v1::ExportRequest req;
    DHAKIRA_RETURN_IF_ERROR(service::ToProto(path, options, &req));

    // Written under a temporary name and renamed into place when complete (io's writer, as a local
    // export); the server sends the bytes already compressed when they should be.
    DHAKIRA_ASSIGN_OR_RETURN(std::unique_ptr<AtomicFileWriter> out, AtomicFileWriter::Create(path));
    grpc::ClientContext ctx;
    Prepare(&ctx);
    std::unique_ptr<grpc::ClientReader<v1::ExportChunk>> reader = stub_->Export(&ctx, req);
    v1::ExportChunk chunk;
    ExportSummary summary;
    Status write_error;
    while (reader->Read(&chunk)) {
      service::FromProto(chunk, &summary);
      write_error = out->Write(chunk.data());
      if (!write_error.ok()) {
        ctx.TryCancel();
        break;
      }
    }
    const grpc::Status status = reader->Finish();
    DHAKIRA_RETURN_IF_ERROR(write_error);
    DHAKIRA_RETURN_IF_ERROR(Check(status, "export"));
    DHAKIRA_RETURN_IF_ERROR(out->Commit());
    return summary;
  }

 private:
  void Prepare(grpc::ClientContext* ctx) const {
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(options_.timeout_ms));
  }
  // Server errors keep their code and message; transport failures name the address.
  Status Check(const grpc::Status& status, const std::string& what) const {
    if (status.ok()) return Status::OK();
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
      return Status::IOError("cannot reach the dhakira server at " + address_ + ": " + status.error_message());
    }
    return service::FromGrpc(status, "server " + address_ + ": " + what);
  }

  // As Check, but a request the server's engine found invalid (INVALID_ARGUMENT) keeps the engine's
  // own message, so that a query command prints the same error through the server as on the TM
  // itself.
  Status CheckRequest(const grpc::Status& status, const std::string& what) const {
    if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) return service::FromGrpc(status, "");
    return Check(status, what);
  }

  std::mutex limits_mu_;
  ServerLimits limits_;
  std::string address_;
  ClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::TranslationMemory::Stub> stub_;
};

}  // namespace

Status ClientOptions::Validate() const {
  if (timeout_ms < 1 || timeout_ms > 86'400'000) {
    return Status::InvalidArgument("timeout_ms: " + std::to_string(timeout_ms) + " is outside 1 .. 86400000");
  }
  if (max_message_bytes < (4u << 10) || max_message_bytes > (1ull << 30)) {
    return Status::InvalidArgument("max_message_bytes: " + std::to_string(max_message_bytes) +
                                   " is outside 4096 .. 1073741824");
  }
  return Status::OK();
}

StatusOr<std::unique_ptr<Client>> Client::Connect(std::string_view address, const ClientOptions& options) {
  DHAKIRA_RETURN_IF_ERROR(options.Validate());
  if (address.empty() || address == "unix:") {
    return Status::InvalidArgument("server address is empty (expected unix:PATH or HOST:PORT)");
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(static_cast<int>(options.max_message_bytes));
  args.SetMaxSendMessageSize(static_cast<int>(options.max_message_bytes));
  std::string target(address);
  auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  if (channel == nullptr) return Status::InvalidArgument("server address '" + target + "' is not usable");
  return std::unique_ptr<Client>(std::make_unique<ClientImpl>(target, options, std::move(channel)));
}

}  // namespace dhakira
