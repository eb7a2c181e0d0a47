// Small non-cryptographic hashes shared by the engine's private code.
#ifndef DHAKIRA_UTIL_HASH_H_
#define DHAKIRA_UTIL_HASH_H_

#include <cstdint>
#include <string_view>

namespace dhakira::util {

// 64-bit FNV-1a (Fowler, Noll, Vo). Stable across runs and builds: values are stored in the TM (origin
// hashes, hashed vocabulary keys), so never change it.
inline uint64_t Fnv1a64(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace dhakira::util

#endif  // DHAKIRA_UTIL_HASH_H_
