// publish: multi-platform images pushed as a manifest list (multiarch.h), per function.
#include <memory>
#include <ostream>

#include <unistd.h>

#include "faas/cli/build.h"
#include "faas/cli/image_ref.h"
#include "faas/cli/multiarch.h"
#include "faas/cli/process.h"
#include "faas/cli/templates.h"

#include "commands.h"

namespace faas::cli {
namespace fs = std::filesystem;
namespace {

struct PublishCommand {
  CommonFlags common;
  BuildSettings build;
  PublishOptions publish;
  std::string tag;
};

// The temporary local manifest list of one publish, removed on every path (its images stay, as
// the layer cache).
class LocalList {
 public:
  LocalList(std::string buildah, std::string name, const Environment& env)
      : buildah_(std::move(buildah)), name_(std::move(name)), env_(env) {}
  ~LocalList() { (void)capture_process({buildah_, "manifest", "rm", name_}, env_); }
  LocalList(const LocalList&) = delete;
  LocalList& operator=(const LocalList&) = delete;
  const std::string& name() const { return name_; }

 private:
  std::string buildah_, name_;
  const Environment& env_;
};

int run_step(Context& ctx, const std::vector<std::string>& argv, const std::string& what) {
  ctx.io.out.flush();
  auto rc = run_process(argv, ctx.env);
  if (!rc) return report(ctx, rc.error());
  if (*rc != 0) {
    return report(ctx,
                  invalid_argument(what + ": " + argv[0] + " exited with " + std::to_string(*rc)));
  }
  return 0;
}

int publish_one(Context& ctx, const PublishCommand& c, const Stack& stack, const StackFunction& fn,
                const api::StringMap& args, const std::string& engine) {
  if (is_local_only(fn.image)) {
    return report(ctx, invalid_argument("publish " + fn.name + ": " + fn.image +
                                        " names no registry repository to push the list to"));
  }
  auto plan =
      shrinkwrap(fn, stack, template_roots(ctx.env, stack.dir), args, c.build.build_options);
  if (!plan) return report(ctx, plan.error());
  PublishOptions o = c.publish;
  if (!fn.platforms.empty()) o.platforms = fn.platforms;  // the stack's own list wins
  ctx.io.out << "Publishing: " << fn.name << " (" << plan->image << ") for " << o.platforms
             << ".\n";
  if (fs::path(engine).filename() == "docker") {
    if (int rc = run_step(ctx, docker_publish_command(engine, *plan, o), "publish " + fn.name))
      return rc;
  } else {
    LocalList list(engine,
                   "localhost/faas-cli-publish-" + fn.name + "-" + std::to_string(::getpid()),
                   ctx.env);
    for (const auto& argv : buildah_publish_commands(engine, *plan, o, list.name())) {
      if (int rc = run_step(ctx, argv, "publish " + fn.name); rc != 0) return rc;
    }
  }
  ctx.io.out << "Published: " << plan->image << " (" << o.platforms << ").\n";
  return 0;
}

int publish(Context& ctx, const PublishCommand& c) {
  auto stack = load_stack_for(c.common, ctx);
  if (!stack) return report(ctx, stack.error());
  if (!*stack) return report(ctx, invalid_argument("no stack file: give -f or create stack.yaml"));
  auto fns = selected_functions(c.common, c.tag, **stack, ctx);
  if (!fns) return report(ctx, fns.error());
  auto args = parse_key_values(c.build.build_args, "build-arg");
  if (!args) return report(ctx, args.error());
  if (!c.build.disable_stack_pull) {
    if (auto ok = pull_configured_templates(ctx, **stack); !ok) return report(ctx, ok.error());
  }
  auto engine = find_builder(c.build.engine, ctx.env);
  if (!engine) return report(ctx, engine.error());
  int failures = run_jobs(ctx, fns->size(), c.build.parallel, [&](Context& jctx, std::size_t i) {
    return publish_one(jctx, c, **stack, (*fns)[i], *args, *engine);
  });
  return failures == 0 ? 0 : 1;
}

}  // namespace

void add_publish_command(CLI::App& app, Context& ctx) {
  auto c = std::make_shared<PublishCommand>();
  auto* cmd = app.add_subcommand(
      "publish", "Builds and pushes multi-arch OpenFaaS container images (a manifest list)");
  add_stack_flags(*cmd, c->common);
  add_build_flags(*cmd, c->build);
  add_tag_flag(*cmd, c->tag);
  cmd->add_option("--platforms", c->publish.platforms,
                  "A set of platforms to publish, comma separated")
      ->capture_default_str();
  cmd->add_option("--extra-tag", c->publish.extra_tags,
                  "Additional extra image tag(s), in addition to the image's own")
      ->allow_extra_args(false);
  cmd->callback([&ctx, c] {
    // --no-cache is one of the build flags; the publish options carry it to the builders.
    c->publish.no_cache = c->build.no_cache;
    ctx.exit_code = publish(ctx, *c);
  });
}

}  // namespace faas::cli
