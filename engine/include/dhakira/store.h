// Store: the translation memory on LMDB. The on-disk format is written down in docs/storage.md.
//
// Thread safety: a Store is safe for concurrent use. Reads run in parallel with each other and with the one
// writer (LMDB MVCC): a Snapshot sees the TM as it was when taken, whatever commits later. Writes are
// serialized. One Store per path per process (LMDB rule); other processes may open the same path.
#ifndef DHAKIRA_STORE_H_
#define DHAKIRA_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dhakira/segment.h"
#include "dhakira/status.h"

namespace dhakira {

// What a write does when the TM already holds a pair with the same language pair, source and target text.
enum class DuplicatePolicy : uint8_t {
  kSkip = 0,      // keep the stored pair, write nothing
  kUpdate = 1,    // update the stored pair's metadata (origin, note, properties, ...) from the new one
  kKeepBoth = 2,  // add the new pair as another unit
};
const char* DuplicatePolicyName(DuplicatePolicy policy);  // "skip", "update", "keep"
StatusOr<DuplicatePolicy> ParseDuplicatePolicy(std::string_view name);

struct StoreOptions {
  bool create_if_missing = true;  // create the directory and the TM when absent
  bool read_only = false;         // open without write access (MDB_RDONLY)
  // Initial LMDB map size in bytes (1 MiB .. 1 TiB). The map grows by itself when full; this only saves
  // early growth steps.
  uint64_t initial_map_size = 64ull << 20;
  // Most concurrent read snapshots (LMDB readers), 1 .. 4096.
  uint32_t max_readers = 256;
  // Flush to disk at every commit (true). false (MDB_NOSYNC): faster bulk loads; a process crash loses
  // nothing, an OS crash or power loss may lose the commits since the last flush (and, on file systems
  // that reorder writes, damage the TM). Closing the Store flushes. See docs/storage.md "Durability".
  bool sync = true;
  // Map the data file writable (MDB_WRITEMAP): a transaction's dirty pages live in the page cache
  // instead of the process's heap, so large import batches neither grow the process nor get copied
  // at commit. Trade-off (LMDB's): a stray write through a bad pointer in this process could damage
  // the TM, and the data file is extended to the map size at once. The store reserves real blocks
  // for that room (fallocate), so a full disk is a ResourceExhausted error, never a SIGBUS;
  // the map is sized from the pages in use, not the file (docs/storage.md "Map size"). Meant for
  // bulk imports; also turns off kernel readahead on the map (MDB_NORDAHEAD), which a writer
  // touching pages at random does not use.
  bool write_map = false;
  // Threads that validate and normalize the units of one large Write() batch in parallel, 0 .. 256;
  // 0 = one per hardware thread, 1 = only the calling thread. Batches under 512 units use the caller's.
  uint32_t prepare_threads = 0;

  Status Validate() const;
};

enum class WriteOutcome : uint8_t {
  kAdded = 0,             // a new unit was written
  kUpdated = 1,           // an existing unit was changed (Update, or a duplicate under kUpdate)
  kSkippedDuplicate = 2,  // a duplicate under kSkip: nothing written
  kDeleted = 3,           // a unit was deleted
};
const char* WriteOutcomeName(WriteOutcome outcome);  // "added", "updated", "skipped", "deleted"

struct WriteResult {
  uint64_t id = 0;  // the id written, or of the duplicate that was kept
  WriteOutcome outcome = WriteOutcome::kAdded;
};

// A set of writes committed in one transaction: all of them or none.
class WriteBatch {
 public:
  void Add(SegmentPair pair);     // id ignored; the store assigns one
  void Update(SegmentPair pair);  // replaces the unit with pair.id
  void Delete(uint64_t id);
  // Room for n operations, so that filling a large batch does not move the ones already added.
  void Reserve(size_t n) { ops_.reserve(n); }
  size_t size() const { return ops_.size(); }
  bool empty() const { return ops_.empty(); }
  void Clear() { ops_.clear(); }

  enum class Op : uint8_t { kAdd, kUpdate, kDelete };
  struct Entry {
    Op op;
    SegmentPair pair;  // for kDelete only pair.id is used
  };
  const std::vector<Entry>& entries() const { return ops_; }

 private:
  std::vector<Entry> ops_;
};

// A WriteBatch that Store::Prepare validated and normalized (the costly part of a write, done without the
// writer lock), to be written by Store::Commit of the same store, once. Move-only and opaque; holding one
// holds no lock or transaction.
class PreparedBatch {
 public:
  PreparedBatch();
  ~PreparedBatch();
  PreparedBatch(PreparedBatch&&) noexcept;
  PreparedBatch& operator=(PreparedBatch&&) noexcept;
  size_t size() const;  // operations in the batch; 0 after it was moved from

  struct Rep;  // defined by the store implementation
  explicit PreparedBatch(std::unique_ptr<Rep> rep);
  Rep* rep() const { return rep_.get(); }

