#include "faas/registry/errors.h"

#include <string>

namespace faas::registry {

namespace {
class Category : public std::error_category {
 public:
  const char* name() const noexcept override { return "registry"; }
  std::string message(int code) const override {
    switch (static_cast<Errc>(code)) {
      case Errc::kNotFound:
        return "image not found";
      case Errc::kUnauthorized:
        return "unauthorized";
      case Errc::kBadImage:
        return "bad image";
      case Errc::kUnavailable:
        return "registry unavailable";
    }
    return "registry error " + std::to_string(code);
  }
};
}  // namespace

const std::error_category& registry_category() {
  static const Category category;
  return category;
}

}  // namespace faas::registry
