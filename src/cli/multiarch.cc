#include "faas/cli/multiarch.h"

#include "faas/cli/image_ref.h"

namespace faas::cli {
namespace {

void add_build_args(std::vector<std::string>& argv, const BuildPlan& plan) {
  for (const auto& [k, v] : plan.build_args) argv.insert(argv.end(), {"--build-arg", k + "=" + v});
}

}  // namespace

std::vector<std::string> extra_tagged(std::string_view image,
                                      const std::vector<std::string>& tags) {
  std::string repo(image);
  std::string tag = image_tag(image);
  if (!tag.empty()) repo.resize(repo.size() - tag.size() - 1);
  std::vector<std::string> out;
  for (const auto& t : tags) out.push_back(repo + ":" + t);
  return out;
}

std::vector<std::vector<std::string>> buildah_publish_commands(std::string_view buildah,
                                                               const BuildPlan& plan,
                                                               const PublishOptions& options,
                                                               std::string_view list) {
  std::vector<std::string> bud{std::string(buildah), "bud", "--layers", "--force-rm"};
  bool several = options.platforms.find(',') != std::string::npos;
  if (options.no_cache || several) bud.emplace_back("--no-cache");
  bud.insert(bud.end(), {"--manifest", std::string(list), "--platform", options.platforms});
  add_build_args(bud, plan);
  bud.push_back(plan.context.string());
  std::vector<std::vector<std::string>> commands{bud};
  std::vector<std::string> names{plan.image};
  for (auto& extra : extra_tagged(plan.image, options.extra_tags)) names.push_back(extra);
  for (const auto& name : names) {
    std::vector<std::string> push{std::string(buildah), "manifest", "push", "--all"};
    if (is_loopback_registry(registry_host(name))) push.emplace_back("--tls-verify=false");
    push.insert(push.end(), {std::string(list), "docker://" + name});
    commands.push_back(std::move(push));
  }
  return commands;
}

std::vector<std::string> docker_publish_command(std::string_view docker, const BuildPlan& plan,
                                                const PublishOptions& options) {
  std::vector<std::string> argv{std::string(docker), "buildx", "build", "--platform",
                                options.platforms,   "--push", "-t",    plan.image};
  for (auto& extra : extra_tagged(plan.image, options.extra_tags)) {
    argv.insert(argv.end(), {"-t", extra});
  }
  if (options.no_cache) argv.emplace_back("--no-cache");
  add_build_args(argv, plan);
  argv.push_back(plan.context.string());
  return argv;
}

}  // namespace faas::cli