 private:
  std::unique_ptr<Rep> rep_;
};

struct StoreStats {
  uint64_t segments = 0;                           // units in the TM
  std::map<std::string, uint64_t> language_pairs;  // units per language pair, keyed "ar>en" (LanguagePairKey)
  std::map<std::string, uint64_t> origins;         // units per origin ("" for none)
  uint64_t used_bytes = 0;                         // bytes of data.mdb the TM really uses (its pages)
  uint64_t allocated_bytes = 0;                    // bytes the file system holds for data.mdb (blocks)
  uint64_t file_bytes = 0;                         // apparent size of data.mdb (may include unused room)
  uint64_t map_bytes = 0;                          // current LMDB map size (address space)
  uint32_t format_version = 0;
};

// "ar>en": how StoreStats::language_pairs names a pair.
std::string LanguagePairKey(std::string_view src_lang, std::string_view tgt_lang);

// A consistent read-only view of the TM (one LMDB read transaction). Use from one thread at a time;
// must not outlive its Store. Holding one for long keeps old pages alive: release it when done.
class Snapshot {
 public:
  virtual ~Snapshot() = default;
  virtual StatusOr<SegmentPair> Get(uint64_t id) const = 0;  // NotFound for an unknown id
  // Calls fn for every unit in id order until fn returns false.
  virtual Status ForEach(const std::function<bool(const SegmentPair&)>& fn) const = 0;
  virtual StatusOr<StoreStats> Stats() const = 0;
};

class Store {
 public:
  // A TM is opened with TranslationMemory::Open (dhakira/translation_memory.h), which opens the
  // store together with its fuzzy index: no public way opens a store whose writes skip the index.
  virtual ~Store() = default;

  virtual const std::string& path() const = 0;

  // Adds one unit (validates languages and text; computes source match keys). See DuplicatePolicy.
  virtual StatusOr<WriteResult> Add(SegmentPair pair, DuplicatePolicy on_duplicate) = 0;
  // Replaces the unit with pair.id (NotFound when absent). created_at/created_by are kept from the old unit
  // when the new one leaves them empty.
  virtual Status Update(SegmentPair pair) = 0;
  // NotFound when absent.
  virtual Status Delete(uint64_t id) = 0;
  // All writes of `batch` in one transaction, in order; results in the same order. On error nothing is written.
  // Same as Commit(Prepare(batch, on_duplicate)).
  virtual StatusOr<std::vector<WriteResult>> Write(const WriteBatch& batch, DuplicatePolicy on_duplicate) = 0;
  // Write in two steps, for bulk loaders that prepare the next batch while the last one commits (ids follow
  // the order of the Commit calls). Prepare validates and normalizes (InvalidArgument names the first bad
  // entry; nothing is written) and may run on any number of threads at once, also during a Commit; it uses
  // StoreOptions::prepare_threads threads, one fewer while a Commit runs. Commit writes the batch in one
  // transaction (duplicates are checked again there); InvalidArgument for a batch prepared by another store
  // or already committed.
  virtual StatusOr<PreparedBatch> Prepare(const WriteBatch& batch, DuplicatePolicy on_duplicate) = 0;
  virtual StatusOr<std::vector<WriteResult>> Commit(PreparedBatch batch) = 0;

  virtual StatusOr<SegmentPair> Get(uint64_t id) const = 0;
  virtual Status ForEach(const std::function<bool(const SegmentPair&)>& fn) const = 0;
  virtual StatusOr<StoreStats> Stats() const = 0;
  virtual StatusOr<std::unique_ptr<Snapshot>> NewSnapshot() const = 0;
};

// ---- checking a TM on disk (docs/storage.md "Damage detection") ----

struct CheckOptions {
  // Also decode every unit value (its CRC and fields) and compare the dedup entries, the stats
  // counters and next_id with the units (true); false checks only LMDB's page structure, which is
  // what must hold before LMDB can read the file without crashing.
  bool decode_units = true;
  // Problems listed in CheckReport::problems, 1 .. 1,000,000; further ones are only counted.
  uint32_t max_problems = 100;
  // Bytes: 0 walks a TM of any size; otherwise a TM whose pages in use (last page + 1, times the
  // page size) exceed this is not walked: only its meta pages are checked, and CheckReport::walked
  // is false. Lets a caller bound what a check costs before a short command (docs/storage.md).
  uint64_t max_walk_bytes = 0;

  Status Validate() const;
};

struct CheckReport {
  // Each names the page number (or unit id, or database) and what is wrong. Empty: the TM is sound.
  std::vector<std::string> problems;
  uint64_t problem_count = 0;  // all problems found, also those beyond max_problems
  bool ok() const { return problem_count == 0; }
  // False when CheckOptions::max_walk_bytes left the pages unwalked (only the meta pages checked).
  bool walked = true;

  uint32_t page_size = 0;     // bytes
  uint64_t txnid = 0;         // the transaction of the meta page that was checked
  uint64_t pages = 0;         // pages in use by the file: last page number + 1
  uint64_t branch_pages = 0;  // reached from the current meta page (all trees)
  uint64_t leaf_pages = 0;
  uint64_t overflow_pages = 0;
  uint64_t free_pages = 0;  // listed in LMDB's free list
  // Neither reachable nor free (space lost to LMDB, not damage in itself).
  uint64_t unaccounted_pages = 0;
  std::map<std::string, uint64_t> databases;  // entries per named database
  uint64_t units = 0;                         // unit values decoded (decode_units)
};

// Checks the TM at `path` (a directory holding data.mdb) without going through LMDB, reading the
// file with bounds-checked code, so that a damaged file cannot crash the process: both meta pages,
// then every page reachable from the current one (main database, named databases, branch, leaf and
// overflow pages, duplicate sub-trees, the free list): page numbers within the file, page types and
// depths, node offsets inside the page, keys sorted and within their parent's range, overflow runs,
// no page reached twice, entry and page counts as the tree records say; then (decode_units) the
// store's own records. Damage goes into the report; a non-OK status when the TM cannot be read (no
// data.mdb, I/O error) or options are bad. Cost: one read of every page in use (O(file)). Run it on
// a TM no process is writing: a write during the check is retried, and after three changes it
// fails with FailedPrecondition.
StatusOr<CheckReport> CheckTm(const std::string& path, const CheckOptions& options = {});

}  // namespace dhakira

#endif  // DHAKIRA_STORE_H_
