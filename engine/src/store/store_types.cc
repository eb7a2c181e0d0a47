// The small public types of store.h (policies, outcomes, options, write batches) and the LMDB error
// mapping of store_internal.h.
#include <lmdb.h>

#include <string>
#include <string_view>

#include "dhakira/store.h"
#include "store/store_internal.h"

namespace dhakira {

// Small public helpers of store.h.

const char* DuplicatePolicyName(DuplicatePolicy policy) {
  switch (policy) {
    case DuplicatePolicy::kSkip:
      return "skip";
    case DuplicatePolicy::kUpdate:
      return "update";
    case DuplicatePolicy::kKeepBoth:
      return "keep";
  }
  return "unknown";
}

StatusOr<DuplicatePolicy> ParseDuplicatePolicy(std::string_view name) {
  if (name == "skip") return DuplicatePolicy::kSkip;
  if (name == "update") return DuplicatePolicy::kUpdate;
  if (name == "keep" || name == "keep-both" || name == "keep_both") return DuplicatePolicy::kKeepBoth;
  std::string msg = "duplicate policy '";
  msg += name;
  msg += "': expected skip, update or keep";
  return Status::InvalidArgument(msg);
}

const char* WriteOutcomeName(WriteOutcome outcome) {
  switch (outcome) {
    case WriteOutcome::kAdded:
      return "added";
    case WriteOutcome::kUpdated:
      return "updated";
    case WriteOutcome::kSkippedDuplicate:
      return "skipped";
    case WriteOutcome::kDeleted:
      return "deleted";
  }
  return "unknown";
}

std::string LanguagePairKey(std::string_view src_lang, std::string_view tgt_lang) {
  std::string key(src_lang);
  key += '>';
  key += tgt_lang;
  return key;
}

Status StoreOptions::Validate() const {
  if (initial_map_size < (1ull << 20) || initial_map_size > (1ull << 40)) {
    return Status::InvalidArgument("StoreOptions.initial_map_size: " + std::to_string(initial_map_size) +
                                   " bytes is outside 1 MiB .. 1 TiB");
  }
  if (max_readers < 1 || max_readers > 4096) {
    return Status::InvalidArgument("StoreOptions.max_readers: " + std::to_string(max_readers) +
                                   " is outside 1 .. 4096");
  }
  if (prepare_threads > 256) {
    return Status::InvalidArgument("StoreOptions.prepare_threads: " + std::to_string(prepare_threads) +
                                   " is outside 0 .. 256");
  }
  // create_if_missing is ignored for a read-only open (its default is true): not an error.
  return Status::OK();
}

void WriteBatch::Add(SegmentPair pair) { ops_.push_back(Entry{Op::kAdd, std::move(pair)}); }
void WriteBatch::Update(SegmentPair pair) { ops_.push_back(Entry{Op::kUpdate, std::move(pair)}); }
void WriteBatch::Delete(uint64_t id) {
  Entry e{Op::kDelete, SegmentPair()};
  e.pair.id = id;
  ops_.push_back(std::move(e));
}

Status LmdbError(int rc, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += mdb_strerror(rc);
  switch (rc) {
    case MDB_NOTFOUND:
      return Status::NotFound(msg);
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH:
    case MDB_INCOMPATIBLE:
    case MDB_BAD_DBI:
      return Status::Corruption(msg);
    case MDB_MAP_FULL:
    case MDB_TXN_FULL:
    case MDB_READERS_FULL:
    case MDB_DBS_FULL:
    case MDB_CURSOR_FULL:
    case MDB_PAGE_FULL:
    case MDB_TLS_FULL:
    case ENOMEM:
    case ENOSPC:
      return Status::ResourceExhausted(msg);
    case MDB_BAD_VALSIZE:
    case EINVAL:
      return Status::InvalidArgument(msg);
    default:
      return Status::IOError(msg);
  }
}

Status WriteContext::Check(int rc, std::string_view what) {
  if (rc == MDB_SUCCESS) return Status::OK();
  if (rc == MDB_MAP_FULL) map_full_ = true;
  return LmdbError(rc, what);
}

}  // namespace dhakira
