// Output and input path checks, and the write-to-temporary-then-rename file every command output
// uses.
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "dhakira/io.h"

namespace dhakira {
namespace {

std::string Quoted(const std::string& path) { return "'" + path + "'"; }

std::string DirName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

const char* KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// The path a symlink finally points to (relative targets resolved against the link's directory);
// the last link's target may not exist yet. InvalidArgument for a loop.
StatusOr<std::string> ResolveSymlinks(const std::string& path) {
  std::string current = path;
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st;
    if (::lstat(current.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return current;
    char buf[PATH_MAX];
    const ssize_t n = ::readlink(current.c_str(), buf, sizeof buf - 1);
    if (n < 0) return Status::IOError("cannot read the symlink " + Quoted(current) + ": " + std::strerror(errno));
    std::string target(buf, static_cast<size_t>(n));
    current = target.front() == '/' ? target : DirName(current) + "/" + target;
  }
  return Status::InvalidArgument("cannot write " + Quoted(path) + ": too many levels of symlinks");
}

// The canonical form of a directory that exists; "" when it cannot be resolved.
std::string RealDir(const std::string& dir) {
  char buf[PATH_MAX];
  return ::realpath(dir.c_str(), buf) != nullptr ? std::string(buf) : std::string();
}

}  // namespace

StatusOr<std::string> CheckOutputPath(const std::string& path, const OutputPathOptions& options) {
  if (path.empty()) return Status::InvalidArgument("the output path is empty");
  // lstat/stat only: opening a FIFO to look at it would block until a reader comes.
  std::string target = path;
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    if (!options.follow_symlinks) {
      return Status::InvalidArgument("will not write " + Quoted(path) +
                                     ": it is a symlink; give --follow-symlinks to write the file it points "
                                     "to, or another name");
    }
    DHAKIRA_ASSIGN_OR_RETURN(target, ResolveSymlinks(path));
  }
  const bool exists = ::lstat(target.c_str(), &st) == 0;
  if (exists && !S_ISREG(st.st_mode)) {
    return Status::InvalidArgument("will not write " + Quoted(path) + ": it is " + KindOf(st.st_mode) +
                                   ", not a regular file (the output is written as a new file and renamed "
                                   "over it)");
  }
  if (exists) {
    for (const std::string& input : options.inputs) {
      struct stat in;
      if (input.empty() || ::stat(input.c_str(), &in) != 0) continue;
      if (in.st_dev == st.st_dev && in.st_ino == st.st_ino) {
        return Status::InvalidArgument("will not write " + Quoted(path) + ": it is the input file " + Quoted(input) +
                                       " (writing it would destroy what is being read)");
      }
    }
  }
  const std::string dir = DirName(target);
  const std::string real_dir = RealDir(dir);
  if (real_dir.empty()) {
    return Status::NotFound("cannot write " + Quoted(path) + ": the directory " + Quoted(dir) +
                            " does not exist or cannot be searched");
  }
  if (!options.tm_dir.empty() && RealDir(options.tm_dir) == real_dir) {
    return Status::InvalidArgument("will not write " + Quoted(path) + ": it is inside the TM directory " +
                                   Quoted(options.tm_dir) + ", whose files belong to the TM");
  }
  struct stat mdb;
  if (::stat((real_dir + "/data.mdb").c_str(), &mdb) == 0) {
    return Status::InvalidArgument("will not write " + Quoted(path) + ": its directory " + Quoted(dir) +
                                   " holds a TM (data.mdb), whose files belong to the TM");
  }
  return target;
}

Status CheckInputPath(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    const int e = errno;
    if (e == ENOENT) return Status::NotFound("cannot read " + Quoted(path) + ": no such file");
    return Status::IOError("cannot read " + Quoted(path) + ": " + std::strerror(e));
  }
  if (S_ISDIR(st.st_mode)) {
    return Status::InvalidArgument("cannot read " + Quoted(path) + ": it is a directory, not a file");
  }
  if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode)) {
    return Status::InvalidArgument("cannot read " + Quoted(path) + ": it is " + KindOf(st.st_mode) + ", not a file");
  }
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------------------
StatusOr<std::unique_ptr<AtomicFileWriter>> AtomicFileWriter::Create(const std::string& path, int gzip_level) {
  static std::atomic<unsigned> serial{0};
  std::unique_ptr<AtomicFileWriter> w(new AtomicFileWriter());
  w->path_ = path;
  w->temp_ = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(serial++);
  // O_EXCL: never write through something already at the temporary name (a planted symlink).
  w->fd_ = ::open(w->temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (w->fd_ < 0) {
    const int e = errno;
    w->temp_.clear();
    return Status::IOError("cannot create " + Quoted(path) + " (as " + path + ".tmp-*): " + std::strerror(e));
  }
  if (gzip_level > 0) {
    const std::string mode = "wb" + std::to_string(gzip_level);
    w->gz_ = gzdopen(::dup(w->fd_), mode.c_str());
    if (w->gz_ == nullptr) return Status::IOError("cannot start gzip output for " + Quoted(path));
  }
  return w;
}

AtomicFileWriter::~AtomicFileWriter() {
  if (gz_ != nullptr) gzclose_w(static_cast<gzFile>(gz_));
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

Status AtomicFileWriter::Write(std::string_view data) {
  if (fd_ < 0) return Status::FailedPrecondition("writing " + Quoted(path_) + " after it was finished");
  bytes_ += data.size();
  if (gz_ != nullptr) {
    if (!data.empty() && gzwrite(static_cast<gzFile>(gz_), data.data(), static_cast<unsigned>(data.size())) == 0) {
      int errnum = 0;
      return Status::IOError("writing " + Quoted(path_) + ": " + gzerror(static_cast<gzFile>(gz_), &errnum) +
                             " (zlib)");
    }
    return Status::OK();
  }
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("writing " + Quoted(path_) + ": " + std::strerror(errno));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return Status::OK();
}

Status AtomicFileWriter::Commit() {
  if (fd_ < 0) return Status::FailedPrecondition("committing " + Quoted(path_) + " twice");
  if (gz_ != nullptr) {
    const int rc = gzclose_w(static_cast<gzFile>(gz_));
    gz_ = nullptr;
    if (rc != Z_OK) return Status::IOError("finishing the gzip stream of " + Quoted(path_));
  }
  // fsync before rename: after a crash the name holds the old file or the whole new one.
  if (::fsync(fd_) != 0) return Status::IOError("syncing " + Quoted(path_) + ": " + std::strerror(errno));
  ::close(fd_);
  fd_ = -1;
  if (::rename(temp_.c_str(), path_.c_str()) != 0) {
    return Status::IOError("renaming '" + temp_ + "' to " + Quoted(path_) + ": " + std::strerror(errno));
  }
  committed_ = true;
  return Status::OK();
}

}  // namespace dhakira
