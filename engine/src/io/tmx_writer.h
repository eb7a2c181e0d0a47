// TMX 1.4b and TSV serialisation of SegmentPairs (docs/io.md#tmx-facts-and-pitfalls): UTF-8 without BOM, version 1.4,
// canonical tags, our metadata as <prop type="x-dhakira-...">, inline codes restored from InlineCode::native.
// The inverse of the mapping TmxRecordSource applies on import (docs/io.md), so import → export → import
// gives the same pairs. Pure functions on strings: thread-safe.
#ifndef DHAKIRA_IO_TMX_WRITER_H_
#define DHAKIRA_IO_TMX_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "dhakira/segment.h"

namespace dhakira::io {

// Property types of our own metadata in TMX (<prop type="...">) and TSV header names.
inline constexpr std::string_view kPropOrigin = "x-dhakira-origin";
inline constexpr std::string_view kPropDoc = "x-dhakira-doc";
inline constexpr std::string_view kPropDocPosition = "x-dhakira-docpos";
inline constexpr std::string_view kPropPrevHash = "x-dhakira-prev";
inline constexpr std::string_view kPropNextHash = "x-dhakira-next";

// `srclang` is a canonical tag or "*all*".
void AppendTmxHeader(std::string_view srclang, std::string_view tool_version, std::string* out);
// One <tu>. Characters XML forbids are written as U+FFFD and counted in *replaced.
void AppendTmxUnit(const SegmentPair& pair, std::string* out, uint64_t* replaced);
void AppendTmxFooter(std::string* out);

// Text with placeholders turned back into the codes' native markup (XML-escaped text, native verbatim).
// A placeholder without a code is dropped and counted in *replaced.
void AppendSegmentXml(std::string_view text, const std::vector<InlineCode>& codes, std::string* out,
                      uint64_t* replaced);

// TSV: header line, then one line per pair: source, target, origin, doc, note. Placeholders are dropped.
// escape: TAB LF CR and backslash as \t \n \r \\; otherwise TAB/LF/CR become spaces (counted).
void AppendTsvHeader(std::string* out);
void AppendTsvLine(const SegmentPair& pair, bool escape, std::string* out, uint64_t* replaced);

}  // namespace dhakira::io

#endif  // DHAKIRA_IO_TMX_WRITER_H_
