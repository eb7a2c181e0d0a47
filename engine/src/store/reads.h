// Reads of units and statistics inside a transaction of the store, and the store's Snapshot. Private
// to the store. Unless a function says otherwise, the caller holds Env::map_mu shared.
#ifndef DHAKIRA_STORE_READS_H_
#define DHAKIRA_STORE_READS_H_

#include <lmdb.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <utility>
#include <vector>

#include "dhakira/segment.h"
#include "dhakira/status.h"
#include "dhakira/store.h"
#include "store/lmdb_env.h"

namespace dhakira::store_internal {

// Decodes unit `id` into *out. NotFound when absent.
Status GetUnitIn(const Env& e, MDB_txn* txn, uint64_t id, SegmentPair* out);

// Decodes up to `max` units with id >= from into chunk[0..n). *done when the end was reached.
Status ReadChunk(const Env& e, MDB_txn* txn, uint64_t from, size_t max, std::vector<SegmentPair>* chunk, size_t* n,
                 bool* done);

// ForEach over a long-lived read transaction, taking map_mu itself for each chunk and never while
// fn runs (see lmdb_env.h): fn may call any Store method.
Status ChunkedForEach(Env& e, MDB_txn* txn, const std::function<bool(const SegmentPair&)>& fn);

// The counters of the stats database, checked against the number of units.
Status StatsIn(const Env& e, MDB_txn* txn, StoreStats* out);

// Sizes of the map and the data file (no transaction needed).
void FillEnvFigures(const Env& e, StoreStats* out);

// A Snapshot: one long-lived read transaction, ended when the snapshot is destroyed.
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

 private:
  std::shared_ptr<Env> env_;
  MDB_txn* txn_;
};

}  // namespace dhakira::store_internal

#endif  // DHAKIRA_STORE_READS_H_
