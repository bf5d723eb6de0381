#include "faas/provider/lookup.h"

#include "faas/api/json.h"

namespace faas::provider {

Result<void> checked_name(std::string_view what, std::string_view name) {
  if (auto v = api::validate_name(what, name); !v) {
    return provider_error(ProviderErrc::kInvalid, v.error().context);
  }
  return {};
}

Result<std::string> resolve_namespace(const std::string& requested,
                                      const std::string& default_namespace,
                                      const std::map<std::string, api::FunctionNamespace>& known) {
  std::string ns = requested.empty() ? default_namespace : requested;
  if (auto v = checked_name("namespace", ns); !v) return v.error();
  if (!known.contains(ns)) {
    return provider_error(
        ProviderErrc::kInvalid,
        "namespace: \"" + ns + "\" does not exist (create it with label openfaas=1)");
  }
  return ns;
}

}  // namespace faas::provider
