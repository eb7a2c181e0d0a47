// The LMDB environment of one TM and what may outlive the Store object (snapshots share it): the
// map lock, the pool of read transactions, map sizing and growth, and the disk reservation under
// write_map. Private to the store (engine/src/store).
//
// Concurrency design (the reasons behind store.h's thread-safety contract):
// - LMDB gives MVCC: one writer and any number of readers run in parallel; a read transaction sees
//   the state as of its start. Writers are serialized by the store's `write_mu_` (store.cc; LMDB
//   would serialize them too, but we also guard our hooks and the retry loop with it).
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
#ifndef DHAKIRA_STORE_LMDB_ENV_H_
#define DHAKIRA_STORE_LMDB_ENV_H_

#include <lmdb.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "dhakira/status.h"
#include "store/store_internal.h"

namespace dhakira::store_internal {

inline constexpr unsigned kMaxDbs = 32;
inline constexpr uint64_t kMiB = 1ull << 20;
inline constexpr uint64_t kGiB = 1ull << 30;
// Far beyond any TM; only stops a runaway growth loop. mmap fails long before on most machines.
inline constexpr uint64_t kMaxMapSize = 1ull << 46;
// Read transactions kept for reuse (mdb_txn_reset/renew saves the reader-table lock).
inline constexpr size_t kReadTxnPool = 4;
// Reader slots beyond StoreOptions::max_readers for the pool and transient reads.
inline constexpr unsigned kExtraReaders = kReadTxnPool + 4;
// Units decoded per map-lock hold in ForEach.
inline constexpr size_t kForEachChunk = 128;

inline constexpr char kMetaDb[] = "meta";
inline constexpr char kUnitsDb[] = "units";
inline constexpr char kDedupDb[] = "dedup";
inline constexpr char kStatsDb[] = "stats";
inline constexpr std::string_view kMetaFormat = "format";
inline constexpr std::string_view kMetaNextId = "next_id";
inline constexpr std::string_view kMetaCreatedAt = "created_at";
inline constexpr char kStatLanguagePair = 'L';
inline constexpr char kStatOrigin = 'O';

inline MDB_val Val(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }
inline std::string_view View(const MDB_val& v) {
  return std::string_view(static_cast<const char*>(v.mv_data), v.mv_size);
}

inline int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

inline uint64_t RoundUpMiB(uint64_t v) { return (v + kMiB - 1) / kMiB * kMiB; }

inline std::string UnitWhat(std::string_view verb, uint64_t id) {
  std::string s(verb);
  s += " unit ";
  s += std::to_string(id);
  return s;
}

// Paths of the environments open in this process, guarded by OpenPathsMutex(). LMDB forbids
// opening one environment twice in a process (closing either would drop the other's POSIX locks).
std::mutex& OpenPathsMutex();
std::set<std::string>& OpenPaths();

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

  // Shared: any use of the map (see the comment at the top of this file). Exclusive: mdb_env_set_mapsize.
  mutable std::shared_mutex map_mu;
  std::mutex pool_mu;
  std::vector<MDB_txn*> pool;  // reset read transactions

  Env() = default;
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  ~Env();

  // Both with map_mu held shared.
  int BeginPooledRead(MDB_txn** txn);
  void EndPooledRead(MDB_txn* txn);

  // Unmaps the pages of the data file's map from this process's page tables (MADV_DONTNEED),
  // keeping the map itself: on a shared file mapping this discards no data, and the next access
  // maps the page again from the page cache. LMDB does not tell where its map is, so it is found in
  // /proc/self/maps by the data file's device and inode. Advice only: when anything fails, nothing
  // was changed.
  void DropMappedPages() const;

  // Another process grew the map beyond ours (MDB_MAP_RESIZED): adopt its size.
  Status AdoptMapSize();

  // Under write_map, gives data.mdb real blocks up to `want` bytes (from `reserved` on): a store
  // through the write map into a hole of the file makes the kernel allocate a block at the page
  // fault, and on a full file system that is a SIGBUS, not an error. When the disk cannot hold all
  // of it, asks for less (halving the step, not below `at_least`). Returns the size reserved;
  // ResourceExhausted naming the file when not even `at_least` fits. Does not touch the map.
  StatusOr<uint64_t> Reserve(uint64_t want, uint64_t at_least);

  // A write transaction may touch any page of the map; under write_map each must have a block on
  // disk (see Reserve). The map can outgrow the reservation when another process grew it and we
  // adopted its size, or when reserving failed earlier: reserve now, or refuse to write.
  Status EnsureReserved();

  // Our write hit MDB_MAP_FULL: double the map (+50% beyond 1 GiB; less when the disk is short and
  // write_map needs the room reserved). Waits for in-flight calls, not for idle snapshots.
  Status Grow();

  // Runs fn in a pooled read transaction with map_mu held shared.
  Status Read(std::string_view what, const std::function<Status(MDB_txn*)>& fn);

  // Begins a read transaction for a long-lived reader (snapshot, ForEach). Not pooled.
  StatusOr<MDB_txn*> BeginLongRead(std::string_view what);
  void EndLongRead(MDB_txn* txn);

  // Apparent size and bytes allocated on disk of data.mdb; 0 when it cannot be read.
  void FileFigures(uint64_t* file_bytes, uint64_t* allocated_bytes) const;
};

// The LmdbStore over an opened environment (store.cc); `hooks` are already open in it.
std::unique_ptr<LmdbStore> NewStoreImpl(std::shared_ptr<Env> env, std::vector<std::shared_ptr<StoreHook>> hooks,
                                        uint32_t prepare_threads);

}  // namespace dhakira::store_internal

#endif  // DHAKIRA_STORE_LMDB_ENV_H_
