// Spool files: the io library reads and writes files (it sniffs encodings, gunzips, renames into
// place), so streamed imports and exports pass through a file in the server's spool directory.
// Private to dhakira_service.
#ifndef DHAKIRA_SERVICE_SPOOL_H_
#define DHAKIRA_SERVICE_SPOOL_H_

#include <string>

#include "dhakira/service.h"
#include "dhakira/status.h"

namespace dhakira::service {

// A file in the spool directory, removed when this goes out of scope. Not safe for concurrent use.
class SpoolFile {
 public:
  SpoolFile() = default;
  SpoolFile(const SpoolFile&) = delete;
  SpoolFile& operator=(const SpoolFile&) = delete;
  ~SpoolFile();

  // Creates DIR/STEM-XXXXXX+SUFFIX (owner-only). IOError naming `dir` when it cannot.
  Status Create(const std::string& dir, const char* stem, const std::string& suffix);
  // Appends `data`. IOError naming the file.
  Status Write(const std::string& data);
  // Closes the descriptor (the file stays until destruction). IOError naming the file.
  Status Close();
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

// ServerOptions::spool_dir, else $TMPDIR, else /tmp.
std::string SpoolDir(const ServerOptions& options);

// `message` with every occurrence of the spool file's path `spool` replaced by `name`: messages
// from the io library name the spool file; the client knows its file by its own name.
std::string Rename(std::string message, const std::string& spool, const std::string& name);

}  // namespace dhakira::service

#endif  // DHAKIRA_SERVICE_SPOOL_H_
