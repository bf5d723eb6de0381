// `faas-cli publish`: one image per platform built from a function's build context and pushed as
// a manifest list (an image index) under the function's image name, as faas-cli does with
// `docker buildx build --platform ... --push`. With buildah: `buildah bud --manifest LIST
// --platform P1,P2` into a temporary local list, then `buildah manifest push --all LIST
// docker://IMAGE` (and once more per --extra-tag); the local list is removed afterwards. Platforms
// other than the machine's own need qemu-user-static (binfmt) for RUN steps.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "faas/cli/build.h"

namespace faas::cli {

struct PublishOptions {
  std::string platforms = "linux/amd64";  // comma separated, as --platform takes them
  std::vector<std::string> extra_tags;    // pushed as IMAGE-without-tag:EXTRA too
  bool no_cache = false;
};

// "repo:tag" for each extra tag, the image's own tag replaced ("me/fn:0.1" + "latest" ->
// "me/fn:latest"; a registry port is kept).
std::vector<std::string> extra_tagged(std::string_view image, const std::vector<std::string>& tags);

// The buildah argv, in order: bud into `list`, then one `manifest push --all` per name (the image,
// then the extra tags), TLS off for loopback registries. With more than one platform the build
// skips the layer cache: buildah 1.28's cache does not tell platforms apart when a stage's base is
// the same for all (FROM scratch), and the list would get one image under the last platform only.
std::vector<std::vector<std::string>> buildah_publish_commands(std::string_view buildah,
                                                               const BuildPlan& plan,
                                                               const PublishOptions& options,
                                                               std::string_view list);

// "docker buildx build --platform P --push -t IMAGE [-t EXTRA...] [--no-cache] --build-arg K=V...
// CONTEXT".
std::vector<std::string> docker_publish_command(std::string_view docker, const BuildPlan& plan,
                                                const PublishOptions& options);

}  // namespace faas::cli
