// The LMDB store. Schema and on-disk layout: docs/storage.md. Extension point: store_internal.h.
//
// Concurrency design (the reasons behind store.h's thread-safety contract):
// - LMDB gives MVCC: one writer and any number of readers run in parallel; a read transaction sees
//   the state as of its start. Writers are serialized by `write_mu_` (LMDB would serialize them
//   too, but we also guard our hooks and the retry loop with it).
// - The map must grow (mdb_env_set_mapsize) when a write hits MDB_MAP_FULL. LMDB requires that no
//   transaction of this process be *active* then, because set_mapsize munmaps and re-mmaps the
//   file and every pointer into the old map dangles. We use a reader/writer lock, Env::map_mu:
//   every piece of code that touches the map (begins/ends a transaction, reads through a cursor,
//   decodes a value) holds it shared, for the duration of that one call; growth holds it
//   exclusive.
// - A long-lived Snapshot keeps its read transaction open but does NOT hold map_mu between calls,
//   so it never blocks growth (no deadlock, even when the thread holding a snapshot is the one
//   that writes). This relies on what an idle LMDB read transaction contains: the txn id, its
//   reader-table slot (in lock.mdb, a separate mapping) and copies of the database roots (page
//   numbers). It holds no pointer into the data map once no cursor is open and no MDB_val is in
//   use, which our code guarantees by closing cursors and copying values before releasing map_mu.
//   mdb_env_set_mapsize (LMDB 0.9.24, mdb.c) only munmaps/mmaps and recomputes me_maxpg; page
//   lookups always go through env->me_map. The pages the snapshot sees stay valid because its
//   reader slot keeps them from being reused.
// - ForEach never calls the user's function with map_mu held: units are decoded in chunks, the
//   lock is released, then the callback runs. So callbacks may call any Store method, even writes.
#include "dhakira/store.h"

#include <fcntl.h>
#include <lmdb.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <thread>
#include <utility>

#include "index/index_hook.h"
#include "store/encoding.h"
#include "store/store_internal.h"
#include "store/unit_prep.h"
#include "store/verify.h"

