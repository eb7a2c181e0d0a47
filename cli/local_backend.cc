// The local backend: the commands' calls made on the TM at --db through the public engine API.
// Every TM and matcher the CLI opens is opened here (OpenStore, OpenMatcher), so a change in how a
// TM is opened is a change in this file alone.
#include <signal.h>

#include <atomic>
#include <iostream>

#include "backend.h"
#include "dhakira/text.h"
#include "dhakira/translation_memory.h"

namespace dhakira::cli {
namespace {

// Ctrl-C or SIGTERM during a local import: the reporter's ShouldStop says so, the import stops
// after the current batch and the batches before stay.
std::atomic<bool> g_interrupted{false};
void OnInterrupt(int) { g_interrupted = true; }

// Forwards to the command's reporter and adds the interruption.
class InterruptibleReporter : public ImportReporter {
 public:
  explicit InterruptibleReporter(ImportReporter* inner) : inner_(inner) {}
  void OnReject(const ImportIssue& issue) override {
    if (inner_ != nullptr) inner_->OnReject(issue);
  }
  void OnWarning(const ImportIssue& issue) override {
    if (inner_ != nullptr) inner_->OnWarning(issue);
  }
  void OnProgress(const ImportProgress& progress) override {
    if (inner_ != nullptr) inner_->OnProgress(progress);
  }
  bool ShouldStop() override { return g_interrupted.load() || (inner_ != nullptr && inner_->ShouldStop()); }

 private:
  ImportReporter* inner_;
};

class LocalBackend : public Backend {
 public:
  explicit LocalBackend(const Context& ctx) : ctx_(ctx) {}
  ~LocalBackend() override {
    matcher_.reset();  // it refers to the store
  }

  StatusOr<TmStats> Stats() override {
    DHAKIRA_RETURN_IF_ERROR(OpenStore(TmAccess::kRead));
    TmStats out;
    DHAKIRA_ASSIGN_OR_RETURN(out.stats, store_->Stats());
    out.path = ctx_.db_path;
    return out;
  }

  StatusOr<SegmentPair> Get(uint64_t id, bool /*with_tokens: the store always fills them*/) override {
    DHAKIRA_RETURN_IF_ERROR(OpenStore(TmAccess::kRead));
    return store_->Get(id);
  }

  StatusOr<WriteResult> Add(const SegmentPair& pair, DuplicatePolicy on_duplicate) override {
    DHAKIRA_RETURN_IF_ERROR(OpenStore(TmAccess::kCreate));
    return store_->Add(pair, on_duplicate);
  }

  Status Delete(const std::vector<uint64_t>& ids) override {
    DHAKIRA_RETURN_IF_ERROR(OpenStore(TmAccess::kWrite));  // never create a TM just to delete from it
    WriteBatch batch;
    for (uint64_t id : ids) batch.Delete(id);
    return store_->Write(batch, DuplicatePolicy::kSkip).status();
  }

  Status PrepareQueries() override { return OpenMatcher(); }
  size_t match_batch() const override { return 1; }

  StatusOr<std::vector<StatusOr<MatchResult>>> Match(const std::vector<std::string>& queries,
                                                     const MatchOptions& options) override {
    DHAKIRA_RETURN_IF_ERROR(OpenMatcher());
    std::vector<StatusOr<MatchResult>> out;
    for (const std::string& query : queries) out.push_back(matcher_->Match(query, options));
    return out;
  }

  StatusOr<std::vector<StatusOr<ConcordanceResult>>> Concordance(const std::vector<std::string>& phrases,
                                                                 const ConcordanceOptions& options) override {
    DHAKIRA_RETURN_IF_ERROR(OpenMatcher());
    std::vector<StatusOr<ConcordanceResult>> out;
    for (const std::string& phrase : phrases) out.push_back(matcher_->Concordance(phrase, options));
    return out;
  }

  StatusOr<ImportSummary> Import(const std::string& file, const ImportOptions& options, bool sync,
                                 ImportReporter* reporter) override;

