// Env: opening-independent handling of the LMDB environment (read transactions, map growth and
// adoption, disk reservation under write_map). See lmdb_env.h for the concurrency design.
#include "store/lmdb_env.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace dhakira::store_internal {

std::mutex& OpenPathsMutex() {
  static std::mutex mu;
  return mu;
}
std::set<std::string>& OpenPaths() {
  static auto* paths = new std::set<std::string>();
  return *paths;
}

Env::~Env() {
  for (MDB_txn* t : pool) mdb_txn_abort(t);
  if (env != nullptr) {
    if (opened && !sync && !read_only) mdb_env_sync(env, 1);  // a clean close is durable even with sync=false
    mdb_env_close(env);
  }
  if (!registry_key.empty()) {
    std::lock_guard<std::mutex> lock(OpenPathsMutex());
    OpenPaths().erase(registry_key);
  }
}

int Env::BeginPooledRead(MDB_txn** txn) {
  {
    std::lock_guard<std::mutex> lock(pool_mu);
    if (!pool.empty()) {
      *txn = pool.back();
      pool.pop_back();
    } else {
      *txn = nullptr;
    }
  }
  if (*txn != nullptr) {
    const int rc = mdb_txn_renew(*txn);
    if (rc == MDB_SUCCESS) return rc;
    mdb_txn_abort(*txn);
    *txn = nullptr;
    return rc;
  }
  return mdb_txn_begin(env, nullptr, MDB_RDONLY, txn);
}

void Env::EndPooledRead(MDB_txn* txn) {
  mdb_txn_reset(txn);
  std::lock_guard<std::mutex> lock(pool_mu);
  if (pool.size() < kReadTxnPool) {
    pool.push_back(txn);
  } else {
    mdb_txn_abort(txn);
  }
}

void Env::DropMappedPages() const {
  mdb_filehandle_t fd;
  struct stat st;
  if (mdb_env_get_fd(env, &fd) != MDB_SUCCESS || fstat(fd, &st) != 0) return;
  std::FILE* maps = std::fopen("/proc/self/maps", "r");
  if (maps == nullptr) return;
  char line[4096];
  while (std::fgets(line, sizeof line, maps) != nullptr) {
    unsigned long long begin = 0, end = 0, offset = 0, inode = 0;
    unsigned dev_major = 0, dev_minor = 0;
    char perms[8] = {0};
    if (std::sscanf(line, "%llx-%llx %7s %llx %x:%x %llu", &begin, &end, perms, &offset, &dev_major, &dev_minor,
                    &inode) != 7) {
      continue;
    }
    if (inode != st.st_ino || dev_major != major(st.st_dev) || dev_minor != minor(st.st_dev) || perms[3] != 's') {
      continue;
    }
    madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
  }
  std::fclose(maps);
}

Status Env::AdoptMapSize() {
  std::unique_lock<std::shared_mutex> lock(map_mu);
  const int rc = mdb_env_set_mapsize(env, 0);
  if (rc != MDB_SUCCESS) return LmdbError(rc, "adopting the map size set by another process");
  return Status::OK();
}

StatusOr<uint64_t> Env::Reserve(uint64_t want, uint64_t at_least) {
  if (want <= reserved) return reserved;
  mdb_filehandle_t fd;
  int rc = mdb_env_get_fd(env, &fd);
  if (rc != MDB_SUCCESS) return LmdbError(rc, "reserving room in " + data_file);
  uint64_t target = want;
  for (;;) {
    // fallocate, not posix_fallocate: where the file system cannot allocate, glibc emulates it by
    // writing a zero byte into every block that reads as zero, which could overwrite a page
    // another process is writing through its map. There we reserve nothing (LMDB's behaviour: a
    // full disk may then still end in SIGBUS).
    rc = fallocate(fd, 0, static_cast<off_t>(reserved), static_cast<off_t>(target - reserved)) == 0 ? 0 : errno;
    if (rc == EINTR) continue;
    if (rc == 0 || rc == EOPNOTSUPP) {
      reserved = target;
      return target;
    }
    const uint64_t half = RoundUpMiB(reserved + (target - reserved) / 2);
    if ((rc != ENOSPC && rc != EFBIG) || half >= target || half < at_least) {
      return LmdbError(rc, "reserving " + std::to_string(target - reserved) + " bytes of disk in " + data_file +
                               " (it holds " + std::to_string(reserved) + ")");
    }
    target = half;
  }
}

