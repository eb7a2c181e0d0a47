// Line reader for TSV and line-parallel (Moses) files, on the Utf8Decoder pre-stage.
// Lines end at LF; a CR before it is dropped. Memory: O(chunk + longest line).
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
  // Longest line accepted, in bytes: a file without line breaks is not a line file.
  static constexpr size_t kMaxLineBytes = 64u << 20;

  static StatusOr<std::unique_ptr<LineReader>> Open(const std::string& path,
                                                    const std::string& forced_encoding = "");

  // The next line, without its terminator, in *line (valid until the next call); false at the end.
  // ResourceExhausted for a line over kMaxLineBytes.
  StatusOr<bool> Next(std::string_view* line);

  uint64_t line_number() const { return line_number_; }  // 1-based number of the last line returned
  // What the pre-stage replaced inside the last line returned.
  const std::vector<DecodeIssue>& line_issues() const { return line_issues_; }
  Utf8Decoder& decoder() { return *decoder_; }

 private:
  LineReader() = default;
  std::unique_ptr<Utf8Decoder> decoder_;
  std::string buffer_;
  size_t pos_ = 0;             // start of the next line in buffer_
  uint64_t buffer_base_ = 0;   // decoder output offset of buffer_[0]
  bool eof_ = false;
  uint64_t line_number_ = 0;
  std::vector<DecodeIssue> line_issues_;
};

// Counts the lines of a file as LineReader would return them (a last line without LF counts).
StatusOr<uint64_t> CountLines(const std::string& path, const std::string& forced_encoding = "");

}  // namespace dhakira::io

#endif  // DHAKIRA_IO_LINE_READER_H_
