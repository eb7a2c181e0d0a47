// Reads inside a transaction: one unit, a chunk of units, ForEach in chunks, the statistics.
#include "store/reads.h"

#include <string>

#include "store/encoding.h"

namespace dhakira::store_internal {

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
Status ReadChunk(const Env& e, MDB_txn* txn, uint64_t from, size_t max, std::vector<SegmentPair>* chunk, size_t* n,
                 bool* done) {
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
      s = Status::Corruption("iterating units: a key of " + std::to_string(k.mv_size) + " bytes, expected 8");
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

}  // namespace dhakira::store_internal
