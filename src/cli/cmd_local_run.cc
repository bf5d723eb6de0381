// local-run: build one function and run its image on this machine until Ctrl-C (local_run.h).
#include <memory>
#include <ostream>

#include <unistd.h>

#include "faas/cli/build.h"
#include "faas/cli/local_run.h"
#include "faas/cli/process.h"

#include "commands.h"

namespace faas::cli {
namespace fs = std::filesystem;
namespace {

struct LocalRunCommand {
  CommonFlags common;
  BuildSettings build;
  std::string name;
  int port = 8080;
  std::vector<std::string> env;
  bool no_build = false;
};

Result<StackFunction> pick_function(const Stack& stack, const std::string& name) {
  if (!name.empty()) {
    for (const auto& fn : stack.functions) {
      if (fn.name == name) return fn;
    }
    return invalid_argument("no functions matching \"" + name + "\" in the stack file");
  }
  if (stack.functions.size() == 1) return stack.functions.front();
  if (stack.functions.empty()) return invalid_argument("no functions found in the stack file");
  std::string names;
  for (const auto& fn : stack.functions) names += (names.empty() ? "" : " ") + fn.name;
  return invalid_argument("give a function name to run: [" + names + "]");
}

Result<LocalRun> describe_run(const LocalRunCommand& c, const Stack& stack,
                              const StackFunction& fn) {
  DeployFlags flags;
  flags.env = c.env;
  auto d = deployment_from_stack(fn, stack, flags);
  if (!d) return d.error();
  LocalRun run{fn.name, d->image, d->env_vars, static_cast<std::uint16_t>(c.port)};
  if (!d->env_process.empty()) run.env["fprocess"] = d->env_process;
  return run;
}

// Interrupted (Ctrl-C) is the normal end; the function exiting by itself is reported.
int finish(Context& ctx, const Result<std::optional<int>>& ended, const std::string& what) {
  if (!ended) return report(ctx, ended.error());
  if (!*ended) {
    ctx.io.out << "Stopped local-run.\n";
    return 0;
  }
  if (**ended == 0) return 0;
  return report(ctx, invalid_argument(what + " exited with " + std::to_string(**ended)));
}

int run_with_buildah(Context& ctx, const std::string& buildah, const LocalRun& run) {
  auto inspect = capture_process({buildah, "inspect", "--type", "image", run.image}, ctx.env);
  if (!inspect) return report(ctx, inspect.error());
  if (inspect->exit_code != 0) {
    return report(ctx, invalid_argument("image " + run.image +
                                        " not found (build it first, or "
                                        "leave out --no-build)"));
  }
  auto command = image_command(inspect->out);
  if (!command) return report(ctx, command.error());
  std::string name = "faas-local-run-" + run.function + "-" + std::to_string(::getpid());
  auto container = BuildahContainer::create(buildah, run.image, name, ctx.env);
  if (!container) return report(ctx, container.error());
  ctx.io.out << "Starting local-run for: " << run.function << " on: http://127.0.0.1:" << run.port
             << "\n\n";
  ctx.io.out.flush();
  auto ended = run_until_interrupted(buildah_run_command(buildah, container->name(), run, *command),
                                     ctx.env);
  return finish(ctx, ended, "local-run " + run.function);
}  // ~BuildahContainer removes the working container

int local_run(Context& ctx, const LocalRunCommand& c) {
  auto stack = load_stack_for(c.common, ctx);
  if (!stack) return report(ctx, stack.error());
  if (!*stack) return report(ctx, invalid_argument("no stack file: give -f or create stack.yaml"));
  auto fn = pick_function(**stack, c.name);
  if (!fn) return report(ctx, fn.error());
  auto engine = find_builder(c.build.engine, ctx.env);
  if (!engine) return report(ctx, engine.error());
  if (!c.no_build) {
    if (int rc = build_functions(ctx, c.build, **stack, {*fn}); rc != 0) return rc;
  }
  auto run = describe_run(c, **stack, *fn);
  if (!run) return report(ctx, run.error());
  if (fs::path(*engine).filename() != "docker") return run_with_buildah(ctx, *engine, *run);
  ctx.io.out << "Starting local-run for: " << run->function << " on: http://127.0.0.1:" << run->port
             << "\n\n";
  ctx.io.out.flush();
  return finish(ctx, run_until_interrupted(docker_run_command(*engine, *run), ctx.env),
                "local-run " + run->function);
}

}  // namespace

void add_local_run_command(CLI::App& app, Context& ctx) {
  auto c = std::make_shared<LocalRunCommand>();
  auto* cmd = app.add_subcommand(
      "local-run", "Build a function and run it on this machine (127.0.0.1:PORT) until Ctrl-C");
  add_stack_flags(*cmd, c->common);
  add_build_flags(*cmd, c->build);
  cmd->add_option("name", c->name, "Function name (optional when the stack has one)");
  cmd->add_option("-p,--port", c->port, "port to bind the function to")
      ->capture_default_str()
      ->check(CLI::Range(1, 65535));
  cmd->add_option("-e,--env", c->env,
                  "additional environment variables (ENVVAR=VALUE), use this to experiment "
                  "with different values for your function")
      ->allow_extra_args(false);
  cmd->add_flag("--no-build", c->no_build, "Run the image as it is, without building it first");
  cmd->callback([&ctx, c] { ctx.exit_code = local_run(ctx, *c); });
}

}  // namespace faas::cli
