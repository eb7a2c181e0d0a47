// Small helpers for io tests: files in a per-test temporary directory.
#ifndef DHAKIRA_TESTS_IO_TEST_FILES_H_
#define DHAKIRA_TESTS_IO_TEST_FILES_H_

#include <zlib.h>

#include <filesystem>
#include <string>

#include "testing/files.h"
#include "testing/shared_data.h"

namespace dhakira::testing_io {

// A fresh directory for the running test, removed at destruction; also writes gzip files.
class TempDir : public test_support::TempDir {
 public:
  std::string WriteGz(const std::string& name, const std::string& bytes) const {
    const std::string p = Path(name);
    gzFile gz = gzopen(p.c_str(), "wb");
    gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(gz);
    return p;
  }
};

using test_support::ReadFile;

// UTF-8 → UTF-16 code units with a BOM, little or big endian (test inputs are BMP only).
inline std::string Utf16WithBom(const std::u16string& text, bool little_endian) {
  std::string out = little_endian ? std::string("\xFF\xFE", 2) : std::string("\xFE\xFF", 2);
  for (char16_t c : text) {
    const char lo = static_cast<char>(c & 0xFF), hi = static_cast<char>(c >> 8);
    out += little_endian ? lo : hi;
    out += little_endian ? hi : lo;
  }
  return out;
}

// A TMX conformance file named as under ../shared/tmx ("okapi-tmx/html_test.tmx"): the committed copy in
// tests/testdata/tmx when there is one (tests/testdata/tmx/README.md), so that a fresh clone runs it; else
// the file in ../shared/tmx. Empty when it is not committed and ../shared is absent: the caller skips.
inline std::string ConformanceTmx(const std::string& relative) {
  const std::string committed = std::string(DHAKIRA_TESTDATA_DIR) + "/tmx/" + relative;
  if (std::filesystem::exists(committed)) return committed;
  if (!test_support::SharedDirMissing().empty()) return "";
  return test_support::SharedPath("tmx/" + relative);
}

// Skips the running test when ConformanceTmx(relative) is empty; else sets *path to it.
#define DHAKIRA_CONFORMANCE_TMX_OR_SKIP(relative, path)                            \
  do {                                                                             \
    *(path) = ::dhakira::testing_io::ConformanceTmx(relative);                     \
    if ((path)->empty()) {                                                         \
      GTEST_SKIP() << "not in the committed TMX subset (tests/testdata/tmx), and " \
                   << ::dhakira::test_support::SharedDirMissing();                 \
    }                                                                              \
  } while (false)

}  // namespace dhakira::testing_io

#endif  // DHAKIRA_TESTS_IO_TEST_FILES_H_
