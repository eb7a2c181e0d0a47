#include "text/utf8.h"

#include <unicode/utf8.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

namespace dhakira::text_internal {

size_t FindInvalidUtf8(std::string_view s) {
  const char* data = s.data();
  const int32_t n = static_cast<int32_t>(s.size());
  int32_t i = 0;
  while (i < n) {
    // ASCII fast path: most of any text, and all of the markup around Arabic words.
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, data + i, 8);
      if (w & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= n) break;
    if (static_cast<unsigned char>(data[i]) < 0x80) {
      ++i;
      continue;
    }
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(data, i, n, c);  // ICU's definition of well-formed (Unicode 3.9 Table 3-7)
    if (c < 0) return static_cast<size_t>(start);
  }
  return std::string_view::npos;
}

Status CheckUtf8(std::string_view s, std::string_view what) {
  const size_t bad = FindInvalidUtf8(s);
  if (bad == std::string_view::npos) return Status::OK();
  char buf[96];
  std::snprintf(buf, sizeof buf, ": invalid UTF-8 at byte offset %zu (byte 0x%02X)", bad,
                static_cast<unsigned>(static_cast<unsigned char>(s[bad])));
  std::string msg(what);
  msg += buf;
  return Status::InvalidArgument(msg);
}

Status IcuStatus(UErrorCode code, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += u_errorName(code);
  if (code == U_MEMORY_ALLOCATION_ERROR) return Status::ResourceExhausted(msg);
  return Status::Internal(msg);
}

}  // namespace dhakira::text_internal
