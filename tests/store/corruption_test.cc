// Damaged TMs never crash a command (issue #15, item 2). A small TM (42 news pairs from NTREX-128,
// CC BY-SA 4.0, in testdata/store/ntrex42.tsv, two of them long enough for overflow pages, plus
// an add and a delete so that it has free pages and two meta pages in use) is damaged in a copy at
// several byte offsets of EVERY page; the real `dhakira` binary then runs stats, get, export,
// match, check and add on it in child processes. None may die of a signal (the crash handler is
// turned off, so a fault shows as one); each either succeeds with data equal to the original's
// or fails naming corruption; `check` must report damage to the header, node pointers and meta
// fields of every page in use.
#include <gtest/gtest.h>
#include <lmdb.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "testing/cli_runner.h"

namespace dhakira {
namespace {

namespace fs = std::filesystem;
using test_support::ProcessResult;
using test_support::ReadFile;
using test_support::RunCli;
using test_support::RunOptions;

constexpr uint64_t kPageSize = 4096;
constexpr int kGetId = 7;

// What the undamaged TM answers; the damaged copies are compared with it.
struct Original {
  std::string data, lock;  // data.mdb and lock.mdb
  std::string stats, get, exported, match_query;
  std::map<std::string, std::pair<std::string, std::string>> texts;  // id -> JSON source, target
  std::set<uint64_t> free_pages;
};

// The raw JSON string that starts at s[pos] (just past its opening quote), escapes kept; *end is
// just past its closing quote (npos when unterminated). A scan, not std::regex: libstdc++'s regex
// recurses once per character and overflows the stack on long segments under ASan.
std::string JsonStringAt(const std::string& s, size_t pos, size_t* end) {
  size_t i = pos;
  while (i < s.size() && s[i] != '"') i += s[i] == '\\' ? 2 : 1;
  *end = i < s.size() ? i + 1 : std::string::npos;
  return s.substr(pos, std::min(i, s.size()) - pos);
}

// Each {"id":N, ..., "source":"...","target":"..."} object of a `get --json` or `match --json`
// output, in order: (id, (source, target)).
std::vector<std::pair<std::string, std::pair<std::string, std::string>>> UnitsIn(const std::string& out) {
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>> units;
  for (size_t at = out.find("\"id\":"); at != std::string::npos; at = out.find("\"id\":", at)) {
    at += 5;
    size_t digits = at;
    while (digits < out.size() && std::isdigit(static_cast<unsigned char>(out[digits]))) ++digits;
    const std::string id = out.substr(at, digits - at);
    const size_t src = out.find("\"source\":\"", digits);
    if (id.empty() || src == std::string::npos) break;
    size_t end;
    std::string source = JsonStringAt(out, src + 10, &end);
    if (end == std::string::npos || out.compare(end, 11, ",\"target\":\"") != 0) break;
    std::string target = JsonStringAt(out, end + 11, &end);
    if (end == std::string::npos) break;
    units.push_back({id, {std::move(source), std::move(target)}});
    at = end;
  }
  return units;
}

ProcessResult RunOn(const std::string& tm, std::vector<std::string> args) {
  args.insert(args.begin(), {"--db", tm});
  RunOptions options;
  options.env = {"DHAKIRA_NO_CRASH_HANDLER=1"};
  options.timeout = std::chrono::seconds(30);
  return RunCli(args, options);
}

std::vector<std::string> MatchArgs(const Original& o) {
  return {"match", o.match_query, "--threshold", "1", "--top", "100", "--json"};
}

// The pages on LMDB's free list, read through LMDB from the sound TM.
std::set<uint64_t> FreePages(const std::string& tm) {
  std::set<uint64_t> pages;
  MDB_env* env = nullptr;
  EXPECT_EQ(mdb_env_create(&env), 0);
  mdb_env_set_maxdbs(env, 32);
  EXPECT_EQ(mdb_env_open(env, tm.c_str(), MDB_RDONLY, 0644), 0);
  MDB_txn* txn = nullptr;
  EXPECT_EQ(mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn), 0);
  MDB_cursor* c = nullptr;
  EXPECT_EQ(mdb_cursor_open(txn, 0, &c), 0);  // dbi 0: the free list
  MDB_val k, v;
  for (int rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
    std::vector<uint64_t> idl(v.mv_size / 8);
    std::memcpy(idl.data(), v.mv_data, idl.size() * 8);
    for (size_t i = 1; i < idl.size() && i <= idl[0]; ++i) pages.insert(idl[i]);
  }
  mdb_cursor_close(c);
  mdb_txn_abort(txn);
  mdb_env_close(env);
  return pages;
}

class CorruptionTest : public test_support::CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    ProcessResult r = Dhakira(
        {"import", std::string(DHAKIRA_TESTDATA_DIR) + "/store/ntrex42.tsv", "--src-lang", "ar", "--tgt-lang", "en"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(Dhakira({"add", "--src-lang", "ar", "--tgt-lang", "en", "جملة أخرى", "Another"}).exit_code, 0);
    ASSERT_EQ(Dhakira({"delete", "5"}).exit_code, 0);
    o_.data = ReadFile(fs::path(db_) / "data.mdb");
    o_.lock = ReadFile(fs::path(db_) / "lock.mdb");
    ASSERT_EQ(o_.data.size() % kPageSize, 0u);
    // `import` maps the file writable, which extends it (sparse) to the map size; keep the pages
    // in use, as the newer meta page names them (the copies stay small and every page is tried).
    ASSERT_GE(o_.data.size(), 2 * kPageSize);
    uint64_t txn[2], last[2];
    for (int k = 0; k < 2; ++k) {
      std::memcpy(&txn[k], o_.data.data() + k * kPageSize + 144, 8);
      std::memcpy(&last[k], o_.data.data() + k * kPageSize + 136, 8);
    }
    const uint64_t used = (last[txn[1] > txn[0] ? 1 : 0] + 1) * kPageSize;
    ASSERT_LE(used, o_.data.size());
    o_.data.resize(used);
    const std::string first = ReadFile(std::string(DHAKIRA_TESTDATA_DIR) + "/store/ntrex42.tsv");
    o_.match_query = first.substr(0, first.find('\t'));
    o_.free_pages = FreePages(db_);
    scratch_ = MakeScratch();
  }

  // Runs the read commands on `tm` (holding the undamaged TM) and records their answers.
  void RecordOriginal(const std::string& tm) {
    ProcessResult s = RunOn(tm, {"stats", "--json"}), g = RunOn(tm, {"get", std::to_string(kGetId), "--json"});
    ProcessResult e = RunOn(tm, {"export", (fs::path(tm).parent_path() / "out.tsv").string()});
    ASSERT_EQ(s.exit_code, 0);
    ASSERT_EQ(g.exit_code, 0);
    ASSERT_EQ(e.exit_code, 0);
    o_.stats = s.out;
    o_.get = g.out;
    o_.exported = ReadFile(fs::path(tm).parent_path() / "out.tsv");
    for (int id = 1; id <= 43; ++id) {
      ProcessResult p = RunOn(tm, {"get", std::to_string(id), "--json"});
      const auto units = UnitsIn(p.out);
      if (p.exit_code == 0 && !units.empty()) o_.texts[units[0].first] = units[0].second;
    }
    ASSERT_EQ(o_.texts.size(), 42u);  // 43 ids, one deleted
  }

  // Writes the TM into `dir`/tm with the byte at `offset` XOR-ed with 0x5a.
  std::string Damaged(const fs::path& dir, uint64_t offset) const {
    fs::create_directories(dir / "tm");
    std::string data = o_.data;
    if (offset < data.size()) data[offset] = static_cast<char>(data[offset] ^ 0x5a);
    std::ofstream(dir / "tm" / "data.mdb", std::ios::binary) << data;
    std::ofstream(dir / "tm" / "lock.mdb", std::ios::binary) << o_.lock;
    return (dir / "tm").string();
  }

  // Every command on one damaged copy; returns what went wrong ("" when nothing).
  std::string RunCase(const fs::path& dir, uint64_t offset, bool must_detect) const;

  void TearDown() override {
    std::error_code ec;
    if (scratch_ != dir_) fs::remove_all(scratch_, ec);
    CliTest::TearDown();
  }

  // Where the damaged copies go: a tmpfs directory when there is one. Hundreds of copies are
  // written; on a disk shared with busy builds each write waited ~80 ms for writeback.
  fs::path MakeScratch() const {
    std::error_code ec;
    if (!fs::is_directory("/dev/shm", ec)) return dir_;
    std::string tmpl = "/dev/shm/dhakira_corruption_XXXXXX";
    return mkdtemp(tmpl.data()) != nullptr ? fs::path(tmpl) : dir_;
  }

  Original o_;
  fs::path scratch_;
};

// `stats --json` names the TM's path, which differs between the copies.
std::string WithoutPath(std::string stats_json) {
  const size_t at = stats_json.find("\"path\":\"");
  if (at == std::string::npos) return stats_json;
  size_t end;
  (void)JsonStringAt(stats_json, at + 8, &end);
  if (end == std::string::npos) return stats_json;
  if (end < stats_json.size() && stats_json[end] == ',') ++end;
  return stats_json.erase(at, end - at);
}

// On stderr; `match --json` reports a failed query in its JSON ("error":"corruption: ...").
bool SaysCorruption(const ProcessResult& r) {
  return r.err.find("corruption") != std::string::npos || r.err.find("damaged") != std::string::npos ||
         r.out.find("\"error\":\"corruption") != std::string::npos;
}

std::string CorruptionTest::RunCase(const fs::path& dir, uint64_t offset, bool must_detect) const {
  const std::string tm = Damaged(dir, offset);
  const std::string where = "byte " + std::to_string(offset) + " (page " + std::to_string(offset / kPageSize) +
                            " offset " + std::to_string(offset % kPageSize) + "): ";
  std::string failures;
  auto judge = [&](const char* name, const ProcessResult& r, bool equal) {
    if (r.exit_code < 0) {
      failures += where + name + " died (signal or timeout): " + r.err + "\n";
    } else if (r.exit_code == 0 && !equal) {
      failures += where + name + " succeeded with data that differs from the original\n";
    } else if (r.exit_code != 0 && !SaysCorruption(r)) {
      failures += where + name + " failed without naming corruption: " + r.err + "\n";
    }
  };
  ProcessResult check = RunOn(tm, {"check"});
  judge("check", check, true);
  if (must_detect && check.exit_code == 0) failures += where + "check did not report the damage\n";
  ProcessResult stats = RunOn(tm, {"stats", "--json"});
  judge("stats", stats, WithoutPath(stats.out) == WithoutPath(o_.stats));
  ProcessResult get = RunOn(tm, {"get", std::to_string(kGetId), "--json"});
  judge("get", get, get.out == o_.get);
  const std::string out = (dir / "out.tsv").string();
  ProcessResult exp = RunOn(tm, {"export", out});
  judge("export", exp, exp.exit_code == 0 && ReadFile(out) == o_.exported);
  ProcessResult match = RunOn(tm, MatchArgs(o_));
  bool same = true;
  for (const auto& [id, texts] : UnitsIn(match.out)) {
    auto t = o_.texts.find(id);
    same = same && t != o_.texts.end() && t->second == texts;
  }
  judge("match", match, same && match.out.find("\"id\":") != std::string::npos);
  ProcessResult add = RunOn(tm, {"add", "--src-lang", "ar", "--tgt-lang", "en", "نص جديد", "New text"});
  judge("add", add, true);
  return failures;
}

TEST_F(CorruptionTest, NoCommandCrashesOnAnyDamagedPage) {
  RecordOriginal(Damaged(scratch_ / "original", ~uint64_t{0}));  // an undamaged copy
  const uint64_t pages = o_.data.size() / kPageSize;
  std::vector<std::pair<uint64_t, bool>> cases;  // offset, check must report it
  // Meta pages: magic, version, page size, main root, last page, txnid (all checked), and the map
  // size (not checked: it must merely not crash).
  // The older meta page's main root and last page are only range-checked (check walks the trees of the newer
  // one): their damage is reported when the changed value leaves its range (root in 2..last page, last page
  // within the file, which ends at the newer meta's last page, and not below the roots), which depends on
  // the layout.
  uint64_t txnid[2], last_page[2], free_root[2], main_root[2];
  for (int k = 0; k < 2; ++k) {
    std::memcpy(&txnid[k], o_.data.data() + k * kPageSize + 144, 8);
    std::memcpy(&last_page[k], o_.data.data() + k * kPageSize + 136, 8);
    std::memcpy(&free_root[k], o_.data.data() + k * kPageSize + 80, 8);
    std::memcpy(&main_root[k], o_.data.data() + k * kPageSize + 128, 8);
  }
  const int older = txnid[0] < txnid[1] ? 0 : 1, newer = 1 - older;
  const uint64_t damaged_root = main_root[older] ^ 0x5a, damaged_last = last_page[older] ^ 0x5a;
  const auto root_outside = [](uint64_t root, uint64_t last) {
    return root != ~uint64_t{0} && (root < 2 || root > last);
  };
  const bool older_root_detectable = root_outside(damaged_root, last_page[older]);
  const bool older_last_detectable = damaged_last < 1 || damaged_last > last_page[newer] ||
                                     root_outside(main_root[older], damaged_last) ||
                                     root_outside(free_root[older], damaged_last);
  for (uint64_t meta : {uint64_t{0}, kPageSize}) {
    const bool is_older = meta == static_cast<uint64_t>(older) * kPageSize;
    for (uint64_t off : {16, 20, 40, 128, 136, 144}) {
      const bool detectable = !is_older || (off == 128   ? older_root_detectable
                                            : off == 136 ? older_last_detectable
                                                         : true);
      cases.emplace_back(meta + off, detectable);
    }
    cases.emplace_back(meta + 32, false);
  }
  int live = 0;
  for (uint64_t pg = 2; pg < pages; ++pg) {
    const char* page = o_.data.data() + pg * kPageSize;
    const bool in_use = o_.free_pages.count(pg) == 0;
    live += in_use ? 1 : 0;
    uint16_t flags, ptr0;
    std::memcpy(&flags, page + 10, 2);
    std::memcpy(&ptr0, page + 16, 2);
    const bool nodes = (flags & 0x23) == 0x01 || (flags & 0x23) == 0x02;  // branch or plain leaf
    // Every page: its first node pointer. Then two more offsets per page, taken in turn from the
    // header (page number, flags, lower and upper bounds: check must report these too), the
    // first node's key size and key, and a value near the end of the page; over the pages every
    // kind is tried on branch, leaf and overflow pages. (Three offsets a page keep the run near
    // a minute: ~1,000 child processes.)
    cases.emplace_back(pg * kPageSize + 16, in_use);
    const uint64_t header[] = {0, 10, 12, 14};
    cases.emplace_back(pg * kPageSize + header[pg % 4], in_use);
    const uint64_t body = pg % 3 == 0 || !nodes || static_cast<uint64_t>(ptr0) + 8 >= kPageSize ? kPageSize - 20
                          : pg % 3 == 1                                                         ? ptr0 + 6u
                                                                                                : ptr0 + 8u;
    cases.emplace_back(pg * kPageSize + body, false);
  }
  ASSERT_GE(live, 20);
  // The sanitizer suite (scripts/test --sanitize) sets DHAKIRA_TEST_STRIDE=4: every sanitized
  // command starts slowly, so it damages every fourth case (all kinds still occur: the kinds rotate
  // with the page number), and says so.
  const char* stride_env = std::getenv("DHAKIRA_TEST_STRIDE");
  const size_t stride = stride_env != nullptr ? std::max(1, std::atoi(stride_env)) : 1;
  if (stride > 1) {
    std::vector<std::pair<uint64_t, bool>> kept;
    for (size_t i = 0; i < cases.size(); i += stride) kept.push_back(cases[i]);
    std::printf("DHAKIRA_TEST_STRIDE=%zu: %zu of %zu damaged copies\n", stride, kept.size(), cases.size());
    cases = std::move(kept);
  }
  std::mutex mu;
  std::string failures;
  std::atomic<size_t> next{0};
  auto worker = [&](int w) {
    for (size_t i = next++; i < cases.size(); i = next++) {
      const std::string f = RunCase(scratch_ / ("case" + std::to_string(w)), cases[i].first, cases[i].second);
      std::lock_guard<std::mutex> lock(mu);
      failures += f;
    }
  };
  std::vector<std::thread> threads;
  for (int w = 0; w < 3; ++w) threads.emplace_back(worker, w);
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures, "") << cases.size() << " damaged copies";
}

