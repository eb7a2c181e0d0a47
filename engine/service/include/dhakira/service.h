// The local gRPC service (dhakira.v1.TranslationMemory, engine/service/proto) and its C++ client.
//
// This header is free of gRPC and protobuf types: the CLI and tests use engine types (store.h, match.h, ...)
// on both sides; the proto mapping is private to the dhakira_service library. See docs/service.md.
#ifndef DHAKIRA_SERVICE_H_
#define DHAKIRA_SERVICE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dhakira/align.h"
#include "dhakira/io.h"
#include "dhakira/match.h"
#include "dhakira/status.h"
#include "dhakira/store.h"
#include "dhakira/translation_memory.h"

namespace dhakira {

struct ServerOptions {
  // Unix socket to serve on; "" = none. Created owner-only (0600). A stale socket file (nobody listening)
  // is replaced; a socket with a live server behind it is not (FailedPrecondition). At most 107 bytes.
  std::string socket_path;
  // Loopback TCP address "127.0.0.1:PORT", "[::1]:PORT" or "localhost:PORT"; "" = none. PORT 0 picks a free
  // port (see Server::tcp_port). Any other host is refused: the service has no authentication.
  std::string listen_address;

  // Largest request message accepted, bytes (4 KiB .. 1 GiB). Larger ones fail with RESOURCE_EXHAUSTED
  // before they reach us. Imports stream in many messages, so this does not limit file size.
  uint64_t max_message_bytes = 32ull << 20;
  // Longest lookup/concordance text (a source segment or its context), bytes (16 .. 16 MiB).
  uint64_t max_query_bytes = 64ull << 10;
  // Most segments in one BatchLookup, 1 .. 1,000,000.
  uint32_t max_batch_segments = 10'000;
  // Largest `top` of a lookup, 1 .. 1000, and of a concordance, 1 .. 10000.
  uint32_t max_top = 1000;
  uint32_t max_concordance_top = 10'000;
  // Largest streamed import, bytes (0 = no limit).
  uint64_t max_import_bytes = 0;
  // An import upload that sends nothing for this long is cancelled and nothing of it is imported,
  // milliseconds (100 .. 3,600,000): a stalled client must not hold a server thread for ever.
  uint32_t import_idle_timeout_ms = 60'000;
  // Most threads serving calls at once, 2 .. 1024: gRPC's sync-API threads, and as many more for
  // large BatchLookups (each runs on a thread of its own; past the limit they share gRPC's callback
  // threads).
  uint32_t max_threads = 64;
  // On Shutdown, how long in-flight calls may run before they are cancelled, milliseconds (0 .. 3,600,000).
  uint32_t shutdown_grace_ms = 30'000;
  // Refuse writes (Upsert, Delete, Import, Align with import) with FAILED_PRECONDITION.
  bool read_only = false;
  // Imports run on threads of their own that yield the CPU to lookups, so CAT tools stay
  // interactive while an import writes. true (Linux): those threads are in the SCHED_IDLE class:
  // they get a CPU only when no ordinary thread wants it, and a lookup that wakes up preempts them
  // at once; under a steady full load of lookups an import then runs several times slower
  // (docs/service.md, "Measured"). false, or where SCHED_IDLE is refused: they run at nice
  // `import_nice`.
  bool import_sched_idle = true;
  // CPU niceness of the import threads when they are not in SCHED_IDLE (0 .. 19); 0 = same priority
  // as lookups.
  int import_nice = 10;
  // Where streamed imports are spooled before they are read, "" = $TMPDIR, else /tmp.
  std::string spool_dir;

  // InvalidArgument naming the first bad field (also when neither socket_path nor listen_address is set).
  Status Validate() const;
};

// $XDG_RUNTIME_DIR/dhakira.sock when XDG_RUNTIME_DIR is set and not empty, else ./dhakira.sock.
std::string DefaultSocketPath();

// A running server. Thread safety: Shutdown() and Wait() may be called from any thread, once or more.
class Server {
 public:
  // Starts serving `store` (borrowed: it must outlive the Server) on the configured addresses, with gRPC
  // server reflection and the grpc.health.v1.Health service. Returns when it accepts calls.
  // Errors: InvalidArgument (options), FailedPrecondition (a live server owns the socket), IOError (bind).
  static StatusOr<std::unique_ptr<Server>> Start(TranslationMemory* store, const ServerOptions& options);
  // Shuts down (as Shutdown()) when still running, and removes the socket file.
  virtual ~Server() = default;

  virtual const std::string& socket_path() const = 0;  // "" when not serving a socket
  virtual int tcp_port() const = 0;                    // bound TCP port, 0 when not on TCP
  // What clients connect to: "unix:/abs/path" and/or "127.0.0.1:PORT".
  virtual std::vector<std::string> addresses() const = 0;

