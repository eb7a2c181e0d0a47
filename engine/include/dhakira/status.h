// Status and StatusOr<T>: how dhakira reports expected failures (after leveldb/status.h).
//
// Every fallible engine call returns a [[nodiscard]] Status or StatusOr<T>. Messages are English, say what
// we were doing and, where one exists, carry the underlying library's text (ICU u_errorName, mdb_strerror,
// expat XML_ErrorString). Thread safety: values; copying is safe from any thread.
#ifndef DHAKIRA_STATUS_H_
#define DHAKIRA_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace dhakira {

class [[nodiscard]] Status {
 public:
  enum class Code : unsigned char {
    kOk = 0,
    kNotFound,            // no such id / file / key
    kInvalidArgument,     // the caller's input is wrong (bad language, empty query, bad option)
    kCorruption,          // stored or input data is damaged or not ours
    kIOError,             // the operating system or LMDB failed
    kFailedPrecondition,  // the operation cannot run in this state (e.g. TM of another format version)
    kAlreadyExists,       // a record that must be unique exists already
    kResourceExhausted,   // a size limit was reached
    kCancelled,           // the caller asked to stop
    kInternal,            // a bug in dhakira
  };

  Status() = default;  // OK
  static Status OK() { return Status(); }
  static Status NotFound(std::string_view msg) { return Status(Code::kNotFound, msg); }
  static Status InvalidArgument(std::string_view msg) { return Status(Code::kInvalidArgument, msg); }
  static Status Corruption(std::string_view msg) { return Status(Code::kCorruption, msg); }
  static Status IOError(std::string_view msg) { return Status(Code::kIOError, msg); }
  static Status FailedPrecondition(std::string_view msg) { return Status(Code::kFailedPrecondition, msg); }
  static Status AlreadyExists(std::string_view msg) { return Status(Code::kAlreadyExists, msg); }
  static Status ResourceExhausted(std::string_view msg) { return Status(Code::kResourceExhausted, msg); }
  static Status Cancelled(std::string_view msg) { return Status(Code::kCancelled, msg); }
  static Status Internal(std::string_view msg) { return Status(Code::kInternal, msg); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  bool IsCorruption() const { return code_ == Code::kCorruption; }
  const std::string& message() const { return message_; }

  // "OK" or "<code name>: <message>".
  std::string ToString() const;
  static const char* CodeName(Code code);

  // The same status with "what: " put before the message (no-op on OK).
  Status WithContext(std::string_view what) const;

  // Explicitly drop a status whose failure the caller has decided not to handle.
  void IgnoreError() const {}

  friend bool operator==(const Status& a, const Status& b) { return a.code_ == b.code_ && a.message_ == b.message_; }

 private:
  Status(Code code, std::string_view msg) : code_(code), message_(msg) {}
  Code code_ = Code::kOk;
  std::string message_;
};

namespace internal {
// Writes "file:line: what: <status>" to stderr and aborts. Only the debug checks below call it: a failed
// check is a bug in dhakira, not an expected failure.
[[noreturn]] void StatusCheckFailed(const char* file, int line, const char* what, const Status& status);
}  // namespace internal

}  // namespace dhakira

// Debug check (live unless NDEBUG, as assert; so in Debug and sanitizer builds): aborts naming `what` and
// `status` when `cond` is false.
#ifdef NDEBUG
#define DHAKIRA_STATUS_DCHECK(cond, what, status) static_cast<void>(0)
#else
#define DHAKIRA_STATUS_DCHECK(cond, what, status) \
  ((cond) ? static_cast<void>(0) : ::dhakira::internal::StatusCheckFailed(__FILE__, __LINE__, what, status))
#endif

namespace dhakira {

// Either a value or a non-OK Status. Accessing value() of an error is a programming error: in builds with
// asserts it aborts with the error's text (DHAKIRA_STATUS_DCHECK); without, it is undefined behaviour.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(const Status& status) : status_(status) {  // NOLINT: implicit by design
    assert(!status_.ok() && "StatusOr constructed from OK status without a value");
    if (status_.ok()) status_ = Status::Internal("StatusOr constructed from OK status");
  }
  StatusOr(Status&& status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok() && "StatusOr constructed from OK status without a value");
    if (status_.ok()) status_ = Status::Internal("StatusOr constructed from OK status");
  }
  StatusOr(const T& value) : value_(value) {}        // NOLINT
  StatusOr(T&& value) : value_(std::move(value)) {}  // NOLINT

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  const T& value() const& {
    DHAKIRA_STATUS_DCHECK(ok(), "StatusOr::value() of an error", status_);
    return *value_;
  }
  T& value() & {
    DHAKIRA_STATUS_DCHECK(ok(), "StatusOr::value() of an error", status_);
    return *value_;
  }
  T&& value() && {
    DHAKIRA_STATUS_DCHECK(ok(), "StatusOr::value() of an error", status_);
    return std::move(*value_);
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace dhakira

#define DHAKIRA_STATUS_CONCAT_INNER_(a, b) a##b
#define DHAKIRA_STATUS_CONCAT_(a, b) DHAKIRA_STATUS_CONCAT_INNER_(a, b)

// Returns from the enclosing function when `expr` (a Status) is not OK.
#define DHAKIRA_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::dhakira::Status _dhakira_status = (expr);        \
    if (!_dhakira_status.ok()) return _dhakira_status; \
  } while (0)

// `lhs = value of expr` (a StatusOr), or returns its Status from the enclosing function.
#define DHAKIRA_ASSIGN_OR_RETURN(lhs, expr) \
  DHAKIRA_ASSIGN_OR_RETURN_IMPL_(DHAKIRA_STATUS_CONCAT_(_dhakira_statusor_, __LINE__), lhs, expr)
#define DHAKIRA_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return tmp.status();                  \
  lhs = std::move(tmp).value()

#endif  // DHAKIRA_STATUS_H_
