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
#include "faas/cli/process.h"
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

// The argv that builds the plan: "buildah bud ..." or "docker build ...", -t image, for buildah
// --layers --force-rm (no working containers left behind, even when the build fails), --no-cache,
// --build-arg K=V in key order, then the context directory.
std::vector<std::string> builder_command(std::string_view builder, const BuildPlan& plan,
                                         bool no_cache);

// The image engine: `requested` (--engine) when set, else $FAAS_BUILD_ENGINE when set, else
// buildah when on PATH, else docker when on PATH; the result is the executable's full path. An
// error says what to install.
Result<std::string> find_builder(std::string_view requested, const Environment& env);

// The argv that pushes `image` to its registry: "buildah push [--tls-verify=false] IMAGE" (TLS
// off only for loopback registries) or "docker push IMAGE" (docker already treats 127.0.0.0/8
// as insecure).
std::vector<std::string> push_command(std::string_view engine, std::string_view image);

// The argv that writes `image` as an OCI image layout tar to `file`:
// "buildah push IMAGE oci-archive:FILE:IMAGE" or "docker save -o FILE IMAGE".
std::vector<std::string> export_command(std::string_view engine, std::string_view image,
                                        const std::filesystem::path& file);

}  // namespace faas::cli