namespace dhakira {

using store_internal::DecodeCounter;
using store_internal::DecodeIdKey;
using store_internal::DecodeUnit;
using store_internal::DecodeUnitIdentity;
using store_internal::DedupHash;
using store_internal::EncodeCounter;
using store_internal::EncodeIdKey;
using store_internal::EncodeUnit;
using store_internal::kFormatVersion;
using store_internal::UnitIdentity;

// ---------------------------------------------------------------------------------------------------------
// Small public helpers of store.h.

const char* DuplicatePolicyName(DuplicatePolicy policy) {
  switch (policy) {
    case DuplicatePolicy::kSkip:
      return "skip";
    case DuplicatePolicy::kUpdate:
      return "update";
    case DuplicatePolicy::kKeepBoth:
      return "keep";
  }
  return "unknown";
}

StatusOr<DuplicatePolicy> ParseDuplicatePolicy(std::string_view name) {
  if (name == "skip") return DuplicatePolicy::kSkip;
  if (name == "update") return DuplicatePolicy::kUpdate;
  if (name == "keep" || name == "keep-both" || name == "keep_both")
    return DuplicatePolicy::kKeepBoth;
  std::string msg = "duplicate policy '";
  msg += name;
  msg += "': expected skip, update or keep";
  return Status::InvalidArgument(msg);
}

const char* WriteOutcomeName(WriteOutcome outcome) {
  switch (outcome) {
    case WriteOutcome::kAdded:
      return "added";
    case WriteOutcome::kUpdated:
      return "updated";
    case WriteOutcome::kSkippedDuplicate:
      return "skipped";
    case WriteOutcome::kDeleted:
      return "deleted";
  }
  return "unknown";
}

std::string LanguagePairKey(std::string_view src_lang, std::string_view tgt_lang) {
  std::string key(src_lang);
  key += '>';
  key += tgt_lang;
  return key;
}

Status StoreOptions::Validate() const {
  if (initial_map_size < (1ull << 20) || initial_map_size > (1ull << 40)) {
    return Status::InvalidArgument(
        "StoreOptions.initial_map_size: " + std::to_string(initial_map_size) +
        " bytes is outside 1 MiB .. 1 TiB");
  }
  if (max_readers < 1 || max_readers > 4096) {
    return Status::InvalidArgument("StoreOptions.max_readers: " + std::to_string(max_readers) +
                                   " is outside 1 .. 4096");
  }
  if (prepare_threads > 256) {
    return Status::InvalidArgument("StoreOptions.prepare_threads: " +
                                   std::to_string(prepare_threads) + " is outside 0 .. 256");
  }
  // create_if_missing is ignored for a read-only open (its default is true): not an error.
  return Status::OK();
}

void WriteBatch::Add(SegmentPair pair) { ops_.push_back(Entry{Op::kAdd, std::move(pair)}); }
void WriteBatch::Update(SegmentPair pair) { ops_.push_back(Entry{Op::kUpdate, std::move(pair)}); }
void WriteBatch::Delete(uint64_t id) {
  Entry e{Op::kDelete, SegmentPair()};
  e.pair.id = id;
  ops_.push_back(std::move(e));
}

Status LmdbError(int rc, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += mdb_strerror(rc);
  switch (rc) {
    case MDB_NOTFOUND:
      return Status::NotFound(msg);
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH:
    case MDB_INCOMPATIBLE:
    case MDB_BAD_DBI:
      return Status::Corruption(msg);
    case MDB_MAP_FULL:
    case MDB_TXN_FULL:
    case MDB_READERS_FULL:
    case MDB_DBS_FULL:
    case MDB_CURSOR_FULL:
    case MDB_PAGE_FULL:
    case MDB_TLS_FULL:
    case ENOMEM:
    case ENOSPC:
      return Status::ResourceExhausted(msg);
    case MDB_BAD_VALSIZE:
    case EINVAL:
      return Status::InvalidArgument(msg);
    default:
      return Status::IOError(msg);
  }
}

Status WriteContext::Check(int rc, std::string_view what) {
  if (rc == MDB_SUCCESS) return Status::OK();
  if (rc == MDB_MAP_FULL) map_full_ = true;
  return LmdbError(rc, what);
}

namespace {

constexpr unsigned kMaxDbs = 32;
constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kGiB = 1ull << 30;
// Far beyond any TM; only stops a runaway growth loop. mmap fails long before on most machines.
constexpr uint64_t kMaxMapSize = 1ull << 46;
// Read transactions kept for reuse (mdb_txn_reset/renew saves the reader-table lock).
constexpr size_t kReadTxnPool = 4;
// Reader slots beyond StoreOptions::max_readers for the pool and transient reads.
constexpr unsigned kExtraReaders = kReadTxnPool + 4;
// Units decoded per map-lock hold in ForEach.
constexpr size_t kForEachChunk = 128;

constexpr char kMetaDb[] = "meta";
constexpr char kUnitsDb[] = "units";
constexpr char kDedupDb[] = "dedup";
constexpr char kStatsDb[] = "stats";
constexpr std::string_view kMetaFormat = "format";
constexpr std::string_view kMetaNextId = "next_id";
constexpr std::string_view kMetaCreatedAt = "created_at";
constexpr char kStatLanguagePair = 'L';
constexpr char kStatOrigin = 'O';

MDB_val Val(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }
std::string_view View(const MDB_val& v) {
  return std::string_view(static_cast<const char*>(v.mv_data), v.mv_size);
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

uint64_t RoundUpMiB(uint64_t v) { return (v + kMiB - 1) / kMiB * kMiB; }

std::string UnitWhat(std::string_view verb, uint64_t id) {
  std::string s(verb);
  s += " unit ";
  s += std::to_string(id);
  return s;
}

// Paths of the environments open in this process. LMDB forbids opening one environment twice in a
// process (closing either would drop the other's POSIX locks).
std::mutex g_open_mu;
std::set<std::string>& OpenPaths() {
  static auto* paths = new std::set<std::string>();
  return *paths;
}

// The environment and everything that may outlive the Store object (snapshots hold a shared_ptr to
// it).
struct Env {
  MDB_env* env = nullptr;
  std::string path;
  std::string data_file;
  std::string registry_key;
  bool opened = false;  // mdb_env_open succeeded
  bool read_only = false;
  bool sync = true;
  bool write_map = false;
  // Under write_map: data.mdb has real blocks (fallocate) from 0 to here. Written by the
  // opener and by writers (write_mu_ held); a write transaction starts only when it covers the map.
  uint64_t reserved = 0;
  MDB_dbi meta = 0, units = 0, dedup = 0, stats = 0;

  // Shared: any use of the map (see the comment at the top). Exclusive: mdb_env_set_mapsize.
  mutable std::shared_mutex map_mu;
  std::mutex pool_mu;
  std::vector<MDB_txn*> pool;  // reset read transactions

  Env() = default;
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  ~Env() {
    for (MDB_txn* t : pool) mdb_txn_abort(t);
    if (env != nullptr) {
      if (opened && !sync && !read_only)
        mdb_env_sync(env, 1);  // a clean close is durable even with sync=false
      mdb_env_close(env);
    }
    if (!registry_key.empty()) {
      std::lock_guard<std::mutex> lock(g_open_mu);
      OpenPaths().erase(registry_key);
    }
  }

  // Both with map_mu held shared.
  int BeginPooledRead(MDB_txn** txn) {
    {
      std::lock_guard<std::mutex> lock(pool_mu);
      if (!pool.empty()) {
        *txn = pool.back();
        pool.pop_back();
      } else {
        *txn = nullptr;
      }
    }
    if (*txn != nullptr) {
      const int rc = mdb_txn_renew(*txn);
      if (rc == MDB_SUCCESS) return rc;
      mdb_txn_abort(*txn);
      *txn = nullptr;
      return rc;
    }
    return mdb_txn_begin(env, nullptr, MDB_RDONLY, txn);
  }
  void EndPooledRead(MDB_txn* txn) {
    mdb_txn_reset(txn);
    std::lock_guard<std::mutex> lock(pool_mu);
    if (pool.size() < kReadTxnPool) {
      pool.push_back(txn);
    } else {
      mdb_txn_abort(txn);
    }
  }

  // Unmaps the pages of the data file's map from this process's page tables (MADV_DONTNEED),
  // keeping the map itself: on a shared file mapping this discards no data, and the next access
  // maps the page again from the page cache. LMDB does not tell where its map is, so it is found in
  // /proc/self/maps by the data file's device and inode. Advice only: when anything fails, nothing
  // was changed.
  void DropMappedPages() const {
    mdb_filehandle_t fd;
    struct stat st;
    if (mdb_env_get_fd(env, &fd) != MDB_SUCCESS || fstat(fd, &st) != 0) return;
    std::FILE* maps = std::fopen("/proc/self/maps", "r");
    if (maps == nullptr) return;
    char line[4096];
    while (std::fgets(line, sizeof line, maps) != nullptr) {
      unsigned long long begin = 0, end = 0, offset = 0, inode = 0;
      unsigned dev_major = 0, dev_minor = 0;
      char perms[8] = {0};
      if (std::sscanf(line, "%llx-%llx %7s %llx %x:%x %llu", &begin, &end, perms, &offset,
                      &dev_major, &dev_minor, &inode) != 7) {
        continue;
      }
      if (inode != st.st_ino || dev_major != major(st.st_dev) || dev_minor != minor(st.st_dev) ||
          perms[3] != 's') {
        continue;
      }
      madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
    }
    std::fclose(maps);
  }

  // Another process grew the map beyond ours (MDB_MAP_RESIZED): adopt its size.
  Status AdoptMapSize() {
    std::unique_lock<std::shared_mutex> lock(map_mu);
    const int rc = mdb_env_set_mapsize(env, 0);
    if (rc != MDB_SUCCESS) return LmdbError(rc, "adopting the map size set by another process");
    return Status::OK();
  }

  // Under write_map, gives data.mdb real blocks up to `want` bytes (from `reserved` on): a store
  // through the write map into a hole of the file makes the kernel allocate a block at the page
  // fault, and on a full file system that is a SIGBUS, not an error. When the disk cannot hold all
  // of it, asks for less (halving the step, not below `at_least`). Returns the size reserved;
  // ResourceExhausted naming the file when not even `at_least` fits. Does not touch the map.
  StatusOr<uint64_t> Reserve(uint64_t want, uint64_t at_least) {
    if (want <= reserved) return reserved;
    mdb_filehandle_t fd;
    int rc = mdb_env_get_fd(env, &fd);
    if (rc != MDB_SUCCESS) return LmdbError(rc, "reserving room in " + data_file);
    uint64_t target = want;
    for (;;) {
      // fallocate, not posix_fallocate: where the file system cannot allocate, glibc emulates it by
      // writing a zero byte into every block that reads as zero, which could overwrite a page
      // another process is writing through its map. There we reserve nothing (LMDB's behaviour: a
      // full disk may then still end in SIGBUS).
      rc =
          fallocate(fd, 0, static_cast<off_t>(reserved), static_cast<off_t>(target - reserved)) == 0
              ? 0
              : errno;
      if (rc == EINTR) continue;
      if (rc == 0 || rc == EOPNOTSUPP) {
        reserved = target;
        return target;
      }
      const uint64_t half = RoundUpMiB(reserved + (target - reserved) / 2);
      if ((rc != ENOSPC && rc != EFBIG) || half >= target || half < at_least) {
        return LmdbError(rc, "reserving " + std::to_string(target - reserved) +
                                 " bytes of disk in " + data_file + " (it holds " +
                                 std::to_string(reserved) + ")");
      }
      target = half;
    }
  }

  // A write transaction may touch any page of the map; under write_map each must have a block on
  // disk (see Reserve). The map can outgrow the reservation when another process grew it and we
  // adopted its size, or when reserving failed earlier: reserve now, or refuse to write.
  Status EnsureReserved() {
    if (!write_map) return Status::OK();
    MDB_envinfo info;
    {
      std::shared_lock<std::shared_mutex> lock(map_mu);
      const int rc = mdb_env_info(env, &info);
      if (rc != MDB_SUCCESS) return LmdbError(rc, "reading the map size");
    }
    if (info.me_mapsize <= reserved) return Status::OK();
    return Reserve(info.me_mapsize, info.me_mapsize).status();
  }

  // Our write hit MDB_MAP_FULL: double the map (+50% beyond 1 GiB; less when the disk is short and
  // write_map needs the room reserved). Waits for in-flight calls, not for idle snapshots.
  Status Grow() {
    {
      // mdb_env_set_mapsize munmaps the old map, which takes time in proportion to the pages this
      // process has mapped (a 1M-pair import: 2.5, 6.4, 9.2, 17.7 and 35.8 ms at its five growths),
      // and every reader waits for it on map_mu. Dropping those page-table entries first, with the
      // lock only shared, moves that cost out of the exclusive section: readers go on meanwhile (a
      // page they touch is mapped again from the page cache) and the munmap below finds the map
      // nearly empty.
      std::shared_lock<std::shared_mutex> lock(map_mu);
      DropMappedPages();
    }
    MDB_envinfo info;
    int rc;
    {
      std::shared_lock<std::shared_mutex> lock(map_mu);
      rc = mdb_env_info(env, &info);
    }
    if (rc != MDB_SUCCESS) return LmdbError(rc, "growing the map: reading its size");
    const uint64_t current = info.me_mapsize;
    if (current >= kMaxMapSize) {
      return Status::ResourceExhausted("growing the map: already " + std::to_string(current) +
                                       " bytes, the most dhakira maps");
    }
    uint64_t next = current < kGiB ? current * 2 : current + current / 2;
    next = std::min(RoundUpMiB(next), kMaxMapSize);
    if (write_map) {
      // Before the map covers the new pages (LMDB then ftruncates the file to the map size), and
      // outside the exclusive section: it does not touch the map, and may take milliseconds.
      StatusOr<uint64_t> got = Reserve(next, current + kMiB);
      if (!got.ok()) {
        return got.status().WithContext("growing the TM beyond " + std::to_string(current) +
                                        " bytes");
      }
      next = *got;
    }
    std::unique_lock<std::shared_mutex> lock(map_mu);
    rc = mdb_env_set_mapsize(env, next);
    if (rc != MDB_SUCCESS) {
      return LmdbError(rc, "growing the map from " + std::to_string(current) + " to " +
                               std::to_string(next) + " bytes");
    }
    return Status::OK();
  }

  // Runs fn in a pooled read transaction with map_mu held shared.
  Status Read(std::string_view what, const std::function<Status(MDB_txn*)>& fn) {
    for (int attempt = 0;; ++attempt) {
      std::shared_lock<std::shared_mutex> lock(map_mu);
      MDB_txn* txn = nullptr;
      const int rc = BeginPooledRead(&txn);
      if (rc == MDB_MAP_RESIZED && attempt < 8) {
        lock.unlock();
        DHAKIRA_RETURN_IF_ERROR(AdoptMapSize().WithContext(what));
        continue;
      }
      if (rc != MDB_SUCCESS)
        return LmdbError(rc, std::string(what) + ": starting a read transaction");
      Status s = fn(txn);
      EndPooledRead(txn);
      return s;
    }
  }

  // Begins a read transaction for a long-lived reader (snapshot, ForEach). Not pooled.
  StatusOr<MDB_txn*> BeginLongRead(std::string_view what) {
    for (int attempt = 0;; ++attempt) {
      std::shared_lock<std::shared_mutex> lock(map_mu);
      MDB_txn* txn = nullptr;
      const int rc = mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn);
      if (rc == MDB_MAP_RESIZED && attempt < 8) {
        lock.unlock();
        DHAKIRA_RETURN_IF_ERROR(AdoptMapSize().WithContext(what));
        continue;
      }
      if (rc != MDB_SUCCESS)
        return LmdbError(rc, std::string(what) + ": starting a read transaction");
      return txn;
    }
  }
  void EndLongRead(MDB_txn* txn) {
    std::shared_lock<std::shared_mutex> lock(map_mu);
    mdb_txn_abort(txn);
  }

  // Apparent size and bytes allocated on disk of data.mdb; 0 when it cannot be read.
  void FileFigures(uint64_t* file_bytes, uint64_t* allocated_bytes) const {
    struct stat st;
    if (::stat(data_file.c_str(), &st) != 0) return;
    *file_bytes = static_cast<uint64_t>(st.st_size);
    *allocated_bytes =
        static_cast<uint64_t>(st.st_blocks) * 512;  // st_blocks counts 512-byte units
  }
};

// ---- reads inside a transaction (map_mu held by the caller) ----

Status GetUnitIn(const Env& e, MDB_txn* txn, uint64_t id, SegmentPair* out) {
  char key[8];
  EncodeIdKey(id, key);
  MDB_val k{8, key}, v;
  const int rc = mdb_get(txn, e.units, &k, &v);
  if (rc == MDB_NOTFOUND) return Status::NotFound("no unit with id " + std::to_string(id));
  if (rc != MDB_SUCCESS) return LmdbError(rc, UnitWhat("reading", id));
  return DecodeUnit(View(v), id, out);
}

// Decodes up to `max` units with id >= from into chunk[0..n). *done when the end was reached.
Status ReadChunk(const Env& e, MDB_txn* txn, uint64_t from, size_t max,
                 std::vector<SegmentPair>* chunk, size_t* n, bool* done) {
  *n = 0;
  *done = false;
  MDB_cursor* cursor = nullptr;
  int rc = mdb_cursor_open(txn, e.units, &cursor);
  if (rc != MDB_SUCCESS) return LmdbError(rc, "iterating units: opening a cursor");
  char key[8];
  EncodeIdKey(from, key);
  MDB_val k{8, key}, v;
  Status s;
  rc = mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE);
  while (rc == MDB_SUCCESS && *n < max) {
    if (k.mv_size != 8) {
      s = Status::Corruption("iterating units: a key of " + std::to_string(k.mv_size) +
                             " bytes, expected 8");
      break;
    }
    if (chunk->size() <= *n) chunk->resize(*n + 1);
    s = DecodeUnit(View(v), DecodeIdKey(static_cast<const char*>(k.mv_data)), &(*chunk)[*n]);
    if (!s.ok()) break;
    ++*n;
    rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT);
  }
  mdb_cursor_close(cursor);
  if (!s.ok()) return s;
  if (rc == MDB_NOTFOUND) {
    *done = true;
  } else if (rc != MDB_SUCCESS) {
    return LmdbError(rc, "iterating units");
  }
  return Status::OK();
}

