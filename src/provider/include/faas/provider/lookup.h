// The lookups every runtime makes in its own tables: a request's namespace ("" = the default)
// checked against the namespaces it knows, a function found by (namespace, name), and names
// validated with the provider's error codes. One definition, so both runtimes answer the same
// status and message for the same bad request.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "faas/api/types.h"
#include "faas/core/result.h"
#include "faas/provider/errors.h"

namespace faas::provider {

// A runtime's functions, keyed by (namespace, name).
template <class Fn>
using FunctionMap = std::map<std::pair<std::string, std::string>, std::shared_ptr<Fn>>;

// api::validate_name's error as kInvalid, its message kept ("service: ..." / "namespace: ...").
Result<void> checked_name(std::string_view what, std::string_view name);

// The namespace a request means: `requested`, or `default_namespace` when empty; kInvalid when it
// is not a valid name or not one of `known`.
Result<std::string> resolve_namespace(const std::string& requested,
                                      const std::string& default_namespace,
                                      const std::map<std::string, api::FunctionNamespace>& known);

// The function `name` in namespace `ns` (already resolved); kNotFound when there is none.
template <class Fn>
Result<std::shared_ptr<Fn>> find_function(const FunctionMap<Fn>& functions, const std::string& ns,
                                          const std::string& name) {
  auto it = functions.find({ns, name});
  if (it == functions.end()) {
    return provider_error(ProviderErrc::kNotFound, "function not found: " + name + "." + ns);
  }
  return it->second;
}

}  // namespace faas::provider
