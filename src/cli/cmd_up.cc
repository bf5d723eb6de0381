// up: build, push (or upload), deploy; with --watch, again for each function whose handler
// folder changes, until Ctrl+C.
#include <chrono>
#include <memory>
#include <ostream>

#include "faas/cli/watch.h"

#include "commands.h"

namespace faas::cli {
namespace fs = std::filesystem;
namespace {

constexpr std::chrono::milliseconds kQuietPeriod{300};
constexpr const char* kStackTag = "\n stack file";  // cannot collide with a function name

struct UpCommand {
  CommonFlags common;
  BuildSettings build;
  PublishSettings publish;
  DeployFlags deploy;
  std::string tag;
  bool skip_push = false;
  bool skip_deploy = false;
  bool watch = false;
  bool update = true;
  bool replace = false;
};

DeployMode mode_of(const UpCommand& c) {
  return c.replace ? DeployMode::kReplace : (c.update ? DeployMode::kUpdate : DeployMode::kCreate);
}

int cycle(Context& ctx, const UpCommand& c, const Stack& stack,
          const std::vector<StackFunction>& fns, const GatewayClient& client) {
  if (build_functions(ctx, c.build, stack, fns) != 0) return 1;
  if (c.build.shrinkwrap) return 0;
  if (!c.skip_push) {
    if (publish_functions(ctx, c.publish, fns, &client, c.common.namespace_) != 0) return 1;
  }
  if (c.skip_deploy) return 0;
  DeployFlags flags = c.deploy;
  flags.namespace_ = c.common.namespace_;
  return deploy_functions(ctx, client, stack, fns, flags, mode_of(c));
}

std::optional<fs::path> stack_file_of(const CommonFlags& f, const Context& ctx) {
  if (f.yaml.starts_with("http://") || f.yaml.starts_with("https://")) return std::nullopt;
  if (f.yaml.empty()) return find_default_stack(ctx.cwd);
  fs::path p(f.yaml);
  return p.is_absolute() ? p : ctx.cwd / p;
}

Result<std::unique_ptr<TreeWatcher>> watch_handlers(const UpCommand& c, const Context& ctx,
                                                    const Stack& stack,
                                                    const std::vector<StackFunction>& fns) {
  auto watcher = TreeWatcher::create({stack.dir / "build", stack.dir / "template"});
  if (!watcher) return watcher.error();
  for (const auto& fn : fns) {
    fs::path handler(fn.handler);
    if (handler.is_relative()) handler = stack.dir / handler;
    if (auto ok = (*watcher)->add(handler, fn.name); !ok) return ok.error();
  }
  if (auto file = stack_file_of(c.common, ctx)) {
    if (auto ok = (*watcher)->add(*file, kStackTag); !ok) return ok.error();
  }
  return watcher;
}

// The functions to rebuild: all selected ones when the stack file changed (it may have changed
// anything), else those whose handler changed.
std::vector<StackFunction> changed_functions(const std::vector<StackFunction>& all,
                                             const std::set<std::string>& changed) {
  if (changed.contains(kStackTag)) return all;
  std::vector<StackFunction> out;
  for (const auto& fn : all) {
    if (changed.contains(fn.name)) out.push_back(fn);
  }
  return out;
}

Result<std::pair<Stack, std::vector<StackFunction>>> reload(const Context& ctx,
                                                            const UpCommand& c) {
  auto stack = load_stack_for(c.common, ctx);
  if (!stack) return stack.error();
  if (!*stack) return invalid_argument("the stack file is gone");
  auto fns = selected_functions(c.common, c.tag, **stack, ctx);
  if (!fns) return fns.error();
  return std::make_pair(std::move(**stack), std::move(*fns));
}

int watch(Context& ctx, const UpCommand& c, const GatewayClient& client, const Stack& first,
          const std::vector<StackFunction>& first_fns) {
  auto interrupt = InterruptPipe::create();
  if (!interrupt) return report(ctx, interrupt.error());
  auto watcher = watch_handlers(c, ctx, first, first_fns);
  if (!watcher) return report(ctx, watcher.error());
  ctx.io.out << "Watching " << first_fns.size()
             << " function(s) for changes. Press Control+C to stop.\n"
             << std::flush;
  for (int n = 1;; ++n) {
    auto changed = (*watcher)->wait(kQuietPeriod, (*interrupt)->fd());
    if (!changed) return report(ctx, changed.error());
    if (changed->empty()) break;  // interrupted
    // Re-read the stack each time: its settings may have changed since the last cycle.
    auto fns = reload(ctx, c);
    if (!fns) {
      report(ctx, fns.error());
      ctx.io.out << "[" << n << "] Fix the stack file; watching for changes.\n" << std::flush;
      continue;
    }
    const Stack& stack = fns->first;
    auto todo = changed_functions(fns->second, *changed);
    ctx.io.out << "[" << n << "] Change detected in:";
    for (const auto& fn : todo) ctx.io.out << " " << fn.name;
    ctx.io.out << "\n" << std::flush;
    int rc = todo.empty() ? 0 : cycle(ctx, c, stack, todo, client);
    ctx.io.out << "[" << n << "] " << (rc == 0 ? "Done" : "Failed") << ". Watching for changes.\n"
               << std::flush;
  }
  ctx.io.out << "Stopped watching.\n";
  return 0;
}

int up(Context& ctx, const UpCommand& c) {
  auto stack = load_stack_for(c.common, ctx);
  if (!stack) return report(ctx, stack.error());
  if (!*stack) return report(ctx, invalid_argument("no stack file: give -f or create stack.yaml"));
  auto fns = selected_functions(c.common, c.tag, **stack, ctx);
  if (!fns) return report(ctx, fns.error());
  auto client = make_client(c.common, ctx, *stack);
  if (!client) return report(ctx, client.error());
  int rc = cycle(ctx, c, **stack, *fns, *client);
  if (!c.watch) return rc;
  return watch(ctx, c, *client, **stack, *fns);
}

}  // namespace

void add_up_command(CLI::App& app, Context& ctx) {
  auto c = std::make_shared<UpCommand>();
  auto* cmd = app.add_subcommand("up", "Builds, pushes and deploys OpenFaaS function containers");
  add_stack_flags(*cmd, c->common);
  add_gateway_flags(*cmd, c->common);
  add_namespace_flag(*cmd, c->common);
  add_build_flags(*cmd, c->build);
  add_publish_flags(*cmd, c->publish);
  add_deployment_flags(*cmd, c->deploy);
  add_tag_flag(*cmd, c->tag);
  cmd->add_flag("--skip-push", c->skip_push, "Skip pushing (or uploading) the images");
  cmd->add_flag("--skip-deploy", c->skip_deploy, "Skip deploying the functions");
  cmd->add_flag("--watch", c->watch,
                "Rebuild and redeploy a function when its handler folder changes");
  auto* update = cmd->add_flag("--update", c->update, "Update existing functions (default true)");
  cmd->add_flag("--replace", c->replace, "Remove and re-create existing functions")
      ->excludes(update);
  cmd->callback([&ctx, c] {
    c->publish.engine = c->build.engine;
    c->publish.parallel = c->build.parallel;
    ctx.exit_code = up(ctx, *c);
  });
}

}  // namespace faas::cli
