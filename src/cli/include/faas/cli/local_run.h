// `faas-cli local-run`: one function's image run on this machine in the foreground, answering on
// 127.0.0.1:<port> until Ctrl-C, then cleaned up. With docker: `docker run --rm -p
// 127.0.0.1:PORT:8080` (what faas-cli does, bound to loopback). With buildah, which has no port
// mapping: a working container (`buildah from`) run with the image's entrypoint and command in the
// host's network namespace (`buildah run --network host`) with port=PORT and
// bind_address=127.0.0.1 for the watchdog, so it listens on loopback only; the working container is
// removed on exit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faas/api/types.h"
#include "faas/core/env.h"
#include "faas/core/result.h"

namespace faas::cli {

struct LocalRun {
  std::string function;
  std::string image;
  api::StringMap env;  // the function's environment (stack, files, fprocess, -e)
  std::uint16_t port = 8080;
};

// "docker run --rm -i -p 127.0.0.1:PORT:8080 -e K=V... IMAGE" (keys in order).
std::vector<std::string> docker_run_command(std::string_view docker, const LocalRun& run);

// "buildah run --network host --env K=V... CONTAINER -- COMMAND..." with port=PORT and
// bind_address=127.0.0.1 added to the function's environment (the function's own values win).
std::vector<std::string> buildah_run_command(std::string_view buildah, std::string_view container,
                                             const LocalRun& run,
                                             const std::vector<std::string>& command);

// The image's Entrypoint followed by its Cmd, from the output of `buildah inspect --type image`
// ({"OCIv1": {"config": {"Entrypoint": [...], "Cmd": [...]}}}); an error when both are empty.
Result<std::vector<std::string>> image_command(std::string_view inspect_json);

// A buildah working container of `image`, removed (`buildah rm`) when destroyed.
class BuildahContainer {
 public:
  static Result<BuildahContainer> create(const std::string& buildah, const std::string& image,
                                         const std::string& name, const Environment& env);
  ~BuildahContainer();
  BuildahContainer(BuildahContainer&& other) noexcept;
  BuildahContainer& operator=(BuildahContainer&&) = delete;
  BuildahContainer(const BuildahContainer&) = delete;
  const std::string& name() const { return name_; }

 private:
  BuildahContainer(std::string buildah, std::string name, const Environment& env)
      : buildah_(std::move(buildah)), name_(std::move(name)), env_(env) {}
  std::string buildah_;
  std::string name_;  // "" once moved from
  Environment env_;
};

// Runs argv (stdio inherited, stdin /dev/null, its own process group) until it exits or this
// process gets SIGINT/SIGTERM; then the child gets SIGTERM (buildah and docker pass it on to the
// container), and SIGKILL when it has not exited after `grace_ms`. Returns the child's exit code
// (128 + signal), or nullopt when the run ended by interruption.
Result<std::optional<int>> run_until_interrupted(const std::vector<std::string>& argv,
                                                 const Environment& env, int grace_ms = 10000);

}  // namespace faas::cli
