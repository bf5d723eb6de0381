// Result<T>: the one error vocabulary of faas++ (STYLE.md 2.3).
// A value or an Error (std::error_code + short context). Functions on the request path return it
// instead of throwing; startup code may turn it into a fatal message.
#pragma once

#include <boost/system/result.hpp>
#include <string>
#include <system_error>
#include <utility>

namespace faas {

struct Error {
  std::error_code code;
  std::string context;  // what we were doing, e.g. "spawn fprocess 'cat'"

  // "context: message" for logs and plain-text error bodies.
  std::string message() const;
};

template <class T>
using Result = boost::system::result<T, Error>;

inline Error make_error(std::error_code code, std::string context) {
  return Error{code, std::move(context)};
}
inline Error errno_error(int err, std::string context) {
  return Error{std::error_code(err, std::system_category()), std::move(context)};
}
// An error whose whole meaning is in its text (bad configuration, bad input).
Error invalid_argument(std::string context);

// Needed by boost::system::result<T, Error>::value(); only startup code calls value().
[[noreturn]] void throw_exception_from_error(const Error& e, const boost::source_location& loc);

}  // namespace faas
