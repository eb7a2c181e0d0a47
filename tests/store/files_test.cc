// The TM's files as the CLI leaves them: data.mdb grows with the data, not with the number of
// opens; a bloated file from older builds still opens; an empty data.mdb and another program's LMDB
// environment are refused with a clear error and left exactly as they were.
#include "testing/files.h"

#include <gtest/gtest.h>
#include <lmdb.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "testing/cli_runner.h"

namespace dhakira {
namespace {

namespace fs = std::filesystem;
using test_support::CliTest;
using test_support::ProcessResult;
using test_support::PyOnJson;
using test_support::ReadFile;

const std::string kSample = DHAKIRA_SOURCE_DIR "/data/sample-pairs.tsv";

uint64_t FileSize(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

class TmFilesTest : public CliTest {
 protected:
  ProcessResult ImportSample() {
    return Dhakira({"import", kSample, "--src-lang", "ar", "--tgt-lang", "en", "--quiet"});
  }
  std::string DataFile() const { return db_ + "/data.mdb"; }
};

// Each import used to open the map at twice the file, and under the write map LMDB extends the file
// to the map: 64 MiB, 128 MiB, ... 8 TiB after 18 imports, then "File too large".
TEST_F(TmFilesTest, RepeatedImportsDoNotGrowTheFile) {
  ProcessResult first = ImportSample();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const uint64_t size = FileSize(DataFile());
  ASSERT_GT(size, 0u);
  for (int i = 2; i <= 20; ++i) {
    ProcessResult r = ImportSample();
    ASSERT_EQ(r.exit_code, 0) << "import " << i << ": " << r.err;
    ASSERT_EQ(FileSize(DataFile()), size) << "after import " << i;
  }
  EXPECT_LE(size, 128u << 20);

  ProcessResult stats = Dhakira({"stats", "--json"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  const std::string figures =
      PyOnJson(stats.out, "0 < doc['used_bytes'] <= doc['file_bytes'] == " + std::to_string(size) +
                              " and doc['allocated_bytes'] >= doc['used_bytes']");
  EXPECT_EQ(figures, "True") << stats.out;
  ProcessResult text = Dhakira({"stats"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find(" used, "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(" allocated (file 64.0 MiB)"), std::string::npos) << text.out;
}

// A TM that an older build bloated (a sparse 8 TiB data.mdb holding a few pages) opens, and the
// next import brings the file back to the size its data needs.
TEST_F(TmFilesTest, ABloatedDataFileOpensAndShrinks) {
  ASSERT_EQ(ImportSample().exit_code, 0);
  std::error_code ec;
  fs::resize_file(DataFile(), 8ull << 40, ec);
  if (ec) GTEST_SKIP() << "this file system cannot hold a sparse 8 TiB file: " << ec.message();
  ProcessResult stats = Dhakira({"stats", "--json"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_EQ(PyOnJson(stats.out, "doc['segments']"), "15");
  ProcessResult add = Dhakira({"add", "--src-lang", "ar", "--tgt-lang", "en", "مرحبا", "hello"});
  EXPECT_EQ(add.exit_code, 0) << add.err;
  ProcessResult again = ImportSample();
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_LE(FileSize(DataFile()), 128u << 20);
  EXPECT_EQ(PyOnJson(Dhakira({"stats", "--json"}).out, "doc['segments']"), "16");
}

// A write-map open cuts a file larger than its map back to it only when no other process has the TM
// open: another writer's map may reach beyond ours, and cutting the file under it would make its
// stores fault (SIGBUS).
TEST_F(TmFilesTest, ABloatedFileIsNotCutWhileAnotherProcessHasTheTmOpen) {
  ASSERT_EQ(ImportSample().exit_code, 0);
  std::error_code ec;
  fs::resize_file(DataFile(), 1ull << 30, ec);  // sparse
  ASSERT_FALSE(ec) << ec.message();
  int ready[2], release[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(release), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Holds the environment open (LMDB's shared lock on lock.mdb) until the parent closes
    // `release`.
    close(ready[0]);
    close(release[1]);
    MDB_env* env = nullptr;
    int rc = mdb_env_create(&env);
    if (rc == 0) rc = mdb_env_set_maxdbs(env, 32);
    if (rc == 0) rc = mdb_env_open(env, db_.c_str(), MDB_RDONLY, 0644);
    const char state = rc == 0 ? 'y' : 'n';
    if (write(ready[1], &state, 1) != 1) _exit(2);
    char c;
    while (read(release[0], &c, 1) > 0) {
    }
    _exit(rc == 0 ? 0 : 1);
  }
  close(ready[1]);
  close(release[0]);
  char state = 0;
  ASSERT_EQ(read(ready[0], &state, 1), 1);
  EXPECT_EQ(state, 'y');
  ProcessResult while_open = ImportSample();
  EXPECT_EQ(while_open.exit_code, 0) << while_open.err;
  EXPECT_EQ(FileSize(DataFile()), 1ull << 30) << "cut while another process had it open";
  close(release[1]);
  close(ready[0]);
  int wstatus = 0;
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
  ProcessResult alone = ImportSample();
  EXPECT_EQ(alone.exit_code, 0) << alone.err;
  EXPECT_LE(FileSize(DataFile()), 128u << 20) << "not cut when alone";
}

// What a refused command must leave: the same bytes and modification times.
struct Fingerprint {
  bool exists = false;
  std::string bytes;
  int64_t mtime_ns = 0;
  bool operator==(const Fingerprint& o) const {
    return exists == o.exists && bytes == o.bytes && mtime_ns == o.mtime_ns;
  }
};

Fingerprint Take(const std::string& path) {
  Fingerprint f;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return f;
  f.exists = true;
  f.bytes = ReadFile(path);
  f.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return f;
}

// Every command that opens the TM, read-only and writing.
std::vector<std::vector<std::string>> TmCommands(const std::string& out) {
  return {{"stats"},
          {"stats", "--json"},
          {"get", "1"},
          {"delete", "1"},
          {"add", "--src-lang", "ar", "--tgt-lang", "en", "مرحبا", "hello"},
          {"import", kSample, "--src-lang", "ar", "--tgt-lang", "en", "--quiet"},
          {"export", out, "--format", "tsv"}};
}

TEST_F(TmFilesTest, AnEmptyDataFileIsNotATm) {
  fs::create_directories(db_);
  { std::ofstream touch(DataFile()); }
  for (const auto& args : TmCommands((dir_ / "out.tsv").string())) {
    SCOPED_TRACE(args[0]);
    ProcessResult r = Dhakira(args);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find(DataFile() + " is empty (0 bytes"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("remove data.mdb and lock.mdb"), std::string::npos) << r.err;
    EXPECT_EQ(FileSize(DataFile()), 0u);
    EXPECT_FALSE(fs::exists(db_ + "/lock.mdb"));
  }
}

// Writes an LMDB environment of another program: two records in its main database.
void MakeForeignEnvironment(const std::string& dir) {
  fs::create_directories(dir);
  MDB_env* env = nullptr;
  ASSERT_EQ(mdb_env_create(&env), MDB_SUCCESS);
  ASSERT_EQ(mdb_env_open(env, dir.c_str(), 0, 0644), MDB_SUCCESS);
  MDB_txn* txn = nullptr;
  ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), MDB_SUCCESS);
  MDB_dbi dbi;
  ASSERT_EQ(mdb_dbi_open(txn, nullptr, 0, &dbi), MDB_SUCCESS);
  for (const char* key : {"alpha", "beta"}) {
    MDB_val k{std::strlen(key), const_cast<char*>(key)};
    MDB_val v{5, const_cast<char*>("value")};
    ASSERT_EQ(mdb_put(txn, dbi, &k, &v, 0), MDB_SUCCESS);
  }
  ASSERT_EQ(mdb_txn_commit(txn), MDB_SUCCESS);
  mdb_env_close(env);
}

TEST_F(TmFilesTest, AnotherProgramsLmdbIsRefusedAndLeftUntouched) {
  MakeForeignEnvironment(db_);
  const std::string lock_file = db_ + "/lock.mdb";
  for (bool with_lock : {true, false}) {
    if (!with_lock) fs::remove(lock_file);  // a copy of the data file alone
    const Fingerprint data = Take(DataFile()), lock = Take(lock_file);
    ASSERT_TRUE(data.exists);
    for (const auto& args : TmCommands((dir_ / "out.tsv").string())) {
      SCOPED_TRACE(args[0] + (with_lock ? " with lock.mdb" : " without lock.mdb"));
      ProcessResult r = Dhakira(args);
      EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
      EXPECT_NE(r.err.find("not a dhakira TM"), std::string::npos) << r.err;
      EXPECT_TRUE(Take(DataFile()) == data) << "data.mdb changed";
      EXPECT_TRUE(Take(lock_file) == lock) << "lock.mdb changed";
    }
  }
}

}  // namespace
}  // namespace dhakira
