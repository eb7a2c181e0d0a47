// The fuzzy index as a StoreHook: the composition root (tm/translation_memory.cc) opens the store with
// it, so the store calls it inside each write transaction and the index commits or rolls back together
// with the units. The composition root also hands it to every Matcher it makes.
#ifndef DHAKIRA_INDEX_INDEX_HOOK_H_
#define DHAKIRA_INDEX_INDEX_HOOK_H_

#include <memory>

#include "index/fuzzy_index.h"
#include "store/store_internal.h"

namespace dhakira::index {

class FuzzyIndexHook : public StoreHook {
 public:
  FuzzyIndexHook() = default;

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
};

}  // namespace dhakira::index

#endif  // DHAKIRA_INDEX_INDEX_HOOK_H_