  StatusOr<ExportSummary> Export(const std::string& file, const ExportOptions& options) override {
    DHAKIRA_RETURN_IF_ERROR(OpenStore(TmAccess::kRead));
    return dhakira::Export(*store_, file, options);
  }

  Status PrepareAligner(const AlignSetup& setup) override;

  StatusOr<AlignResult> Align(const std::vector<std::string>& source, const std::vector<std::string>& target) override;

  const LearnedLexiconResult* last_learned() const override { return learn_ ? &learned_ : nullptr; }

  StatusOr<LearnedLexiconResult> LearnedFor(const std::string& word, const LearnOptions& options) override {
    DHAKIRA_RETURN_IF_ERROR(OpenStore(TmAccess::kRead));
    return store_->LearnedLexicon({word}, {}, options, /*all_candidates=*/true);
  }

  StatusOr<std::vector<WriteResult>> StoreAligned(std::vector<SegmentPair> pairs) override {
    if (!store_pairs_) {
      return Status::FailedPrecondition("PrepareAligner was not asked to store pairs");
    }
    WriteBatch batch;
    for (SegmentPair& pair : pairs) batch.Add(std::move(pair));
    return store_->Write(batch, DuplicatePolicy::kSkip);
  }

 private:
  // Opens the TM at ctx.db_path once, for `access` (see OpenTm); `options` only for the first open.
  Status OpenStore(TmAccess access, const StoreOptions& options = StoreOptions()) {
    if (store_ != nullptr) return Status::OK();
    DHAKIRA_ASSIGN_OR_RETURN(store_, OpenTm(ctx_, access, options));
    return Status::OK();
  }
  Status OpenMatcher();
  StatusOr<std::shared_ptr<const Lexicon>> AlignLexicon(const AlignSetup& setup);

