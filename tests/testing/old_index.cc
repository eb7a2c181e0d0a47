#include "testing/old_index.h"

#include <lmdb.h>

#include <cstdint>

namespace dhakira::test_support {

std::string DowngradeFuzzyIndex(const std::string& path) {
  MDB_env* env = nullptr;
  int rc = mdb_env_create(&env);
  if (rc != MDB_SUCCESS) return std::string("mdb_env_create: ") + mdb_strerror(rc);
  std::string failed;
  auto check = [&](int code, const char* what) {
    if (code != MDB_SUCCESS && failed.empty()) failed = std::string(what) + ": " + mdb_strerror(code);
    return failed.empty();
  };
  MDB_txn* txn = nullptr;
  MDB_dbi meta = 0, seg = 0;
  uint32_t old_format = 1;
  MDB_val k{6, const_cast<char*>("format")}, v{sizeof old_format, &old_format};
  if (check(mdb_env_set_maxdbs(env, 32), "mdb_env_set_maxdbs") &&
      check(mdb_env_open(env, path.c_str(), 0, 0644), "mdb_env_open") &&
      check(mdb_txn_begin(env, nullptr, 0, &txn), "mdb_txn_begin")) {
    if (check(mdb_dbi_open(txn, "index.meta", 0, &meta), "opening index.meta") &&
        check(mdb_dbi_open(txn, "index.seg", MDB_INTEGERKEY, &seg), "opening index.seg") &&
        check(mdb_put(txn, meta, &k, &v, 0), "writing the format") &&
        check(mdb_drop(txn, seg, 0), "emptying index.seg")) {
      check(mdb_txn_commit(txn), "mdb_txn_commit");
    } else {
      mdb_txn_abort(txn);
    }
  }
  mdb_env_close(env);
  return failed;
}

}  // namespace dhakira::test_support
