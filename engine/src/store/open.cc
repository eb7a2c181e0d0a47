// Opening a TM: the checks before LMDB touches the file (meta pages, a foreign file left as it
// was), the environment's configuration and map size, the schema (created or checked), and the
// hooks opened in the same transaction. docs/storage.md "Opening".
#include <lmdb.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "store/encoding.h"
#include "store/lmdb_env.h"
#include "store/store_internal.h"
#include "store/verify.h"

namespace dhakira {
namespace store_internal {
namespace {

Status OpenDbi(MDB_txn* txn, const char* name, unsigned flags, MDB_dbi* dbi) {
  const int rc = mdb_dbi_open(txn, name, flags, dbi);
  if (rc == MDB_NOTFOUND) {
    return Status::Corruption(std::string("not a complete dhakira TM: database '") + name + "' is missing");
  }
  if (rc == MDB_INCOMPATIBLE) {
    return Status::Corruption(std::string("not a dhakira TM: '") + name + "' exists but is not a database of ours (" +
                              mdb_strerror(rc) + ")");
  }
  if (rc != MDB_SUCCESS) return LmdbError(rc, std::string("opening database '") + name + "'");
  return Status::OK();
}

// Creates the schema in a fresh environment.
Status CreateSchema(Env& e, MDB_txn* txn) {
  DHAKIRA_RETURN_IF_ERROR(OpenDbi(txn, kMetaDb, MDB_CREATE, &e.meta));
  DHAKIRA_RETURN_IF_ERROR(OpenDbi(txn, kUnitsDb, MDB_CREATE, &e.units));
  DHAKIRA_RETURN_IF_ERROR(OpenDbi(txn, kDedupDb, MDB_CREATE | MDB_DUPSORT | MDB_DUPFIXED, &e.dedup));
  DHAKIRA_RETURN_IF_ERROR(OpenDbi(txn, kStatsDb, MDB_CREATE, &e.stats));
  const std::string format = store_internal::EncodeFormatRecord(kFormatVersion);
  std::string next_id, created;
  EncodeCounter(1, &next_id);
  EncodeCounter(static_cast<uint64_t>(NowSeconds()), &created);
  const std::pair<std::string_view, std::string_view> records[] = {
      {kMetaFormat, format}, {kMetaNextId, next_id}, {kMetaCreatedAt, created}};
  for (const auto& [key, value] : records) {
    MDB_val k = Val(key), v = Val(value);
    const int rc = mdb_put(txn, e.meta, &k, &v, 0);
    if (rc != MDB_SUCCESS) return LmdbError(rc, "writing the format record");
  }
  return Status::OK();
}

// Checks an existing environment is a dhakira TM of our version and opens its databases.
Status CheckSchema(Env& e, MDB_txn* txn) {
  int rc = mdb_dbi_open(txn, kMetaDb, 0, &e.meta);
  if (rc == MDB_NOTFOUND) {
    return Status::Corruption("not a dhakira TM: an LMDB environment without our 'meta' database (another program's?)");
  }
  DHAKIRA_RETURN_IF_ERROR(OpenDbi(txn, kMetaDb, 0, &e.meta));
  MDB_val k = Val(kMetaFormat), v;
  rc = mdb_get(txn, e.meta, &k, &v);
  if (rc == MDB_NOTFOUND) return Status::Corruption("not a dhakira TM: no format record in 'meta'");
  if (rc != MDB_SUCCESS) return LmdbError(rc, "reading the format record");
  uint32_t version = 0;
  DHAKIRA_RETURN_IF_ERROR(store_internal::DecodeFormatRecord(View(v), &version));
  if (version != kFormatVersion) {
    return Status::FailedPrecondition("the TM has format version " + std::to_string(version) +
                                      "; this dhakira reads version " + std::to_string(kFormatVersion));
  }
  DHAKIRA_RETURN_IF_ERROR(OpenDbi(txn, kUnitsDb, 0, &e.units));
  DHAKIRA_RETURN_IF_ERROR(OpenDbi(txn, kDedupDb, MDB_DUPSORT | MDB_DUPFIXED, &e.dedup));
  DHAKIRA_RETURN_IF_ERROR(OpenDbi(txn, kStatsDb, 0, &e.stats));

  // next_id must lie beyond every stored id (ids are never reused; MDB_APPEND relies on it).
  k = Val(kMetaNextId);
  rc = mdb_get(txn, e.meta, &k, &v);
  if (rc == MDB_NOTFOUND) return Status::Corruption("meta record 'next_id' is missing");
  if (rc != MDB_SUCCESS) return LmdbError(rc, "reading meta 'next_id'");
  uint64_t next_id = 0;
  DHAKIRA_RETURN_IF_ERROR(DecodeCounter(View(v), "next_id", &next_id));
  MDB_cursor* cursor = nullptr;
  rc = mdb_cursor_open(txn, e.units, &cursor);
  if (rc != MDB_SUCCESS) return LmdbError(rc, "checking unit ids");
  MDB_val lk, lv;
  rc = mdb_cursor_get(cursor, &lk, &lv, MDB_LAST);
  Status s;
  if (rc == MDB_SUCCESS) {
    if (lk.mv_size != 8) {
      s = Status::Corruption("a unit key of " + std::to_string(lk.mv_size) + " bytes");
    } else if (DecodeIdKey(static_cast<const char*>(lk.mv_data)) >= next_id) {
      s = Status::Corruption("meta 'next_id' " + std::to_string(next_id) + " is not beyond the last unit id");
    }
  } else if (rc != MDB_NOTFOUND) {
    s = LmdbError(rc, "checking unit ids");
  }
  mdb_cursor_close(cursor);
  return s;
}

// True when no other process has the LMDB environment at `path` open: each one holds a shared lock
// on the first byte of lock.mdb while it has (LMDB's own protocol). An open-file-description query,
// so this process's own locks are neither seen nor dropped. False when it cannot tell.
bool NoOtherProcessUses(const std::string& path) {
  const std::string lock_file = (std::filesystem::path(path) / "lock.mdb").string();
  const int fd = ::open(lock_file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT;
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = 0;
  fl.l_len = 1;
  const bool alone = fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type == F_UNLCK;
  ::close(fd);
  return alone;
}

// Under write_map LMDB has just extended data.mdb to the map size, sparse: gives that room real
// blocks (Env::Reserve). When the disk cannot hold all of it, the map shrinks to what could be
// reserved (at least the pages in use) if no other process used the TM when it was opened
// (`alone`); writes then grow it, or fail with ResourceExhausted when the disk is full.
Status ReserveAtOpen(Env& e, uint64_t used_bytes, bool alone) {
  MDB_envinfo info;
  int rc = mdb_env_info(e.env, &info);
  if (rc != MDB_SUCCESS) return LmdbError(rc, "reading the map size");
  e.reserved = 0;
  MDB_stat est;
  rc = mdb_env_stat(e.env, &est);
  if (rc != MDB_SUCCESS) return LmdbError(rc, "reading the page size");
  // A new environment: LMDB wrote its two meta pages at open.
  const uint64_t used = std::max<uint64_t>(used_bytes, 2ull * est.ms_psize);
  StatusOr<uint64_t> got = e.Reserve(info.me_mapsize, used);
  if (!got.ok()) return got.status();
  if (*got < info.me_mapsize) {
    if (!alone) {
      return Status::ResourceExhausted("no space on disk to reserve room for writing in " + e.data_file + " (" +
                                       std::to_string(*got) + " of " + std::to_string(info.me_mapsize) + " bytes)");
    }
    rc = mdb_env_set_mapsize(e.env, *got);
    if (rc != MDB_SUCCESS) return LmdbError(rc, "shrinking the map to the room reserved");
  }
  return Status::OK();
}

// What ProbeDataFile learned about an existing data.mdb.
struct Probe {
  bool exists = false;
  uint64_t used_bytes = 0;  // (last page + 1) × page size of its last commit
  uint64_t file_bytes = 0;  // its apparent size
};

// Checks that an existing data.mdb is a dhakira TM (or an empty LMDB environment, which the real
// open makes one) while changing nothing: a read-only open without the lock file (MDB_RDONLY |
// MDB_NOLOCK), so a foreign file keeps its bytes, its mtime and its lock.mdb, and nothing is grown.
// The real open then sizes the map from what is used. Without the lock file this read is not
// protected from a writer in another process reusing pages; it reads a handful of pages of the last
// commit, and a writer reuses only pages freed two commits earlier.
Status ProbeDataFile(const std::string& path, const std::string& data_file, Probe* out) {
  struct stat st;
  if (::stat(data_file.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::OK();
    return Status::IOError(data_file + ": " + std::strerror(errno));
  }
  out->exists = true;
  out->file_bytes = static_cast<uint64_t>(st.st_size);
  if (!S_ISREG(st.st_mode)) return Status::Corruption("not a dhakira TM: " + data_file + " is not a regular file");
  if (st.st_size == 0) {
    return Status::Corruption(
        "not a dhakira TM: " + data_file +
        " is empty (0 bytes; a TM's data file is never empty, so it was truncated or never "
        "written). "
        "Restore it from a backup, or remove data.mdb and lock.mdb to start a new, empty TM there");
  }
  Env probe;
  probe.read_only = true;
  int rc = mdb_env_create(&probe.env);
  if (rc != MDB_SUCCESS) {
    probe.env = nullptr;
    return LmdbError(rc, "creating an LMDB environment");
  }
  // LMDB raises a map smaller than the pages in use to their size.
  if ((rc = mdb_env_set_maxdbs(probe.env, kMaxDbs)) != MDB_SUCCESS ||
      (rc = mdb_env_set_mapsize(probe.env, kMiB)) != MDB_SUCCESS) {
    return LmdbError(rc, "configuring the LMDB environment");
  }
  rc = mdb_env_open(probe.env, path.c_str(), MDB_RDONLY | MDB_NOLOCK | MDB_NOTLS, 0644);
  if (rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH) {
    return Status::Corruption("not a dhakira TM: " + data_file + " is not an LMDB file of this version (" +
                              mdb_strerror(rc) + ")");
  }
  if (rc != MDB_SUCCESS) return LmdbError(rc, data_file);
  probe.opened = true;
  // LMDB trusts its meta page; a data file shorter than the pages it names would fault (SIGBUS) on
  // access, and a writable open would silently extend it.
  MDB_envinfo info;
  MDB_stat est;
  rc = mdb_env_info(probe.env, &info);
  if (rc == MDB_SUCCESS) rc = mdb_env_stat(probe.env, &est);
  if (rc != MDB_SUCCESS) return LmdbError(rc, "reading the header of " + data_file);
  out->used_bytes = (static_cast<uint64_t>(info.me_last_pgno) + 1) * est.ms_psize;
  if (out->file_bytes < out->used_bytes) {
    return Status::Corruption(data_file + " is truncated (" + std::to_string(out->file_bytes) +
                              " bytes, its header names " + std::to_string(out->used_bytes) + ")");
  }
  MDB_txn* txn = nullptr;
  rc = mdb_txn_begin(probe.env, nullptr, MDB_RDONLY, &txn);
  if (rc != MDB_SUCCESS) return LmdbError(rc, "reading " + data_file);
  MDB_dbi main_dbi;
  MDB_stat main_stat;
  rc = mdb_dbi_open(txn, nullptr, 0, &main_dbi);
  if (rc == MDB_SUCCESS) rc = mdb_stat(txn, main_dbi, &main_stat);
  Status s;
  if (rc != MDB_SUCCESS) {
    s = LmdbError(rc, "reading the main database");
  } else if (main_stat.ms_entries > 0) {
    s = CheckSchema(probe, txn);
  }
  mdb_txn_abort(txn);
  return s;
}

// Removes the files a failed open was creating (data.mdb, and lock.mdb when it was new too), so that
// a creation that failed half-way (a full disk) leaves no empty data.mdb, which is not a TM, behind.
// Declared before the Env in OpenImpl so that it runs after the environment is closed.
struct RemoveCreatedFiles {
  std::string data_file, lock_file;  // empty: keep
  ~RemoveCreatedFiles() {
    std::error_code ec;
    if (!data_file.empty()) std::filesystem::remove(data_file, ec);
    if (!lock_file.empty()) std::filesystem::remove(lock_file, ec);
  }
};

// Step 1 of OpenImpl: the path is a directory (created when missing and allowed) and its data.mdb,
// when there is one, has sound meta pages (LMDB trusts them and faults on bad ones). Sets
// *data_file.
Status CheckPathBeforeOpen(const std::string& path, const StoreOptions& options, std::string* data_file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (fs::exists(status)) {
    if (!fs::is_directory(status)) {
      return Status::Corruption("not a dhakira TM: " + path + " is a file; a TM is a directory holding data.mdb");
    }
  } else {
    if (options.read_only || !options.create_if_missing) {
      return Status::NotFound("no TM at " + path);
    }
    fs::create_directories(path, ec);
    if (ec) return Status::IOError("creating directory " + path + ": " + ec.message());
  }
  *data_file = (fs::path(path) / "data.mdb").string();
  const bool has_data = fs::exists(*data_file, ec);
  if (!has_data && (options.read_only || !options.create_if_missing)) {
    return Status::NotFound("no TM at " + path + " (no data.mdb)");
  }
  const uint64_t file_bytes = has_data ? fs::file_size(*data_file, ec) : 0;
  if (file_bytes > 0) {
    StatusOr<MetaSummary> meta = ValidateMetaPages(*data_file, file_bytes);
    if (!meta.ok()) return meta.status().WithContext("opening TM at " + path);
  }
  return Status::OK();
}

// Step 2: records the path as open in this process (Env's destructor removes it); FailedPrecondition
// when it already is.
Status ClaimPath(const std::string& path, Env* e) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::string key = fs::canonical(path, ec).string();
  if (ec) key = fs::absolute(path).lexically_normal().string();
  std::lock_guard<std::mutex> lock(OpenPathsMutex());
  if (!OpenPaths().insert(key).second) {
    return Status::FailedPrecondition("the TM at " + path + " is already open in this process; share that Store");
  }
  e->registry_key = key;
  return Status::OK();
}

// Step 3: creates, configures and opens the LMDB environment of a data file `probe` accepted.
Status OpenEnvironment(const std::string& path, const StoreOptions& options, const Probe& probe, Env* e) {
  int rc = mdb_env_create(&e->env);
  if (rc != MDB_SUCCESS) {
    e->env = nullptr;
    return LmdbError(rc, "creating an LMDB environment");
  }
  // The map follows the pages in use, not the file: under write_map LMDB extends (or cuts) the file
  // to the map size, so a map sized from the file doubled the file at every import. Twice the pages
  // in use leaves room to write without growing at once. The file is cut only when no other process
  // has the TM open (its write map may reach beyond our size).
  uint64_t map_size = RoundUpMiB(std::max<uint64_t>(options.initial_map_size, 2 * probe.used_bytes));
  // Asked before our own open: the query would see this process's LMDB lock as another's.
  const bool alone = NoOtherProcessUses(path);
  if (e->write_map && probe.file_bytes > map_size && !alone) {
    map_size = RoundUpMiB(probe.file_bytes);
  }
  if ((rc = mdb_env_set_maxdbs(e->env, kMaxDbs)) != MDB_SUCCESS ||
      (rc = mdb_env_set_maxreaders(e->env, options.max_readers + kExtraReaders)) != MDB_SUCCESS ||
      (rc = mdb_env_set_mapsize(e->env, map_size)) != MDB_SUCCESS) {
    return LmdbError(rc, "configuring the LMDB environment");
  }
  unsigned flags = MDB_NOTLS;
  if (options.read_only) flags |= MDB_RDONLY;
  if (!options.sync) flags |= MDB_NOSYNC;
  // A bulk writer touches pages all over the file. Kernel readahead on its page faults would read
  // (in the sparse file the write map extends: zero-fill) and map neighbouring pages it never uses;
  // turning it off (madvise MADV_RANDOM) measured 6% less CPU and 20% less RSS for a 1M-pair import
  // (docs/storage.md).
  if (options.write_map && !options.read_only) flags |= MDB_WRITEMAP | MDB_NORDAHEAD;
  rc = mdb_env_open(e->env, path.c_str(), flags, 0644);
  if (rc != MDB_SUCCESS) {
    Status s = LmdbError(rc, "data.mdb");
    if (rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH) {
      s = Status::Corruption("not a dhakira TM: data.mdb is not an LMDB file of this version (" +
                             std::string(mdb_strerror(rc)) + ")");
    }
    return s.WithContext("opening TM at " + path);
  }
  e->opened = true;
  if (e->write_map) {
    DHAKIRA_RETURN_IF_ERROR(ReserveAtOpen(*e, probe.used_bytes, alone).WithContext("opening TM at " + path));
  }
  return Status::OK();
}

// Step 4: in one transaction, creates the schema of a fresh environment (or checks an existing
// one's) and opens the hooks, then commits.
Status OpenSchemaAndHooks(const StoreOptions& options, const StoreInternalOptions& internal, const std::string& what,
                          Env* e) {
  MDB_txn* txn = nullptr;
  int rc = mdb_txn_begin(e->env, nullptr, options.read_only ? MDB_RDONLY : 0, &txn);
  if (rc != MDB_SUCCESS) return LmdbError(rc, what);
  Status s;
  {
    // Is our meta database there? Look in the main (unnamed) database first so we can tell "fresh"
    // from "someone else's LMDB environment".
    MDB_dbi main_dbi;
    rc = mdb_dbi_open(txn, nullptr, 0, &main_dbi);
    MDB_stat main_stat;
    if (rc == MDB_SUCCESS) rc = mdb_stat(txn, main_dbi, &main_stat);
    if (rc != MDB_SUCCESS) {
      s = LmdbError(rc, "reading the main database");
    } else if (main_stat.ms_entries == 0) {
      if (options.read_only) {
        s = Status::Corruption("not a dhakira TM: an empty LMDB environment");
      } else {
        s = CreateSchema(*e, txn);
      }
    } else {
      s = CheckSchema(*e, txn);
    }
  }
  HookOpenContext hctx{e->env, txn, options.read_only, e->units};
  for (size_t i = 0; s.ok() && i < internal.hooks.size(); ++i) s = internal.hooks[i]->Open(hctx);
  if (!s.ok()) {
    mdb_txn_abort(txn);
    return s.WithContext(what);
  }
  rc = mdb_txn_commit(txn);  // also for a read transaction: keeps the opened handles
  if (rc != MDB_SUCCESS) return LmdbError(rc, what + ": committing");
  return Status::OK();
}

StatusOr<std::unique_ptr<LmdbStore>> OpenImpl(const std::string& path, const StoreOptions& options,
                                              const StoreInternalOptions& internal) {
  DHAKIRA_RETURN_IF_ERROR(options.Validate());
  if (path.empty()) return Status::InvalidArgument("TM path is empty");
  std::string data_file;
  DHAKIRA_RETURN_IF_ERROR(CheckPathBeforeOpen(path, options, &data_file));

  RemoveCreatedFiles created;
  auto e = std::make_shared<Env>();
  e->path = path;
  e->data_file = data_file;
  e->read_only = options.read_only;
  e->sync = options.sync;
  e->write_map = options.write_map && !options.read_only;
  DHAKIRA_RETURN_IF_ERROR(ClaimPath(path, e.get()));
  // Nothing is written (lock.mdb included) before the data file passed this check.
  Probe probe;
  DHAKIRA_RETURN_IF_ERROR(ProbeDataFile(path, data_file, &probe).WithContext("opening TM at " + path));
  if (!probe.exists) {
    created.data_file = data_file;
    const std::string lock_file = (std::filesystem::path(path) / "lock.mdb").string();
    std::error_code ec;
    if (!std::filesystem::exists(lock_file, ec)) created.lock_file = lock_file;
  }
  DHAKIRA_RETURN_IF_ERROR(OpenEnvironment(path, options, probe, e.get()));
  DHAKIRA_RETURN_IF_ERROR(OpenSchemaAndHooks(options, internal, "opening TM at " + path, e.get()));

  created = RemoveCreatedFiles();  // a TM now: keep it
  return NewStoreImpl(std::move(e), internal.hooks, options.prepare_threads);
}

}  // namespace
}  // namespace store_internal

LmdbStore::~LmdbStore() = default;

StatusOr<std::unique_ptr<LmdbStore>> LmdbStore::Open(const std::string& path, const StoreOptions& options,
                                                     const StoreInternalOptions& internal) {
  return store_internal::OpenImpl(path, options, internal);
}

}  // namespace dhakira
