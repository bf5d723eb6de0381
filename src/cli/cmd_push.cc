// push: each function's image to its registry, or to the gateway's image store when it has no
// registry (see publish_functions).
#include <memory>

#include "faas/cli/image_ref.h"

#include "commands.h"

namespace faas::cli {
namespace {

struct PushCommand {
  CommonFlags common;
  PublishSettings publish;
  std::string tag;
};

bool needs_gateway(const PublishSettings& p, const std::vector<StackFunction>& fns) {
  if (p.via_gateway) return true;
  for (const auto& fn : fns) {
    if (is_local_only(fn.image)) return true;
  }
  return false;
}

int push(Context& ctx, const PushCommand& c) {
  auto stack = load_stack_for(c.common, ctx);
  if (!stack) return report(ctx, stack.error());
  if (!*stack) return report(ctx, invalid_argument("no stack file: give -f or create stack.yaml"));
  auto fns = selected_functions(c.common, c.tag, **stack, ctx);
  if (!fns) return report(ctx, fns.error());
  std::optional<GatewayClient> client;
  if (needs_gateway(c.publish, *fns)) {
    auto made = make_client(c.common, ctx, *stack);
    if (!made) return report(ctx, made.error());
    client = std::move(*made);
  }
  return publish_functions(ctx, c.publish, *fns, client ? &*client : nullptr, c.common.namespace_);
}

}  // namespace

void add_push_command(CLI::App& app, Context& ctx) {
  auto c = std::make_shared<PushCommand>();
  auto* cmd = app.add_subcommand("push",
                                 "Push OpenFaaS functions to a registry (or upload them to a "
                                 "single-node gateway)");
  add_stack_flags(*cmd, c->common);
  add_gateway_flags(*cmd, c->common);
  add_namespace_flag(*cmd, c->common);
  add_publish_flags(*cmd, c->publish);
  add_tag_flag(*cmd, c->tag);
  cmd->add_option("--engine", c->publish.engine, "buildah or docker (as for build)");
  cmd->add_option("--parallel", c->publish.parallel, "Push this many images at a time")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->callback([&ctx, c] { ctx.exit_code = push(ctx, *c); });
}

}  // namespace faas::cli