// ForEach over a long-lived read transaction: see the design comment at the top.
Status ChunkedForEach(Env& e, MDB_txn* txn, const std::function<bool(const SegmentPair&)>& fn) {
  std::vector<SegmentPair> chunk;
  uint64_t from = 0;
  for (;;) {
    size_t n = 0;
    bool done = false;
    {
      std::shared_lock<std::shared_mutex> lock(e.map_mu);
      DHAKIRA_RETURN_IF_ERROR(ReadChunk(e, txn, from, kForEachChunk, &chunk, &n, &done));
    }
    for (size_t i = 0; i < n; ++i) {
      if (!fn(chunk[i])) return Status::OK();
    }
    if (done || n == 0) return Status::OK();
    if (chunk[n - 1].id == UINT64_MAX) return Status::OK();
    from = chunk[n - 1].id + 1;
  }
}

Status StatsIn(const Env& e, MDB_txn* txn, StoreStats* out) {
  MDB_stat st;
  int rc = mdb_stat(txn, e.units, &st);
  if (rc != MDB_SUCCESS) return LmdbError(rc, "reading statistics: counting units");
  out->segments = st.ms_entries;
  MDB_cursor* cursor = nullptr;
  rc = mdb_cursor_open(txn, e.stats, &cursor);
  if (rc != MDB_SUCCESS) return LmdbError(rc, "reading statistics: opening a cursor");
  MDB_val k, v;
  Status s;
  for (rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST); rc == MDB_SUCCESS;
       rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)) {
    const std::string_view key = View(k);
    uint64_t count = 0;
    s = DecodeCounter(View(v), "stats", &count);
    if (!s.ok() || key.empty()) {
      if (s.ok()) s = Status::Corruption("reading statistics: an empty counter key");
      break;
    }
    const std::string name(key.substr(1));
    if (key[0] == kStatLanguagePair) {
      out->language_pairs[name] = count;
    } else if (key[0] == kStatOrigin) {
      out->origins[name] = count;
    }  // other kinds: written by a later minor revision; ignored here
  }
  mdb_cursor_close(cursor);
  if (!s.ok()) return s;
  if (rc != MDB_NOTFOUND) return LmdbError(rc, "reading statistics");
  // Counters carry no checksum: a damaged one still decodes. Every unit is counted once per kind,
  // so each kind must add up to the units (O(counters), issue #15).
  for (const auto* kind : {&out->language_pairs, &out->origins}) {
    uint64_t sum = 0;
    for (const auto& [name, n] : *kind) sum += n;
    if (sum != out->segments) {
      return Status::Corruption("reading statistics: the " +
                                std::string(kind == &out->origins ? "origin" : "language-pair") +
                                " counters add up to " + std::to_string(sum) + ", not to the " +
                                std::to_string(out->segments) + " units; run 'dhakira check'");
    }
  }
  out->format_version = kFormatVersion;
  return Status::OK();
}

void FillEnvFigures(const Env& e, StoreStats* out) {
  MDB_envinfo info;
  MDB_stat st;
  if (mdb_env_info(e.env, &info) == MDB_SUCCESS) {
    out->map_bytes = info.me_mapsize;
    // The pages of the last commit (LMDB reuses freed pages before it takes new ones).
    if (mdb_env_stat(e.env, &st) == MDB_SUCCESS)
      out->used_bytes = (static_cast<uint64_t>(info.me_last_pgno) + 1) * st.ms_psize;
  }
  e.FileFigures(&out->file_bytes, &out->allocated_bytes);
}

// ---------------------------------------------------------------------------------------------------------

class LmdbSnapshot final : public Snapshot {
 public:
  LmdbSnapshot(std::shared_ptr<Env> env, MDB_txn* txn) : env_(std::move(env)), txn_(txn) {}
  ~LmdbSnapshot() override { env_->EndLongRead(txn_); }

  StatusOr<SegmentPair> Get(uint64_t id) const override {
    SegmentPair out;
    Status s;
    {
      std::shared_lock<std::shared_mutex> lock(env_->map_mu);
      s = GetUnitIn(*env_, txn_, id, &out);
    }
    if (!s.ok()) return s;
    return out;
  }

  Status ForEach(const std::function<bool(const SegmentPair&)>& fn) const override {
    return ChunkedForEach(*env_, txn_, fn);
  }

  StatusOr<StoreStats> Stats() const override {
    StoreStats out;
    std::shared_lock<std::shared_mutex> lock(env_->map_mu);
    DHAKIRA_RETURN_IF_ERROR(StatsIn(*env_, txn_, &out));
    FillEnvFigures(*env_, &out);
    return out;
  }

  Status Read(const std::function<Status(MDB_txn*)>& fn) const {
    std::shared_lock<std::shared_mutex> lock(env_->map_mu);
    return fn(txn_);
  }

 private:
  std::shared_ptr<Env> env_;
  MDB_txn* txn_;
};

// One prepared operation of a write.
struct PreparedOp {
  PreparedOp() = default;
  PreparedOp(WriteBatch::Op o, SegmentPair p) : op(o), pair(std::move(p)) {}

  WriteBatch::Op op = WriteBatch::Op::kAdd;
  SegmentPair pair;
  bool keys = false;  // pair.source_tokens computed
  // A duplicate before the transaction: keys deferred (maybe never needed).
  bool likely_dup = false;
  // DedupHash of the prepared pair (its identity fields are final after PrepareFields), computed
  // once, on the preparing threads; `hashed` says it is set.
  bool hashed = false;
  uint64_t dedup_hash = 0;
  // StoreHook::PrepareUnit results, one per hook in hooks_ order (empty when not prepared).
  std::vector<std::unique_ptr<HookPrepared>> hook_data;
};

enum class PreparePhase { kFields, kKeys };

}  // namespace

struct PreparedBatch::Rep {
  // serial_ of the StoreImpl that prepared it (not its address: that may be reused).
  uint64_t owner = 0;
  DuplicatePolicy policy = DuplicatePolicy::kSkip;
  std::vector<PreparedOp> ops;
};

