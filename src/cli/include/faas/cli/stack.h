// Stack files (stack.yaml / stack.yml), the faas-cli project description of
// ../shared/openfaas-reference.md §7.3: parsing with envsubst, default file discovery, function
// selection with --filter/--regex, environment_file merging.
//
// Errors name the file and, for YAML problems, the line and column ("stack.yml:4:7: ...").
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faas/api/types.h"
#include "faas/core/env.h"
#include "faas/core/result.h"

namespace faas::cli {

inline constexpr const char* kDefaultGateway = "http://127.0.0.1:8080";

struct StackResources {
  std::string memory;
  std::string cpu;
  bool operator==(const StackResources&) const = default;
};

struct StackFunction {
  std::string name;  // the key under `functions:`
  std::string lang;
  std::string handler;
  std::string image;
  std::string fprocess;
  bool skip_build = false;
  api::StringMap environment;
  std::vector<std::string> environment_file;
  std::vector<std::string> secrets;
  api::StringMap labels;
  api::StringMap annotations;
  std::optional<StackResources> limits;
  std::optional<StackResources> requests;
  std::vector<std::string> constraints;
  bool readonly_root_filesystem = false;
  std::vector<std::string> build_options;
  api::StringMap build_args;
  std::string platforms;
  std::string namespace_;
};

struct TemplateSource {
  std::string name;
  std::string source;
};

struct Stack {
  std::string version;
  std::string provider_name;
  std::string gateway;                    // provider.gateway, "" when absent
  std::vector<StackFunction> functions;   // in file order
  std::vector<TemplateSource> templates;  // configuration.templates
  std::vector<std::string> copy;          // configuration.copy
  std::filesystem::path dir;              // directory of the file, for relative paths
};

// Parses stack text. `file` names the source in errors. With `substitute`, the text goes through
// envsubst with `env` first (faas-cli's --envsubst, default true).
Result<Stack> parse_stack(std::string_view text, std::string_view file, const Environment& env,
                          bool substitute = true);

// Reads and parses a stack file; the error for a missing file says so with its path.
Result<Stack> load_stack(const std::filesystem::path& file, const Environment& env,
                         bool substitute = true);

// faas-cli's default -f: DIR/stack.yaml if it exists, else DIR/stack.yml, else nullopt.
std::optional<std::filesystem::path> find_default_stack(const std::filesystem::path& dir);

// Functions selected by --filter (a shell glob on the name) or --regex (unanchored ECMAScript
// search); both empty selects all. Giving both, or a bad regex, is an error.
Result<std::vector<StackFunction>> select_functions(const Stack& stack, std::string_view filter,
                                                    std::string_view regex);

// The function's environment as faas-cli deploys it: `environment` from the stack, overridden by
// each `environment_file` in order (later files win; each is YAML with an `environment:` map),
// relative paths resolved against `base_dir`.
Result<api::StringMap> merged_environment(const StackFunction& fn,
                                          const std::filesystem::path& base_dir);

// Reads FILE (YAML "environment: {K: V}") as environment_file does.
Result<api::StringMap> read_environment_file(const std::filesystem::path& file);

}  // namespace faas::cli
