// The LMDB store's implementation of LmdbStore: the write path (prepare on several threads, then one
// write transaction with duplicate detection, the stats counters and the hooks; growth of the map
// and rerun on MDB_MAP_FULL), and the reads, which go through reads.h. Schema and on-disk layout:
// docs/storage.md; opening: open.cc; the environment and its concurrency design: lmdb_env.h.
// Extension point: store_internal.h.
#include "dhakira/store.h"

#include <lmdb.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <utility>

#include "store/encoding.h"
#include "store/lmdb_env.h"
#include "store/reads.h"
#include "store/store_internal.h"
#include "store/unit_prep.h"

namespace dhakira {
namespace store_internal {
namespace {

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
}  // namespace store_internal

struct PreparedBatch::Rep {
  // serial_ of the StoreImpl that prepared it (not its address: that may be reused).
  uint64_t owner = 0;
  DuplicatePolicy policy = DuplicatePolicy::kSkip;
  std::vector<store_internal::PreparedOp> ops;
};

PreparedBatch::PreparedBatch() = default;
PreparedBatch::~PreparedBatch() = default;
PreparedBatch::PreparedBatch(PreparedBatch&&) noexcept = default;
PreparedBatch& PreparedBatch::operator=(PreparedBatch&&) noexcept = default;
PreparedBatch::PreparedBatch(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
size_t PreparedBatch::size() const { return rep_ ? rep_->ops.size() : 0; }

namespace store_internal {
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
  StoreImpl(std::shared_ptr<Env> env, std::vector<std::shared_ptr<StoreHook>> hooks, uint32_t prepare_threads)
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
    DHAKIRA_RETURN_IF_ERROR(PrepareOps(&ops, DuplicatePolicy::kKeepBoth, &bad_index).WithContext(what));
    return Apply(ops, DuplicatePolicy::kKeepBoth, what).status();
  }

  Status Delete(uint64_t id) override {
    const std::string what = UnitWhat("deleting", id);
    std::vector<PreparedOp> ops(1);
    ops[0].op = WriteBatch::Op::kDelete;
    ops[0].pair.id = id;
    return Apply(ops, DuplicatePolicy::kKeepBoth, what).status();
  }

  StatusOr<std::vector<WriteResult>> Write(const WriteBatch& batch, DuplicatePolicy on_duplicate) override {
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
      rep->ops.push_back(PreparedOp{e.op, e.op == WriteBatch::Op::kDelete ? SegmentPair() : e.pair});
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
    DHAKIRA_RETURN_IF_ERROR(
        env_->Read(UnitWhat("reading", id), [&](MDB_txn* txn) { return GetUnitIn(*env_, txn, id, &out); }));
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

  Status Read(const std::function<Status(MDB_txn*)>& fn) const override { return env_->Read("reading", fn); }

  Status GetUnit(MDB_txn* txn, uint64_t id, SegmentPair* out) const override { return GetUnitIn(*env_, txn, id, out); }

  Status ForEachUnit(MDB_txn* txn, uint64_t from_id, const std::function<bool(const SegmentPair&)>& fn) const override {
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
  Status PrepareAll(std::vector<PreparedOp>* ops, PreparePhase phase, size_t* bad_index, size_t spare_threads) {
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

  Status Prepare(PreparedOp* op, PreparePhase phase, const std::vector<std::shared_ptr<StoreHook>>& hooks) {
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
  Status CallOnPut(WriteContext& ctx, const PreparedOp& op, const SegmentPair* old, const SegmentPair& unit) {
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
  Status PrepareOps(std::vector<PreparedOp>* ops, DuplicatePolicy policy, size_t* bad_index, size_t spare_threads = 0) {
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

  Status ApplyOne(WriteContext& ctx, TxnState* st, PreparedOp* op, DuplicatePolicy policy, WriteResult* r) {
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
        DHAKIRA_RETURN_IF_ERROR(
            ctx.Check(mdb_put(ctx.txn(), env_->stats, &sk, &nv, 0), "writing a statistics counter"));
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
        s = Status::Corruption("a dedup entry names unit " + std::to_string(id) + ", which is absent");
        break;
      }
      if (urc != MDB_SUCCESS) {
        s = LmdbError(urc, UnitWhat("reading", id));
        break;
      }
      UnitIdentity ident;
      s = DecodeUnitIdentity(View(uv), id, &ident);
      if (!s.ok()) break;
      if (ident.src_lang == p.src_lang && ident.tgt_lang == p.tgt_lang && ident.source == p.source &&
          ident.target == p.target) {
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
      return Status::Corruption("unit id " + std::to_string(u.id) + " is already taken (meta 'next_id' out of step)");
    }
    return ctx.Check(rc, UnitWhat("writing", u.id));
  }

  Status DoAdd(WriteContext& ctx, TxnState* st, PreparedOp* op, DuplicatePolicy policy, WriteResult* r) {
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
    const bool same_identity = old.src_lang == p->src_lang && old.tgt_lang == p->tgt_lang && old.source == p->source &&
                               old.target == p->target;
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
    DHAKIRA_RETURN_IF_ERROR(ctx.Check(mdb_del(ctx.txn(), env_->units, &k, nullptr), UnitWhat("deleting", id)));
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
  std::mutex write_mu_;                            // serializes writers, hook registration and the retry loop
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

}  // namespace

std::unique_ptr<LmdbStore> NewStoreImpl(std::shared_ptr<Env> env, std::vector<std::shared_ptr<StoreHook>> hooks,
                                        uint32_t prepare_threads) {
  return std::make_unique<StoreImpl>(std::move(env), std::move(hooks), prepare_threads);
}

}  // namespace store_internal
}  // namespace dhakira
