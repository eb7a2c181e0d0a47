// Private extension point of the LMDB store, for engine code that keeps its own databases in the
// TM's LMDB environment (the fuzzy index) and must stay transactionally consistent with the units.
//
// What it gives:
// - StoreHook: a component that opens its named databases when the store opens (or when attached
//   later) and is called inside the store's write transaction for every unit added, changed or
//   deleted, so that its databases commit or roll back together with the units.
// - LmdbStore::Read(): runs a function inside one LMDB read transaction, so a lookup reads its
//   index and the units from the same MVCC snapshot; GetUnit()/ForEachUnit() decode units in it.
// - LmdbError(): LMDB return code -> Status with mdb_strerror text and what we were doing.
//
// Database names: the store owns "meta", "units", "dedup" and "stats". Names starting with "index."
// are reserved for extensions (e.g. "index.tokens"); the store never creates such a database. The
// environment is opened with room for 32 named databases. See docs/storage.md.
//
// Rules for hook and Read() callbacks (they run while the store holds its map lock shared and, for
// writes, its writer mutex):
// - Never call back into the Store (no Add/Get/...); use only the MDB_txn given.
// - Never keep an MDB_val, cursor or pointer into the map after returning: the map may be remapped
//   (grown) between calls. Copy what you need.
// - In write callbacks, pass every LMDB return code through WriteContext::Check(); it records
//   MDB_MAP_FULL so the store can grow the map and rerun the whole transaction. Callbacks may thus
//   run more than once for one logical write: keep side effects inside the transaction, or undo
//   them in OnAbort().
#ifndef DHAKIRA_STORE_STORE_INTERNAL_H_
#define DHAKIRA_STORE_STORE_INTERNAL_H_

#include <lmdb.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dhakira/segment.h"
#include "dhakira/status.h"
#include "dhakira/store.h"

namespace dhakira {

// "<what>: <mdb_strerror(rc)>" with a code chosen from rc: NotFound (MDB_NOTFOUND), Corruption
// (MDB_CORRUPTED, MDB_PAGE_NOTFOUND, MDB_INVALID, MDB_VERSION_MISMATCH, MDB_INCOMPATIBLE),
// ResourceExhausted (MDB_MAP_FULL, MDB_TXN_FULL, MDB_READERS_FULL, MDB_DBS_FULL, ...),
// InvalidArgument (MDB_BAD_VALSIZE), IOError otherwise. rc must not be MDB_SUCCESS.
Status LmdbError(int rc, std::string_view what);

// The write transaction a hook runs in.
class WriteContext {
 public:
  explicit WriteContext(MDB_txn* txn) : txn_(txn) {}
  MDB_txn* txn() const { return txn_; }
  // OK for MDB_SUCCESS; otherwise LmdbError(rc, what), remembering MDB_MAP_FULL / MDB_MAP_RESIZED
  // so the store grows (or adopts) the map and reruns the transaction instead of failing.
  Status Check(int rc, std::string_view what);
  bool map_full() const { return map_full_; }

 private:
  MDB_txn* txn_;
  bool map_full_ = false;
};

// Given to StoreHook::Open.
struct HookOpenContext {
  MDB_env* env = nullptr;
  // A write transaction, or a read transaction when the store is read-only (then open without
  // MDB_CREATE, and treat a missing database as "index absent").
  MDB_txn* txn = nullptr;
  bool read_only = false;
  MDB_dbi units_dbi = 0;

