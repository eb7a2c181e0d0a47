#include "index/index_hook.h"

#include <map>
#include <mutex>

#include "store/encoding.h"

namespace dhakira::index {
namespace {

std::mutex& RegistryMutex() {
  static std::mutex mu;
  return mu;
}
std::map<MDB_env*, std::weak_ptr<FuzzyIndexHook>>& Registry() {
  static auto* registry = new std::map<MDB_env*, std::weak_ptr<FuzzyIndexHook>>();
  return *registry;
}

void RegisterFuzzyIndex(MDB_env* env, const std::weak_ptr<FuzzyIndexHook>& hook) {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  Registry()[env] = hook;
}

}  // namespace

FuzzyIndexHook::~FuzzyIndexHook() {
  if (env_ == nullptr) return;
  std::lock_guard<std::mutex> lock(RegistryMutex());
  auto it = Registry().find(env_);
  if (it != Registry().end() && it->second.expired()) Registry().erase(it);
}

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
  if (fresh && !ctx.read_only) {
    // Backfill units written before this TM had an index.
    MDB_cursor* cur = nullptr;
    int rc = mdb_cursor_open(ctx.txn, ctx.units_dbi, &cur);
    if (rc != MDB_SUCCESS) return LmdbError(rc, "building the fuzzy index: opening units");
    MDB_val k, v;
    SegmentPair unit;
    Status s;
    rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
    while (rc == MDB_SUCCESS && s.ok()) {
      if (k.mv_size != 8) {
        s = Status::Corruption("building the fuzzy index: a unit key is not 8 bytes");
        break;
      }
      const uint64_t id = store_internal::DecodeIdKey(static_cast<const char*>(k.mv_data));
      // Copy the value: Put writes to the same transaction, which may move pages.
      const std::string value(static_cast<const char*>(v.mv_data), v.mv_size);
      s = store_internal::DecodeUnit(value, id, &unit);
      if (s.ok()) s = index_.Put(ctx.txn, nullptr, unit);
      if (s.ok()) {
        // Reposition: writes in the same transaction may invalidate the cursor's page.
        char key[8];
        store_internal::EncodeIdKey(id, key);
        MDB_val kk{8, key};
        rc = mdb_cursor_get(cur, &kk, &v, MDB_SET);
        if (rc == MDB_SUCCESS) rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
      }
    }
    mdb_cursor_close(cur);
    if (s.ok()) s = index_.Flush(ctx.txn);
    if (!s.ok()) {
      index_.Abort();
      return s.WithContext("building the fuzzy index");
    }
    if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) {
      index_.Abort();
      return LmdbError(rc, "building the fuzzy index: reading units");
    }
    index_.Commit();  // the store commits the open transaction next (or fails the open)
  }
  env_ = ctx.env;
  RegisterFuzzyIndex(env_, weak_from_this());
  return Status::OK();
}

Status FuzzyIndexHook::OnPut(WriteContext& ctx, const SegmentPair* old_unit,
                             const SegmentPair& new_unit) {
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

Status FuzzyIndexHook::OnPutPrepared(WriteContext& ctx, const SegmentPair* old_unit,
                                     const SegmentPair& new_unit, const HookPrepared* prepared) {
  const auto* p = dynamic_cast<const PreparedForIndex*>(prepared);
  return Forward(ctx, index_.Put(ctx.txn(), old_unit, new_unit, p ? &p->unit : nullptr));
}

Status FuzzyIndexHook::OnDelete(WriteContext& ctx, const SegmentPair& old_unit) {
  return Forward(ctx, index_.Delete(ctx.txn(), old_unit.id));
}

std::shared_ptr<StoreHook> NewFuzzyIndexHook() {
  return std::make_shared<FuzzyIndexHook>();  // registers itself in Open
}

std::shared_ptr<const FuzzyIndexHook> FindFuzzyIndex(MDB_env* env) {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  auto it = Registry().find(env);
  if (it == Registry().end()) return nullptr;
  return it->second.lock();
}

}  // namespace dhakira::index
