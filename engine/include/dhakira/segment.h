// SegmentPair: one translation unit of the TM, as the store keeps it.
#ifndef DHAKIRA_SEGMENT_H_
#define DHAKIRA_SEGMENT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "dhakira/text.h"

namespace dhakira {

// One inline code (TMX bpt/ept/it/ph/hi/sub/ut). In segment text, code i of the vector stands as the
// single code point U+E000 + i (kPlaceholderBase); `native` keeps the element's markup so export restores it.
struct InlineCode {
  // "bpt", "ept", "it", "ph", "hi", "sub" or "ut"; "char" for a literal private-use character of the input
  // (U+E000..U+F8FF, e.g. symbol-font glyphs), kept as a code so placeholders stay unambiguous: its native is
  // the character itself.
  std::string element;
  std::string native;  // the element as read, XML (e.g. `<bpt i="1" x="1">&lt;b&gt;</bpt>`)
};

struct SegmentPair {
  uint64_t id = 0;       // assigned by the store on add (1, 2, ...); never reused
  std::string src_lang;  // canonical BCP 47 (the store canonicalises on write)
  std::string tgt_lang;
  std::string source;  // as received (NFC), inline codes as placeholders
  std::string target;
  std::vector<InlineCode> source_codes;
  std::vector<InlineCode> target_codes;

  std::string origin;         // where it came from, e.g. the outlet "Al-Watan" or a file name
  std::string doc_id;         // document id within the origin
  uint32_t doc_position = 0;  // 0-based position of the segment in its document

  // KeyHash() of the previous / next source segment in the document; 0 when none or unknown.
  uint64_t prev_hash = 0;
  uint64_t next_hash = 0;

  int64_t created_at = 0;  // Unix time, seconds UTC; 0 = set by the store to "now" on add
  int64_t changed_at = 0;  // Unix time, seconds UTC; the store sets it on add and update when 0
  std::string created_by;
  std::string changed_by;
  std::string note;
  // TMX <prop type="...">value</prop> and friends, in order; a type may repeat.
  std::vector<std::pair<std::string, std::string>> properties;

  // Match keys of `source` (source-language profile). Filled by the store on every write and on read;
  // ignored when given to a write.
  std::vector<Token> source_tokens;
};

}  // namespace dhakira

#endif  // DHAKIRA_SEGMENT_H_