  // Calls fn with every unit stored (as `txn` sees it), decoded, in id order, until fn fails; for a
  // hook that backfills its databases from the units written before it existed. fn may write to
  // `txn`: the store positions its cursor again after each call. Corruption for a damaged unit.
  Status ForEachStoredUnit(const std::function<Status(const SegmentPair& unit)>& fn) const;
};

// What a hook computed for one unit before the write transaction (see StoreHook::PrepareUnit).
class HookPrepared {
 public:
  virtual ~HookPrepared() = default;
};

// A component whose databases live in the TM's environment. Implementations are called with the
// store's writer mutex held (never concurrently with each other for one store).
class StoreHook {
 public:
  virtual ~StoreHook() = default;
  // Opens (creating unless read-only) the hook's named databases and keeps their MDB_dbi handles.
  // Called once, inside the transaction that opens the store (or attaches the hook). An error fails
  // the open.
  virtual Status Open(const HookOpenContext& ctx) = 0;
  // A unit was added (old_unit == nullptr) or replaced (old_unit is the stored one; ids are equal).
  // Both carry source_tokens.
  virtual Status OnPut(WriteContext& ctx, const SegmentPair* old_unit, const SegmentPair& new_unit) = 0;
  // Work for a unit about to be added or updated that needs no transaction (e.g. normalizing its target),
  // done before the write transaction on the store's preparing threads, so that the serial part of a
  // large batch stays short. Called concurrently from several threads, also while the write transaction
  // of an earlier batch runs this hook's OnPut*/BeforeCommit: must be thread-safe against both. The result
  // goes to OnPutPrepared for the same unit (the store may also skip this and pass nullptr).
  virtual StatusOr<std::unique_ptr<HookPrepared>> PrepareUnit(const SegmentPair& unit) {
    return std::unique_ptr<HookPrepared>();
  }
  // OnPut with what PrepareUnit returned for this unit (nullptr when it was not called). The store calls
  // this one; the default forwards to OnPut.
  virtual Status OnPutPrepared(WriteContext& ctx, const SegmentPair* old_unit, const SegmentPair& new_unit,
                               const HookPrepared* prepared) {
    return OnPut(ctx, old_unit, new_unit);
  }
  // A unit was deleted.
  virtual Status OnDelete(WriteContext& ctx, const SegmentPair& old_unit) = 0;
  // Called once after the last OnPut/OnDelete of a write transaction, just before it commits (still inside
  // it): for hooks that buffer their writes (the fuzzy index sorts its postings). An error aborts the write.
  virtual Status BeforeCommit(WriteContext& ctx) { return Status::OK(); }
  // The transaction in which OnPut/OnDelete were called committed / was aborted (an error, or a
  // rerun after map growth). For hooks that keep in-memory state; default: nothing.
  virtual void OnCommit() {}
  virtual void OnAbort() {}
};

struct StoreInternalOptions {
  // Hooks opened with the store, in order, and called in this order on every write.
  std::vector<std::shared_ptr<StoreHook>> hooks;
};

// The LMDB implementation of Store. All public Store methods are documented in dhakira/store.h.
class LmdbStore : public Store {
 public:
  static StatusOr<std::unique_ptr<LmdbStore>> Open(const std::string& path, const StoreOptions& options,
                                                   const StoreInternalOptions& internal);
  ~LmdbStore() override;

  // Attaches a hook to an open store: runs hook->Open in a write transaction (read transaction when
  // read-only), then calls it on every later write. Thread-safe (waits for the writer).
  virtual Status AttachHook(std::shared_ptr<StoreHook> hook) = 0;

  // Runs fn in one LMDB read transaction (the current state of the TM), holding the map lock shared
  // for the duration: keep fn short (a lookup), never call Store methods from it.
  virtual Status Read(const std::function<Status(MDB_txn* txn)>& fn) const = 0;

  virtual MDB_env* env() const = 0;
  virtual MDB_dbi units_dbi() const = 0;
  virtual bool read_only() const = 0;

  // Decodes unit `id` as seen by `txn` (a read or write transaction of this store) into *out,
  // reusing its buffers. NotFound when absent; Corruption when the stored value is damaged.
  virtual Status GetUnit(MDB_txn* txn, uint64_t id, SegmentPair* out) const = 0;
  // Calls fn for each unit with from_id <= id, in id order, until fn returns false. `unit` is
  // reused between calls. The same callback rules apply (no Store calls; don't keep pointers).
  virtual Status ForEachUnit(MDB_txn* txn, uint64_t from_id,
                             const std::function<bool(const SegmentPair& unit)>& fn) const = 0;

 protected:
  LmdbStore() = default;
};

}  // namespace dhakira

#endif  // DHAKIRA_STORE_STORE_INTERNAL_H_
