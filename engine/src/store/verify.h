// Checks of an LMDB data file that do not go through LMDB, so that damage is reported instead of
// crashing the process: LMDB trusts its meta pages and follows page pointers without bounds checks.
//
// - ValidateMetaPages(): the two meta pages (two preads), run by the store before mdb_env_open.
// - CheckDataFile(): the full structural walk behind CheckTm() (dhakira/store.h) and `dhakira
// check`.
//
// Both read the file with pread into buffers and check every offset before using it; nothing here
// can fault on a damaged or truncated file. The layouts are LMDB 0.9's (the page header, MDB_meta,
// MDB_db, MDB_node of mdb.c, 64-bit build); docs/storage.md "Damage detection" says what is
// checked.
//
// Thread safety: free functions without shared state.
#ifndef DHAKIRA_STORE_VERIFY_H_
#define DHAKIRA_STORE_VERIFY_H_

#include <cstdint>
#include <string>

#include "dhakira/status.h"
#include "dhakira/store.h"

namespace dhakira::store_internal {

// One MDB_db record (a B-tree's root and counters) as stored in a meta page or the main database.
struct DbRecord {
  uint32_t pad = 0;  // page size in the free DB of a meta page; key size of a DUPFIXED sub-DB
  uint16_t flags = 0;
  uint16_t depth = 0;
  uint64_t branch_pages = 0;
  uint64_t leaf_pages = 0;
  uint64_t overflow_pages = 0;
  uint64_t entries = 0;
  uint64_t root = 0;  // kNoPage when the tree is empty
};

inline constexpr uint64_t kNoPage = ~uint64_t{0};  // LMDB's P_INVALID

// What the meta page LMDB would choose (the one with the larger txnid) says.
struct MetaSummary {
  int page = 0;            // 0 or 1: which meta page is current
  uint32_t page_size = 0;  // bytes
  uint64_t last_page = 0;  // the last page number in use
  uint64_t txnid = 0;
  uint64_t map_size = 0;  // bytes, as recorded by the last writer
  DbRecord free_db;       // LMDB's free-page list
  DbRecord main_db;       // the main database: one record per named database
};

// Reads and checks both meta pages of `data_file` (a file of `file_size` bytes; not empty): the
// page header, magic 0xBEEFC0DE, data version 1, page size (a power of two, 512 .. 32768, the same
// in both), last page within the file, map size, txnids (meta page k holds an even/odd txnid, and
// the two are consecutive), and each tree root within [2, last page] with a depth of at most 32.
// Corruption names the file, the meta page and the field; "not a dhakira TM" when page 0 is not an
// LMDB meta page at all. IOError when the file cannot be read.
StatusOr<MetaSummary> ValidateMetaPages(const std::string& data_file, uint64_t file_size);

// The structural walk and, with options.decode_units, the store-level checks (see CheckTm in
// dhakira/store.h). Damage goes into the report; a non-OK status only when the file cannot be read
// at all (missing, I/O error) or it keeps changing under the walk.
StatusOr<CheckReport> CheckDataFile(const std::string& data_file, const CheckOptions& options);

}  // namespace dhakira::store_internal

#endif  // DHAKIRA_STORE_VERIFY_H_
