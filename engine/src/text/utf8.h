// UTF-8 helpers of the text pipeline (private).
#ifndef DHAKIRA_SRC_TEXT_UTF8_H_
#define DHAKIRA_SRC_TEXT_UTF8_H_

#include <unicode/utypes.h>

#include <cstddef>
#include <string_view>

#include "dhakira/status.h"

namespace dhakira::text_internal {

// Byte offset of the first ill-formed UTF-8 sequence in `s` (overlong forms, surrogates, code
// points above U+10FFFF and truncated sequences are ill-formed, as in ICU's U8_NEXT), or npos when
// `s` is well-formed. Complexity: linear; ASCII runs are skipped eight bytes at a time.
size_t FindInvalidUtf8(std::string_view s);

// OK, or InvalidArgument "<what>: invalid UTF-8 at byte offset N (byte 0xHH)".
Status CheckUtf8(std::string_view s, std::string_view what);

// The code point at s[*i] of well-formed UTF-8, advancing *i past it.
inline UChar32 NextCodePoint(std::string_view s, size_t* i) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t k = *i;
  UChar32 c = p[k++];
  if (c >= 0x80) {
    if (c < 0xE0) {
      c = ((c & 0x1F) << 6) | (p[k++] & 0x3F);
    } else if (c < 0xF0) {
      c = ((c & 0x0F) << 12) | ((p[k] & 0x3F) << 6) | (p[k + 1] & 0x3F);
      k += 2;
    } else {
      c = ((c & 0x07) << 18) | ((p[k] & 0x3F) << 12) | ((p[k + 1] & 0x3F) << 6) | (p[k + 2] & 0x3F);
      k += 3;
    }
  }
  *i = k;
  return c;
}

// Start of the code point that ends just before byte `i` of well-formed UTF-8 (i > 0).
inline size_t PrevCodePointStart(std::string_view s, size_t i) {
  do {
    --i;
  } while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80);
  return i;
}

// Appends the UTF-8 form of `c` to `out`.
template <typename String>
inline void AppendUtf8(UChar32 c, String* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

// Status for a failed ICU call: "<what>: <u_errorName>".
Status IcuStatus(UErrorCode code, std::string_view what);

}  // namespace dhakira::text_internal

#endif  // DHAKIRA_SRC_TEXT_UTF8_H_
