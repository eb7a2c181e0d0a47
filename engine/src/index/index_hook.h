// The fuzzy index as a StoreHook: the store opens it with every TM (Store::Open) and calls it inside each
// write transaction, so the index commits or rolls back together with the units.
//
// Matchers find the index of an open store through a process-wide registry keyed by the LMDB environment
// (the hook registers itself in Open and unregisters when destroyed).
#ifndef DHAKIRA_INDEX_INDEX_HOOK_H_
#define DHAKIRA_INDEX_INDEX_HOOK_H_

#include <memory>

#include "index/fuzzy_index.h"
#include "store/store_internal.h"

namespace dhakira::index {

class FuzzyIndexHook : public StoreHook, public std::enable_shared_from_this<FuzzyIndexHook> {
 public:
  FuzzyIndexHook() = default;
  ~FuzzyIndexHook() override;

  // Opens (creates) the index databases. When they were just created in a TM that already holds units
  // (written before the index existed), indexes all of them in the same transaction (a one-time backfill).
  Status Open(const HookOpenContext& ctx) override;
  Status OnPut(WriteContext& ctx, const SegmentPair* old_unit, const SegmentPair& new_unit) override;
  // The target's tokens, on the store's preparing threads.
  StatusOr<std::unique_ptr<HookPrepared>> PrepareUnit(const SegmentPair& unit) override;
  Status OnPutPrepared(WriteContext& ctx, const SegmentPair* old_unit, const SegmentPair& new_unit,
                       const HookPrepared* prepared) override;
  Status OnDelete(WriteContext& ctx, const SegmentPair& old_unit) override;
  Status BeforeCommit(WriteContext& ctx) override { return Forward(ctx, index_.Flush(ctx.txn())); }
  void OnCommit() override { index_.Commit(); }
  void OnAbort() override { index_.Abort(); }

  // Read-only use by matchers (read methods of FuzzyIndex are safe with their own transaction).
  const FuzzyIndex& index() const { return index_; }

 private:
  Status Forward(WriteContext& ctx, Status s);

  FuzzyIndex index_;
  MDB_env* env_ = nullptr;
};

std::shared_ptr<StoreHook> NewFuzzyIndexHook();

// The fuzzy index hook opened for `env`, or nullptr when none is open.
std::shared_ptr<const FuzzyIndexHook> FindFuzzyIndex(MDB_env* env);

}  // namespace dhakira::index

#endif  // DHAKIRA_INDEX_INDEX_HOOK_H_
