// Small helpers for io tests: files in a per-test temporary directory.
#ifndef DHAKIRA_TESTS_IO_TEST_FILES_H_
#define DHAKIRA_TESTS_IO_TEST_FILES_H_

#include <zlib.h>

#include <string>

#include "testing/files.h"

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

}  // namespace dhakira::testing_io

#endif  // DHAKIRA_TESTS_IO_TEST_FILES_H_
