// Spool files of streamed imports and exports (spool.h).
#include "spool.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace dhakira::service {

SpoolFile::~SpoolFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!path_.empty()) ::unlink(path_.c_str());
}

Status SpoolFile::Create(const std::string& dir, const char* stem, const std::string& suffix) {
  std::string name_template = dir + "/" + stem + "-XXXXXX" + suffix;
  fd_ = ::mkstemps(name_template.data(), static_cast<int>(suffix.size()));
  if (fd_ < 0) return Status::IOError("cannot create a spool file in " + dir + ": " + std::strerror(errno));
  path_ = name_template;
  return Status::OK();
}

Status SpoolFile::Write(const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t written = ::write(fd_, data.data() + done, data.size() - done);
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return Status::IOError("cannot write spool file " + path_ + ": " + std::strerror(errno));
    done += static_cast<size_t>(written);
  }
  return Status::OK();
}

Status SpoolFile::Close() {
  if (fd_ >= 0 && ::close(fd_) != 0) {
    fd_ = -1;
    return Status::IOError("cannot write spool file " + path_ + ": " + std::strerror(errno));
  }
  fd_ = -1;
  return Status::OK();
}

std::string SpoolDir(const ServerOptions& options) {
  if (!options.spool_dir.empty()) return options.spool_dir;
  const char* tmp = std::getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
}

std::string Rename(std::string message, const std::string& spool, const std::string& name) {
  for (size_t pos = message.find(spool); pos != std::string::npos; pos = message.find(spool, pos)) {
    message.replace(pos, spool.size(), name);
    pos += name.size();
  }
  return message;
}

}  // namespace dhakira::service