Status Env::EnsureReserved() {
  if (!write_map) return Status::OK();
  MDB_envinfo info;
  {
    std::shared_lock<std::shared_mutex> lock(map_mu);
    const int rc = mdb_env_info(env, &info);
    if (rc != MDB_SUCCESS) return LmdbError(rc, "reading the map size");
  }
  if (info.me_mapsize <= reserved) return Status::OK();
  return Reserve(info.me_mapsize, info.me_mapsize).status();
}

Status Env::Grow() {
  {
    // mdb_env_set_mapsize munmaps the old map, which takes time in proportion to the pages this
    // process has mapped (a 1M-pair import: 2.5, 6.4, 9.2, 17.7 and 35.8 ms at its five growths),
    // and every reader waits for it on map_mu. Dropping those page-table entries first, with the
    // lock only shared, moves that cost out of the exclusive section: readers go on meanwhile (a
    // page they touch is mapped again from the page cache) and the munmap below finds the map
    // nearly empty.
    std::shared_lock<std::shared_mutex> lock(map_mu);
    DropMappedPages();
  }
  MDB_envinfo info;
  int rc;
  {
    std::shared_lock<std::shared_mutex> lock(map_mu);
    rc = mdb_env_info(env, &info);
  }
  if (rc != MDB_SUCCESS) return LmdbError(rc, "growing the map: reading its size");
  const uint64_t current = info.me_mapsize;
  if (current >= kMaxMapSize) {
    return Status::ResourceExhausted("growing the map: already " + std::to_string(current) +
                                     " bytes, the most dhakira maps");
  }
  uint64_t next = current < kGiB ? current * 2 : current + current / 2;
  next = std::min(RoundUpMiB(next), kMaxMapSize);
  if (write_map) {
    // Before the map covers the new pages (LMDB then ftruncates the file to the map size), and
    // outside the exclusive section: it does not touch the map, and may take milliseconds.
    StatusOr<uint64_t> got = Reserve(next, current + kMiB);
    if (!got.ok()) {
      return got.status().WithContext("growing the TM beyond " + std::to_string(current) + " bytes");
    }
    next = *got;
  }
  std::unique_lock<std::shared_mutex> lock(map_mu);
  rc = mdb_env_set_mapsize(env, next);
  if (rc != MDB_SUCCESS) {
    return LmdbError(rc, "growing the map from " + std::to_string(current) + " to " + std::to_string(next) + " bytes");
  }
  return Status::OK();
}

Status Env::Read(std::string_view what, const std::function<Status(MDB_txn*)>& fn) {
  for (int attempt = 0;; ++attempt) {
    std::shared_lock<std::shared_mutex> lock(map_mu);
    MDB_txn* txn = nullptr;
    const int rc = BeginPooledRead(&txn);
    if (rc == MDB_MAP_RESIZED && attempt < 8) {
      lock.unlock();
      DHAKIRA_RETURN_IF_ERROR(AdoptMapSize().WithContext(what));
      continue;
    }
    if (rc != MDB_SUCCESS) return LmdbError(rc, std::string(what) + ": starting a read transaction");
    Status s = fn(txn);
    EndPooledRead(txn);
    return s;
  }
}

StatusOr<MDB_txn*> Env::BeginLongRead(std::string_view what) {
  for (int attempt = 0;; ++attempt) {
    std::shared_lock<std::shared_mutex> lock(map_mu);
    MDB_txn* txn = nullptr;
    const int rc = mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn);
    if (rc == MDB_MAP_RESIZED && attempt < 8) {
      lock.unlock();
      DHAKIRA_RETURN_IF_ERROR(AdoptMapSize().WithContext(what));
      continue;
    }
    if (rc != MDB_SUCCESS) return LmdbError(rc, std::string(what) + ": starting a read transaction");
    return txn;
  }
}

void Env::EndLongRead(MDB_txn* txn) {
  std::shared_lock<std::shared_mutex> lock(map_mu);
  mdb_txn_abort(txn);
}

void Env::FileFigures(uint64_t* file_bytes, uint64_t* allocated_bytes) const {
  struct stat st;
  if (::stat(data_file.c_str(), &st) != 0) return;
  *file_bytes = static_cast<uint64_t>(st.st_size);
  *allocated_bytes = static_cast<uint64_t>(st.st_blocks) * 512;  // st_blocks counts 512-byte units
}

}  // namespace dhakira::store_internal
