#include "faas/provider/errors.h"

namespace faas::provider {

namespace {
class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "provider"; }
  std::string message(int ev) const override {
    switch (static_cast<ProviderErrc>(ev)) {
      case ProviderErrc::kInvalid: return "invalid request";
      case ProviderErrc::kNotFound: return "not found";
      case ProviderErrc::kConflict: return "already exists";
      case ProviderErrc::kNotImplemented: return "not implemented";
      case ProviderErrc::kUnavailable: return "unavailable";
      case ProviderErrc::kTimeout: return "timed out";
      case ProviderErrc::kBadGateway: return "bad gateway";
      case ProviderErrc::kInternal: return "internal error";
    }
    return "unknown provider error";
  }
};
}  // namespace

const std::error_category& provider_category() {
  static const Category category;
  return category;
}

unsigned http_status(const Error& error) {
  if (error.code == std::errc::invalid_argument) return 400;
  if (error.code.category() != provider_category()) return 500;
  switch (static_cast<ProviderErrc>(error.code.value())) {
    case ProviderErrc::kInvalid: return 400;
    case ProviderErrc::kNotFound: return 404;
    case ProviderErrc::kConflict: return 409;
    case ProviderErrc::kNotImplemented: return 501;
    case ProviderErrc::kUnavailable: return 503;
    case ProviderErrc::kTimeout: return 504;
    case ProviderErrc::kBadGateway: return 502;
    case ProviderErrc::kInternal: return 500;
  }
  return 500;
}

ProviderErrc errc_for_status(unsigned status) {
  switch (status) {
    case 400:
    case 422: return ProviderErrc::kInvalid;
    case 404: return ProviderErrc::kNotFound;
    case 409: return ProviderErrc::kConflict;
    case 501: return ProviderErrc::kNotImplemented;
    case 503: return ProviderErrc::kUnavailable;
    case 504: return ProviderErrc::kTimeout;
    case 502: return ProviderErrc::kBadGateway;
    default: return ProviderErrc::kInternal;
  }
}

}  // namespace faas::provider
