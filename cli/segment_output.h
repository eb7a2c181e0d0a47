// How the CLI prints a SegmentPair, for humans and as JSON.
#ifndef DHAKIRA_CLI_SEGMENT_OUTPUT_H_
#define DHAKIRA_CLI_SEGMENT_OUTPUT_H_

#include <cstdint>
#include <ostream>
#include <string>

#include "dhakira/segment.h"
#include "json.h"

namespace dhakira::cli {

// "2026-11-29T11:26:10Z", or "" for 0.
std::string FormatTime(int64_t unix_seconds);

// Segment text for a terminal: inline-code placeholders shown as {1}, {2}, ... (1-based, as in TMX x).
std::string DisplayText(const std::string& text);

// Labelled fields, one a line.
void PrintSegment(std::ostream& os, const SegmentPair& pair);

// The segment as a JSON object (keys: id, src_lang, tgt_lang, source, target, origin, doc, position, created,
// changed, created_by, changed_by, note, properties, prev_hash, next_hash, source_tokens when `tokens`).
void WriteSegmentJson(JsonWriter& w, const SegmentPair& pair, bool tokens = false);

}  // namespace dhakira::cli

#endif  // DHAKIRA_CLI_SEGMENT_OUTPUT_H_
