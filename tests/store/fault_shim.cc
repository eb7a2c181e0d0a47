// A test-only LD_PRELOAD library that makes the N-th "write-ish" call of a process fail, so tests
// can check what the store and the CLI do when the disk fills up or fails at any point of a write.
//
// Write-ish calls: write, pwrite(64), writev, pwritev(64) and ftruncate(64), fallocate(64),
// posix_fallocate(64) on a regular file (stdout, stderr, pipes and sockets are not counted, so
// error messages still get out), and every fsync, fdatasync and msync. These are what LMDB and the
// store call to put bytes on disk (checked with strace on `dhakira import`).
//
// Environment (read once, at the first call):
//   DHAKIRA_FAULT_AT=N          1-based index of the call that fails; absent or 0: none fails.
//   DHAKIRA_FAULT_ERRNO=NAME    ENOSPC (default) or EIO.
//   DHAKIRA_FAULT_STICKY=1      every call from the N-th on fails (a disk that stays full).
//   DHAKIRA_FAULT_COUNT_FILE=P  at exit, writes "<calls counted> <calls failed>\n" to P.
// A failing call does nothing and returns the error the way the real call does (-1 and errno, or
// the error number for posix_fallocate).
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

struct Config {
  long fail_at = 0;
  int error = ENOSPC;
  bool sticky = false;
  const char* count_file = nullptr;
};

const Config& Cfg() {
  static const Config config = [] {
    Config c;
    if (const char* at = std::getenv("DHAKIRA_FAULT_AT")) c.fail_at = std::strtol(at, nullptr, 10);
    if (const char* e = std::getenv("DHAKIRA_FAULT_ERRNO"); e != nullptr && std::strcmp(e, "EIO") == 0) c.error = EIO;
    if (const char* s = std::getenv("DHAKIRA_FAULT_STICKY")) c.sticky = std::strcmp(s, "1") == 0;
    c.count_file = std::getenv("DHAKIRA_FAULT_COUNT_FILE");
    return c;
  }();
  return config;
}

std::atomic<long> g_calls{0};
std::atomic<long> g_failed{0};

// Looks up the next definition of `name` (libc's, or a sanitizer's interceptor).
template <typename Fn>
Fn Real(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

// Counts one write-ish call; true when it must fail.
bool ShouldFail() {
  const Config& c = Cfg();
  const long n = ++g_calls;
  const bool fail = c.fail_at > 0 && (n == c.fail_at || (c.sticky && n > c.fail_at));
  if (fail) ++g_failed;
  return fail;
}

bool IsRegularFile(int fd) {
  struct stat st;
  return fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

bool FailOnFile(int fd) { return IsRegularFile(fd) && ShouldFail(); }

// Writes the counts with the real write (not counted).
__attribute__((destructor)) void WriteCounts() {
  const Config& c = Cfg();
  if (c.count_file == nullptr) return;
  const int fd = open(c.count_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  char line[64];
  const int n = std::snprintf(line, sizeof line, "%ld %ld\n", g_calls.load(), g_failed.load());
  static auto real_write = Real<ssize_t (*)(int, const void*, size_t)>("write");
  if (n > 0 && real_write != nullptr) (void)real_write(fd, line, static_cast<size_t>(n));
  close(fd);
}

}  // namespace

// The definitions below replace libc's for the whole process.
extern "C" {

ssize_t write(int fd, const void* buf, size_t n) {
  static auto real = Real<ssize_t (*)(int, const void*, size_t)>("write");
  if (FailOnFile(fd)) return errno = Cfg().error, -1;
  return real(fd, buf, n);
}

ssize_t pwrite(int fd, const void* buf, size_t n, off_t off) {
  static auto real = Real<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite");
  if (FailOnFile(fd)) return errno = Cfg().error, -1;
  return real(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void* buf, size_t n, off64_t off) {
  static auto real = Real<ssize_t (*)(int, const void*, size_t, off64_t)>("pwrite64");
  if (FailOnFile(fd)) return errno = Cfg().error, -1;
  return real(fd, buf, n, off);
}

ssize_t writev(int fd, const struct iovec* iov, int count) {
  static auto real = Real<ssize_t (*)(int, const struct iovec*, int)>("writev");
  if (FailOnFile(fd)) return errno = Cfg().error, -1;
  return real(fd, iov, count);
}

ssize_t pwritev(int fd, const struct iovec* iov, int count, off_t off) {
  static auto real = Real<ssize_t (*)(int, const struct iovec*, int, off_t)>("pwritev");
  if (FailOnFile(fd)) return errno = Cfg().error, -1;
  return real(fd, iov, count, off);
}

ssize_t pwritev64(int fd, const struct iovec* iov, int count, off64_t off) {
  static auto real = Real<ssize_t (*)(int, const struct iovec*, int, off64_t)>("pwritev64");
  if (FailOnFile(fd)) return errno = Cfg().error, -1;
  return real(fd, iov, count, off);
}

int ftruncate(int fd, off_t length) {
  static auto real = Real<int (*)(int, off_t)>("ftruncate");
  if (FailOnFile(fd)) return errno = Cfg().error, -1;
  return real(fd, length);
}

int ftruncate64(int fd, off64_t length) {
  static auto real = Real<int (*)(int, off64_t)>("ftruncate64");
  if (FailOnFile(fd)) return errno = Cfg().error, -1;
  return real(fd, length);
}

int fallocate(int fd, int mode, off_t off, off_t len) {
  static auto real = Real<int (*)(int, int, off_t, off_t)>("fallocate");
  if (FailOnFile(fd)) return errno = Cfg().error, -1;
  return real(fd, mode, off, len);
}

int fallocate64(int fd, int mode, off64_t off, off64_t len) {
  static auto real = Real<int (*)(int, int, off64_t, off64_t)>("fallocate64");
  if (FailOnFile(fd)) return errno = Cfg().error, -1;
  return real(fd, mode, off, len);
}

int posix_fallocate(int fd, off_t off, off_t len) {
  static auto real = Real<int (*)(int, off_t, off_t)>("posix_fallocate");
  if (FailOnFile(fd)) return Cfg().error;
  return real(fd, off, len);
}

int posix_fallocate64(int fd, off64_t off, off64_t len) {
  static auto real = Real<int (*)(int, off64_t, off64_t)>("posix_fallocate64");
  if (FailOnFile(fd)) return Cfg().error;
  return real(fd, off, len);
}

int fsync(int fd) {
  static auto real = Real<int (*)(int)>("fsync");
  if (ShouldFail()) return errno = Cfg().error, -1;
  return real(fd);
}

int fdatasync(int fd) {
  static auto real = Real<int (*)(int)>("fdatasync");
  if (ShouldFail()) return errno = Cfg().error, -1;
  return real(fd);
}

int msync(void* addr, size_t length, int flags) {
  static auto real = Real<int (*)(void*, size_t, int)>("msync");
  if (ShouldFail()) return errno = Cfg().error, -1;
  return real(addr, length, flags);
}

}  // extern "C"
