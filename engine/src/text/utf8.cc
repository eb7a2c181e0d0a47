#include "text/utf8.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

namespace dhakira::text_internal {

size_t FindInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    // ASCII fast path: most of any text, and all of the markup around Arabic words.
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if (w & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= n) break;
    const unsigned char b = p[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    // 2-byte sequences (leads C2..DF: Arabic, Hebrew, Cyrillic, Greek, Latin diacritics) and 3-byte
    // sequences with leads E1..EC, EE, EF are well-formed whenever their continuation bytes are: no overlong
    // form, surrogate or out-of-range value starts with them. Only E0, ED and 4-byte leads need ICU's checks.
    if (b >= 0xC2 && b <= 0xDF) {
      if (i + 1 < n && (p[i + 1] & 0xC0) == 0x80) {
        i += 2;
        continue;
      }
      return i;
    }
    if (((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) && i + 2 < n && (p[i + 1] & 0xC0) == 0x80 &&
        (p[i + 2] & 0xC0) == 0x80) {
      i += 3;
      continue;
    }
    // ICU's definition of well-formed (Unicode 3.9 Table 3-7). U8_NEXT takes int32 offsets: give it a
    // window of at most 4 bytes, so texts longer than 2 GiB work too.
    const auto window = static_cast<int32_t>(std::min<size_t>(n - i, 4));
    int32_t j = 0;
    UChar32 c;
    U8_NEXT(p + i, j, window, c);
    if (c < 0) return i;
    i += static_cast<size_t>(j);
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
