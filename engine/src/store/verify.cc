#include "store/verify.h"

#include <fcntl.h>
#include <lmdb.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "store/encoding.h"

namespace dhakira {

Status CheckOptions::Validate() const {
  if (max_problems < 1 || max_problems > 1000000) {
    return Status::InvalidArgument("CheckOptions.max_problems must be 1 .. 1000000, not " +
                                   std::to_string(max_problems));
  }
  return Status::OK();
}

namespace store_internal {
namespace {

// How a check names a file that is no damaged TM but not a TM at all (Store::Open says the same).
constexpr char kNotOurs[] = "not a dhakira TM";

// ---- LMDB 0.9 on-disk layout (mdb.c, 64-bit: pgno_t and txnid_t are 8 bytes) ----
constexpr size_t kPageHeader = 16;  // PAGEHDRSZ: pgno u64, pad u16, flags u16, lower u16, upper u16
constexpr size_t kNodeHeader = 8;   // NODESIZE: lo u16, hi u16, flags u16, ksize u16
constexpr size_t kDbRecordSize = 48;
constexpr size_t kMetaBytes = kPageHeader + 136;  // page header + MDB_meta
constexpr uint32_t kMagic = 0xBEEFC0DE;
constexpr uint32_t kDataVersion = 1;
constexpr uint32_t kMinPageSize = 512;
constexpr uint32_t kMaxPageSize = 0x8000;  // MAX_PAGESIZE without MDB_DEVEL
constexpr int kMaxDepth = 32;              // CURSOR_STACK: LMDB cannot descend deeper

constexpr uint16_t kPageBranch = 0x01, kPageLeaf = 0x02, kPageOverflow = 0x04, kPageMeta = 0x08, kPageDirty = 0x10,
                   kPageLeaf2 = 0x20, kPageSub = 0x40;
constexpr uint16_t kNodeBig = 0x01, kNodeSubDb = 0x02, kNodeDup = 0x04;

template <typename T>
T Load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

DbRecord ParseDbRecord(const char* p) {
  DbRecord r;
  r.pad = Load<uint32_t>(p);
  r.flags = Load<uint16_t>(p + 4);
  r.depth = Load<uint16_t>(p + 6);
  r.branch_pages = Load<uint64_t>(p + 8);
  r.leaf_pages = Load<uint64_t>(p + 16);
  r.overflow_pages = Load<uint64_t>(p + 24);
  r.entries = Load<uint64_t>(p + 32);
  r.root = Load<uint64_t>(p + 40);
  return r;
}

struct RawMeta {
  uint64_t pgno = 0;
  uint16_t flags = 0;
  uint32_t magic = 0;
  uint32_t version = 0;
  uint64_t map_size = 0;
  DbRecord dbs[2];  // [0] free list, [1] main
  uint64_t last_page = 0;
  uint64_t txnid = 0;
};

RawMeta ParseMeta(const char* p) {
  RawMeta m;
  m.pgno = Load<uint64_t>(p);
  m.flags = Load<uint16_t>(p + 10);
  const char* q = p + kPageHeader;
  m.magic = Load<uint32_t>(q);
  m.version = Load<uint32_t>(q + 4);
  m.map_size = Load<uint64_t>(q + 16);
  m.dbs[0] = ParseDbRecord(q + 24);
  m.dbs[1] = ParseDbRecord(q + 24 + kDbRecordSize);
  m.last_page = Load<uint64_t>(q + 120);
  m.txnid = Load<uint64_t>(q + 128);
  return m;
}

bool PowerOfTwo(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

// A read-only file descriptor, closed on scope exit.
class Fd {
 public:
  explicit Fd(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Reads exactly n bytes at offset; false on a short read (errno 0) or an error (errno set).
bool ReadAt(int fd, uint64_t offset, size_t n, char* out) {
  size_t done = 0;
  while (done < n) {
    const ssize_t r = ::pread(fd, out + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      if (r == 0) errno = 0;
      return false;
    }
    done += static_cast<size_t>(r);
  }
  return true;
}

Status ReadError(const std::string& file, std::string_view what) {
  if (errno == 0) return Status::Corruption(file + " is truncated: cannot read " + std::string(what));
  return Status::IOError("reading " + std::string(what) + " of " + file + ": " + std::strerror(errno));
}

// Checks one tree root of meta page `k`. `which` names the tree.
Status CheckMetaRoot(const std::string& where, const char* which, const DbRecord& db, uint64_t last_page) {
  if (db.root == kNoPage) {
    if (db.depth != 0 || db.entries != 0) {
      return Status::Corruption(where + ": the " + which + " database is empty but records depth " +
                                std::to_string(db.depth) + " and " + std::to_string(db.entries) + " entries");
    }
    return Status::OK();
  }
  if (db.root < 2 || db.root > last_page) {
    return Status::Corruption(where + ": root page " + std::to_string(db.root) + " of the " + which +
                              " database is outside pages 2.." + std::to_string(last_page));
  }
  if (db.depth < 1 || db.depth > kMaxDepth) {
    return Status::Corruption(where + ": the " + which + " database records depth " + std::to_string(db.depth) +
                              " (1..32)");
  }
  return Status::OK();
}

// The fields of meta page k that do not depend on the other meta page.
Status CheckOneMeta(const std::string& file, int k, const RawMeta& m, uint64_t file_size) {
  const std::string where = file + ": meta page " + std::to_string(k);
  const uint32_t psize = m.dbs[0].pad;
  if (m.pgno != static_cast<uint64_t>(k)) {
    return Status::Corruption(where + ": page number field is " + std::to_string(m.pgno));
  }
  if (!PowerOfTwo(psize) || psize < kMinPageSize || psize > kMaxPageSize) {
    return Status::Corruption(where + ": page size " + std::to_string(psize) + " is not a power of two in 512..32768");
  }
  if (m.last_page < 1 || m.last_page >= file_size / psize) {
    return Status::Corruption(file + " is truncated or damaged: meta page " + std::to_string(k) +
                              " names pages up to " + std::to_string(m.last_page) + " (" +
                              std::to_string(m.last_page + 1) + " pages of " + std::to_string(psize) +
                              " bytes); the file has " + std::to_string(file_size) + " bytes");
  }
  DHAKIRA_RETURN_IF_ERROR(CheckMetaRoot(where, "free-list", m.dbs[0], m.last_page));
  return CheckMetaRoot(where, "main", m.dbs[1], m.last_page);
}

// Page 0 or 1's header, magic and version: what tells an LMDB file from anything else.
Status CheckMetaHeader(const std::string& file, int k, const RawMeta& m) {
  const std::string where = file + ": meta page " + std::to_string(k);
  if ((m.flags & kPageMeta) == 0 || m.magic != kMagic) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08X", m.magic);
    const std::string detail =
        where + ": magic " + buf + ", page flags " + std::to_string(m.flags) + "; expected LMDB's 0xBEEFC0DE";
    return Status::Corruption(k == 0 ? "not a dhakira TM: " + detail : detail);
  }
  if (m.version != kDataVersion) {
    return Status::Corruption("not a dhakira TM: data.mdb is not an LMDB file of this version (" + where +
                              ": data version " + std::to_string(m.version) + ", expected 1)");
  }
  return Status::OK();
}

// ---- the structural walk ----

// Key order of a tree (mdb_cmp_memn, mdb_cmp_memnr, mdb_cmp_int/long).
struct KeyOrder {
  bool integer = false;  // native unsigned integers of 4 or 8 bytes
  bool reverse = false;  // bytes compared from the end
};

int CompareKeys(const KeyOrder& order, std::string_view a, std::string_view b) {
  if (order.integer && a.size() == b.size() && (a.size() == 4 || a.size() == 8)) {
    const uint64_t x = a.size() == 4 ? Load<uint32_t>(a.data()) : Load<uint64_t>(a.data());
    const uint64_t y = b.size() == 4 ? Load<uint32_t>(b.data()) : Load<uint64_t>(b.data());
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (order.reverse) {
    size_t i = a.size(), j = b.size();
    while (i > 0 && j > 0) {
      const auto ca = static_cast<unsigned char>(a[--i]), cb = static_cast<unsigned char>(b[--j]);
      if (ca != cb) return ca < cb ? -1 : 1;
    }
    return i > 0 ? 1 : (j > 0 ? -1 : 0);
  }
  const int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
  if (c != 0) return c;
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

std::string ShowKey(std::string_view key) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "0x";
  for (size_t i = 0; i < key.size() && i < 16; ++i) {
    out += kHex[static_cast<unsigned char>(key[i]) >> 4];
    out += kHex[static_cast<unsigned char>(key[i]) & 15];
  }
  if (key.size() > 16) out += "...";
  return out;
}

// Called for each (key, value) of a tree; for a DUPSORT tree once per duplicate. `value` is empty
// when the tree was walked without values.
using ItemFn = std::function<void(std::string_view key, std::string_view value)>;

// One B-tree being walked, and what it was found to hold.
struct Tree {
  std::string name;  // for messages: "database 'units'", "the free list", ...
  DbRecord record;   // as its parent (meta page, main database, node) records it
  KeyOrder order;
  bool dupsort = false;
  KeyOrder dup_order;
  bool dupfixed = false;
  bool main = false;         // the main database: F_SUBDATA nodes name databases
  bool leaf2 = false;        // a DUPFIXED sub-tree: LEAF2 pages of record.pad-byte keys
  bool want_values = false;  // read overflow values for `on_item`
  const ItemFn* on_item = nullptr;
  uint64_t branch = 0, leaf = 0, overflow = 0, entries = 0;
};

class Walker {
 public:
  Walker(int fd, const MetaSummary& meta, const CheckOptions& options, CheckReport* report)
      : fd_(fd), meta_(meta), psize_(meta.page_size), options_(options), report_(report), seen_(meta.last_page + 1, 0) {
    bufs_.resize(2 * kMaxDepth + 8);
  }

  void Problem(std::string msg) {
    ++report_->problem_count;
    if (report_->problems.size() < options_.max_problems) report_->problems.push_back(std::move(msg));
  }

  // Walks a whole tree from its record; then compares the counts found with the record's.
  void WalkTree(Tree& t, int level_base);
  // Marks the pages the free list names; call after every tree was walked.
  void MarkFree(uint64_t pgno, uint64_t txn);
  void Finish();

 private:
  void WalkPage(Tree& t, uint64_t pgno, int level, int level_base, std::string_view lo, std::string_view hi,
                bool has_lo, bool has_hi, uint64_t parent);
  bool NodesPacked(Tree& t, std::string_view page, uint64_t pgno, size_t n, bool leaf);
  bool CheckHeader(Tree& t, std::string_view page, uint64_t pgno, bool leaf, size_t size, size_t* n);
  void LeafItems(Tree& t, const std::string& page, uint64_t pgno, size_t n, int level, std::string_view lo,
                 std::string_view hi, bool has_lo, bool has_hi);
  void LeafNode(Tree& t, uint64_t pgno, std::string_view key, uint16_t flags, std::string_view data, uint64_t dsize,
                int level);
  void SubPage(Tree& t, uint64_t pgno, std::string_view key, std::string_view sub);
  bool Overflow(Tree& t, uint64_t pgno, uint64_t first, uint64_t dsize, std::string* value);
  bool Visit(uint64_t pgno, uint64_t parent, const Tree& t);
  bool ReadPages(uint64_t first, uint64_t count, std::string* out);
  std::string At(const Tree& t, uint64_t pgno) const { return "page " + std::to_string(pgno) + " (" + t.name + ")"; }

  int fd_;
  const MetaSummary& meta_;
  uint32_t psize_;
  const CheckOptions& options_;
  CheckReport* report_;
  std::vector<uint8_t> seen_;      // 0 unseen, 1 in a tree, 2 free
  std::vector<std::string> bufs_;  // one page buffer per level of nesting
  std::string overflow_buf_;

 public:
  std::vector<std::pair<std::string, DbRecord>> named;  // F_SUBDATA records of the main DB
};

bool Walker::ReadPages(uint64_t first, uint64_t count, std::string* out) {
  out->resize(count * psize_);
  if (ReadAt(fd_, first * psize_, out->size(), out->data())) return true;
  Problem("page " + std::to_string(first) +
          ": cannot be read: " + (errno == 0 ? std::string("the file ends before it") : std::strerror(errno)));
  return false;
}

// True when pgno may be read as a page of t: in range and not reached before.
bool Walker::Visit(uint64_t pgno, uint64_t parent, const Tree& t) {
  const std::string from = parent == kNoPage ? "its root" : "page " + std::to_string(parent);
  if (pgno < 2 || pgno > meta_.last_page) {
    Problem(t.name + ": " + from + " points to page " + std::to_string(pgno) + ", outside pages 2.." +
            std::to_string(meta_.last_page));
    return false;
  }
  if (seen_[pgno] != 0) {
    Problem(At(t, pgno) + ": reached a second time (from " + from + ")");
    return false;
  }
  seen_[pgno] = 1;
  return true;
}

void Walker::WalkTree(Tree& t, int level_base) {
  if (t.record.root == kNoPage) {
    if (t.record.entries != 0 || t.record.depth != 0) {
      Problem(t.name + ": empty tree records " + std::to_string(t.record.entries) + " entries");
    }
    return;
  }
  if (t.record.depth < 1 || t.record.depth > kMaxDepth) {
    Problem(t.name + ": depth " + std::to_string(t.record.depth) + " (1..32)");
    return;
  }
  WalkPage(t, t.record.root, 1, level_base, {}, {}, false, false, kNoPage);
  const std::pair<const char*, std::pair<uint64_t, uint64_t>> counts[] = {
      {"entries", {t.record.entries, t.entries}},
      {"branch pages", {t.record.branch_pages, t.branch}},
      {"leaf pages", {t.record.leaf_pages, t.leaf}},
      {"overflow pages", {t.record.overflow_pages, t.overflow}}};
  for (const auto& [what, c] : counts) {
    if (c.first != c.second) {
      Problem(t.name + ": records " + std::to_string(c.first) + " " + what + ", holds " + std::to_string(c.second));
    }
  }
  report_->branch_pages += t.branch;
  report_->leaf_pages += t.leaf;
  report_->overflow_pages += t.overflow;
}

// Checks a page header (or a sub-page's, size < psize) and sets *n to its number of keys.
bool Walker::CheckHeader(Tree& t, std::string_view page, uint64_t pgno, bool leaf, size_t size, size_t* n) {
  const bool sub = size != psize_;
  const uint16_t flags = Load<uint16_t>(page.data() + 10) & ~kPageDirty;
  uint16_t want = leaf ? kPageLeaf : kPageBranch;
  if (leaf && t.leaf2) want |= kPageLeaf2;
  if (sub) want |= kPageSub;
  if (!sub && Load<uint64_t>(page.data()) != pgno) {
    Problem(At(t, pgno) + ": its header says page " + std::to_string(Load<uint64_t>(page.data())));
    return false;
  }
  if (flags != want) {
    Problem(At(t, pgno) + ": page flags " + std::to_string(flags) + ", expected " + std::to_string(want) +
            (leaf ? " (a leaf at this depth)" : " (a branch at this depth)"));
    return false;
  }
  const uint16_t lower = Load<uint16_t>(page.data() + 12), upper = Load<uint16_t>(page.data() + 14);
  if (lower < kPageHeader || upper > size || lower > upper || (lower - kPageHeader) % 2 != 0) {
    Problem(At(t, pgno) + ": free-space bounds " + std::to_string(lower) + ".." + std::to_string(upper) +
            " do not fit a page of " + std::to_string(size) + " bytes");
    return false;
  }
  *n = (lower - kPageHeader) / 2;
  if (*n == 0) {
    Problem(At(t, pgno) + ": holds no keys");
    return false;
  }
  return true;
}

// LMDB keeps a page's nodes packed from `upper` to the end of the page (mdb_node_del closes the
// gap), each node's size rounded up to even: so their sizes must add up to psize - upper exactly.
// This catches a changed node pointer, key size or data size that stays inside the page.
bool Walker::NodesPacked(Tree& t, std::string_view page, uint64_t pgno, size_t n, bool leaf) {
  const uint16_t upper = Load<uint16_t>(page.data() + 14);
  uint64_t total = 0;
  for (size_t i = 0; i < n; ++i) {
    const size_t off = Load<uint16_t>(page.data() + kPageHeader + 2 * i);
    if (off < upper || off + kNodeHeader > psize_) {
      Problem(At(t, pgno) + ": node " + std::to_string(i) + " at offset " + std::to_string(off) +
              " lies outside the node area " + std::to_string(upper) + ".." + std::to_string(psize_));
      return false;
    }
    const char* node = page.data() + off;
    uint64_t size = kNodeHeader + Load<uint16_t>(node + 6);
    if (leaf) {
      const uint64_t dsize = Load<uint16_t>(node) | (uint64_t{Load<uint16_t>(node + 2)} << 16);
      size += (Load<uint16_t>(node + 4) & kNodeBig) ? 8 : dsize;
    }
    total += (size + 1) & ~uint64_t{1};
  }
  if (total != psize_ - upper) {
    Problem(At(t, pgno) + ": its " + std::to_string(n) + " nodes take " + std::to_string(total) +
            " bytes, but the node area " + std::to_string(upper) + ".." + std::to_string(psize_) + " has " +
            std::to_string(psize_ - upper));
    return false;
  }
  return true;
}

void Walker::WalkPage(Tree& t, uint64_t pgno, int level, int level_base, std::string_view lo, std::string_view hi,
                      bool has_lo, bool has_hi, uint64_t parent) {
  if (!Visit(pgno, parent, t)) return;
  std::string& page = bufs_[static_cast<size_t>(level_base + level)];
  if (!ReadPages(pgno, 1, &page)) return;
  const bool leaf = level == t.record.depth;
  size_t n = 0;
  if (!CheckHeader(t, page, pgno, leaf, psize_, &n)) return;
  if (!(leaf && t.leaf2) && !NodesPacked(t, page, pgno, n, leaf)) return;
  if (leaf) {
    ++t.leaf;
    LeafItems(t, page, pgno, n, level_base + level, lo, hi, has_lo, has_hi);
    return;
  }
  ++t.branch;
  const uint16_t upper = Load<uint16_t>(page.data() + 14);
  std::vector<std::pair<uint64_t, std::string_view>> children(n);  // child, its first key
  for (size_t i = 0; i < n; ++i) {
    const size_t off = Load<uint16_t>(page.data() + kPageHeader + 2 * i);
    if (off < upper || off + kNodeHeader > psize_ ||
        off + kNodeHeader + Load<uint16_t>(page.data() + off + 6) > psize_) {
      Problem(At(t, pgno) + ": node " + std::to_string(i) + " at offset " + std::to_string(off) +
              " lies outside the node area " + std::to_string(upper) + ".." + std::to_string(psize_));
      return;
    }
    const char* node = page.data() + off;
    const uint64_t child =
        Load<uint16_t>(node) | (uint64_t{Load<uint16_t>(node + 2)} << 16) | (uint64_t{Load<uint16_t>(node + 4)} << 32);
    children[i] = {child, std::string_view(node + kNodeHeader, Load<uint16_t>(node + 6))};
  }
  // Key 0 of a branch page stands for "everything below key 1" and is not compared.
  for (size_t i = 1; i < n; ++i) {
    const std::string_view k = children[i].second;
    const bool low_ok =
        i == 1 ? !has_lo || CompareKeys(t.order, k, lo) >= 0 : CompareKeys(t.order, children[i - 1].second, k) < 0;
    if (!low_ok || (has_hi && CompareKeys(t.order, k, hi) >= 0)) {
      Problem(At(t, pgno) + ": key " + std::to_string(i) + " " + ShowKey(k) +
              " is out of order or outside the parent's range");
      return;
    }
  }
  for (size_t i = 0; i < n; ++i) {
    const bool c_lo = i == 0 ? has_lo : true, c_hi = i + 1 < n ? true : has_hi;
    WalkPage(t, children[i].first, level + 1, level_base, i == 0 ? lo : children[i].second,
             i + 1 < n ? children[i + 1].second : hi, c_lo, c_hi, pgno);
  }
}

void Walker::LeafItems(Tree& t, const std::string& page, uint64_t pgno, size_t n, int level, std::string_view lo,
                       std::string_view hi, bool has_lo, bool has_hi) {
  const uint16_t upper = Load<uint16_t>(page.data() + 14);
  std::string_view prev;
  for (size_t i = 0; i < n; ++i) {
    std::string_view key, data;
    uint16_t flags = 0;
    uint64_t dsize = 0;
    if (t.leaf2) {
      const size_t ks = t.record.pad;
      if (ks == 0 || kPageHeader + (i + 1) * ks > psize_) {
        Problem(At(t, pgno) + ": " + std::to_string(n) + " fixed-size keys of " + std::to_string(ks) +
                " bytes do not fit the page");
        return;
      }
      key = std::string_view(page.data() + kPageHeader + i * ks, ks);
    } else {
      const size_t off = Load<uint16_t>(page.data() + kPageHeader + 2 * i);
      if (off < upper || off + kNodeHeader > psize_) {
        Problem(At(t, pgno) + ": node " + std::to_string(i) + " at offset " + std::to_string(off) +
                " lies outside the node area " + std::to_string(upper) + ".." + std::to_string(psize_));
        return;
      }
      const char* node = page.data() + off;
      flags = Load<uint16_t>(node + 4);
      const size_t ks = Load<uint16_t>(node + 6);
      dsize = Load<uint16_t>(node) | (uint64_t{Load<uint16_t>(node + 2)} << 16);
      const size_t stored = (flags & kNodeBig) ? 8 : dsize;
      if (off + kNodeHeader + ks + stored > psize_) {
        Problem(At(t, pgno) + ": node " + std::to_string(i) + " (key " + std::to_string(ks) + " bytes, data " +
                std::to_string(stored) + ") runs past the end of the page");
        return;
      }
      key = std::string_view(node + kNodeHeader, ks);
      data = std::string_view(node + kNodeHeader + ks, stored);
    }
    const bool sorted = i == 0 ? !has_lo || CompareKeys(t.order, key, lo) >= 0 : CompareKeys(t.order, prev, key) < 0;
    if (!sorted || (has_hi && CompareKeys(t.order, key, hi) >= 0)) {
      Problem(At(t, pgno) + ": key " + std::to_string(i) + " " + ShowKey(key) +
              " is out of order or outside the parent's range");
      return;
    }
    prev = key;
    LeafNode(t, pgno, key, flags, data, dsize, level);
  }
}

void Walker::LeafNode(Tree& t, uint64_t pgno, std::string_view key, uint16_t flags, std::string_view data,
                      uint64_t dsize, int level) {
  auto where = [&] { return At(t, pgno) + ", key " + ShowKey(key); };
  if ((flags & ~(kNodeBig | kNodeSubDb | kNodeDup)) != 0 || ((flags & kNodeDup) && !t.dupsort) ||
      ((flags & kNodeBig) && (flags & ~kNodeBig)) || ((flags & kNodeSubDb) && !(flags & kNodeDup) && !t.main)) {
    Problem(where() + ": node flags " + std::to_string(flags) + " do not fit this database");
    return;
  }
  if (flags & kNodeDup) {
    if (!(flags & kNodeSubDb)) {
      SubPage(t, pgno, key, data);
      return;
    }
    if (data.size() != kDbRecordSize) {
      Problem(where() + ": a duplicate sub-tree record of " + std::to_string(data.size()) + " bytes");
      return;
    }
    Tree sub;
    sub.name = t.name + " duplicates of key " + ShowKey(key);
    sub.record = ParseDbRecord(data.data());
    sub.order = t.dup_order;
    sub.leaf2 = t.dupfixed;
    const std::string k(key);  // `key` points into a buffer the sub-walk may not touch, but copy
    ItemFn each = [&](std::string_view dup, std::string_view) {
      if (t.on_item) (*t.on_item)(k, dup);
    };
    sub.on_item = &each;
    WalkTree(sub, level);
    t.entries += sub.entries;
    return;
  }
  ++t.entries;
  if (flags & kNodeSubDb) {  // a named database, walked after the main one
    if (data.size() != kDbRecordSize) {
      Problem(where() + ": a database record of " + std::to_string(data.size()) + " bytes");
      return;
    }
    named.emplace_back(std::string(key), ParseDbRecord(data.data()));
    return;
  }
  if (flags & kNodeBig) {
    std::string* value = t.want_values ? &overflow_buf_ : nullptr;
    if (!Overflow(t, pgno, Load<uint64_t>(data.data()), dsize, value)) return;
    if (t.on_item) (*t.on_item)(key, value ? std::string_view(*value) : std::string_view());
    return;
  }
  if (t.on_item) (*t.on_item)(key, data);
}

// The duplicates of one key kept inside the leaf node (a sub-page).
void Walker::SubPage(Tree& t, uint64_t pgno, std::string_view key, std::string_view sub) {
  auto where = [&] { return At(t, pgno) + ", key " + ShowKey(key) + ", duplicates"; };
  if (sub.size() < kPageHeader) {
    Problem(where() + ": a sub-page of " + std::to_string(sub.size()) + " bytes");
    return;
  }
  const std::string_view page = sub;  // inside the leaf page buffer, which outlives this call
  Tree shape;
  shape.name = t.name;
  shape.leaf2 = t.dupfixed;
  size_t n = 0;
  if (!CheckHeader(shape, page, pgno, true, page.size(), &n)) return;
  const size_t ks = Load<uint16_t>(page.data() + 8);  // mp_pad: the fixed size (DUPFIXED)
  const uint16_t upper = Load<uint16_t>(page.data() + 14);
  std::string_view prev;
  for (size_t i = 0; i < n; ++i) {
    std::string_view dup;
    if (t.dupfixed) {
      if (ks == 0 || kPageHeader + (i + 1) * ks > page.size()) {
        Problem(where() + ": " + std::to_string(n) + " values of " + std::to_string(ks) + " bytes do not fit " +
                std::to_string(page.size()) + " bytes");
        return;
      }
      dup = std::string_view(page.data() + kPageHeader + i * ks, ks);
    } else {
      const size_t off = Load<uint16_t>(page.data() + kPageHeader + 2 * i);
      if (off < upper || off + kNodeHeader > page.size() ||
          off + kNodeHeader + Load<uint16_t>(page.data() + off + 6) > page.size()) {
        Problem(where() + ": node " + std::to_string(i) + " lies outside the sub-page");
        return;
      }
      dup = std::string_view(page.data() + off + kNodeHeader, Load<uint16_t>(page.data() + off + 6));
    }
    if (i > 0 && CompareKeys(t.dup_order, prev, dup) >= 0) {
      Problem(where() + ": value " + std::to_string(i) + " " + ShowKey(dup) + " is out of order");
      return;
    }
    prev = dup;
    ++t.entries;
    if (t.on_item) (*t.on_item)(key, dup);
  }
}

// Checks the overflow run at `first` holding dsize bytes; reads it into *value when given.
bool Walker::Overflow(Tree& t, uint64_t pgno, uint64_t first, uint64_t dsize, std::string* value) {
  if (!Visit(first, pgno, t)) return false;
  const uint64_t pages = (kPageHeader - 1 + dsize) / psize_ + 1;  // OVPAGES
  std::string head;
  if (!ReadPages(first, 1, &head)) return false;
  const uint16_t flags = Load<uint16_t>(head.data() + 10) & ~kPageDirty;
  const uint32_t run = Load<uint32_t>(head.data() + 12);
  const std::string where = At(t, first) + ", overflow of page " + std::to_string(pgno);
  if (Load<uint64_t>(head.data()) != first || flags != kPageOverflow || run != pages) {
    Problem(where + ": header says page " + std::to_string(Load<uint64_t>(head.data())) + ", flags " +
            std::to_string(flags) + ", " + std::to_string(run) + " pages; expected " + std::to_string(pages) +
            " overflow pages for " + std::to_string(dsize) + " bytes");
    return false;
  }
  if (first + pages - 1 > meta_.last_page) {
    Problem(where + ": a run of " + std::to_string(pages) + " pages ends past page " + std::to_string(meta_.last_page));
    return false;
  }
  for (uint64_t p = first + 1; p < first + pages; ++p) {
    if (seen_[p] != 0) {
      Problem(where + ": its page " + std::to_string(p) + " is also used elsewhere");
      return false;
    }
    seen_[p] = 1;
  }
  t.overflow += pages;
  if (value == nullptr) return true;
  if (!ReadPages(first, pages, value)) return false;
  *value = value->substr(kPageHeader, dsize);
  return true;
}

void Walker::MarkFree(uint64_t pgno, uint64_t txn) {
  const std::string where = "the free list, transaction " + std::to_string(txn);
  if (pgno < 2 || pgno > meta_.last_page) {
    Problem(where + ": names page " + std::to_string(pgno) + ", outside pages 2.." + std::to_string(meta_.last_page));
  } else if (seen_[pgno] == 1) {
    Problem(where + ": names page " + std::to_string(pgno) + ", which is in use");
  } else if (seen_[pgno] == 2) {
    Problem(where + ": names page " + std::to_string(pgno) + " a second time");
  } else {
    seen_[pgno] = 2;
    ++report_->free_pages;
  }
}

void Walker::Finish() {
  report_->pages = meta_.last_page + 1;
  uint64_t lost = 0;
  for (uint64_t p = 2; p <= meta_.last_page; ++p) lost += seen_[p] == 0 ? 1 : 0;
  report_->unaccounted_pages = lost;
}

}  // namespace

StatusOr<MetaSummary> ValidateMetaPages(const std::string& data_file, uint64_t file_size) {
  Fd fd(data_file);
  if (fd.get() < 0) {
    return Status::IOError("opening " + data_file + ": " + std::strerror(errno));
  }
  if (file_size < kMetaBytes) {
    return Status::Corruption("not a dhakira TM: " + data_file + " has " + std::to_string(file_size) +
                              " bytes, too few for an LMDB meta page");
  }
  char buf[kMetaBytes];
  RawMeta m[2];
  if (!ReadAt(fd.get(), 0, kMetaBytes, buf)) return ReadError(data_file, "meta page 0");
  m[0] = ParseMeta(buf);
  DHAKIRA_RETURN_IF_ERROR(CheckMetaHeader(data_file, 0, m[0]));
  const uint32_t psize = m[0].dbs[0].pad;
  if (!PowerOfTwo(psize) || psize < kMinPageSize || psize > kMaxPageSize) {
    return Status::Corruption(data_file + ": meta page 0: page size " + std::to_string(psize) +
                              " is not a power of two in 512..32768");
  }
  if (file_size < 2ull * psize) {
    return Status::Corruption(data_file + " is truncated: " + std::to_string(file_size) +
                              " bytes, less than its two meta pages of " + std::to_string(psize));
  }
  if (!ReadAt(fd.get(), psize, kMetaBytes, buf)) return ReadError(data_file, "meta page 1");
  m[1] = ParseMeta(buf);
  DHAKIRA_RETURN_IF_ERROR(CheckMetaHeader(data_file, 1, m[1]));
  if (m[1].dbs[0].pad != psize) {
    return Status::Corruption(data_file + ": meta page 1: page size " + std::to_string(m[1].dbs[0].pad) +
                              " differs from meta page 0's " + std::to_string(psize));
  }
  for (int k = 0; k < 2; ++k) DHAKIRA_RETURN_IF_ERROR(CheckOneMeta(data_file, k, m[k], file_size));
  // LMDB writes transaction t's meta to page t % 2, so the pages alternate: both 0 (a new file),
  // or consecutive with meta page 0 holding the even one.
  const uint64_t t0 = m[0].txnid, t1 = m[1].txnid;
  const bool fresh = t0 == 0 && t1 == 0;
  const bool alternate = t0 % 2 == 0 && t1 % 2 == 1 && (t1 == t0 + 1 || t0 == t1 + 1);
  if (!fresh && !alternate) {
    return Status::Corruption(data_file + ": meta pages 0 and 1 record transactions " + std::to_string(t0) + " and " +
                              std::to_string(t1) + "; expected an even and the next or previous odd one");
  }
  const int cur = t0 < t1 ? 1 : 0;  // mdb_env_pick_meta
  MetaSummary s;
  s.page = cur;
  s.page_size = psize;
  s.last_page = m[cur].last_page;
  s.txnid = m[cur].txnid;
  s.map_size = m[cur].map_size;
  s.free_db = m[cur].dbs[0];
  s.main_db = m[cur].dbs[1];
  return s;
}

namespace {

// What the store's own databases hold, gathered during the walk (decode_units).
struct StoreFacts {
  std::map<std::string, std::string> meta;
  std::vector<std::pair<uint64_t, uint64_t>> unit_hashes;  // (dedup hash, id) of every unit
  std::vector<std::pair<uint64_t, uint64_t>> dedup;        // (key, id) of every dedup entry
  std::map<std::string, uint64_t> stats_stored, stats_counted;
  uint64_t max_id = 0;
  SegmentPair unit;  // reused
};

uint64_t BigEndian64(std::string_view s) {
  char k[8];
  std::memcpy(k, s.data(), 8);
  return DecodeIdKey(k);
}

// The item callback for one of the store's databases (empty function for other databases).
ItemFn StoreItems(const std::string& db, StoreFacts* f, Walker* w) {
  if (db == "meta") {
    return [f](std::string_view k, std::string_view v) { f->meta[std::string(k)] = std::string(v); };
  }
  if (db == "units") {
    return [f, w](std::string_view k, std::string_view v) {
      if (k.size() != 8) return w->Problem("database 'units': a key of " + std::to_string(k.size()) + " bytes");
      const uint64_t id = BigEndian64(k);
      const Status s = DecodeUnit(v, id, &f->unit);
      if (!s.ok()) return w->Problem("unit " + std::to_string(id) + ": " + s.message());
      f->max_id = std::max(f->max_id, id);
      f->unit_hashes.emplace_back(DedupHash(f->unit.src_lang, f->unit.tgt_lang, f->unit.source, f->unit.target), id);
      ++f->stats_counted[std::string(1, 'L') + LanguagePairKey(f->unit.src_lang, f->unit.tgt_lang)];
      ++f->stats_counted["O" + f->unit.origin];
    };
  }
  if (db == "dedup") {
    return [f, w](std::string_view k, std::string_view v) {
      if (k.size() != 8 || v.size() != 8)
        return w->Problem("database 'dedup': an entry of " + std::to_string(k.size()) + "+" + std::to_string(v.size()) +
                          " bytes, expected 8+8");
      f->dedup.emplace_back(BigEndian64(k), BigEndian64(v));
    };
  }
  if (db == "stats") {
    return [f, w](std::string_view k, std::string_view v) {
      uint64_t n = 0;
      const Status s = DecodeCounter(v, "stats", &n);
      if (!s.ok()) return w->Problem("database 'stats', key " + ShowKey(k) + ": " + s.message());
      if (!k.empty() && (k[0] == 'L' || k[0] == 'O')) f->stats_stored[std::string(k)] = n;
    };
  }
  return {};
}

// Compares what the units say with the meta, dedup and stats records.
void CompareStoreFacts(StoreFacts& f, uint64_t units, Walker* w) {
  auto it = f.meta.find("format");
  uint32_t version = 0;
  if (it == f.meta.end() || !DecodeFormatRecord(it->second, &version).ok()) {
    w->Problem("database 'meta': no dhakira format record");
  } else if (version != kFormatVersion) {
    w->Problem("database 'meta': format version " + std::to_string(version));
  }
  it = f.meta.find("next_id");
  uint64_t next_id = 0;
  if (it == f.meta.end() || !DecodeCounter(it->second, "next_id", &next_id).ok()) {
    w->Problem("database 'meta': record 'next_id' is missing or garbled");
  } else if (units > 0 && f.max_id >= next_id) {
    w->Problem("database 'meta': next_id " + std::to_string(next_id) + " is not beyond unit " +
               std::to_string(f.max_id));
  }
  std::sort(f.unit_hashes.begin(), f.unit_hashes.end());
  std::sort(f.dedup.begin(), f.dedup.end());
  std::vector<std::pair<uint64_t, uint64_t>> diff;
  std::set_symmetric_difference(f.unit_hashes.begin(), f.unit_hashes.end(), f.dedup.begin(), f.dedup.end(),
                                std::back_inserter(diff));
  for (size_t i = 0; i < diff.size() && i < 10; ++i) {
    const bool in_units = std::binary_search(f.unit_hashes.begin(), f.unit_hashes.end(), diff[i]);
    w->Problem("database 'dedup': unit " + std::to_string(diff[i].second) +
               (in_units ? " has no entry" : " is listed but not stored under that hash"));
  }
  if (diff.size() > 10) w->Problem("database 'dedup': " + std::to_string(diff.size() - 10) + " more mismatches");
  for (const auto& [key, n] : f.stats_counted) {
    auto s = f.stats_stored.find(key);
    const uint64_t stored = s == f.stats_stored.end() ? 0 : s->second;
    if (stored != n) {
      w->Problem("database 'stats': counter " + ShowKey(key) + " is " + std::to_string(stored) + ", the units hold " +
                 std::to_string(n));
    }
  }
  for (const auto& [key, n] : f.stats_stored) {
    if (f.stats_counted.count(key) == 0) {
      w->Problem("database 'stats': counter " + ShowKey(key) + " is " + std::to_string(n) + ", no unit has it");
    }
  }
}

KeyOrder OrderOf(uint16_t flags, bool dup) {
  KeyOrder o;
  o.integer = (flags & (dup ? MDB_INTEGERDUP : MDB_INTEGERKEY)) != 0;
  o.reverse = (flags & (dup ? MDB_REVERSEDUP : MDB_REVERSEKEY)) != 0;
  return o;
}

void WalkNamed(Walker& w, const std::string& name, const DbRecord& rec, StoreFacts* facts, CheckReport* report) {
  static const std::map<std::string, uint16_t> kStoreDbs = {
      {"meta", 0}, {"units", 0}, {"dedup", MDB_DUPSORT | MDB_DUPFIXED}, {"stats", 0}};
  auto known = kStoreDbs.find(name);
  if (known != kStoreDbs.end() && (rec.flags & 0x7f) != known->second) {
    w.Problem("database '" + name + "': flags " + std::to_string(rec.flags) + ", expected " +
              std::to_string(known->second));
    return;
  }
  Tree t;
  t.name = "database '" + name + "'";
  t.record = rec;
  t.order = OrderOf(rec.flags, false);
  t.dupsort = (rec.flags & MDB_DUPSORT) != 0;
  t.dupfixed = (rec.flags & MDB_DUPFIXED) != 0;
  t.dup_order = OrderOf(rec.flags, true);
  ItemFn fn = facts != nullptr ? StoreItems(name, facts, &w) : ItemFn();
  if (fn) {
    t.on_item = &fn;
    t.want_values = true;
  }
  w.WalkTree(t, 0);
  report->databases[name] = t.entries;
}

// One pass over the file as of the current meta page.
void WalkFile(int fd, const MetaSummary& meta, const CheckOptions& options, CheckReport* report) {
  Walker w(fd, meta, options, report);
  Tree main;
  main.name = "the main database";
  main.record = meta.main_db;
  main.main = true;
  w.WalkTree(main, 0);
  std::optional<StoreFacts> facts;
  if (options.decode_units) facts.emplace();
  for (const auto& [name, rec] : w.named) {
    WalkNamed(w, name, rec, facts ? &*facts : nullptr, report);
  }
  // None of our databases, but others: another program's LMDB environment, not a damaged TM (an
  // environment with no database at all is a TM whose creation never committed; Store::Open makes
  // its schema).
  const char* const kRequired[] = {"meta", "units", "dedup", "stats"};
  const bool ours = std::any_of(std::begin(kRequired), std::end(kRequired),
                                [&](const char* name) { return report->databases.count(name) > 0; });
  if (!ours && main.entries > 0) {
    w.Problem(std::string(kNotOurs) + " (an LMDB environment without dhakira's databases)");
  } else if (ours) {
    for (const char* required : kRequired) {
      if (report->databases.count(required) == 0) {
        w.Problem(std::string("database '") + required + "' is missing");
      }
    }
  }
  if (facts) {
    report->units = facts->unit_hashes.size();
    CompareStoreFacts(*facts, report->databases["units"], &w);
  }
  Tree free_list;
  free_list.name = "the free list";
  free_list.record = meta.free_db;
  free_list.order.integer = true;
  free_list.want_values = true;
  std::vector<std::pair<uint64_t, std::vector<uint64_t>>> freed;  // marked after every tree
  ItemFn on_free = [&](std::string_view k, std::string_view v) {
    const uint64_t txn = k.size() == 8 ? Load<uint64_t>(k.data()) : 0;
    const uint64_t n = v.size() >= 8 ? Load<uint64_t>(v.data()) : 0;
    if (k.size() != 8 || v.size() < 8 || n != v.size() / 8 - 1 || v.size() % 8 != 0) {
      return w.Problem("the free list, key " + ShowKey(k) + ": a page list of " + std::to_string(v.size()) +
                       " bytes claiming " + std::to_string(n) + " pages");
    }
    std::vector<uint64_t> pages(n);
    for (uint64_t i = 0; i < n; ++i) pages[i] = Load<uint64_t>(v.data() + 8 * (i + 1));
    freed.emplace_back(txn, std::move(pages));
  };
  free_list.on_item = &on_free;
  w.WalkTree(free_list, 0);
  for (const auto& [txn, pages] : freed) {
    for (uint64_t p : pages) w.MarkFree(p, txn);
  }
  w.Finish();
}

}  // namespace

StatusOr<CheckReport> CheckDataFile(const std::string& data_file, const CheckOptions& options) {
  DHAKIRA_RETURN_IF_ERROR(options.Validate());
  for (int attempt = 0; attempt < 3; ++attempt) {
    struct stat st;
    if (::stat(data_file.c_str(), &st) != 0) {
      if (errno == ENOENT) return Status::NotFound("no TM data file " + data_file);
      return Status::IOError("reading " + data_file + ": " + std::strerror(errno));
    }
    CheckReport report;
    StatusOr<MetaSummary> meta = ValidateMetaPages(data_file, static_cast<uint64_t>(st.st_size));
    if (!meta.ok()) {
      if (!meta.status().IsCorruption()) return meta.status();
      report.problems.push_back(meta.status().message());
      report.problem_count = 1;
      return report;
    }
    report.page_size = meta->page_size;
    report.txnid = meta->txnid;
    report.pages = meta->last_page + 1;
    if (options.max_walk_bytes != 0 && report.pages * meta->page_size > options.max_walk_bytes) {
      report.walked = false;
      return report;
    }
    Fd fd(data_file);
    if (fd.get() < 0) return Status::IOError("opening " + data_file + ": " + std::strerror(errno));
    WalkFile(fd.get(), *meta, options, &report);
    // Pages reachable from a meta page are never rewritten while it is current, so the walk saw one
    // consistent state unless a writer committed meanwhile.
    StatusOr<MetaSummary> after = ValidateMetaPages(data_file, static_cast<uint64_t>(st.st_size));
    if (after.ok() && after->txnid == meta->txnid && after->page == meta->page) return report;
  }
  return Status::FailedPrecondition("checking " + data_file +
                                    ": the TM changed during each of three attempts; stop the "
                                    "writing process and check again");
}

}  // namespace store_internal

StatusOr<CheckReport> CheckTm(const std::string& path, const CheckOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    if (fs::exists(path, ec)) {
      return Status::Corruption("not a dhakira TM: " + path + " is a file; a TM is a directory holding data.mdb");
    }
    return Status::NotFound("no TM at " + path);
  }
  const std::string data_file = (fs::path(path) / "data.mdb").string();
  if (!fs::exists(data_file, ec)) return Status::NotFound("no TM at " + path + " (no data.mdb)");
  return store_internal::CheckDataFile(data_file, options);
}

}  // namespace dhakira
