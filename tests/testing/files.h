// Reading files and text in tests. Include as "testing/files.h".
#ifndef DHAKIRA_TESTS_TESTING_FILES_H_
#define DHAKIRA_TESTS_TESTING_FILES_H_

#include <filesystem>
#include <string>
#include <vector>

namespace dhakira::test_support {

// A fresh directory made with mkdtemp under ::testing::TempDir() (normally /tmp/, and short: Unix
// socket paths inside it must stay under 108 bytes), removed with its content at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // The directory; empty when it could not be made (then ok() is false).
  const std::string& path() const { return path_; }
  bool ok() const { return !path_.empty(); }
  // path()/name.
  std::string Path(const std::string& name) const;
  // Writes `bytes` to path()/name and returns that path.
  std::string Write(const std::string& name, const std::string& bytes) const;

 private:
  std::string path_;
};

// The whole content of the file at `path`, bytes as they are (empty when it cannot be read).
std::string ReadFile(const std::filesystem::path& path);

// The lines of `text` without their '\n', empty ones included; no last empty line for a final '\n'.
std::vector<std::string> Lines(const std::string& text);

// The non-empty lines of `text`, without their '\n'.
std::vector<std::string> NonEmptyLines(const std::string& text);

}  // namespace dhakira::test_support

#endif  // DHAKIRA_TESTS_TESTING_FILES_H_
