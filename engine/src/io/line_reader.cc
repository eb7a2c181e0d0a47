#include "io/line_reader.h"

#include <algorithm>
#include <cstring>

namespace dhakira::io {
namespace {

// Bytes of an overlong line kept for the reject message and excerpt.
constexpr size_t kOverlongHeadBytes = 256;

}  // namespace

StatusOr<std::unique_ptr<LineReader>> LineReader::Open(const std::string& path, const std::string& forced_encoding,
                                                       size_t max_line_bytes) {
  std::unique_ptr<LineReader> r(new LineReader());
  r->max_line_bytes_ = max_line_bytes < 1 ? 1 : max_line_bytes;
  DHAKIRA_ASSIGN_OR_RETURN(r->decoder_, Utf8Decoder::Open(path, Utf8Decoder::Mode::kText, forced_encoding));
  return r;
}

void LineReader::TakeIssues(uint64_t line_end) {
  // The decoder aggregates per line (Utf8Decoder::kMaxIssuesPerLine), so this stays a few entries.
  auto& issues = decoder_->issues();
  while (!issues.empty() && issues.front().offset < line_end) {
    line_issues_.push_back(issues.front());
    issues.pop_front();
  }
}

Status LineReader::SkipOverlong() {
  // Keep the head for the message, then drop everything up to the next LF chunk by chunk: memory
  // stays one chunk, and each byte is looked at once (memchr).
  size_t head = std::min(kOverlongHeadBytes, buffer_.size() - pos_);
  while (head > 0 && (static_cast<uint8_t>(buffer_[pos_ + head]) & 0xC0) == 0x80) --head;
  overlong_head_.assign(buffer_, pos_, head);
  line_bytes_ = 0;
  for (;;) {
    const char* nl = static_cast<const char*>(std::memchr(buffer_.data() + pos_, '\n', buffer_.size() - pos_));
    if (nl != nullptr) {
      const size_t end = static_cast<size_t>(nl - buffer_.data());
      line_bytes_ += end - pos_;
      pos_ = end + 1;
      TakeIssues(buffer_base_ + pos_);
      return Status::OK();
    }
    line_bytes_ += buffer_.size() - pos_;
    buffer_base_ += buffer_.size();
    TakeIssues(buffer_base_);
    buffer_.clear();
    pos_ = 0;
    if (eof_) return Status::OK();
    auto more = decoder_->Read(&buffer_);
    if (!more.ok()) return more.status();
    if (!*more) eof_ = true;
  }
}

StatusOr<bool> LineReader::Next(std::string_view* line) {
  line_issues_.clear();
  overlong_ = false;
  size_t scan_from = pos_;
  for (;;) {
    const char* nl =
        static_cast<const char*>(std::memchr(buffer_.data() + scan_from, '\n', buffer_.size() - scan_from));
    size_t end;   // one past the line's last byte
    size_t next;  // start of the following line
    if (nl != nullptr) {
      end = static_cast<size_t>(nl - buffer_.data());
      next = end + 1;
    } else if (eof_) {
      if (pos_ >= buffer_.size()) return false;
      end = next = buffer_.size();
    } else if (buffer_.size() - pos_ > max_line_bytes_) {
      // Too long to keep: skip to its end without buffering it (a hostile file has no line breaks).
      DHAKIRA_RETURN_IF_ERROR(SkipOverlong());
      ++line_number_;
      overlong_ = true;
      *line = overlong_head_;
      return true;
    } else {
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
    ++line_number_;
    line_bytes_ = stop - pos_;
    if (line_bytes_ > max_line_bytes_) {  // found whole in the buffer, but still over the limit
      size_t head = std::min(kOverlongHeadBytes, line_bytes_);
      while (head > 0 && (static_cast<uint8_t>(buffer_[pos_ + head]) & 0xC0) == 0x80) --head;
      overlong_head_.assign(buffer_, pos_, head);
      overlong_ = true;
      *line = overlong_head_;
    } else {
      *line = std::string_view(buffer_.data() + pos_, stop - pos_);
    }
    TakeIssues(buffer_base_ + next);
    pos_ = next;
    return true;
  }
}

StatusOr<uint64_t> CountLines(const std::string& path, const std::string& forced_encoding, size_t max_line_bytes) {
  // Through the decoder, so that UTF-16 files count right.
  DHAKIRA_ASSIGN_OR_RETURN(auto reader, LineReader::Open(path, forced_encoding, max_line_bytes));
  std::string_view line;
  for (;;) {
    DHAKIRA_ASSIGN_OR_RETURN(bool more, reader->Next(&line));
    if (!more) return reader->line_number();
  }
}

}  // namespace dhakira::io
