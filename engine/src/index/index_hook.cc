#include "index/index_hook.h"

namespace dhakira::index {

Status FuzzyIndexHook::Forward(WriteContext& ctx, Status s) {
  if (!s.ok() && index_.last_write_rc() != MDB_SUCCESS) {
    // Let the store see the LMDB code (MDB_MAP_FULL makes it grow the map and rerun the transaction).
    const int rc = index_.last_write_rc();
    index_.clear_last_write_rc();
    return ctx.Check(rc, s.message());
  }
  return s;
}

Status FuzzyIndexHook::Open(const HookOpenContext& ctx) {
  bool fresh = false;
  DHAKIRA_RETURN_IF_ERROR(index_.Open(ctx.txn, ctx.read_only, &fresh));
  if (!fresh || ctx.read_only) return Status::OK();
  // Backfill units written before this TM had an index (or one of this format).
  Status s = ctx.ForEachStoredUnit([&](const SegmentPair& unit) { return index_.Put(ctx.txn, nullptr, unit); });
  if (s.ok()) s = index_.Flush(ctx.txn);
  if (!s.ok()) {
    index_.Abort();
    return s.WithContext("building the fuzzy index");
  }
  index_.Commit();  // the store commits the open transaction next (or fails the open)
  return Status::OK();
}

Status FuzzyIndexHook::OnPut(WriteContext& ctx, const SegmentPair* old_unit, const SegmentPair& new_unit) {
  return Forward(ctx, index_.Put(ctx.txn(), old_unit, new_unit));
}

namespace {
struct PreparedForIndex : HookPrepared {
  FuzzyIndex::PreparedUnit unit;
};
}  // namespace

StatusOr<std::unique_ptr<HookPrepared>> FuzzyIndexHook::PrepareUnit(const SegmentPair& unit) {
  auto out = std::make_unique<PreparedForIndex>();
  DHAKIRA_ASSIGN_OR_RETURN(out->unit, index_.Prepare(unit));
  return std::unique_ptr<HookPrepared>(std::move(out));
}

Status FuzzyIndexHook::OnPutPrepared(WriteContext& ctx, const SegmentPair* old_unit, const SegmentPair& new_unit,
                                     const HookPrepared* prepared) {
  const auto* p = dynamic_cast<const PreparedForIndex*>(prepared);
  return Forward(ctx, index_.Put(ctx.txn(), old_unit, new_unit, p ? &p->unit : nullptr));
}

Status FuzzyIndexHook::OnDelete(WriteContext& ctx, const SegmentPair& old_unit) {
  return Forward(ctx, index_.Delete(ctx.txn(), old_unit.id));
}

}  // namespace dhakira::index