  const Context& ctx_;
  std::unique_ptr<TranslationMemory> store_;
  std::unique_ptr<Matcher> matcher_;  // refers to *store_
  std::unique_ptr<Aligner> aligner_;
  bool store_pairs_ = false;  // PrepareAligner opened the TM writable for StoreAligned
  // --learn: the aligner is made per document, from the default lexicon plus the learned pairs of the
  // document's words.
  bool learn_ = false;
  AlignOptions align_options_;
  std::shared_ptr<const Lexicon> base_lexicon_;
  LearnedLexiconResult learned_;
};

Status LocalBackend::OpenMatcher() {
  if (matcher_ != nullptr) return Status::OK();
  DHAKIRA_RETURN_IF_ERROR(OpenStore(TmAccess::kRead));
  StatusOr<std::unique_ptr<Matcher>> created = store_->NewMatcher();
  if (created.ok() || created.status().code() != Status::Code::kFailedPrecondition) {
    DHAKIRA_RETURN_IF_ERROR(created.status());
    matcher_ = std::move(*created);
    return Status::OK();
  }
  // No fuzzy index of this version (a TM written before it existed, or by an older dhakira):
  // opening the TM writable builds it, once, in the transaction that opens it.
  *ctx_.err << Trf("{1}: building the fuzzy index of {2} (once, for this version of dhakira)...", ctx_.program,
                   ctx_.db_path)
            << std::endl;
  store_.reset();
  StatusOr<std::unique_ptr<TranslationMemory>> writable = OpenTm(ctx_, TmAccess::kWrite);
  if (!writable.ok()) {
    // E.g. a TM on read-only storage: say both what is missing and why it could not be built.
    return Status::FailedPrecondition(created.status().message() +
                                      "; building it failed: " + writable.status().ToString());
  }
  store_ = std::move(*writable);
  DHAKIRA_ASSIGN_OR_RETURN(matcher_, store_->NewMatcher());
  return Status::OK();
}

StatusOr<ImportSummary> LocalBackend::Import(const std::string& file, const ImportOptions& options, bool sync,
                                             ImportReporter* reporter) {
  // The engine's dry run reads no TM: none is opened (nor created).
  if (!options.dry_run) {
    // A bulk load: dirty pages stay in the page cache (write_map), not in this process.
    StoreOptions store_options;
    store_options.write_map = true;
    store_options.sync = sync;
    DHAKIRA_RETURN_IF_ERROR(OpenStore(TmAccess::kCreate, store_options));
  }
  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  InterruptibleReporter interruptible(reporter);
  StatusOr<ImportSummary> summary = options.dry_run ? DryRunImport(file, options, &interruptible)
                                                    : dhakira::Import(*store_, file, options, &interruptible);
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  return summary;
}

StatusOr<std::shared_ptr<const Lexicon>> LocalBackend::AlignLexicon(const AlignSetup& setup) {
  if (!setup.use_lexicon) return std::shared_ptr<const Lexicon>();
  const AlignOptions& options = setup.options;
  DHAKIRA_ASSIGN_OR_RETURN(Lexicon lexicon, Lexicon::LoadDefault(options.src_lang, options.tgt_lang));
  if (setup.learn) {
    // The TM's own pairs sharpen the lexicon: every aligned article improves the next. Asked for,
    // it must happen: a TM that cannot be opened (a mistyped --db) is an error, not a silent
    // alignment without what the user expected it to learn.
    // One open serves the learning and, with --import, the storing after it (writable then, but
    // never created: learning from a TM that is not there is the error above).
    // Writable when it can be, so that a TM written before it kept a lexicon gets it built, once.
    Status opened = OpenStore(TmAccess::kWrite);
    if (!opened.ok() && !setup.store_pairs && opened.code() != Status::Code::kNotFound)
      opened = OpenStore(TmAccess::kRead);
    if (!opened.ok()) return opened.WithContext("--learn");
  }
  return std::make_shared<const Lexicon>(std::move(lexicon));
}

Status LocalBackend::PrepareAligner(const AlignSetup& setup) {
  DHAKIRA_ASSIGN_OR_RETURN(std::shared_ptr<const Lexicon> lexicon, AlignLexicon(setup));
  if (setup.learn) {
    // The TM keeps its lexicon up to date (docs/align.md, "Learned lexicon"); each document reads the
    // statistics of its own words in Align.
    learn_ = true;
    align_options_ = setup.options;
    base_lexicon_ = std::move(lexicon);
  } else {
    DHAKIRA_ASSIGN_OR_RETURN(aligner_, Aligner::Create(setup.options, lexicon));
  }
  if (setup.store_pairs) {
    DHAKIRA_RETURN_IF_ERROR(OpenStore(TmAccess::kCreate));
    store_pairs_ = true;
  }
  return Status::OK();
}

StatusOr<AlignResult> LocalBackend::Align(const std::vector<std::string>& source,
                                          const std::vector<std::string>& target) {
  if (learn_) {
    LearnOptions options;
    options.src_lang = align_options_.src_lang;
    options.tgt_lang = align_options_.tgt_lang;
    StatusOr<LearnedLexiconResult> learned = store_->LearnedLexicon(source, target, options);
    if (!learned.ok()) return learned.status().WithContext("--learn");
    learned_ = std::move(learned).value();
    DHAKIRA_ASSIGN_OR_RETURN(Lexicon lexicon, Lexicon::Empty(align_options_.src_lang, align_options_.tgt_lang));
    DHAKIRA_RETURN_IF_ERROR(lexicon.Merge(*base_lexicon_));
    DHAKIRA_RETURN_IF_ERROR(lexicon.Merge(learned_.lexicon));
    DHAKIRA_ASSIGN_OR_RETURN(aligner_,
                             Aligner::Create(align_options_, std::make_shared<const Lexicon>(std::move(lexicon))));
  }
  if (aligner_ == nullptr) return Status::FailedPrecondition("PrepareAligner was not called");
  return aligner_->Align(source, target);
}

}  // namespace

std::unique_ptr<Backend> MakeLocalBackend(const Context& ctx) { return std::make_unique<LocalBackend>(ctx); }

}  // namespace dhakira::cli
