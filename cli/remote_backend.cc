// The backend factory and the remote backend (--server: the public gRPC Client of
// dhakira/service.h). This is the one file of the CLI that knows whether dhakira was built with the
// gRPC service.
#include <algorithm>
#include <array>

#include "backend.h"
#include "dhakira/text.h"
#ifdef DHAKIRA_HAVE_SERVICE
#include "dhakira/service.h"
#endif

namespace dhakira::cli {
namespace {

// The commands that work through --server. Those that touch no TM (normalize, split) simply run
// locally; align reads and splits its files locally and has the server align them (not with
// --import, --learn or --no-lexicon).
constexpr std::array<std::string_view, 11> kRemoteCommands = {
    "add", "get", "delete", "stats", "match", "align", "import", "export", "normalize", "concordance", "split"};

#ifdef DHAKIRA_HAVE_SERVICE

class RemoteBackend : public Backend {
 public:
  RemoteBackend(const Context& ctx, std::unique_ptr<Client> client) : ctx_(ctx), client_(std::move(client)) {}

  StatusOr<TmStats> Stats() override {
    DHAKIRA_ASSIGN_OR_RETURN(RemoteStats remote, client_->Stats());
    return TmStats{std::move(remote.stats), std::move(remote.path)};
  }

  StatusOr<SegmentPair> Get(uint64_t id, bool with_tokens) override {
    DHAKIRA_ASSIGN_OR_RETURN(SegmentPair pair, client_->Get(id));
    if (with_tokens) {
      // Match keys are not sent over the wire; they are a pure function of the source and its
      // language, so derive them here exactly as the store does.
      NormalizerOptions options;
      options.language = pair.src_lang;
      DHAKIRA_ASSIGN_OR_RETURN(auto normalizer, Normalizer::Create(options));
      DHAKIRA_ASSIGN_OR_RETURN(auto keys, normalizer->Normalize(pair.source));
      pair.source_tokens = std::move(keys.tokens);
    }
    return pair;
  }

  StatusOr<WriteResult> Add(const SegmentPair& pair, DuplicatePolicy on_duplicate) override {
    return client_->Upsert(pair, "", "", on_duplicate);
  }

  Status Delete(const std::vector<uint64_t>& ids) override { return client_->Delete(ids); }

  Status PrepareQueries() override { return Status::OK(); }

  // Large enough to amortise a call, small enough to stay far below the server's message and batch
  // limits with 64 KiB queries.
  size_t match_batch() const override { return 128; }

  StatusOr<std::vector<StatusOr<MatchResult>>> Match(const std::vector<std::string>& queries,
                                                     const MatchOptions& options) override {
    // One BatchLookup: the per-query errors come back as the local matcher's.
    return client_->BatchLookup(queries, options);
  }

  StatusOr<std::vector<StatusOr<ConcordanceResult>>> Concordance(const std::vector<std::string>& phrases,
                                                                 const ConcordanceOptions& options) override {
    std::vector<StatusOr<ConcordanceResult>> out;
    for (const std::string& phrase : phrases) {
      out.push_back(client_->Concordance(phrase, options));
      // An unreachable server fails every phrase alike: stop instead of repeating the error.
      if (!out.back().ok() && out.back().status().code() == Status::Code::kIOError) {
        return out.back().status();
      }
    }
    return out;
  }

  StatusOr<ImportSummary> Import(const std::string& file, const ImportOptions& options,
                                 bool /*sync: the server's TM keeps its own*/, ImportReporter* reporter) override {
    return client_->Import(file, options, reporter);
  }

  StatusOr<ExportSummary> Export(const std::string& file, const ExportOptions& options) override {
    // The client writes the local file: the same checks as a local export, before the call.
    OutputPathOptions where;
    where.tm_dir = ctx_.db_path;
    where.follow_symlinks = options.follow_symlinks;
    DHAKIRA_ASSIGN_OR_RETURN(const std::string target, CheckOutputPath(file, where));
    return client_->Export(target, options);
  }

  Status PrepareAligner(const AlignSetup& setup) override {
    // The server aligns with its default lexicon and does not store what it aligns.
    if (!setup.use_lexicon || setup.learn || setup.store_pairs) {
      return Status::FailedPrecondition("--no-lexicon, --learn and --import do not work through --server");
    }
    align_options_ = setup.options;
    return Status::OK();
  }

  StatusOr<AlignResult> Align(const std::vector<std::string>& source, const std::vector<std::string>& target) override {
    return client_->Align(source, target, align_options_);
  }

  StatusOr<std::vector<WriteResult>> StoreAligned(std::vector<SegmentPair> /*pairs*/) override {
    return Status::FailedPrecondition("aligned pairs cannot be stored through --server");
  }

 private:
  const Context& ctx_;
  std::unique_ptr<Client> client_;
  AlignOptions align_options_;
};

StatusOr<std::unique_ptr<Backend>> MakeRemoteBackend(const Context& ctx, CallLength length) {
  ClientOptions options;
  options.timeout_ms = length == CallLength::kLong ? 86'400'000 : 60'000;
  DHAKIRA_ASSIGN_OR_RETURN(std::unique_ptr<Client> client, Client::Connect(ctx.server, options));
  return std::unique_ptr<Backend>(std::make_unique<RemoteBackend>(ctx, std::move(client)));
}

constexpr bool kHaveService = true;

#else  // !DHAKIRA_HAVE_SERVICE

StatusOr<std::unique_ptr<Backend>> MakeRemoteBackend(const Context&, CallLength) {
  return Status::FailedPrecondition("--server needs a dhakira built with the gRPC service");
}

constexpr bool kHaveService = false;

#endif  // DHAKIRA_HAVE_SERVICE

}  // namespace

StatusOr<std::unique_ptr<Backend>> MakeBackend(const Context& ctx, CallLength length) {
  if (ctx.server.empty()) return MakeLocalBackend(ctx);
  return MakeRemoteBackend(ctx, length);
}

Status CheckServerSupport(std::string_view command) {
  if (!kHaveService) {
    return Status::InvalidArgument(Tr("--server needs a dhakira built with the gRPC service"));
  }
  if (std::find(kRemoteCommands.begin(), kRemoteCommands.end(), command) == kRemoteCommands.end()) {
    return Status::InvalidArgument(Trf("'{1}' does not work through --server; run it on the TM itself", command));
  }
  return Status::OK();
}

}  // namespace dhakira::cli
