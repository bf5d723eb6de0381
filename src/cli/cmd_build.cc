// build: ./build/<fn> contexts from the stack file, then buildah (or docker) for each image.
#include <memory>

#include "commands.h"

namespace faas::cli {
namespace {

struct BuildCommand {
  CommonFlags common;
  BuildSettings build;
  std::string tag;
};

int build(Context& ctx, const BuildCommand& c) {
  auto stack = load_stack_for(c.common, ctx);
  if (!stack) return report(ctx, stack.error());
  if (!*stack) {
    return report(ctx, invalid_argument("no stack file: give -f or create stack.yaml "
                                        "(faas-cli new)"));
  }
  auto fns = selected_functions(c.common, c.tag, **stack, ctx);
  if (!fns) return report(ctx, fns.error());
  return build_functions(ctx, c.build, **stack, *fns);
}

}  // namespace

void add_tag_flag(CLI::App& cmd, std::string& tag) {
  cmd.add_option("--tag", tag,
                 "Override the image tag: latest (as written), sha, branch or describe (git), or "
                 "digest (of the handler folder)");
}

void add_build_command(CLI::App& app, Context& ctx) {
  auto c = std::make_shared<BuildCommand>();
  auto* cmd = app.add_subcommand("build", "Builds OpenFaaS function containers");
  add_stack_flags(*cmd, c->common);
  add_build_flags(*cmd, c->build);
  add_tag_flag(*cmd, c->tag);
  cmd->callback([&ctx, c] { ctx.exit_code = build(ctx, *c); });
}

}  // namespace faas::cli
