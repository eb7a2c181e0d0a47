// HookOpenContext::ForEachStoredUnit: the units a hook backfills from, decoded by the store so that
// no hook needs to know how units are encoded (store/encoding.h stays private to the store).
#include <lmdb.h>

#include <string>

#include "store/encoding.h"
#include "store/store_internal.h"

namespace dhakira {

Status HookOpenContext::ForEachStoredUnit(const std::function<Status(const SegmentPair& unit)>& fn) const {
  MDB_cursor* cursor = nullptr;
  int rc = mdb_cursor_open(txn, units_dbi, &cursor);
  if (rc != MDB_SUCCESS) return LmdbError(rc, "reading units: opening a cursor");
  MDB_val key_val, value_val;
  SegmentPair unit;
  Status s;
  rc = mdb_cursor_get(cursor, &key_val, &value_val, MDB_FIRST);
  while (rc == MDB_SUCCESS && s.ok()) {
    if (key_val.mv_size != 8) {
      s = Status::Corruption("reading units: a unit key is not 8 bytes");
      break;
    }
    const uint64_t id = store_internal::DecodeIdKey(static_cast<const char*>(key_val.mv_data));
    // Copy the value: fn may write to the same transaction, which may move pages.
    const std::string value(static_cast<const char*>(value_val.mv_data), value_val.mv_size);
    s = store_internal::DecodeUnit(value, id, &unit);
    if (s.ok()) s = fn(unit);
    if (s.ok()) {
      // Position again: writes in the same transaction may invalidate the cursor's page.
      char key[8];
      store_internal::EncodeIdKey(id, key);
      MDB_val at{8, key};
      rc = mdb_cursor_get(cursor, &at, &value_val, MDB_SET);
      if (rc == MDB_SUCCESS) rc = mdb_cursor_get(cursor, &key_val, &value_val, MDB_NEXT);
    }
  }
  mdb_cursor_close(cursor);
  DHAKIRA_RETURN_IF_ERROR(s);
  if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) return LmdbError(rc, "reading units");
  return Status::OK();
}

}  // namespace dhakira
