// Validation and completion of units before they are written: canonical languages, UTF-8 checks,
// NFC, source match keys. Runs outside the write transaction so that callers on several threads can
// prepare in parallel while one of them writes.
#ifndef DHAKIRA_STORE_UNIT_PREP_H_
#define DHAKIRA_STORE_UNIT_PREP_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "dhakira/segment.h"
#include "dhakira/status.h"
#include "dhakira/text.h"
#include "text/normalizer_pool.h"

namespace dhakira::store_internal {

// InvalidArgument "<field>: invalid UTF-8 at byte N" unless `s` is well-formed UTF-8 (ICU's U8_NEXT
// rules: no surrogates, no overlongs, nothing above U+10FFFF).
Status CheckUtf8(std::string_view s, std::string_view field);

// Thread safety: safe for concurrent use. Normalizers (not thread-safe themselves) are pooled per
// canonical language: a call takes one from the pool, or creates one, and gives it back.
class UnitPreparer {
 public:
  UnitPreparer() = default;
  UnitPreparer(const UnitPreparer&) = delete;
  UnitPreparer& operator=(const UnitPreparer&) = delete;

  // Canonicalises src_lang/tgt_lang, checks every text field is valid UTF-8 and source/target are
  // not empty or blank, puts source and target in NFC and fills source_tokens (the match keys of
  // the source under its language's profile). id, times and the other fields are left alone.
  // InvalidArgument naming the field ("src_lang: ...", "target: ...", "properties[2].type: ...").
  // Prepare = PrepareFields then ComputeKeys; the split lets the store skip the (costly) match keys
  // of a unit it is going to skip as a duplicate.
  Status Prepare(SegmentPair* pair);
  Status PrepareFields(SegmentPair* pair);
  Status ComputeKeys(SegmentPair* pair);  // only after PrepareFields succeeded on `pair`

  // CanonicalLanguage with a small cache (language values repeat on every unit).
  StatusOr<std::string> Canonical(const std::string& value);

 private:
  static NormalizerOptions KeyOptions();

  std::mutex mu_;
  std::map<std::string, std::string, std::less<>> canonical_;  // raw value -> canonical tag
  text_internal::NormalizerPool normalizers_{KeyOptions()};    // match keys, per source language
};

}  // namespace dhakira::store_internal

#endif  // DHAKIRA_STORE_UNIT_PREP_H_
