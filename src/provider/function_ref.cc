#include "faas/provider/provider.h"

namespace faas::provider {

FunctionRef parse_function_ref(std::string_view text, std::string_view default_namespace) {
  auto dot = text.rfind('.');
  if (dot == std::string_view::npos) return {std::string(text), std::string(default_namespace)};
  return {std::string(text.substr(0, dot)), std::string(text.substr(dot + 1))};
}

}  // namespace faas::provider
