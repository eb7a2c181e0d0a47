// CheckOutputPath, CheckInputPath and AtomicFileWriter: outputs never destroy an input, a TM, a
// device or a FIFO, and never leave half a file.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <string>

#include "dhakira/io.h"
#include "dhakira/store.h"
#include "dhakira/translation_memory.h"
#include "test_files.h"

namespace dhakira {
namespace {

using testing_io::ReadFile;
using testing_io::TempDir;

bool Refused(const StatusOr<std::string>& s, const std::string& words) {
  return !s.ok() && s.status().message().find(words) != std::string::npos;
}

TEST(CheckOutputPathTest, RegularAndNewFilesPass) {
  TempDir dir;
  auto fresh = CheckOutputPath(dir.Path("new.tmx"), {});
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_EQ(*fresh, dir.Path("new.tmx"));
  EXPECT_TRUE(CheckOutputPath(dir.Write("old.tmx", "x"), {}).ok());
}

TEST(CheckOutputPathTest, NonRegularFilesAreRefused) {
  TempDir dir;
  ASSERT_EQ(::mkfifo(dir.Path("fifo").c_str(), 0600), 0);
  // Returns at once: a FIFO is never opened to be checked.
  EXPECT_TRUE(Refused(CheckOutputPath(dir.Path("fifo"), {}), "FIFO"));
  EXPECT_TRUE(Refused(CheckOutputPath("/dev/full", {}), "character device"));
  EXPECT_TRUE(Refused(CheckOutputPath("/dev/null", {}), "character device"));
  EXPECT_TRUE(Refused(CheckOutputPath(dir.path(), {}), "directory"));
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string sock = dir.Path("s");
  ASSERT_LT(sock.size(), sizeof addr.sun_path);
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sock.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_TRUE(Refused(CheckOutputPath(sock, {}), "socket"));
  ::close(fd);
  EXPECT_TRUE(Refused(CheckOutputPath(dir.Path("missing/x.tmx"), {}), "does not exist"));
}

TEST(CheckOutputPathTest, SymlinksOnlyWhenAsked) {
  TempDir dir;
  const std::string target = dir.Write("target.tmx", "old");
  ASSERT_EQ(::symlink("target.tmx", dir.Path("link.tmx").c_str()), 0);
  EXPECT_TRUE(Refused(CheckOutputPath(dir.Path("link.tmx"), {}), "symlink"));
  OutputPathOptions follow;
  follow.follow_symlinks = true;
  auto resolved = CheckOutputPath(dir.Path("link.tmx"), follow);
  ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
  EXPECT_EQ(*resolved, dir.path() + "/target.tmx");
  // Followed onto a device: still refused.
  ASSERT_EQ(::symlink("/dev/full", dir.Path("full").c_str()), 0);
  EXPECT_TRUE(Refused(CheckOutputPath(dir.Path("full"), follow), "character device"));
}

TEST(CheckOutputPathTest, InputsAreRefusedUnderAnyName) {
  TempDir dir;
  const std::string input = dir.Write("in.tsv", "a\tb\n");
  ASSERT_EQ(::link(input.c_str(), dir.Path("hard.tsv").c_str()), 0);
  OutputPathOptions o;
  o.inputs = {input};
  EXPECT_TRUE(Refused(CheckOutputPath(input, o), "input file"));
  EXPECT_TRUE(Refused(CheckOutputPath(dir.Path("hard.tsv"), o), "input file"));
  EXPECT_TRUE(Refused(CheckOutputPath(dir.path() + "/./in.tsv", o), "input file"));
  EXPECT_TRUE(CheckOutputPath(dir.Path("other.tsv"), o).ok());
}

TEST(CheckOutputPathTest, TmDirectoriesAreRefused) {
  TempDir dir;
  {
    auto store = TranslationMemory::Open(dir.Path("tm"));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
  }
  OutputPathOptions o;
  o.tm_dir = dir.Path("tm");
  EXPECT_TRUE(Refused(CheckOutputPath(dir.Path("tm/data.mdb"), o), "TM directory"));
  EXPECT_TRUE(Refused(CheckOutputPath(dir.Path("tm/rejects.tsv"), o), "TM directory"));
  // Any directory holding a data.mdb, even when it is not the command's TM.
  EXPECT_TRUE(Refused(CheckOutputPath(dir.Path("tm/x.tsv"), {}), "holds a TM"));
  EXPECT_TRUE(CheckOutputPath(dir.Path("out.tsv"), o).ok());
}

TEST(CheckInputPathTest, DirectoriesAreRefused) {
  TempDir dir;
  EXPECT_NE(CheckInputPath(dir.path()).message().find("is a directory"), std::string::npos);
  EXPECT_TRUE(CheckInputPath(dir.Path("nope")).IsNotFound());
  EXPECT_TRUE(CheckInputPath(dir.Write("f", "x")).ok());
  EXPECT_TRUE(CheckInputPath("/proc/version").ok());
}

TEST(AtomicFileWriterTest, OldFileStaysUntilCommit) {
  TempDir dir;
  const std::string path = dir.Write("out.tsv", "old");
  {
    auto w = AtomicFileWriter::Create(path);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE((*w)->Write("new half").ok());
    EXPECT_EQ(ReadFile(path), "old");
  }  // destroyed without Commit: the temporary is gone, the old file untouched
  EXPECT_EQ(ReadFile(path), "old");
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) files += e.is_regular_file();
  EXPECT_EQ(files, 1);
  auto w = AtomicFileWriter::Create(path);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write("new").ok());
  ASSERT_TRUE((*w)->Commit().ok());
  EXPECT_EQ(ReadFile(path), "new");
}

}  // namespace
}  // namespace dhakira
