// Record sources: each input format turned into a stream of candidate SegmentPairs (or rejects), the
// format-independent part of Import (batching, validation, reporting) lives in import.cc.
// Thread safety: none.
#ifndef DHAKIRA_IO_RECORDS_H_
#define DHAKIRA_IO_RECORDS_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dhakira/io.h"
#include "dhakira/segment.h"
#include "dhakira/status.h"

namespace dhakira::io {

struct Record {
  SegmentPair pair;
  uint64_t line = 0;          // 1-based position of the record in its file
  uint64_t column = 0;        // 0 when the format has no column (line files)
  std::string file;           // the file the line/column refer to
  std::string reject_reason;  // "" when the record is fine
  std::string reject_message;
  std::vector<ImportIssue> warnings;  // changes made to the record (file/line filled)
};

class RecordSource {
 public:
  virtual ~RecordSource() = default;
  // The next record; false at the end. Errors end the import (not TMX, truncated, unreadable...).
  virtual StatusOr<bool> Next(Record* record) = 0;
  virtual uint64_t bytes_read() const = 0;
  virtual uint64_t bytes_total() const = 0;
  virtual std::string encoding() const = 0;
  virtual uint64_t illegal_chars_replaced() const = 0;
  virtual uint64_t entities_replaced() const { return 0; }
  // The input file that held no bytes at all (after decompression), once the source is exhausted; "" when
  // none. Read, not stat()ed: procfs and pipes report a size of 0.
  virtual std::string EmptyInput() const { return ""; }
  // Warnings not tied to a record (e.g. an illegal character in a TMX header); taken by the caller.
  virtual std::vector<ImportIssue> TakeOtherWarnings() { return {}; }
};

// The record cap in effect: ImportOptions::max_record_bytes, but never less than two whole segments.
inline size_t RecordCap(const ImportOptions& options) {
  return std::max<size_t>(options.max_record_bytes, 2 * size_t{options.max_segment_bytes} + (64u << 10));
}

// The reject of a record over the record cap (TSV or parallel line): reason and message.
std::string OverlongMessage(uint64_t bytes, size_t cap);

// `src_lang`/`tgt_lang` canonical (or "" where ImportOptions allows it).
StatusOr<std::unique_ptr<RecordSource>> OpenTmxSource(const std::string& path, const std::string& src_lang,
                                                      const std::string& tgt_lang, const ImportOptions& options);
StatusOr<std::unique_ptr<RecordSource>> OpenTsvSource(const std::string& path, const std::string& src_lang,
                                                      const std::string& tgt_lang, const ImportOptions& options);
// Counts the lines of both files first: InvalidArgument when they differ.
StatusOr<std::unique_ptr<RecordSource>> OpenParallelSource(const std::string& path, const std::string& src_lang,
                                                           const std::string& tgt_lang, const ImportOptions& options);

}  // namespace dhakira::io

#endif  // DHAKIRA_IO_RECORDS_H_