  // Stops accepting calls, marks the health service NOT_SERVING, lets in-flight calls finish (up to
  // ServerOptions::shutdown_grace_ms, then cancels them) and returns when all handlers have returned.
  virtual void Shutdown() = 0;
  // Blocks until the server has shut down.
  virtual void Wait() = 0;
};

struct ClientOptions {
  // Deadline of each call, milliseconds (1 .. 86,400,000). Streams (import/export) get it per call too.
  uint32_t timeout_ms = 60'000;
  // Largest response accepted, bytes (4 KiB .. 1 GiB).
  uint64_t max_message_bytes = 256ull << 20;

  Status Validate() const;
};

// What Client::Stats returns: the store statistics plus where the server keeps the TM.
struct RemoteStats {
  StoreStats stats;
  std::string path;  // TM directory on the server
};

// A connection to a running server. Thread safety: safe for concurrent use (one gRPC channel).
// Errors come back as the server's Status (same code, message prefixed with what the call was),
// except that Lookup, BatchLookup and Concordance give an invalid request (InvalidArgument) with
// the engine's message alone, as a local Matcher would; an unreachable server is IOError naming the
// address.
class Client {
 public:
  // `address`: "unix:PATH" (relative or absolute), "unix:///abs/path", or "HOST:PORT". Does not connect
  // yet (the first call does); InvalidArgument for an empty address or bad options.
  static StatusOr<std::unique_ptr<Client>> Connect(std::string_view address, const ClientOptions& options = {});
  virtual ~Client() = default;
  virtual const std::string& address() const = 0;

  virtual StatusOr<RemoteStats> Stats() = 0;
  virtual StatusOr<SegmentPair> Get(uint64_t id) = 0;
  // Adds (pair.id == 0) or replaces the unit with pair.id. `previous_source`/`next_source` are the
  // neighbouring source segments ("" = none): the server stores their context hashes.
  virtual StatusOr<WriteResult> Upsert(const SegmentPair& pair, std::string_view previous_source,
                                       std::string_view next_source, DuplicatePolicy on_duplicate) = 0;
  // Deletes all of `ids` in one transaction, or none (NotFound naming the first unknown id).
  virtual Status Delete(const std::vector<uint64_t>& ids) = 0;
  Status Delete(uint64_t id) { return Delete(std::vector<uint64_t>{id}); }

  // Fuzzy matches for `query`, as Matcher::Match on the server's TM returns them
  // (MatchResult::stats stays zero). The server applies its own defaults to the penalty points, the
  // token limit and origin_points left empty; options.brute_force is not available remotely
  // (InvalidArgument).
  virtual StatusOr<MatchResult> Lookup(std::string_view query, const MatchOptions& options) = 0;
  // Many queries through BatchLookup, each with options.prev_source/next_source as its context.
  // One entry per query, in order: a bad query gets its own error, with the engine's code and
  // message as a local Matcher would give them. Any number of queries: more than the server takes
  // in one call (its Capabilities.limits, asked once) go in several calls.
  virtual StatusOr<std::vector<StatusOr<MatchResult>>> BatchLookup(const std::vector<std::string>& queries,
                                                                   const MatchOptions& options) = 0;
  // Pairs containing `phrase`, as Matcher::Concordance on the server's TM returns them.
  // options.max_phrase_tokens takes the server's default; brute_force is InvalidArgument.
  virtual StatusOr<ConcordanceResult> Concordance(std::string_view phrase, const ConcordanceOptions& options) = 0;

  // Streams the TMX or TSV file at `path` (optionally .gz; its name decides the format unless
  // options.format says) into the server's Import. Line-parallel files (options.target_file) cannot
  // be sent (InvalidArgument). The server reports the first rejects (up to 100) with their line,
  // column, reason, message and excerpt: they are passed to reporter->OnReject after the call, with
  // `file` = `path`. ImportSummary::rejected counts them all. `reporter` may be null.
  virtual StatusOr<ImportSummary> Import(const std::string& path, const ImportOptions& options,
                                         ImportReporter* reporter) = 0;
  // Aligns two sentence lists (already split) on the server, with its default lexicon of the pair
  // and options.min_confidence, length_ratio and detect_editorial; the band and n-m limits must be
  // the defaults (InvalidArgument otherwise). Nothing is imported. AlignResult::band stays 0.
  virtual StatusOr<AlignResult> Align(const std::vector<std::string>& source, const std::vector<std::string>& target,
                                      const AlignOptions& options) = 0;
  // Writes the server's Export into the local file `path` (TMX or TSV by options.format, else by
  // the name; ".gz" compresses), under a temporary name renamed into place when complete.
  virtual StatusOr<ExportSummary> Export(const std::string& path, const ExportOptions& options) = 0;
};

}  // namespace dhakira

#endif  // DHAKIRA_SERVICE_H_
