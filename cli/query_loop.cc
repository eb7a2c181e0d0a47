// LineBatcher: reads standard input with read(2) and poll(2) rather than std::cin, because it must
// know whether more input is ready without waiting for it (see the header).
#include "query_loop.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace dhakira::cli {

bool LineBatcher::Next(size_t max_lines, std::vector<std::string>* lines, std::vector<bool>* too_long) {
  lines->clear();
  too_long->clear();
  if (max_lines == 0) max_lines = 1;
  std::string line;
  while (lines->size() < max_lines) {
    if (TakeLine(&line)) {
      lines->push_back(std::move(line));
      too_long->push_back(dropped_);
      dropped_ = false;
      continue;
    }
    if (eof_) {
      if (pos_ < buf_.size() || skipping_) {  // the last line has no newline
        line.assign(buf_, pos_, std::string::npos);
        pos_ = buf_.size();
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines->push_back(skipping_ ? std::string() : std::move(line));
        too_long->push_back(skipping_);
        skipping_ = dropped_ = false;
      }
      break;
    }
    if (!lines->empty() && !Readable()) break;  // answer what we have rather than wait
    Fill();
    DropOverlong();
  }
  return !lines->empty();
}

bool LineBatcher::TakeLine(std::string* line) {
  const size_t nl = buf_.find('\n', pos_);
  if (nl == std::string::npos) return false;
  if (skipping_) {  // the end of an overlong line: what is left of it goes too
    line->clear();
    skipping_ = false;
    dropped_ = true;
  } else if (nl - pos_ > max_line_bytes_ + 1) {  // + 1: a "\r" before the newline
    line->clear();
    dropped_ = true;
  } else {
    line->assign(buf_, pos_, nl - pos_);
    if (!line->empty() && line->back() == '\r') line->pop_back();
  }
  pos_ = nl + 1;
  return true;
}

void LineBatcher::DropOverlong() {
  if (buf_.find('\n', pos_) != std::string::npos) return;  // TakeLine will judge the whole line
  if (!skipping_ && buf_.size() - pos_ <= max_line_bytes_ + 1) return;
  skipping_ = true;
  buf_.erase(pos_);
}

bool LineBatcher::Readable() const {
  pollfd p{fd_, POLLIN, 0};
  int n;
  do {
    n = ::poll(&p, 1, 0);
  } while (n < 0 && errno == EINTR);
  return n > 0;  // POLLIN, or POLLHUP/POLLERR: read() then returns at once
}

void LineBatcher::Fill() {
  if (pos_ > 0 && pos_ >= buf_.size() / 2) {  // drop consumed lines now and then, not on every read
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  char chunk[1 << 16];
  ssize_t n;
  do {
    n = ::read(fd_, chunk, sizeof chunk);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) {
    eof_ = true;  // a read error ends the input like the end of the file (std::getline did the same)
    return;
  }
  buf_.append(chunk, static_cast<size_t>(n));
}

}  // namespace dhakira::cli
