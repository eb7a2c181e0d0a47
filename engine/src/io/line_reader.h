// Line reader for TSV and line-parallel (Moses) files, on the Utf8Decoder pre-stage.
// Lines end at LF; a CR before it is dropped. Memory: O(chunk + max_line_bytes), whatever the file: a longer
// line is not kept but skipped (see overlong()).
// Thread safety: none.
#ifndef DHAKIRA_IO_LINE_READER_H_
#define DHAKIRA_IO_LINE_READER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dhakira/status.h"
#include "io/input.h"

namespace dhakira::io {

class LineReader {
 public:
  // Default longest line kept, in bytes (ImportOptions::max_record_bytes).
  static constexpr size_t kDefaultMaxLineBytes = 4u << 20;

  // `max_line_bytes` >= 1: the longest line returned whole.
  static StatusOr<std::unique_ptr<LineReader>> Open(const std::string& path, const std::string& forced_encoding = "",
                                                    size_t max_line_bytes = kDefaultMaxLineBytes);

  // The next line, without its terminator, in *line (valid until the next call); false at the end.
  // A line over max_line_bytes is read through to its end without being kept (a memchr per chunk):
  // *line is then its first bytes only and overlong() is true.
  StatusOr<bool> Next(std::string_view* line);

  // The last line returned was longer than max_line_bytes; line_bytes() is its whole length.
  bool overlong() const { return overlong_; }
  uint64_t line_bytes() const { return line_bytes_; }
  uint64_t line_number() const { return line_number_; }  // 1-based number of the last line returned
  // What the pre-stage replaced inside the last line returned.
  const std::vector<DecodeIssue>& line_issues() const { return line_issues_; }
  Utf8Decoder& decoder() { return *decoder_; }

 private:
  LineReader() = default;
  // Reads past the end of an overlong line starting at buffer_[pos_]; leaves pos_ at the next line.
  Status SkipOverlong();
  void TakeIssues(uint64_t line_end);

  std::unique_ptr<Utf8Decoder> decoder_;
  size_t max_line_bytes_ = kDefaultMaxLineBytes;
  bool overlong_ = false;
  uint64_t line_bytes_ = 0;
  std::string overlong_head_;  // the first bytes of an overlong line
  std::string buffer_;
  size_t pos_ = 0;            // start of the next line in buffer_
  uint64_t buffer_base_ = 0;  // decoder output offset of buffer_[0]
  bool eof_ = false;
  uint64_t line_number_ = 0;
  std::vector<DecodeIssue> line_issues_;
};

// Counts the lines of a file as LineReader would return them (a last line without LF counts).
StatusOr<uint64_t> CountLines(const std::string& path, const std::string& forced_encoding = "",
                              size_t max_line_bytes = LineReader::kDefaultMaxLineBytes);

}  // namespace dhakira::io

#endif  // DHAKIRA_IO_LINE_READER_H_
