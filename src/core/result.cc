#include "faas/core/result.h"

#include <stdexcept>

namespace faas {

std::string Error::message() const {
  if (!code || code == std::errc::invalid_argument) return context;
  if (context.empty()) return code.message();
  return context + ": " + code.message();
}

Error invalid_argument(std::string context) {
  return Error{std::make_error_code(std::errc::invalid_argument), std::move(context)};
}

void throw_exception_from_error(const Error& e, const boost::source_location&) {
  throw std::runtime_error(e.message());
}

}  // namespace faas
