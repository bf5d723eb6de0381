// `faas-cli generate`: the Kubernetes custom resources (openfaas.com/v1 `Function`) that describe
// a stack's functions, as faas-cli prints them for `kubectl apply -f -`: one YAML document per
// function ("---" first), functions in name order, fields in the CRD's order, empty fields left
// out, map keys sorted and scalars quoted the way Go's yaml.v3 (indent 2) writes them. Pure apart
// from reading environment_file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "faas/cli/stack.h"
#include "faas/core/result.h"

namespace faas::cli {

inline constexpr const char* kCrdApiVersion = "openfaas.com/v1";

struct CrdOptions {
  std::string api_version = kCrdApiVersion;  // only openfaas.com/v1 is accepted
  std::string namespace_ = "openfaas-fn";    // "" leaves metadata.namespace out
};

// The documents for `fns` (their images already tagged by --tag). The environment is the merged
// one deploy sends (environment < environment_file). An unknown api_version is an error.
Result<std::string> function_crds(const std::vector<StackFunction>& fns, const Stack& stack,
                                  const CrdOptions& options);

// A scalar as yaml.v3 writes it: plain when it reads back as the same string, "double quoted" when
// plain would read as another type (true, 1.5, null, "", 2001-12-14, yes/no/on/off...), 'single
// quoted' when the plain form is not allowed (": ", " #", a leading indicator or space).
// Multi-line strings are written double quoted with escapes (yaml.v3 uses a literal block).
std::string yaml_scalar(std::string_view s);

// yaml.v3's order of map keys: rune by rune, letters by code point, a non-letter before a letter
// (after a letter before it when the common prefix ends in a digit), runs of digits as numbers.
bool yaml_key_less(std::string_view a, std::string_view b);

}  // namespace faas::cli