PreparedBatch::PreparedBatch() = default;
PreparedBatch::~PreparedBatch() = default;
PreparedBatch::PreparedBatch(PreparedBatch&&) noexcept = default;
PreparedBatch& PreparedBatch::operator=(PreparedBatch&&) noexcept = default;
PreparedBatch::PreparedBatch(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
size_t PreparedBatch::size() const { return rep_ ? rep_->ops.size() : 0; }

namespace {

// State of one write transaction attempt.
struct TxnState {
  uint64_t next_id = 0;
  int64_t now = 0;
  std::map<std::string, int64_t> stat_deltas;  // stats key -> change
  std::string buf;                             // encoding scratch
  SegmentPair old;                             // decoding scratch
};

class StoreImpl final : public LmdbStore {
 public:
  StoreImpl(std::shared_ptr<Env> env, std::vector<std::shared_ptr<StoreHook>> hooks,
            uint32_t prepare_threads)
      : env_(std::move(env)), hooks_(std::move(hooks)), prepare_threads_(prepare_threads) {}

  ~StoreImpl() override = default;

  const std::string& path() const override { return env_->path; }
  MDB_env* env() const override { return env_->env; }
  MDB_dbi units_dbi() const override { return env_->units; }
  bool read_only() const override { return env_->read_only; }

  StatusOr<WriteResult> Add(SegmentPair pair, DuplicatePolicy on_duplicate) override {
    std::vector<PreparedOp> ops;
    ops.push_back(PreparedOp{WriteBatch::Op::kAdd, std::move(pair)});
    size_t bad_index = 0;
    DHAKIRA_RETURN_IF_ERROR(PrepareOps(&ops, on_duplicate, &bad_index).WithContext("adding unit"));
    StatusOr<std::vector<WriteResult>> r = Apply(ops, on_duplicate, "adding unit");
    if (!r.ok()) return r.status();
    return (*r)[0];
  }

  Status Update(SegmentPair pair) override {
    const std::string what = UnitWhat("updating", pair.id);
    std::vector<PreparedOp> ops;
    ops.push_back(PreparedOp{WriteBatch::Op::kUpdate, std::move(pair)});
    size_t bad_index = 0;
    DHAKIRA_RETURN_IF_ERROR(
        PrepareOps(&ops, DuplicatePolicy::kKeepBoth, &bad_index).WithContext(what));
    return Apply(ops, DuplicatePolicy::kKeepBoth, what).status();
  }

  Status Delete(uint64_t id) override {
    const std::string what = UnitWhat("deleting", id);
    std::vector<PreparedOp> ops(1);
    ops[0].op = WriteBatch::Op::kDelete;
    ops[0].pair.id = id;
    return Apply(ops, DuplicatePolicy::kKeepBoth, what).status();
  }

  StatusOr<std::vector<WriteResult>> Write(const WriteBatch& batch,
                                           DuplicatePolicy on_duplicate) override {
    if (batch.empty()) return std::vector<WriteResult>();
    StatusOr<PreparedBatch> prepared = Prepare(batch, on_duplicate);
    if (!prepared.ok()) return prepared.status();
    return Commit(std::move(*prepared));
  }

  StatusOr<PreparedBatch> Prepare(const WriteBatch& batch, DuplicatePolicy on_duplicate) override {
    auto rep = std::make_unique<PreparedBatch::Rep>();
    rep->owner = serial_;
    rep->policy = on_duplicate;
    rep->ops.reserve(batch.size());
    for (const WriteBatch::Entry& e : batch.entries()) {
      rep->ops.push_back(
          PreparedOp{e.op, e.op == WriteBatch::Op::kDelete ? SegmentPair() : e.pair});
      if (e.op == WriteBatch::Op::kDelete) rep->ops.back().pair.id = e.pair.id;
    }
    size_t bad_index = 0;
    // While a batch commits, the single writer needs a core of its own: prepare on one thread
    // fewer.
    Status s = PrepareOps(&rep->ops, on_duplicate, &bad_index, committing_.load() > 0 ? 1 : 0);
    if (!s.ok()) {
      return s.WithContext("writing batch: " + EntryName(bad_index, batch.entries()[bad_index]));
    }
    return PreparedBatch(std::move(rep));
  }

  StatusOr<std::vector<WriteResult>> Commit(PreparedBatch batch) override {
    PreparedBatch::Rep* rep = batch.rep();
    if (rep == nullptr) {
      return Status::InvalidArgument("committing a batch: it is empty or was committed already");
    }
    if (rep->owner != serial_) {
      return Status::InvalidArgument("committing a batch: it was prepared by another store");
    }
    if (rep->ops.empty()) return std::vector<WriteResult>();
    struct Committing {
      std::atomic<int>& n;
      explicit Committing(std::atomic<int>& c) : n(c) { ++n; }
      ~Committing() { --n; }
    } committing(committing_);
    return Apply(rep->ops, rep->policy, "writing batch");
  }

  StatusOr<SegmentPair> Get(uint64_t id) const override {
    SegmentPair out;
    DHAKIRA_RETURN_IF_ERROR(env_->Read(
        UnitWhat("reading", id), [&](MDB_txn* txn) { return GetUnitIn(*env_, txn, id, &out); }));
    return out;
  }

  Status ForEach(const std::function<bool(const SegmentPair&)>& fn) const override {
    StatusOr<MDB_txn*> txn = env_->BeginLongRead("iterating units");
    if (!txn.ok()) return txn.status();
    Status s = ChunkedForEach(*env_, *txn, fn);
    env_->EndLongRead(*txn);
    return s;
  }

  StatusOr<StoreStats> Stats() const override {
    StoreStats out;
    DHAKIRA_RETURN_IF_ERROR(env_->Read("reading statistics", [&](MDB_txn* txn) {
      DHAKIRA_RETURN_IF_ERROR(StatsIn(*env_, txn, &out));
      FillEnvFigures(*env_, &out);
      return Status::OK();
    }));
    return out;
  }

  StatusOr<std::unique_ptr<Snapshot>> NewSnapshot() const override {
    StatusOr<MDB_txn*> txn = env_->BeginLongRead("taking a snapshot");
    if (!txn.ok()) return txn.status();
    return std::unique_ptr<Snapshot>(new LmdbSnapshot(env_, *txn));
  }

  // ---- LmdbStore ----

  Status AttachHook(std::shared_ptr<StoreHook> hook) override {
    std::lock_guard<std::mutex> lock(write_mu_);
    if (env_->read_only) {
      // A read transaction that opens handles must commit for them to stay valid after it.
      DHAKIRA_RETURN_IF_ERROR(OpenHookCommitted(hook.get()));
    } else {
      DHAKIRA_RETURN_IF_ERROR(RunWriteLocked("attaching an index", [&](WriteContext& ctx) {
        HookOpenContext hctx{env_->env, ctx.txn(), false, env_->units};
        return hook->Open(hctx);
      }));
    }
    std::lock_guard<std::mutex> hooks_lock(hooks_mu_);
    hooks_.push_back(std::move(hook));
    return Status::OK();
  }

  Status Read(const std::function<Status(MDB_txn*)>& fn) const override {
    return env_->Read("reading", fn);
  }

  Status GetUnit(MDB_txn* txn, uint64_t id, SegmentPair* out) const override {
    return GetUnitIn(*env_, txn, id, out);
  }

  Status ForEachUnit(MDB_txn* txn, uint64_t from_id,
                     const std::function<bool(const SegmentPair&)>& fn) const override {
    std::vector<SegmentPair> chunk(1);
    uint64_t from = from_id;
    for (;;) {
      size_t n = 0;
      bool done = false;
      DHAKIRA_RETURN_IF_ERROR(ReadChunk(*env_, txn, from, 1, &chunk, &n, &done));
      if (n == 0) return Status::OK();
      if (!fn(chunk[0])) return Status::OK();
      if (done || chunk[0].id == UINT64_MAX) return Status::OK();
      from = chunk[0].id + 1;
    }
  }

  const std::shared_ptr<Env>& env_holder() const { return env_; }

  // Runs `body` in a write transaction with the writer mutex held; see RunWriteLocked.
  Status RunWrite(std::string_view what, const std::function<Status(WriteContext&)>& body) {
    std::lock_guard<std::mutex> lock(write_mu_);
    return RunWriteLocked(what, body);
  }

 private:
  Status OpenHookCommitted(StoreHook* hook) {
    std::shared_lock<std::shared_mutex> lock(env_->map_mu);
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(env_->env, nullptr, MDB_RDONLY, &txn);
    if (rc != MDB_SUCCESS) return LmdbError(rc, "attaching an index: starting a read transaction");
    HookOpenContext ctx{env_->env, txn, true, env_->units};
    Status s = hook->Open(ctx);
    if (!s.ok()) {
      mdb_txn_abort(txn);
      return s;
    }
    rc = mdb_txn_commit(txn);
    if (rc != MDB_SUCCESS) return LmdbError(rc, "attaching an index: ending the read transaction");
    return Status::OK();
  }

  static std::string EntryName(size_t index, const WriteBatch::Entry& e) {
    std::string s = "entry " + std::to_string(index) + " (";
    switch (e.op) {
      case WriteBatch::Op::kAdd:
        s += "add";
        break;
      case WriteBatch::Op::kUpdate:
        s += "update of unit " + std::to_string(e.pair.id);
        break;
      case WriteBatch::Op::kDelete:
        s += "delete of unit " + std::to_string(e.pair.id);
        break;
    }
    s += ")";
    return s;
  }

  // Prepares every op, on several threads for a large batch (validation and match keys dominate the
  // cost of an import; the transaction itself is serial). On failure *bad_index is the lowest
  // failing index.
  // `spare_threads`: hardware threads to leave to others (a writer committing an earlier batch).
  Status PrepareAll(std::vector<PreparedOp>* ops, PreparePhase phase, size_t* bad_index,
                    size_t spare_threads) {
    std::vector<std::shared_ptr<StoreHook>> hooks;  // one snapshot for the batch
    if (phase == PreparePhase::kKeys) {
      std::lock_guard<std::mutex> lock(hooks_mu_);  // AttachHook may append meanwhile
      hooks = hooks_;
    }
    constexpr size_t kMinPerThread = 256;
    size_t threads = prepare_threads_ != 0 ? prepare_threads_ : std::thread::hardware_concurrency();
    threads = threads > spare_threads ? threads - spare_threads : 1;
    threads = std::max<size_t>(1, std::min(threads, ops->size() / kMinPerThread));
    std::vector<Status> status(threads);
    std::vector<size_t> first_bad(threads, SIZE_MAX);
    auto work = [&](size_t t) {
      const size_t begin = ops->size() * t / threads, end = ops->size() * (t + 1) / threads;
      for (size_t i = begin; i < end; ++i) {
        Status s = Prepare(&(*ops)[i], phase, hooks);
        if (!s.ok()) {
          status[t] = std::move(s);
          first_bad[t] = i;
          return;
        }
      }
    };
    std::vector<std::thread> workers;
    workers.reserve(threads - 1);
    for (size_t t = 1; t < threads; ++t) workers.emplace_back(work, t);
    work(0);
    for (std::thread& w : workers) w.join();
    for (size_t t = 0; t < threads; ++t) {  // stripes are in index order: the first failure wins
      if (!status[t].ok()) {
        *bad_index = first_bad[t];
        return status[t];
      }
    }
    return Status::OK();
  }

  Status Prepare(PreparedOp* op, PreparePhase phase,
                 const std::vector<std::shared_ptr<StoreHook>>& hooks) {
    if (op->op == WriteBatch::Op::kDelete) return Status::OK();
    if (env_->read_only) return Status::FailedPrecondition("the TM is open read-only");
    if (phase == PreparePhase::kFields) {
      DHAKIRA_RETURN_IF_ERROR(preparer_.PrepareFields(&op->pair));
      DedupHashOf(op);  // here rather than on the single writer thread
      return Status::OK();
    }
    if (op->keys || op->likely_dup) return Status::OK();
    DHAKIRA_RETURN_IF_ERROR(preparer_.ComputeKeys(&op->pair));
    op->keys = true;
    op->hook_data.clear();
    for (const auto& hook : hooks) {
      DHAKIRA_ASSIGN_OR_RETURN(std::unique_ptr<HookPrepared> data, hook->PrepareUnit(op->pair));
      op->hook_data.push_back(std::move(data));
    }
    return Status::OK();
  }

  // Calls every hook's OnPutPrepared with what it prepared for `op` (nullptr when nothing).
  Status CallOnPut(WriteContext& ctx, const PreparedOp& op, const SegmentPair* old,
                   const SegmentPair& unit) {
    for (size_t i = 0; i < hooks_.size(); ++i) {
      const HookPrepared* data = i < op.hook_data.size() ? op.hook_data[i].get() : nullptr;
      DHAKIRA_RETURN_IF_ERROR(hooks_[i]->OnPutPrepared(ctx, old, unit, data));
    }
    return Status::OK();
  }

  // Validates every op, then (under kSkip) looks up duplicates in a read transaction, then computes
  // the match keys of the units that will be written. Re-importing a TM thus costs validation and a
  // lookup per unit, not a normalization. The transaction re-checks duplicates (a writer may have
  // deleted one meanwhile) and computes keys it still lacks.
  Status PrepareOps(std::vector<PreparedOp>* ops, DuplicatePolicy policy, size_t* bad_index,
                    size_t spare_threads = 0) {
    DHAKIRA_RETURN_IF_ERROR(PrepareAll(ops, PreparePhase::kFields, bad_index, spare_threads));
    if (policy == DuplicatePolicy::kSkip) {
      // The look-up costs ~1-2 us a unit: only worth it when duplicates are common. Sample the
      // first adds of the batch and go on only when some were duplicates (a re-import).
      constexpr size_t kSample = 64;
      DHAKIRA_RETURN_IF_ERROR(env_->Read("looking for duplicates", [&](MDB_txn* txn) {
        size_t checked = 0, found = 0;
        for (PreparedOp& op : *ops) {
          if (op.op != WriteBatch::Op::kAdd) continue;
          if (checked == kSample && found == 0) break;
          uint64_t dup = 0;
          DHAKIRA_RETURN_IF_ERROR(FindDuplicate(txn, op.pair, DedupHashOf(&op), &dup));
          op.likely_dup = dup != 0;
          ++checked;
          found += op.likely_dup ? 1 : 0;
        }
        return Status::OK();
      }));
    }
    return PrepareAll(ops, PreparePhase::kKeys, bad_index, spare_threads);
  }

  // Computes the match keys of an op inside the transaction when they were deferred.
  Status EnsureKeys(PreparedOp* op) {
    if (op->keys) return Status::OK();
    DHAKIRA_RETURN_IF_ERROR(preparer_.ComputeKeys(&op->pair));
    op->keys = true;
    return Status::OK();
  }

  // Writes `ops` in one transaction (all or nothing) and returns one result per op.
  StatusOr<std::vector<WriteResult>> Apply(std::vector<PreparedOp>& ops, DuplicatePolicy policy,
                                           std::string_view what) {
    if (env_->read_only) {
      return Status::FailedPrecondition(std::string(what) + ": the TM is open read-only");
    }
    std::vector<WriteResult> results;
    const int64_t now = NowSeconds();
    Status s = RunWrite(what, [&](WriteContext& ctx) -> Status {
      results.clear();
      results.reserve(ops.size());
      TxnState st;
      st.now = now;
      DHAKIRA_RETURN_IF_ERROR(LoadNextId(ctx, &st));
      for (size_t i = 0; i < ops.size(); ++i) {
        WriteResult r;
        Status s = ApplyOne(ctx, &st, &ops[i], policy, &r);
        if (!s.ok()) {
          if (ops.size() > 1) {
            WriteBatch::Entry e{ops[i].op, SegmentPair()};
            e.pair.id = ops[i].pair.id;
            return s.WithContext(EntryName(i, e));
          }
          return s;
        }
        results.push_back(r);
      }
      return Finish(ctx, &st);
    });
    if (!s.ok()) return s.WithContext(what);
    return results;
  }

  Status ApplyOne(WriteContext& ctx, TxnState* st, PreparedOp* op, DuplicatePolicy policy,
                  WriteResult* r) {
    switch (op->op) {
      case WriteBatch::Op::kAdd:
        return DoAdd(ctx, st, op, policy, r);
      case WriteBatch::Op::kUpdate:
        r->id = op->pair.id;
        r->outcome = WriteOutcome::kUpdated;
        DHAKIRA_RETURN_IF_ERROR(EnsureKeys(op));
        return DoReplace(ctx, st, op->pair.id, op);
      case WriteBatch::Op::kDelete:
        r->id = op->pair.id;
        r->outcome = WriteOutcome::kDeleted;
        return DoDelete(ctx, st, op->pair.id);
    }
    return Status::Internal("unknown write operation");
  }

  Status LoadNextId(WriteContext& ctx, TxnState* st) {
    MDB_val k = Val(kMetaNextId), v;
    const int rc = mdb_get(ctx.txn(), env_->meta, &k, &v);
    if (rc == MDB_NOTFOUND) return Status::Corruption("meta record 'next_id' is missing");
    DHAKIRA_RETURN_IF_ERROR(ctx.Check(rc, "reading meta 'next_id'"));
    return DecodeCounter(View(v), "next_id", &st->next_id);
  }

  Status Finish(WriteContext& ctx, TxnState* st) {
    std::string buf;
    EncodeCounter(st->next_id, &buf);
    MDB_val k = Val(kMetaNextId), v = Val(buf);
    DHAKIRA_RETURN_IF_ERROR(ctx.Check(mdb_put(ctx.txn(), env_->meta, &k, &v, 0), "writing meta"));
    for (const auto& [key, delta] : st->stat_deltas) {
      if (delta == 0) continue;
      MDB_val sk = Val(key), sv;
      uint64_t count = 0;
      int rc = mdb_get(ctx.txn(), env_->stats, &sk, &sv);
      if (rc == MDB_SUCCESS) {
        DHAKIRA_RETURN_IF_ERROR(DecodeCounter(View(sv), "stats", &count));
      } else if (rc != MDB_NOTFOUND) {
        return ctx.Check(rc, "reading a statistics counter");
      }
      const int64_t next = static_cast<int64_t>(count) + delta;
      if (next < 0) return Status::Corruption("statistics counter below zero (stats out of step)");
      if (next == 0) {
        rc = mdb_del(ctx.txn(), env_->stats, &sk, nullptr);
        DHAKIRA_RETURN_IF_ERROR(ctx.Check(rc, "deleting a statistics counter"));
      } else {
        EncodeCounter(static_cast<uint64_t>(next), &buf);
        MDB_val nv = Val(buf);
        DHAKIRA_RETURN_IF_ERROR(ctx.Check(mdb_put(ctx.txn(), env_->stats, &sk, &nv, 0),
                                          "writing a statistics counter"));
      }
    }
    return Status::OK();
  }

  static void CountUnit(TxnState* st, const SegmentPair& u, int64_t delta) {
    std::string key(1, kStatLanguagePair);
    key += LanguagePairKey(u.src_lang, u.tgt_lang);
    st->stat_deltas[key] += delta;
    key.assign(1, kStatOrigin);
    key += u.origin;
    st->stat_deltas[key] += delta;
  }

  // The lowest id of a stored unit with the identity of `p` (hash bucket `hash`), or 0.
  // Reads only (in a read or write transaction).
  Status FindDuplicate(MDB_txn* txn, const SegmentPair& p, uint64_t hash, uint64_t* found) const {
    *found = 0;
    char hkey[8];
    EncodeIdKey(hash, hkey);
    MDB_cursor* cursor = nullptr;
    int rc = mdb_cursor_open(txn, env_->dedup, &cursor);
    if (rc != MDB_SUCCESS) return LmdbError(rc, "looking for duplicates: opening a cursor");
    MDB_val k{8, hkey}, v;
    Status s;
    for (rc = mdb_cursor_get(cursor, &k, &v, MDB_SET_KEY); rc == MDB_SUCCESS;
         rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT_DUP)) {
      if (v.mv_size != 8) {
        s = Status::Corruption("a dedup entry of " + std::to_string(v.mv_size) + " bytes");
        break;
      }
      const uint64_t id = DecodeIdKey(static_cast<const char*>(v.mv_data));
      char ukey[8];
      EncodeIdKey(id, ukey);
      MDB_val uk{8, ukey}, uv;
      const int urc = mdb_get(txn, env_->units, &uk, &uv);
      if (urc == MDB_NOTFOUND) {
        s = Status::Corruption("a dedup entry names unit " + std::to_string(id) +
                               ", which is absent");
        break;
      }
      if (urc != MDB_SUCCESS) {
        s = LmdbError(urc, UnitWhat("reading", id));
        break;
      }
      UnitIdentity ident;
      s = DecodeUnitIdentity(View(uv), id, &ident);
      if (!s.ok()) break;
      if (ident.src_lang == p.src_lang && ident.tgt_lang == p.tgt_lang &&
          ident.source == p.source && ident.target == p.target) {
        *found = id;
        break;
      }
    }
    mdb_cursor_close(cursor);
    if (!s.ok()) return s;
    if (*found == 0 && rc != MDB_NOTFOUND) return LmdbError(rc, "looking for duplicates");
    return Status::OK();
  }

  // The pair's dedup hash, computed once (the identity fields do not change after PrepareFields).
  static uint64_t DedupHashOf(PreparedOp* op) {
    if (!op->hashed) {
      const SegmentPair& p = op->pair;
      op->dedup_hash = DedupHash(p.src_lang, p.tgt_lang, p.source, p.target);
      op->hashed = true;
    }
    return op->dedup_hash;
  }

  Status PutDedup(WriteContext& ctx, const SegmentPair& u, bool del) {
    return PutDedup(ctx, DedupHash(u.src_lang, u.tgt_lang, u.source, u.target), u.id, del);
  }
  // Adds (or removes) the dedup entry `hash` -> `id`.
  Status PutDedup(WriteContext& ctx, uint64_t hash, uint64_t id, bool del) {
    char hkey[8], ival[8];
    EncodeIdKey(hash, hkey);
    EncodeIdKey(id, ival);
    MDB_val k{8, hkey}, v{8, ival};
    if (del) {
      const int rc = mdb_del(ctx.txn(), env_->dedup, &k, &v);
      if (rc == MDB_NOTFOUND) return Status::OK();  // tolerate: the unit is what counts
      return ctx.Check(rc, UnitWhat("removing the dedup entry of", id));
    }
    return ctx.Check(mdb_put(ctx.txn(), env_->dedup, &k, &v, MDB_NODUPDATA),
                     UnitWhat("writing the dedup entry of", id));
  }

  Status PutUnit(WriteContext& ctx, TxnState* st, const SegmentPair& u, unsigned flags) {
    st->buf.clear();
    EncodeUnit(u, &st->buf);
    char key[8];
    EncodeIdKey(u.id, key);
    MDB_val k{8, key}, v = Val(st->buf);
    const int rc = mdb_put(ctx.txn(), env_->units, &k, &v, flags);
    if (rc == MDB_KEYEXIST) {
      return Status::Corruption("unit id " + std::to_string(u.id) +
                                " is already taken (meta 'next_id' out of step)");
    }
    return ctx.Check(rc, UnitWhat("writing", u.id));
  }

  Status DoAdd(WriteContext& ctx, TxnState* st, PreparedOp* op, DuplicatePolicy policy,
               WriteResult* r) {
    SegmentPair* p = &op->pair;
    if (policy != DuplicatePolicy::kKeepBoth) {
      uint64_t dup = 0;
      DHAKIRA_RETURN_IF_ERROR(FindDuplicate(ctx.txn(), *p, DedupHashOf(op), &dup));
      if (dup != 0) {
        r->id = dup;
        if (policy == DuplicatePolicy::kSkip) {
          r->outcome = WriteOutcome::kSkippedDuplicate;
          return Status::OK();
        }
        r->outcome = WriteOutcome::kUpdated;
        DHAKIRA_RETURN_IF_ERROR(EnsureKeys(op));
        return DoReplace(ctx, st, dup, op);
      }
    }
    DHAKIRA_RETURN_IF_ERROR(EnsureKeys(op));
    if (st->next_id == 0 || st->next_id == UINT64_MAX) {
      return Status::ResourceExhausted("no unit ids left");
    }
    p->id = st->next_id++;
    if (p->created_at == 0) p->created_at = st->now;
    if (p->changed_at == 0) p->changed_at = p->created_at;
    DHAKIRA_RETURN_IF_ERROR(PutUnit(ctx, st, *p, MDB_APPEND));
    DHAKIRA_RETURN_IF_ERROR(PutDedup(ctx, DedupHashOf(op), p->id, false));
    CountUnit(st, *p, +1);
    DHAKIRA_RETURN_IF_ERROR(CallOnPut(ctx, *op, nullptr, *p));
    r->id = p->id;
    r->outcome = WriteOutcome::kAdded;
    return Status::OK();
  }

  Status DoReplace(WriteContext& ctx, TxnState* st, uint64_t id, PreparedOp* op) {
    SegmentPair* p = &op->pair;
    Status s = GetUnitIn(*env_, ctx.txn(), id, &st->old);
    if (!s.ok()) return s;
    const SegmentPair& old = st->old;
    p->id = id;
    if (p->created_at == 0) p->created_at = old.created_at;
    if (p->created_by.empty()) p->created_by = old.created_by;
    if (p->changed_at == 0) p->changed_at = st->now;
    DHAKIRA_RETURN_IF_ERROR(PutUnit(ctx, st, *p, 0));
    const bool same_identity = old.src_lang == p->src_lang && old.tgt_lang == p->tgt_lang &&
                               old.source == p->source && old.target == p->target;
    if (!same_identity) {
      DHAKIRA_RETURN_IF_ERROR(PutDedup(ctx, old, true));
      DHAKIRA_RETURN_IF_ERROR(PutDedup(ctx, DedupHashOf(op), p->id, false));
    }
    CountUnit(st, old, -1);
    CountUnit(st, *p, +1);
    DHAKIRA_RETURN_IF_ERROR(CallOnPut(ctx, *op, &old, *p));
    return Status::OK();
  }

  Status DoDelete(WriteContext& ctx, TxnState* st, uint64_t id) {
    DHAKIRA_RETURN_IF_ERROR(GetUnitIn(*env_, ctx.txn(), id, &st->old));
    char key[8];
    EncodeIdKey(id, key);
    MDB_val k{8, key};
    DHAKIRA_RETURN_IF_ERROR(
        ctx.Check(mdb_del(ctx.txn(), env_->units, &k, nullptr), UnitWhat("deleting", id)));
    DHAKIRA_RETURN_IF_ERROR(PutDedup(ctx, st->old, true));
    CountUnit(st, st->old, -1);
    for (const auto& hook : hooks_) DHAKIRA_RETURN_IF_ERROR(hook->OnDelete(ctx, st->old));
    return Status::OK();
  }

  // The write loop: begin, body, commit; on MDB_MAP_FULL abort, grow the map and rerun everything;
  // on MDB_MAP_RESIZED (another process grew it) adopt the new size and rerun. Caller holds
  // write_mu_.
  Status RunWriteLocked(std::string_view what, const std::function<Status(WriteContext&)>& body) {
    for (;;) {
      bool grow = false;
      DHAKIRA_RETURN_IF_ERROR(env_->EnsureReserved().WithContext(what));
      {
        std::shared_lock<std::shared_mutex> lock(env_->map_mu);
        MDB_txn* txn = nullptr;
        int rc = mdb_txn_begin(env_->env, nullptr, 0, &txn);
        if (rc == MDB_MAP_RESIZED) {
          lock.unlock();
          DHAKIRA_RETURN_IF_ERROR(env_->AdoptMapSize().WithContext(what));
          continue;
        }
        if (rc != MDB_SUCCESS) return LmdbError(rc, "starting a write transaction");
        WriteContext ctx(txn);
        Status s = body(ctx);
        for (size_t i = 0; s.ok() && i < hooks_.size(); ++i) s = hooks_[i]->BeforeCommit(ctx);
        if (s.ok()) {
          rc = mdb_txn_commit(txn);  // frees txn whatever the outcome
          if (rc == MDB_SUCCESS) {
            for (const auto& hook : hooks_) hook->OnCommit();
            return Status::OK();
          }
          s = ctx.Check(rc, "committing");
        } else {
          mdb_txn_abort(txn);
        }
        for (const auto& hook : hooks_) hook->OnAbort();
        if (!ctx.map_full()) return s;
        grow = true;
      }
      if (grow) DHAKIRA_RETURN_IF_ERROR(env_->Grow());
    }
  }

  std::shared_ptr<Env> env_;
  std::mutex write_mu_;  // serializes writers, hook registration and the retry loop
  std::vector<std::shared_ptr<StoreHook>> hooks_;  // appended under write_mu_ and hooks_mu_
  std::mutex hooks_mu_;

  std::atomic<int> committing_{0};  // Commit calls in progress (Prepare then leaves them a core)
  // Tells this store's PreparedBatches from others', also from a store since closed at the same
  // address.
  const uint64_t serial_ = NextStoreSerial();
  static uint64_t NextStoreSerial() {
    static std::atomic<uint64_t> next{0};
    return ++next;
  }
  const uint32_t prepare_threads_;
  store_internal::UnitPreparer preparer_;  // thread-safe
};

// ---- opening ----

Status OpenDbi(MDB_txn* txn, const char* name, unsigned flags, MDB_dbi* dbi) {
  const int rc = mdb_dbi_open(txn, name, flags, dbi);
  if (rc == MDB_NOTFOUND) {
    return Status::Corruption(std::string("not a complete dhakira TM: database '") + name +
                              "' is missing");
  }
  if (rc == MDB_INCOMPATIBLE) {
    return Status::Corruption(std::string("not a dhakira TM: '") + name +
                              "' exists but is not a database of ours (" + mdb_strerror(rc) + ")");
  }
  if (rc != MDB_SUCCESS) return LmdbError(rc, std::string("opening database '") + name + "'");
  return Status::OK();
}

// Creates the schema in a fresh environment.
Status CreateSchema(Env& e, MDB_txn* txn) {
  DHAKIRA_RETURN_IF_ERROR(OpenDbi(txn, kMetaDb, MDB_CREATE, &e.meta));
  DHAKIRA_RETURN_IF_ERROR(OpenDbi(txn, kUnitsDb, MDB_CREATE, &e.units));
  DHAKIRA_RETURN_IF_ERROR(
      OpenDbi(txn, kDedupDb, MDB_CREATE | MDB_DUPSORT | MDB_DUPFIXED, &e.dedup));
  DHAKIRA_RETURN_IF_ERROR(OpenDbi(txn, kStatsDb, MDB_CREATE, &e.stats));
  const std::string format = store_internal::EncodeFormatRecord(kFormatVersion);
  std::string next_id, created;
  EncodeCounter(1, &next_id);
  EncodeCounter(static_cast<uint64_t>(NowSeconds()), &created);
  const std::pair<std::string_view, std::string_view> records[] = {
      {kMetaFormat, format}, {kMetaNextId, next_id}, {kMetaCreatedAt, created}};
  for (const auto& [key, value] : records) {
    MDB_val k = Val(key), v = Val(value);
    const int rc = mdb_put(txn, e.meta, &k, &v, 0);
    if (rc != MDB_SUCCESS) return LmdbError(rc, "writing the format record");
  }
  return Status::OK();
}

// Checks an existing environment is a dhakira TM of our version and opens its databases.
Status CheckSchema(Env& e, MDB_txn* txn) {
  int rc = mdb_dbi_open(txn, kMetaDb, 0, &e.meta);
  if (rc == MDB_NOTFOUND) {
    return Status::Corruption(
        "not a dhakira TM: an LMDB environment without our 'meta' database (another program's?)");
  }
  DHAKIRA_RETURN_IF_ERROR(OpenDbi(txn, kMetaDb, 0, &e.meta));
  MDB_val k = Val(kMetaFormat), v;
  rc = mdb_get(txn, e.meta, &k, &v);
  if (rc == MDB_NOTFOUND) return Status::Corruption("not a dhakira TM: no format record in 'meta'");
  if (rc != MDB_SUCCESS) return LmdbError(rc, "reading the format record");
  uint32_t version = 0;
  DHAKIRA_RETURN_IF_ERROR(store_internal::DecodeFormatRecord(View(v), &version));
  if (version != kFormatVersion) {
    return Status::FailedPrecondition("the TM has format version " + std::to_string(version) +
                                      "; this dhakira reads version " +
                                      std::to_string(kFormatVersion));
  }
  DHAKIRA_RETURN_IF_ERROR(OpenDbi(txn, kUnitsDb, 0, &e.units));
  DHAKIRA_RETURN_IF_ERROR(OpenDbi(txn, kDedupDb, MDB_DUPSORT | MDB_DUPFIXED, &e.dedup));
  DHAKIRA_RETURN_IF_ERROR(OpenDbi(txn, kStatsDb, 0, &e.stats));

  // next_id must lie beyond every stored id (ids are never reused; MDB_APPEND relies on it).
  k = Val(kMetaNextId);
  rc = mdb_get(txn, e.meta, &k, &v);
  if (rc == MDB_NOTFOUND) return Status::Corruption("meta record 'next_id' is missing");
  if (rc != MDB_SUCCESS) return LmdbError(rc, "reading meta 'next_id'");
  uint64_t next_id = 0;
  DHAKIRA_RETURN_IF_ERROR(DecodeCounter(View(v), "next_id", &next_id));
  MDB_cursor* cursor = nullptr;
  rc = mdb_cursor_open(txn, e.units, &cursor);
  if (rc != MDB_SUCCESS) return LmdbError(rc, "checking unit ids");
  MDB_val lk, lv;
  rc = mdb_cursor_get(cursor, &lk, &lv, MDB_LAST);
  Status s;
  if (rc == MDB_SUCCESS) {
    if (lk.mv_size != 8) {
      s = Status::Corruption("a unit key of " + std::to_string(lk.mv_size) + " bytes");
    } else if (DecodeIdKey(static_cast<const char*>(lk.mv_data)) >= next_id) {
      s = Status::Corruption("meta 'next_id' " + std::to_string(next_id) +
                             " is not beyond the last unit id");
    }
  } else if (rc != MDB_NOTFOUND) {
    s = LmdbError(rc, "checking unit ids");
  }
  mdb_cursor_close(cursor);
  return s;
}

// True when no other process has the LMDB environment at `path` open: each one holds a shared lock
// on the first byte of lock.mdb while it has (LMDB's own protocol). An open-file-description query,
// so this process's own locks are neither seen nor dropped. False when it cannot tell.
bool NoOtherProcessUses(const std::string& path) {
  const std::string lock_file = (std::filesystem::path(path) / "lock.mdb").string();
  const int fd = ::open(lock_file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT;
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = 0;
  fl.l_len = 1;
  const bool alone = fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type == F_UNLCK;
  ::close(fd);
  return alone;
}

// Under write_map LMDB has just extended data.mdb to the map size, sparse: gives that room real
// blocks (Env::Reserve). When the disk cannot hold all of it, the map shrinks to what could be
// reserved (at least the pages in use) if no other process used the TM when it was opened
// (`alone`); writes then grow it, or fail with ResourceExhausted when the disk is full.
Status ReserveAtOpen(Env& e, uint64_t used_bytes, bool alone) {
  MDB_envinfo info;
  int rc = mdb_env_info(e.env, &info);
  if (rc != MDB_SUCCESS) return LmdbError(rc, "reading the map size");
  e.reserved = 0;
  MDB_stat est;
  rc = mdb_env_stat(e.env, &est);
  if (rc != MDB_SUCCESS) return LmdbError(rc, "reading the page size");
  // A new environment: LMDB wrote its two meta pages at open.
  const uint64_t used = std::max<uint64_t>(used_bytes, 2ull * est.ms_psize);
  StatusOr<uint64_t> got = e.Reserve(info.me_mapsize, used);
  if (!got.ok()) return got.status();
  if (*got < info.me_mapsize) {
    if (!alone) {
      return Status::ResourceExhausted("no space on disk to reserve room for writing in " +
                                       e.data_file + " (" + std::to_string(*got) + " of " +
                                       std::to_string(info.me_mapsize) + " bytes)");
    }
    rc = mdb_env_set_mapsize(e.env, *got);
    if (rc != MDB_SUCCESS) return LmdbError(rc, "shrinking the map to the room reserved");
  }
  return Status::OK();
}

// What ProbeDataFile learned about an existing data.mdb.
struct Probe {
  bool exists = false;
  uint64_t used_bytes = 0;  // (last page + 1) × page size of its last commit
  uint64_t file_bytes = 0;  // its apparent size
};

// Checks that an existing data.mdb is a dhakira TM (or an empty LMDB environment, which the real
// open makes one) while changing nothing: a read-only open without the lock file (MDB_RDONLY |
// MDB_NOLOCK), so a foreign file keeps its bytes, its mtime and its lock.mdb, and nothing is grown.
// The real open then sizes the map from what is used. Without the lock file this read is not
// protected from a writer in another process reusing pages; it reads a handful of pages of the last
// commit, and a writer reuses only pages freed two commits earlier.
Status ProbeDataFile(const std::string& path, const std::string& data_file, Probe* out) {
  struct stat st;
  if (::stat(data_file.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::OK();
    return Status::IOError(data_file + ": " + std::strerror(errno));
  }
  out->exists = true;
  out->file_bytes = static_cast<uint64_t>(st.st_size);
  if (!S_ISREG(st.st_mode))
    return Status::Corruption("not a dhakira TM: " + data_file + " is not a regular file");
  if (st.st_size == 0) {
    return Status::Corruption(
        "not a dhakira TM: " + data_file +
        " is empty (0 bytes; a TM's data file is never empty, so it was truncated or never "
        "written). "
        "Restore it from a backup, or remove data.mdb and lock.mdb to start a new, empty TM there");
  }
  Env probe;
  probe.read_only = true;
  int rc = mdb_env_create(&probe.env);
  if (rc != MDB_SUCCESS) {
    probe.env = nullptr;
    return LmdbError(rc, "creating an LMDB environment");
  }
  // LMDB raises a map smaller than the pages in use to their size.
  if ((rc = mdb_env_set_maxdbs(probe.env, kMaxDbs)) != MDB_SUCCESS ||
      (rc = mdb_env_set_mapsize(probe.env, kMiB)) != MDB_SUCCESS) {
    return LmdbError(rc, "configuring the LMDB environment");
  }
  rc = mdb_env_open(probe.env, path.c_str(), MDB_RDONLY | MDB_NOLOCK | MDB_NOTLS, 0644);
  if (rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH) {
    return Status::Corruption("not a dhakira TM: " + data_file +
                              " is not an LMDB file of this version (" + mdb_strerror(rc) + ")");
  }
  if (rc != MDB_SUCCESS) return LmdbError(rc, data_file);
  probe.opened = true;
  // LMDB trusts its meta page; a data file shorter than the pages it names would fault (SIGBUS) on
  // access, and a writable open would silently extend it.
  MDB_envinfo info;
  MDB_stat est;
  rc = mdb_env_info(probe.env, &info);
  if (rc == MDB_SUCCESS) rc = mdb_env_stat(probe.env, &est);
  if (rc != MDB_SUCCESS) return LmdbError(rc, "reading the header of " + data_file);
  out->used_bytes = (static_cast<uint64_t>(info.me_last_pgno) + 1) * est.ms_psize;
  if (out->file_bytes < out->used_bytes) {
    return Status::Corruption(data_file + " is truncated (" + std::to_string(out->file_bytes) +
                              " bytes, its header names " + std::to_string(out->used_bytes) + ")");
  }
  MDB_txn* txn = nullptr;
  rc = mdb_txn_begin(probe.env, nullptr, MDB_RDONLY, &txn);
  if (rc != MDB_SUCCESS) return LmdbError(rc, "reading " + data_file);
  MDB_dbi main_dbi;
  MDB_stat main_stat;
  rc = mdb_dbi_open(txn, nullptr, 0, &main_dbi);
  if (rc == MDB_SUCCESS) rc = mdb_stat(txn, main_dbi, &main_stat);
  Status s;
  if (rc != MDB_SUCCESS) {
    s = LmdbError(rc, "reading the main database");
  } else if (main_stat.ms_entries > 0) {
    s = CheckSchema(probe, txn);
  }
  mdb_txn_abort(txn);
  return s;
}

// Removes the files a failed open was creating (data.mdb, and lock.mdb when it was new too), so that
// a creation that failed half-way (a full disk) leaves no empty data.mdb, which is not a TM, behind.
// Declared before the Env in OpenImpl so that it runs after the environment is closed.
struct RemoveCreatedFiles {
  std::string data_file, lock_file;  // empty: keep
  ~RemoveCreatedFiles() {
    std::error_code ec;
    if (!data_file.empty()) std::filesystem::remove(data_file, ec);
    if (!lock_file.empty()) std::filesystem::remove(lock_file, ec);
  }
};

StatusOr<std::unique_ptr<LmdbStore>> OpenImpl(const std::string& path, const StoreOptions& options,
                                              const StoreInternalOptions& internal) {
  namespace fs = std::filesystem;
  DHAKIRA_RETURN_IF_ERROR(options.Validate());
  if (path.empty()) return Status::InvalidArgument("TM path is empty");

  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (fs::exists(status)) {
    if (!fs::is_directory(status)) {
      return Status::Corruption("not a dhakira TM: " + path +
                                " is a file; a TM is a directory holding data.mdb");
    }
  } else {
    if (options.read_only || !options.create_if_missing) {
      return Status::NotFound("no TM at " + path);
    }
    fs::create_directories(path, ec);
    if (ec) return Status::IOError("creating directory " + path + ": " + ec.message());
  }
  const std::string data_file = (fs::path(path) / "data.mdb").string();
  const bool has_data = fs::exists(data_file, ec);
  if (!has_data && (options.read_only || !options.create_if_missing)) {
    return Status::NotFound("no TM at " + path + " (no data.mdb)");
  }
  const uint64_t file_bytes = has_data ? fs::file_size(data_file, ec) : 0;
  // LMDB trusts its meta pages (page size, last page, roots) and faults on bad ones: check them first.
  if (file_bytes > 0) {
    StatusOr<store_internal::MetaSummary> meta = store_internal::ValidateMetaPages(data_file, file_bytes);
    if (!meta.ok()) return meta.status().WithContext("opening TM at " + path);
  }

  RemoveCreatedFiles created;
  auto e = std::make_shared<Env>();
  e->path = path;
  e->data_file = data_file;
  e->read_only = options.read_only;
  e->sync = options.sync;
  e->write_map = options.write_map && !options.read_only;
  {
    std::string key = fs::canonical(path, ec).string();
    if (ec) key = fs::absolute(path).lexically_normal().string();
    std::lock_guard<std::mutex> lock(g_open_mu);
    if (!OpenPaths().insert(key).second) {
      return Status::FailedPrecondition("the TM at " + path +
                                        " is already open in this process; share that Store");
    }
    e->registry_key = key;
  }
  // Nothing is written (lock.mdb included) before the data file passed this check.
  Probe probe;
  DHAKIRA_RETURN_IF_ERROR(
      ProbeDataFile(path, data_file, &probe).WithContext("opening TM at " + path));
  if (!probe.exists) {
    created.data_file = data_file;
    const std::string lock_file = (fs::path(path) / "lock.mdb").string();
    if (!fs::exists(lock_file, ec)) created.lock_file = lock_file;
  }

  int rc = mdb_env_create(&e->env);
  if (rc != MDB_SUCCESS) {
    e->env = nullptr;
    return LmdbError(rc, "creating an LMDB environment");
  }
  // The map follows the pages in use, not the file: under write_map LMDB extends (or cuts) the file
  // to the map size, so a map sized from the file doubled the file at every import. Twice the pages
  // in use leaves room to write without growing at once. The file is cut only when no other process
  // has the TM open (its write map may reach beyond our size).
  uint64_t map_size =
      RoundUpMiB(std::max<uint64_t>(options.initial_map_size, 2 * probe.used_bytes));
  // Asked before our own open: the query would see this process's LMDB lock as another's.
  const bool alone = NoOtherProcessUses(path);
  if (e->write_map && probe.file_bytes > map_size && !alone) {
    map_size = RoundUpMiB(probe.file_bytes);
  }
  if ((rc = mdb_env_set_maxdbs(e->env, kMaxDbs)) != MDB_SUCCESS ||
      (rc = mdb_env_set_maxreaders(e->env, options.max_readers + kExtraReaders)) != MDB_SUCCESS ||
      (rc = mdb_env_set_mapsize(e->env, map_size)) != MDB_SUCCESS) {
    return LmdbError(rc, "configuring the LMDB environment");
  }
  unsigned flags = MDB_NOTLS;
  if (options.read_only) flags |= MDB_RDONLY;
  if (!options.sync) flags |= MDB_NOSYNC;
  // A bulk writer touches pages all over the file. Kernel readahead on its page faults would read
  // (in the sparse file the write map extends: zero-fill) and map neighbouring pages it never uses;
  // turning it off (madvise MADV_RANDOM) measured 6% less CPU and 20% less RSS for a 1M-pair import
  // (docs/storage.md).
  if (options.write_map && !options.read_only) flags |= MDB_WRITEMAP | MDB_NORDAHEAD;
  rc = mdb_env_open(e->env, path.c_str(), flags, 0644);
  if (rc != MDB_SUCCESS) {
    Status s = LmdbError(rc, "data.mdb");
    if (rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH) {
      s = Status::Corruption("not a dhakira TM: data.mdb is not an LMDB file of this version (" +
                             std::string(mdb_strerror(rc)) + ")");
    }
    return s.WithContext("opening TM at " + path);
  }
  e->opened = true;
  if (e->write_map)
    DHAKIRA_RETURN_IF_ERROR(
        ReserveAtOpen(*e, probe.used_bytes, alone).WithContext("opening TM at " + path));

  const std::string what = "opening TM at " + path;
  MDB_txn* txn = nullptr;
  rc = mdb_txn_begin(e->env, nullptr, options.read_only ? MDB_RDONLY : 0, &txn);
  if (rc != MDB_SUCCESS) return LmdbError(rc, what);
  Status s;
  {
    // Is our meta database there? Look in the main (unnamed) database first so we can tell "fresh"
    // from "someone else's LMDB environment".
    MDB_dbi main_dbi;
    rc = mdb_dbi_open(txn, nullptr, 0, &main_dbi);
    MDB_stat main_stat;
    if (rc == MDB_SUCCESS) rc = mdb_stat(txn, main_dbi, &main_stat);
    if (rc != MDB_SUCCESS) {
      s = LmdbError(rc, "reading the main database");
    } else if (main_stat.ms_entries == 0) {
      if (options.read_only) {
        s = Status::Corruption("not a dhakira TM: an empty LMDB environment");
      } else {
        s = CreateSchema(*e, txn);
      }
    } else {
      s = CheckSchema(*e, txn);
    }
  }
  HookOpenContext hctx{e->env, txn, options.read_only, e->units};
  for (size_t i = 0; s.ok() && i < internal.hooks.size(); ++i) s = internal.hooks[i]->Open(hctx);
  if (!s.ok()) {
    mdb_txn_abort(txn);
    return s.WithContext(what);
  }
  rc = mdb_txn_commit(txn);  // also for a read transaction: keeps the opened handles
  if (rc != MDB_SUCCESS) return LmdbError(rc, what + ": committing");

  created = RemoveCreatedFiles();  // a TM now: keep it
  return std::unique_ptr<LmdbStore>(
      new StoreImpl(std::move(e), internal.hooks, options.prepare_threads));
}

}  // namespace

LmdbStore::~LmdbStore() = default;

StatusOr<std::unique_ptr<LmdbStore>> LmdbStore::Open(const std::string& path,
                                                     const StoreOptions& options,
                                                     const StoreInternalOptions& internal) {
  return OpenImpl(path, options, internal);
}

StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path, const StoreOptions& options) {
  // The fuzzy-match index (engine/src/index) lives in the same environment and is written in the
  // same transactions as the units, so every TM opened through the public API keeps it.
  StoreInternalOptions internal;
  internal.hooks.push_back(index::NewFuzzyIndexHook());
  StatusOr<std::unique_ptr<LmdbStore>> s = OpenImpl(path, options, internal);
  if (!s.ok()) return s.status();
  return std::unique_ptr<Store>(std::move(*s));
}

LmdbStore* AsLmdbStore(Store* store) { return dynamic_cast<LmdbStore*>(store); }

Status ReadSnapshot(const Snapshot& snapshot, const std::function<Status(MDB_txn* txn)>& fn) {
  const auto* s = dynamic_cast<const LmdbSnapshot*>(&snapshot);
  if (s == nullptr) return Status::InvalidArgument("not a snapshot of an LMDB store");
  return s->Read(fn);
}

}  // namespace dhakira
