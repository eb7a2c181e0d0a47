#include "io/line_reader.h"

#include <cstring>

namespace dhakira::io {

StatusOr<std::unique_ptr<LineReader>> LineReader::Open(const std::string& path,
                                                       const std::string& forced_encoding) {
  std::unique_ptr<LineReader> r(new LineReader());
  DHAKIRA_ASSIGN_OR_RETURN(r->decoder_,
                           Utf8Decoder::Open(path, Utf8Decoder::Mode::kText, forced_encoding));
  return r;
}

StatusOr<bool> LineReader::Next(std::string_view* line) {
  line_issues_.clear();
  size_t scan_from = pos_;
  for (;;) {
    const char* nl = static_cast<const char*>(
        std::memchr(buffer_.data() + scan_from, '\n', buffer_.size() - scan_from));
    size_t end;    // one past the line's last byte
    size_t next;   // start of the following line
    if (nl != nullptr) {
      end = static_cast<size_t>(nl - buffer_.data());
      next = end + 1;
    } else if (eof_) {
      if (pos_ >= buffer_.size()) return false;
      end = next = buffer_.size();
    } else {
      if (buffer_.size() - pos_ > kMaxLineBytes) {
        return Status::ResourceExhausted("'" + decoder_->raw().path() + "' line " +
                                         std::to_string(line_number_ + 1) + " is longer than " +
                                         std::to_string(kMaxLineBytes) +
                                         " bytes: not a line-oriented text file");
      }
      // Drop what was consumed, then read more.
      buffer_.erase(0, pos_);
      buffer_base_ += pos_;
      scan_from = buffer_.size();
      pos_ = 0;
      auto more = decoder_->Read(&buffer_);
      if (!more.ok()) return more.status();
      if (!*more) eof_ = true;
      continue;
    }
    size_t stop = end;
    if (stop > pos_ && buffer_[stop - 1] == '\r') --stop;
    *line = std::string_view(buffer_.data() + pos_, stop - pos_);
    ++line_number_;
    auto& issues = decoder_->issues();
    const uint64_t line_end = buffer_base_ + next;
    while (!issues.empty() && issues.front().offset < line_end) {
      line_issues_.push_back(issues.front());
      issues.pop_front();
    }
    pos_ = next;
    return true;
  }
}

StatusOr<uint64_t> CountLines(const std::string& path, const std::string& forced_encoding) {
  // Through the decoder, so that UTF-16 files count right.
  DHAKIRA_ASSIGN_OR_RETURN(auto reader, LineReader::Open(path, forced_encoding));
  std::string_view line;
  for (;;) {
    DHAKIRA_ASSIGN_OR_RETURN(bool more, reader->Next(&line));
    if (!more) return reader->line_number();
  }
}

}  // namespace dhakira::io
