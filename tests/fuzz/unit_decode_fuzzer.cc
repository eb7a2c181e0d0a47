// Fuzzes the store's unit value decoder (engine/src/store/encoding.*), which reads bytes from the
// LMDB file: a damaged or foreign TM must give Corruption, never a crash or a huge allocation. Most
// random values die at the CRC check, so the first input byte chooses between the value as is and
// the value with a correct version byte and CRC (the decoder's field parsing is then reached). A
// value that decodes must re-encode to a value that decodes to the same unit.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "dhakira/segment.h"
#include "fuzz_util.h"
#include "store/encoding.h"

namespace {

using dhakira::SegmentPair;
using dhakira::fuzz::Check;
using dhakira::fuzz::CheckStatus;
namespace si = dhakira::store_internal;

bool SameTokens(const SegmentPair& a, const SegmentPair& b) {
  if (a.source_tokens.size() != b.source_tokens.size()) return false;
  for (size_t i = 0; i < a.source_tokens.size(); ++i) {
    const auto& x = a.source_tokens[i];
    const auto& y = b.source_tokens[i];
    // Numbers compared bitwise: a NaN read from the file must survive the round trip too.
    if (x.type != y.type || x.key != y.key || x.begin != y.begin || x.end != y.end ||
        std::memcmp(&x.value, &y.value, sizeof x.value) != 0) {
      return false;
    }
  }
  return true;
}

bool SameCodes(const std::vector<dhakira::InlineCode>& a, const std::vector<dhakira::InlineCode>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].element != b[i].element || a[i].native != b[i].native) return false;
  }
  return true;
}

bool SameUnit(const SegmentPair& a, const SegmentPair& b) {
  return a.id == b.id && a.src_lang == b.src_lang && a.tgt_lang == b.tgt_lang && a.source == b.source &&
         a.target == b.target && SameCodes(a.source_codes, b.source_codes) &&
         SameCodes(a.target_codes, b.target_codes) && a.origin == b.origin && a.doc_id == b.doc_id &&
         a.doc_position == b.doc_position && a.prev_hash == b.prev_hash && a.next_hash == b.next_hash &&
         a.created_at == b.created_at && a.changed_at == b.changed_at && a.created_by == b.created_by &&
         a.changed_by == b.changed_by && a.note == b.note && a.properties == b.properties && SameTokens(a, b);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  dhakira::fuzz::Input in(data, size);
  const bool fix_frame = (in.Byte() & 1) != 0;
  std::string value;
  if (fix_frame) {
    value.push_back(static_cast<char>(si::kUnitEncodingVersion));
    value.append(in.Rest());
    const uLong crc =
        crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(value.data()), static_cast<uInt>(value.size()));
    si::PutFixed32(&value, static_cast<uint32_t>(crc));
  } else {
    value.assign(in.Rest());
  }

  si::UnitIdentity identity;
  const dhakira::Status identity_status = si::DecodeUnitIdentity(value, 7, &identity);
  SegmentPair unit;
  const dhakira::Status status = si::DecodeUnit(value, 7, &unit);
  if (!status.ok()) {
    CheckStatus(status, status.IsCorruption(), "DecodeUnit failed with another code than Corruption");
    return 0;
  }
  // The identity decoder reads a prefix of what the full decoder read.
  Check(identity_status.ok(), "DecodeUnit succeeds where DecodeUnitIdentity fails");
  Check(identity.source == unit.source && identity.target == unit.target && identity.src_lang == unit.src_lang &&
            identity.tgt_lang == unit.tgt_lang,
        "DecodeUnitIdentity disagrees with DecodeUnit");
  for (const auto& t : unit.source_tokens) {
    Check(t.begin <= t.end && t.end <= unit.source.size(), "decoded token span outside the source");
  }

  std::string again;
  si::EncodeUnit(unit, &again);
  SegmentPair round;
  const dhakira::Status round_status = si::DecodeUnit(again, 7, &round);
  Check(round_status.ok(), "a decoded unit does not decode after re-encoding");
  Check(SameUnit(unit, round), "a decoded unit changes through EncodeUnit/DecodeUnit");
  return 0;
}
