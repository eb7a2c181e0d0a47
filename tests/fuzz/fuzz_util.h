// Helpers shared by the libFuzzer targets in tests/fuzz: a private scratch directory per fuzzing
// process, the fuzz input written to a file there (the readers under test take paths), and a
// one-byte "options" prefix consumer. Not thread-safe: libFuzzer runs one input at a time per
// process.
#ifndef DHAKIRA_TESTS_FUZZ_FUZZ_UTIL_H_
#define DHAKIRA_TESTS_FUZZ_FUZZ_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "dhakira/status.h"
#include "dhakira/store.h"
#include "dhakira/translation_memory.h"

namespace dhakira::fuzz {

// A fresh directory under $TMPDIR (or /tmp), made once per process and removed when it exits.
const std::string& ScratchDir();

// Writes `bytes` to ScratchDir()/name (replacing it) and returns the path. Aborts if the write
// fails: a fuzz run on a full disk must stop, not report findings that are not ours.
std::string WriteScratchFile(std::string_view name, std::string_view bytes);

// Writes `bytes` gzip-compressed to ScratchDir()/name and returns the path (aborts on failure).
std::string WriteScratchGzip(std::string_view name, std::string_view bytes);

// A TM in the scratch directory (sync off), replaced by a fresh one after `inputs_per_store` calls
// so that it stays small and every input costs about the same. Aborts when it cannot be opened.
Store& ScratchStore(int inputs_per_store);

// Reads the input front to back: one selector byte at a time, then the rest.
class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(reinterpret_cast<const char*>(data)), size_(size) {}
  // The next byte (0 once the input is used up).
  uint8_t Byte() {
    if (pos_ >= size_) return 0;
    return static_cast<uint8_t>(data_[pos_++]);
  }
  // Everything not consumed yet.
  std::string_view Rest() const { return std::string_view(data_ + pos_, size_ - pos_); }

 private:
  const char* data_;
  size_t size_;
  size_t pos_ = 0;
};

// The invariant checks of the targets: on failure print `what` and abort (a libFuzzer crash).
void Check(bool condition, const char* what);
// Like Check, and prints `status` too (a failure of an unexpected kind).
void CheckStatus(const Status& status, bool condition, const char* what);
// A Status that must be OK (setup steps such as opening the scratch TM).
void CheckOk(const Status& status, const char* what);

}  // namespace dhakira::fuzz

#endif  // DHAKIRA_TESTS_FUZZ_FUZZ_UTIL_H_
