// Keys and encodings of the fuzzy index's databases (the layout is in fuzzy_index.h and
// docs/match.md), shared by the files of engine/src/index. Private to the index.
#ifndef DHAKIRA_INDEX_INDEX_FORMAT_H_
#define DHAKIRA_INDEX_INDEX_FORMAT_H_

#include <lmdb.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "index/fuzzy_index.h"
#include "util/hash.h"

namespace dhakira::index {

inline constexpr uint8_t kSegRecordVersion = 2;
inline constexpr char kFormatKey[] = "format";
inline constexpr char kNextTokenKey[] = "next_token";
inline constexpr char kMaskKeyPrefix[] = "mask:";    // + primary language subtag
inline constexpr char kUnitsKeyPrefix[] = "units:";  // + primary language subtag

inline std::string MaskKey(std::string_view lang) {
  std::string k(kMaskKeyPrefix);
  k.append(lang);
  return k;
}

inline std::string UnitsKey(std::string_view lang) {
  std::string k(kUnitsKeyPrefix);
  k.append(lang);
  return k;
}

inline MDB_val Val(const void* p, size_t n) { return MDB_val{n, const_cast<void*>(p)}; }
inline MDB_val Val(std::string_view s) { return Val(s.data(), s.size()); }

inline void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

inline bool GetVarint(const char*& p, const char* end, uint64_t* v) {
  uint64_t r = 0;
  for (int shift = 0; shift <= 63 && p < end; shift += 7) {
    const uint8_t b = static_cast<uint8_t>(*p++);
    r |= uint64_t{b & 0x7Fu} << shift;
    if (!(b & 0x80)) {
      *v = r;
      return true;
    }
  }
  return false;
}

inline void VocabKeyInto(std::string_view lang, std::string_view key, std::string* out) {
  std::string& k = *out;
  k.clear();
  k.append(lang);
  k.push_back('\0');
  if (key.size() <= kMaxVocabKeyBytes) {
    k.append(key);
  } else {
    // Over-long token (LMDB keys are <= 511 bytes): keyed by its hash, marked by a 0x02 byte that
    // no match key starts with.
    k.push_back('\x02');
    const uint64_t h = util::Fnv1a64(key);
    k.append(reinterpret_cast<const char*>(&h), sizeof h);
  }
}

inline std::string VocabKey(std::string_view lang, std::string_view key) {
  std::string k;
  VocabKeyInto(lang, key, &k);
  return k;
}

}  // namespace dhakira::index

#endif  // DHAKIRA_INDEX_INDEX_FORMAT_H_
