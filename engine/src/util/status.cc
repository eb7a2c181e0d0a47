#include "dhakira/status.h"

#include <cstdio>
#include <cstdlib>

namespace dhakira {

const char* Status::CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "OK";
    case Code::kNotFound:
      return "not found";
    case Code::kInvalidArgument:
      return "invalid argument";
    case Code::kCorruption:
      return "corruption";
    case Code::kIOError:
      return "I/O error";
    case Code::kFailedPrecondition:
      return "failed precondition";
    case Code::kAlreadyExists:
      return "already exists";
    case Code::kResourceExhausted:
      return "resource exhausted";
    case Code::kCancelled:
      return "cancelled";
    case Code::kInternal:
      return "internal error";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out = CodeName(code_);
  out += ": ";
  out += message_;
  return out;
}

Status Status::WithContext(std::string_view what) const {
  if (ok()) return *this;
  std::string msg(what);
  msg += ": ";
  msg += message_;
  return Status(code_, msg);
}

namespace internal {

void StatusCheckFailed(const char* file, int line, const char* what, const Status& status) {
  // The one place the library writes to stderr: a broken invariant about to abort the process, where the
  // text is all a developer will have.
  std::fprintf(stderr, "%s:%d: %s: %s\n", file, line, what, status.ToString().c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace internal

}  // namespace dhakira
