// `faas-cli build`: assembling a function's build context (faas-cli's ./build/<fn>/: the template
// with the handler overlaid into its handler folder; for `dockerfile`, the handler folder itself)
// and the command line of the image builder that turns it into an image.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faas/api/types.h"
#include "faas/cli/stack.h"
#include "faas/core/env.h"
#include "faas/core/result.h"

namespace faas::cli {

struct BuildPlan {
  std::string function;
  std::string image;
  std::filesystem::path context;  // <stack dir>/build/<function>
  api::StringMap build_args;      // stack build_args < --build-arg; ADDITIONAL_PACKAGE from options
};

// Recreates <stack dir>/build/<fn>: for a template language, the template from the first root that
// has it, then the handler copied over <context>/<handler_folder>; for `dockerfile`, the handler
// folder as it is. `configuration.copy` paths go into the handler folder of the context.
// `build_options` (stack ∪ `extra_options`) must be defined by the template; their packages become
// the build-arg ADDITIONAL_PACKAGE (space separated).
Result<BuildPlan> shrinkwrap(const StackFunction& fn, const Stack& stack,
                             const std::vector<std::filesystem::path>& template_roots,
                             const api::StringMap& extra_build_args,
                             const std::vector<std::string>& extra_options);

// The argv that builds the plan: "buildah bud ..." or "docker build ...", -t image, --no-cache,
// --build-arg K=V in key order, then the context directory.
std::vector<std::string> builder_command(std::string_view builder, const BuildPlan& plan,
                                         bool no_cache);

// `requested` when set ("buildah" or "docker"), else buildah when on PATH, else docker when on
// PATH; the result is the executable's full path. An error says what to install.
Result<std::string> find_builder(std::string_view requested, const Environment& env);

// The full path of `name` in env's PATH (executable), or nullopt.
std::optional<std::string> find_executable(std::string_view name, const Environment& env);

// Runs argv (argv[0] a path) with the CLI's stdio and `env`, waits, and returns its exit code.
Result<int> run_process(const std::vector<std::string>& argv, const Environment& env);

}  // namespace faas::cli
