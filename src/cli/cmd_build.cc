// build: ./build/<fn> contexts from the stack file, then buildah (or docker) for each image.
#include <memory>
#include <ostream>

#include "faas/cli/build.h"
#include "faas/cli/deploy.h"
#include "faas/cli/templates.h"

#include "commands.h"

namespace faas::cli {
namespace {

struct BuildCommand {
  CommonFlags common;
  std::vector<std::string> build_args;
  std::vector<std::string> build_options;
  std::string builder;
  bool shrinkwrap = false;
  bool no_cache = false;
  int parallel = 1;
};

int build_one(Context& ctx, const BuildCommand& c, const StackFunction& fn, const Stack& stack,
              const api::StringMap& args, const std::string& builder) {
  if (fn.skip_build) {
    ctx.io.out << "Skipping build of: " << fn.name << ".\n";
    return 0;
  }
  auto plan = shrinkwrap(fn, stack, template_roots(ctx.env, stack.dir), args, c.build_options);
  if (!plan) return report(ctx, plan.error());
  if (c.shrinkwrap) {
    ctx.io.out << fn.name << " shrink-wrapped to " << plan->context.string() << "\n";
    return 0;
  }
  ctx.io.out << "Building: " << fn.name << " with " << fn.lang << " template. Please wait..\n";
  ctx.io.out.flush();
  auto rc = run_process(builder_command(builder, *plan, c.no_cache), ctx.env);
  if (!rc) return report(ctx, rc.error());
  if (*rc != 0) {
    return report(ctx, invalid_argument("build " + fn.name + ": " + builder + " exited with " +
                                        std::to_string(*rc)));
  }
  ctx.io.out << "Image: " << plan->image << " built.\n";
  return 0;
}

int build(Context& ctx, const BuildCommand& c) {
  auto stack = load_stack_for(c.common, ctx);
  if (!stack) return report(ctx, stack.error());
  if (!*stack) {
    return report(ctx, invalid_argument("no stack file: give -f or create stack.yaml "
                                        "(faas-cli new)"));
  }
  auto args = parse_key_values(c.build_args, "build-arg");
  if (!args) return report(ctx, args.error());
  std::string builder;
  if (!c.shrinkwrap) {
    auto found = find_builder(c.builder, ctx.env);
    if (!found) return report(ctx, found.error());
    builder = *found;
  }
  auto fns = select_functions(**stack, c.common.filter, c.common.regex);
  if (!fns) return report(ctx, fns.error());
  int failures = 0;
  for (const auto& fn : *fns) failures += build_one(ctx, c, fn, **stack, *args, builder);
  return failures == 0 ? 0 : 1;
}

}  // namespace

void add_build_command(CLI::App& app, Context& ctx) {
  auto c = std::make_shared<BuildCommand>();
  auto* cmd = app.add_subcommand("build", "Builds OpenFaaS function containers");
  add_stack_flags(*cmd, c->common);
  cmd->add_option("-b,--build-arg", c->build_args, "Add a build-arg for the builder (KEY=VALUE)")
      ->allow_extra_args(false);
  cmd->add_option("-o,--build-option", c->build_options,
                  "Set a build option defined by the template, e.g. dev")
      ->allow_extra_args(false);
  cmd->add_flag("--shrinkwrap", c->shrinkwrap, "Just write the build contexts to ./build/");
  cmd->add_flag("--no-cache", c->no_cache, "Do not use the builder's cache");
  cmd->add_option("--builder", c->builder,
                  "buildah or docker (default: buildah if installed, "
                  "else docker)");
  cmd->add_option("--parallel", c->parallel,
                  "Accepted for compatibility; builds run one at a "
                  "time")
      ->capture_default_str();
  cmd->callback([&ctx, c] { ctx.exit_code = build(ctx, *c); });
}

}  // namespace faas::cli
