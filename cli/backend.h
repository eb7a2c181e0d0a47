// What the CLI commands ask of a translation memory, behind one interface: the local TM (the
// engine) or a running `dhakira serve` (--server, the public gRPC Client of dhakira/service.h). A
// command parses its flags, makes a backend with MakeBackend, calls it and prints: it has one code
// path, and local and remote output cannot drift apart.
//
// The methods return what the engine returns locally; the remote backend gives the same results
// and errors where the service can (see dhakira/service.h for what it cannot: brute-force search,
// line-parallel imports, alignment with a lexicon other than the server's default, storing aligned
// pairs). A backend serves one command run; it is not thread-safe.
#ifndef DHAKIRA_CLI_BACKEND_H_
#define DHAKIRA_CLI_BACKEND_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli.h"
#include "dhakira/align.h"
#include "dhakira/io.h"
#include "dhakira/match.h"
#include "dhakira/status.h"
#include "dhakira/store.h"

namespace dhakira::cli {

// What `stats` shows.
struct TmStats {
  StoreStats stats;
  std::string path;  // the TM directory (on the server's machine for a remote backend)
};

// How the aligner of Backend::PrepareAligner is set up.
struct AlignSetup {
  AlignOptions options;
  bool use_lexicon = true;   // false: no bilingual lexicon (--no-lexicon); local only
  bool learn = false;        // add the TM's learned lexicon for each document's words (--learn); local only
  bool store_pairs = false;  // StoreAligned will be called: open the TM now (--import); local only
};

// How long one call may take before the remote backend gives up on the server.
enum class CallLength {
  kShort,  // lookups and single edits: 60 s
  kLong,   // imports and exports of large files: a day (only a guard against a hung server)
};

class Backend {
 public:
  virtual ~Backend() = default;

  virtual StatusOr<TmStats> Stats() = 0;
  // The pair `id`; with_tokens also fills SegmentPair::source_tokens (the match keys).
  virtual StatusOr<SegmentPair> Get(uint64_t id, bool with_tokens) = 0;
  // Adds `pair` (its id is ignored); the local TM is created when missing.
  virtual StatusOr<WriteResult> Add(const SegmentPair& pair, DuplicatePolicy on_duplicate) = 0;
  // Deletes all of `ids` in one transaction, or none (NotFound naming the first unknown id). Never
  // creates a TM.
  virtual Status Delete(const std::vector<uint64_t>& ids) = 0;

  // Gets ready for Match and Concordance: locally opens the TM and its matcher now, so that an
  // unusable TM fails before any input is read; remotely nothing (the first call connects).
  virtual Status PrepareQueries() = 0;
  // Most queries worth passing to one Match call (1 locally: each answered as soon as it is read).
  virtual size_t match_batch() const = 0;
  // One entry per query, in order: a bad query is its own error. An error for the whole call (the
  // TM cannot be opened, the server cannot be reached) is the returned Status.
  virtual StatusOr<std::vector<StatusOr<MatchResult>>> Match(const std::vector<std::string>& queries,
                                                             const MatchOptions& options) = 0;
  virtual StatusOr<std::vector<StatusOr<ConcordanceResult>>> Concordance(const std::vector<std::string>& phrases,
                                                                         const ConcordanceOptions& options) = 0;

  // Imports `file` (a dry run reads no TM; otherwise the local TM is created when missing). `sync`
  // false: the local TM is flushed once at the end (the server keeps its own setting). `reporter`
  // may be null; its ShouldStop is polled only locally (remotely Ctrl-C ends the call).
  virtual StatusOr<ImportSummary> Import(const std::string& file, const ImportOptions& options, bool sync,
                                         ImportReporter* reporter) = 0;
  // Writes the TM to the local file `file` (checked with CheckOutputPath, --db as the TM
  // directory).
  virtual StatusOr<ExportSummary> Export(const std::string& file, const ExportOptions& options) = 0;

  // Sets up the aligner used by Align; called once, before Align.
  virtual Status PrepareAligner(const AlignSetup& setup) = 0;
  virtual StatusOr<AlignResult> Align(const std::vector<std::string>& source,
                                      const std::vector<std::string>& target) = 0;
  // With AlignSetup::learn, what the TM's learned lexicon gave the last Align call (the words of its
  // source document); nullptr otherwise (and remotely).
  virtual const LearnedLexiconResult* last_learned() const { return nullptr; }
  // What the TM taught for `word` (language options.src_lang): every learned partner, kept or not.
  // Locally only (the command is refused over --server).
  virtual StatusOr<LearnedLexiconResult> LearnedFor(const std::string& word, const LearnOptions& options) {
    return Status::FailedPrecondition("the learned lexicon is not available over --server");
  }
  // Stores the units of an alignment (AlignedPairs) in one transaction, skipping those stored
  // already; needs PrepareAligner with store_pairs.
  virtual StatusOr<std::vector<WriteResult>> StoreAligned(std::vector<SegmentPair> pairs) = 0;
};

// The backend for ctx: the local TM at ctx.db_path, or the server at ctx.server. Nothing is opened
// or connected yet (each call opens what it needs). FailedPrecondition when ctx.server is set and
// this dhakira was built without the gRPC service.
StatusOr<std::unique_ptr<Backend>> MakeBackend(const Context& ctx, CallLength length = CallLength::kShort);

// The local backend alone (MakeBackend without --server).
std::unique_ptr<Backend> MakeLocalBackend(const Context& ctx);

// OK when `command` can work through --server (with the same output as locally); else the usage
// message saying why not (the command needs the TM itself, or dhakira has no gRPC service).
Status CheckServerSupport(std::string_view command);

}  // namespace dhakira::cli

#endif  // DHAKIRA_CLI_BACKEND_H_
