// FuzzyIndex: opening the index databases (and replacing an index of an older format), and the
// read methods. Writes: index_write.cc; mask features: mask_features.cc.
#include "index/fuzzy_index.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "index/index_format.h"

namespace dhakira::index {

Status FuzzyIndex::Open(MDB_txn* txn, bool read_only, bool* fresh) {
  if (fresh) *fresh = false;
  const unsigned create = read_only ? 0 : MDB_CREATE;
  int rc = mdb_dbi_open(txn, "index.meta", create, &meta_);
  if (rc == MDB_NOTFOUND && read_only) {
    present_ = false;
    return Status::OK();
  }
  if (rc != MDB_SUCCESS) return LmdbError(rc, "opening fuzzy index database index.meta");
  MDB_val k = Val(kFormatKey, sizeof kFormatKey - 1), v;
  rc = mdb_get(txn, meta_, &k, &v);
  if (rc == MDB_NOTFOUND) {
    if (read_only) {
      present_ = false;
      return Status::OK();
    }
    const uint32_t version = kIndexFormatVersion;
    MDB_val nv = Val(&version, sizeof version);
    rc = mdb_put(txn, meta_, &k, &nv, 0);
    if (rc != MDB_SUCCESS) return WriteError(rc, "writing fuzzy index format");
    if (fresh) *fresh = true;
  } else if (rc != MDB_SUCCESS) {
    return LmdbError(rc, "reading fuzzy index format");
  } else {
    uint32_t version = 0;
    if (v.mv_size != sizeof version) return Status::Corruption("fuzzy index format record is damaged");
    std::memcpy(&version, v.mv_data, sizeof version);
    if (version > kIndexFormatVersion) {
      return Status::FailedPrecondition("fuzzy index format " + std::to_string(version) +
                                        " is newer than the supported " + std::to_string(kIndexFormatVersion));
    }
    if (version < kIndexFormatVersion) {
      // An older index: read-only, the TM has no usable index; writable, it is emptied here and
      // rebuilt from the units by the caller (fresh), in this same transaction.
      if (read_only) {
        present_ = false;
        return Status::OK();
      }
      DHAKIRA_RETURN_IF_ERROR(DropOlderFormat(txn));
      if (fresh) *fresh = true;
    }
  }
  DHAKIRA_RETURN_IF_ERROR(OpenDatabases(txn, create));
  present_ = true;
  return Status::OK();
}

Status FuzzyIndex::DropOlderFormat(MDB_txn* txn) {
  constexpr unsigned kPostings = MDB_INTEGERKEY | MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP;
  const std::pair<const char*, unsigned> old_dbs[] = {
      {"index.vocab", 0u}, {"index.src", kPostings}, {"index.tgt", kPostings}, {"index.seg", unsigned{MDB_INTEGERKEY}}};
  for (const auto& [name, flags] : old_dbs) {
    MDB_dbi dbi;
    int rc = mdb_dbi_open(txn, name, flags, &dbi);
    if (rc == MDB_NOTFOUND) continue;
    if (rc == MDB_SUCCESS) rc = mdb_drop(txn, dbi, 1);
    if (rc != MDB_SUCCESS) {
      return WriteError(rc, std::string("dropping the old fuzzy index database ") + name);
    }
  }
  int rc = mdb_drop(txn, meta_, 0);
  const uint32_t current = kIndexFormatVersion;
  MDB_val format_key = Val(kFormatKey, sizeof kFormatKey - 1);
  MDB_val format_value = Val(&current, sizeof current);
  if (rc == MDB_SUCCESS) rc = mdb_put(txn, meta_, &format_key, &format_value, 0);
  if (rc != MDB_SUCCESS) return WriteError(rc, "rewriting the fuzzy index format");
  return Status::OK();
}

Status FuzzyIndex::OpenDatabases(MDB_txn* txn, unsigned create) {
  struct Db {
    const char* name;
    unsigned flags;
    MDB_dbi* dbi;
  } dbs[] = {
      {"index.vocab", 0, &vocab_},
      {"index.src", MDB_INTEGERKEY | MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP, &src_},
      {"index.tgt", MDB_INTEGERKEY | MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP, &tgt_},
      {"index.seg", MDB_INTEGERKEY, &seg_},
  };
  for (const Db& db : dbs) {
    const int rc = mdb_dbi_open(txn, db.name, db.flags | create, db.dbi);
    if (rc != MDB_SUCCESS) {
      return LmdbError(rc, std::string("opening fuzzy index database ") + db.name);
    }
  }
  return Status::OK();
}

StatusOr<uint32_t> FuzzyIndex::LookupToken(MDB_txn* txn, std::string_view lang, std::string_view key) const {
  const std::string vk = VocabKey(lang, key);
  MDB_val k = Val(vk), v;
  const int rc = mdb_get(txn, vocab_, &k, &v);
  if (rc == MDB_NOTFOUND) return kUnknownToken;
  if (rc != MDB_SUCCESS) return LmdbError(rc, "reading the fuzzy index vocabulary");
  if (v.mv_size != 4) return Status::Corruption("fuzzy index vocabulary entry is damaged");
  uint32_t id;
  std::memcpy(&id, v.mv_data, 4);
  return id;
}

Status FuzzyIndex::GetSeg(MDB_txn* txn, uint64_t id, SegRecord* out, bool source_only) const {
  MDB_val k = Val(&id, sizeof id), v;
  const int rc = mdb_get(txn, seg_, &k, &v);
  if (rc == MDB_NOTFOUND) {
    return Status::NotFound("unit " + std::to_string(id) + " is not in the fuzzy index");
  }
  if (rc != MDB_SUCCESS) return LmdbError(rc, "reading the fuzzy index record");
  return DecodeSegRecord(std::string_view(static_cast<const char*>(v.mv_data), v.mv_size), id, out, source_only);
}

Status FuzzyIndex::MaskFeatures(MDB_txn* txn, std::string_view lang, std::vector<uint64_t>* out) const {
  out->clear();
  const std::string key = MaskKey(lang);
  MDB_val k = Val(key), v;
  const int rc = mdb_get(txn, meta_, &k, &v);
  if (rc == MDB_NOTFOUND) return Status::OK();
  if (rc != MDB_SUCCESS) return LmdbError(rc, "reading the fuzzy index mask features");
  if (v.mv_size % sizeof(uint64_t) != 0 || v.mv_size / sizeof(uint64_t) > kMaskBits) {
    return Status::Corruption("fuzzy index mask features of language '" + std::string(lang) + "' are damaged (" +
                              std::to_string(v.mv_size) + " bytes)");
  }
  out->resize(v.mv_size / sizeof(uint64_t));
  std::memcpy(out->data(), v.mv_data, v.mv_size);
  return Status::OK();
}

}  // namespace dhakira::index
