// On-disk encodings of the LMDB store: unit values, keys, counters, the format record.
// docs/storage.md is the normative description; keep both in step (and bump a version on any
// change).
//
// Thread safety: free functions without shared state; safe from any thread.
#ifndef DHAKIRA_STORE_ENCODING_H_
#define DHAKIRA_STORE_ENCODING_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "dhakira/segment.h"
#include "dhakira/status.h"

namespace dhakira::store_internal {

// Format of the whole environment (schema of the named databases). Stored in meta/"format".
inline constexpr uint32_t kFormatVersion = 1;
// First 10 bytes of meta/"format".
inline constexpr std::string_view kFormatMagic = "DHAKIRA-TM";
// Version byte at the start of every `units` value.
inline constexpr uint8_t kUnitEncodingVersion = 1;

// ---- little helpers (exposed for tests and the fuzzy index) ----

// Appends `v` as a LEB128 varint (7 bits a byte, low group first, high bit = more follows).
void PutVarint64(std::string* out, uint64_t v);
void PutFixed32(std::string* out, uint32_t v);  // little-endian
void PutFixed64(std::string* out, uint64_t v);  // little-endian
// Varint length followed by the bytes.
void PutLengthPrefixed(std::string* out, std::string_view s);
uint32_t DecodeFixed32(const char* p);  // little-endian
uint64_t DecodeFixed64(const char* p);  // little-endian

// Bounds-checked reader over a byte range. Every getter returns false (and consumes nothing useful)
// when the input is too short or malformed; it never reads outside [data, data + size).
class ByteReader {
 public:
  ByteReader(const char* data, size_t size) : p_(data), end_(data + size) {}
  explicit ByteReader(std::string_view s) : ByteReader(s.data(), s.size()) {}

  bool GetU8(uint8_t* v);
  bool GetVarint64(uint64_t* v);  // at most 10 bytes; rejects overlong encodings beyond 64 bits
  bool GetVarint32(uint32_t* v);  // a varint whose value fits 32 bits
  bool GetFixed32(uint32_t* v);
  bool GetFixed64(uint64_t* v);
  bool GetLengthPrefixed(std::string_view* s);  // views into the input
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  bool empty() const { return p_ == end_; }

 private:
  const char* p_;
  const char* end_;
};

// ---- keys ----

// Unit ids are 8-byte big-endian keys so that LMDB's byte order is id order.
void EncodeIdKey(uint64_t id, char out[8]);
uint64_t DecodeIdKey(const char in[8]);

// The `dedup` key: MurmurHash64A chained over src_lang, tgt_lang, source, target (docs/storage.md).
// Stored on disk: never change it without a format version bump. Collisions are harmless (the texts
// are compared on a hit).
uint64_t DedupHash(std::string_view src_lang, std::string_view tgt_lang, std::string_view source,
                   std::string_view target);

// ---- unit values ----

// Encodes everything of `unit` except its id (the key) as a version-1 unit value, appended to
// `out`. Layout in docs/storage.md; ends with a CRC-32 (zlib) of all preceding bytes.
void EncodeUnit(const SegmentPair& unit, std::string* out);

// Decodes a unit value into `out` (reusing its buffers), setting out->id = id. Corruption naming
// the unit and the field when the value is truncated, garbled (CRC mismatch) or of an unknown
// encoding version. Never reads outside `value`.
Status DecodeUnit(std::string_view value, uint64_t id, SegmentPair* out);

// The identity fields of a unit, viewing into the value (valid while the value is).
struct UnitIdentity {
  std::string_view src_lang;
  std::string_view tgt_lang;
  std::string_view source;
  std::string_view target;
};
// Checks the CRC and decodes only the identity fields (cheap; used to verify dedup hits).
Status DecodeUnitIdentity(std::string_view value, uint64_t id, UnitIdentity* out);

// ---- counters and the format record ----

// A counter value: 8 bytes little-endian.
void EncodeCounter(uint64_t v, std::string* out);
// Corruption (naming `what`) unless `value` is exactly 8 bytes.
Status DecodeCounter(std::string_view value, std::string_view what, uint64_t* v);

// meta/"format": kFormatMagic, then u32 LE format version.
std::string EncodeFormatRecord(uint32_t version);
// Corruption when `value` is not a format record (not ours); otherwise sets *version (any value).
Status DecodeFormatRecord(std::string_view value, uint32_t* version);

}  // namespace dhakira::store_internal

#endif  // DHAKIRA_STORE_ENCODING_H_
