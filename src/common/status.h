#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace sluice {

// What went wrong, coarse enough for a caller to decide between retry, spill and fail.
enum class StatusCode : unsigned char {
  kOk = 0,
  kInvalidArgument,  // user input is wrong: a SQL file, an option, a record
  kParseError,       // a document or statement could not be parsed
  kDataError,        // a record the pipeline cannot take and is told to fail on ('errors' = 'fail')
  kNotFound,
  kAlreadyExists,
  kIOError,          // a local file or socket failed
  kUnavailable,      // a remote service is down or unreachable: retryable
  kTimedOut,         // retryable
  kTryAgain,         // retryable: transient contention
  kResourceExhausted,  // a local disk is full: waiting for space may help, restarting does not
  kCancelled,
  kNotImplemented,
  kInternal,         // a bug in sluice
};

std::string_view StatusCodeName(StatusCode code);

// The outcome of an operation that can fail for reasons outside the program's control.
// OK carries no allocation; an error carries its code and a message that says where and what.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message);

  static Status OK() { return {}; }
  template <typename... Args>
  static Status Invalid(fmt::format_string<Args...> f, Args&&... args) {
    return {StatusCode::kInvalidArgument, fmt::format(f, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Status ParseError(fmt::format_string<Args...> f, Args&&... args) {
    return {StatusCode::kParseError, fmt::format(f, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Status DataError(fmt::format_string<Args...> f, Args&&... args) {
    return {StatusCode::kDataError, fmt::format(f, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Status ResourceExhausted(fmt::format_string<Args...> f, Args&&... args) {
    return {StatusCode::kResourceExhausted, fmt::format(f, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Status NotFound(fmt::format_string<Args...> f, Args&&... args) {
    return {StatusCode::kNotFound, fmt::format(f, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Status AlreadyExists(fmt::format_string<Args...> f, Args&&... args) {
    return {StatusCode::kAlreadyExists, fmt::format(f, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Status IOError(fmt::format_string<Args...> f, Args&&... args) {
    return {StatusCode::kIOError, fmt::format(f, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Status Unavailable(fmt::format_string<Args...> f, Args&&... args) {
    return {StatusCode::kUnavailable, fmt::format(f, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Status TimedOut(fmt::format_string<Args...> f, Args&&... args) {
    return {StatusCode::kTimedOut, fmt::format(f, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Status NotImplemented(fmt::format_string<Args...> f, Args&&... args) {
    return {StatusCode::kNotImplemented, fmt::format(f, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Status Internal(fmt::format_string<Args...> f, Args&&... args) {
    return {StatusCode::kInternal, fmt::format(f, std::forward<Args>(args)...)};
  }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  const std::string& message() const;
  // Errors a caller may retry after a backoff (a sink that is down, a timeout).
  bool IsRetryable() const;
  // "code: message", or "OK".
  std::string ToString() const;
  // Prefixes the message with context, keeping the code: "reading x.sql: <message>".
  Status WithContext(std::string_view context) const;

  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;
  ~Status() = default;

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  std::unique_ptr<State> state_;
};

}  // namespace sluice

#define SLUICE_CONCAT_IMPL(a, b) a##b
#define SLUICE_CONCAT(a, b) SLUICE_CONCAT_IMPL(a, b)

// Returns the status from the enclosing function if it is an error.
#define SLUICE_RETURN_NOT_OK(expr)                  \
  do {                                              \
    ::sluice::Status _sluice_status = (expr);       \
    if (!_sluice_status.ok()) return _sluice_status; \
  } while (0)
