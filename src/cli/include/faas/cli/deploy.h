// Building the FunctionDeployment that `faas-cli deploy` and `store deploy` send, from a stack
// function and/or command-line flags, with faas-cli's merge rules (reference §7.2):
//   environment: stack `environment` < `environment_file`s (later wins) < -e/--env
//   labels, annotations: stack < flags;  secrets: stack ∪ flags;  constraints: stack, else flags
//   fprocess: stack/flag, else template/<lang>/template.yml (not for dockerfile)
// Pure apart from reading environment files and template.yml.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "faas/api/types.h"
#include "faas/cli/stack.h"
#include "faas/core/result.h"

namespace faas::cli {

struct DeployFlags {
  std::string image;
  std::string name;
  std::string fprocess;
  std::string namespace_;
  std::vector<std::string> env;          // KEY=VALUE
  std::vector<std::string> labels;       // KEY=VALUE
  std::vector<std::string> annotations;  // KEY=VALUE
  std::vector<std::string> secrets;
  std::vector<std::string> constraints;
  bool readonly = false;
  bool read_template = true;
  std::string memory_limit, cpu_limit, memory_request, cpu_request;
};

// "KEY=VALUE" items into a map; `what` names the flag in errors ("empty env value: [A=]").
Result<api::StringMap> parse_key_values(const std::vector<std::string>& items,
                                        std::string_view what);

Result<api::FunctionDeployment> deployment_from_stack(const StackFunction& fn, const Stack& stack,
                                                      const DeployFlags& flags);
// --image/--name deployments without a stack file.
Result<api::FunctionDeployment> deployment_from_flags(const DeployFlags& flags);

// The invocation URL printed after a deploy: GATEWAY/function/NAME[.NS].
std::string function_url(std::string_view gateway, std::string_view name, std::string_view ns);

}  // namespace faas::cli
