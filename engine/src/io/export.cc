// Export: one Store snapshot → TMX 1.4b or TSV, written to a temporary file and renamed when complete.
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <set>

#include "dhakira/io.h"
#include "dhakira/text.h"
#include "io/tmx_writer.h"

#ifndef DHAKIRA_VERSION
#define DHAKIRA_VERSION "0"
#endif

namespace dhakira {
namespace {

bool EndsWithGz(std::string_view s) { return s.size() >= 3 && s.substr(s.size() - 3) == ".gz"; }

// A file written under a temporary name, plain or gzip; Commit() makes it durable and renames it.
class OutputFile {
 public:
  ~OutputFile() {
    if (gz_ != nullptr) gzclose_w(gz_);
    if (fd_ >= 0) ::close(fd_);
    if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
  }

  Status Open(const std::string& path, bool gzip, int level) {
    path_ = path;
    temp_ = path + ".tmp-" + std::to_string(::getpid());
    fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      const int e = errno;
      temp_.clear();
      return Status::IOError("cannot create '" + path + "' (as " + path + ".tmp-*): " + std::strerror(e));
    }
    if (gzip) {
      const std::string mode = "wb" + std::to_string(level);
      gz_ = gzdopen(::dup(fd_), mode.c_str());
      if (gz_ == nullptr) return Status::IOError("cannot start gzip output for '" + path + "'");
    }
    return Status::OK();
  }

  Status Write(std::string* buffer) {
    bytes_ += buffer->size();
    if (gz_ != nullptr) {
      if (!buffer->empty() &&
          gzwrite(gz_, buffer->data(), static_cast<unsigned>(buffer->size())) == 0) {
        int errnum = 0;
        return Status::IOError("writing '" + path_ + "': " + gzerror(gz_, &errnum) + " (zlib)");
      }
    } else {
      const char* p = buffer->data();
      size_t left = buffer->size();
      while (left > 0) {
        ssize_t n = ::write(fd_, p, left);
        if (n < 0) {
          if (errno == EINTR) continue;
          return Status::IOError("writing '" + path_ + "': " + std::strerror(errno));
        }
        p += n;
        left -= static_cast<size_t>(n);
      }
    }
    buffer->clear();
    return Status::OK();
  }

  Status Commit() {
    if (gz_ != nullptr) {
      const int rc = gzclose_w(gz_);
      gz_ = nullptr;
      if (rc != Z_OK) return Status::IOError("finishing the gzip stream of '" + path_ + "'");
    }
    if (::fsync(fd_) != 0) return Status::IOError("syncing '" + path_ + "': " + std::strerror(errno));
    ::close(fd_);
    fd_ = -1;
    if (::rename(temp_.c_str(), path_.c_str()) != 0) {
      return Status::IOError("renaming '" + temp_ + "' to '" + path_ + "': " + std::strerror(errno));
    }
    committed_ = true;
    return Status::OK();
  }

  uint64_t bytes() const { return bytes_; }

 private:
  std::string path_, temp_;
  int fd_ = -1;
  gzFile gz_ = nullptr;
  bool committed_ = false;
  uint64_t bytes_ = 0;
};

}  // namespace

Status ExportOptions::Validate() const {
  if (format == FileFormat::kParallel) {
    return Status::InvalidArgument("ExportOptions.format: export writes tmx or tsv, not parallel files");
  }
  if (gzip_level < 1 || gzip_level > 9) {
    return Status::InvalidArgument("ExportOptions.gzip_level: " + std::to_string(gzip_level) +
                                   " is outside 1 .. 9");
  }
  return Status::OK();
}

StatusOr<ExportSummary> Export(const Store& store, const std::string& path, const ExportOptions& options_in) {
  const auto start = std::chrono::steady_clock::now();
  ExportOptions options = options_in;
  DHAKIRA_RETURN_IF_ERROR(options.Validate());
  if (options.format == FileFormat::kAuto) {
    DHAKIRA_ASSIGN_OR_RETURN(options.format, FormatFromFileName(path));
  }
  if (options.format == FileFormat::kParallel) return options.Validate();
  for (std::string* lang : {&options.src_lang, &options.tgt_lang}) {
    if (lang->empty()) continue;
    DHAKIRA_ASSIGN_OR_RETURN(*lang, CanonicalLanguage(*lang));
  }

  DHAKIRA_ASSIGN_OR_RETURN(auto snapshot, store.NewSnapshot());
  // The header's srclang: the one source language of what is exported, else "*all*".
  std::string srclang = options.src_lang;
  if (srclang.empty()) {
    DHAKIRA_ASSIGN_OR_RETURN(StoreStats stats, snapshot->Stats());
    std::set<std::string> sources;
    for (const auto& [key, count] : stats.language_pairs) {
      if (count == 0) continue;
      const size_t sep = key.find('>');
      sources.insert(key.substr(0, sep));
    }
    srclang = sources.size() == 1 ? *sources.begin() : "*all*";
  }

  OutputFile out;
  DHAKIRA_RETURN_IF_ERROR(out.Open(path, EndsWithGz(path), options.gzip_level));
  ExportSummary summary;
  std::string buffer;
  buffer.reserve(1 << 20);
  const bool tmx = options.format == FileFormat::kTmx;
  if (tmx) {
    io::AppendTmxHeader(srclang, DHAKIRA_VERSION, &buffer);
  } else {
    io::AppendTsvHeader(&buffer);
  }
  Status write_status;
  Status scan = snapshot->ForEach([&](const SegmentPair& pair) {
    if (!options.src_lang.empty() && pair.src_lang != options.src_lang) return true;
    if (!options.tgt_lang.empty() && pair.tgt_lang != options.tgt_lang) return true;
    if (!options.origin.empty() && pair.origin != options.origin) return true;
    if (tmx) {
      io::AppendTmxUnit(pair, &buffer, &summary.characters_replaced);
    } else {
      io::AppendTsvLine(pair, options.tsv_escape, &buffer, &summary.characters_replaced);
    }
    ++summary.pairs_written;
    if (buffer.size() >= (1 << 20)) {
      write_status = out.Write(&buffer);
      if (!write_status.ok()) return false;
    }
    return true;
  });
  DHAKIRA_RETURN_IF_ERROR(write_status);
  DHAKIRA_RETURN_IF_ERROR(scan.WithContext("reading the TM for export"));
  if (tmx) io::AppendTmxFooter(&buffer);
  DHAKIRA_RETURN_IF_ERROR(out.Write(&buffer));
  DHAKIRA_RETURN_IF_ERROR(out.Commit());
  summary.bytes_written = out.bytes();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace dhakira