// Issue #15: 8 bytes changed in meta page 1 (the page-size field) killed every command in
// mdb_env_open.
TEST_F(CorruptionTest, PageSizeFieldOfMetaPage1) {
  std::string data = o_.data;
  std::memset(data.data() + kPageSize + 40, 0x41, 8);
  std::ofstream(fs::path(db_) / "data.mdb", std::ios::binary) << data;
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"stats"},
                                             {"get", "1"},
                                             {"export", (dir_ / "x.tsv").string()},
                                             {"match", o_.match_query},
                                             {"check"},
                                             {"add", "--src-lang", "ar", "--tgt-lang", "en", "نص", "text"}}) {
    ProcessResult r = RunOn(db_, args);
    EXPECT_EQ(r.exit_code, 1) << args[0] << ": " << r.err;
    EXPECT_NE(r.err.find("meta page 1: page size 1094795585"), std::string::npos) << args[0] << ": " << r.err;
  }
}

// Issue #15: one byte changed in a B-tree page's first node pointer killed `export` in
// mdb_cursor_get. Every page in use, damaged so, makes export fail naming the page.
TEST_F(CorruptionTest, FirstNodePointerMakesExportFailNamingThePage) {
  const uint64_t pages = o_.data.size() / kPageSize;
  int tried = 0;
  for (uint64_t pg = 2; pg < pages; ++pg) {
    uint16_t flags;
    std::memcpy(&flags, o_.data.data() + pg * kPageSize + 10, 2);
    uint64_t header_pgno;
    std::memcpy(&header_pgno, o_.data.data() + pg * kPageSize, 8);
    // Branch and leaf pages in use (not free, not the inside of an overflow run).
    if (o_.free_pages.count(pg) != 0 || (flags & 0x03) == 0 || header_pgno != pg) continue;
    ++tried;
    const std::string tm = Damaged(scratch_ / ("p" + std::to_string(pg)), pg * kPageSize + 16);
    ProcessResult r = RunOn(tm, {"export", (dir_ / "x.tsv").string()});
    EXPECT_EQ(r.exit_code, 1) << "page " << pg << ": " << r.err;
    EXPECT_NE(r.err.find("page " + std::to_string(pg)), std::string::npos) << r.err;
  }
  EXPECT_GE(tried, 20);
}

}  // namespace
}  // namespace dhakira
