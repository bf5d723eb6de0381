// Terminal output of faas-cli commands, as pure functions of API values (same columns and labels
// as OpenFaaS faas-cli, so scripts that cut/awk its output keep working).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "faas/api/types.h"
#include "faas/core/result.h"

namespace faas::cli {

// Sorts by "name" (default), "invocations" (most first) or "creation" (oldest first).
Result<void> sort_functions(std::vector<api::FunctionStatus>& fns, std::string_view by);

// `list`: quiet prints names only; verbose adds Image and CreatedAt.
std::string format_function_list(const std::vector<api::FunctionStatus>& fns, bool verbose,
                                 bool quiet);

// `describe`: "Name:  x" lines. The URL lines are gateway/function/name[.url_namespace]; faas-cli
// adds the namespace only when one was asked for with -n.
std::string format_describe(const api::FunctionStatus& fn, std::string_view gateway,
                            std::string_view url_namespace);

// One log line for `logs -o plain|keyvalue|json`, with a trailing newline.
Result<std::string> format_log(const api::LogMessage& m, std::string_view output);

}  // namespace faas::cli
