// template pull [REPOSITORY|DIR], template pull stack.
#include <memory>
#include <ostream>

#include "faas/cli/templates.h"

#include "commands.h"

namespace faas::cli {
namespace {

struct PullCommand {
  CommonFlags common;
  std::string repository;
  bool overwrite = true;
};

void print_result(Context& ctx, const PullResult& r) {
  for (const auto& name : r.skipped) ctx.io.out << "Skipping existing template: " << name << "\n";
  ctx.io.out << "Wrote " << r.written.size() << " template(s) :";
  for (const auto& name : r.written) ctx.io.out << " " << name;
  ctx.io.out << "\n";
}

int pull(Context& ctx, const PullCommand& c) {
  PullOptions o;
  o.source = c.repository;
  if (o.source.empty()) {
    o.source = lookup(ctx.env, "OPENFAAS_TEMPLATE_URL").value_or(kDefaultTemplateRepository);
  }
  o.overwrite = c.overwrite;
  ctx.io.out << "Fetch templates from repository: " << o.source << "\n";
  auto r = pull_templates(o, ctx.env, ctx.cwd);
  if (!r) return report(ctx, r.error());
  print_result(ctx, *r);
  return 0;
}

// Each configuration.templates entry of the stack: that template from its source.
int pull_stack(Context& ctx, const PullCommand& c) {
  auto stack = load_stack_for(c.common, ctx);
  if (!stack) return report(ctx, stack.error());
  if (!*stack || (*stack)->templates.empty()) {
    return report(ctx, invalid_argument("no configuration.templates in the stack file"));
  }
  for (const auto& t : (*stack)->templates) {
    PullOptions o{t.source.empty() ? kDefaultTemplateRepository : t.source, t.name, c.overwrite};
    ctx.io.out << "Pulling template: " << t.name << " from " << o.source << "\n";
    auto r = pull_templates(o, ctx.env, ctx.cwd);
    if (!r) return report(ctx, r.error());
    print_result(ctx, *r);
  }
  return 0;
}

}  // namespace

void add_template_commands(CLI::App& app, Context& ctx) {
  auto* tmpl = app.add_subcommand("template", "OpenFaaS template store and repository commands");
  tmpl->require_subcommand(1);
  auto c = std::make_shared<PullCommand>();
  auto* pull_cmd = tmpl->add_subcommand("pull",
                                        "Downloads templates from a git repository or "
                                        "copies them from a directory into ./template");
  pull_cmd->add_option("repository", c->repository,
                       "git URL[#ref] or directory (default "
                       "$OPENFAAS_TEMPLATE_URL, else openfaas/templates)");
  pull_cmd->add_flag("--overwrite", c->overwrite, "Overwrite existing templates (default true)");
  auto* stack_cmd = pull_cmd->add_subcommand("stack",
                                             "Pulls the templates listed in the stack "
                                             "file's configuration.templates");
  stack_cmd->add_option("-f,--yaml", c->common.yaml, "Path to YAML file describing function(s)");
  stack_cmd->add_flag("--overwrite", c->overwrite, "Overwrite existing templates (default true)");
  stack_cmd->callback([&ctx, c] { ctx.exit_code = pull_stack(ctx, *c); });
  // CLI11 also runs the parent's callback when `pull stack` was given.
  pull_cmd->callback([&ctx, c, pull_cmd, stack_cmd] {
    if (!pull_cmd->got_subcommand(stack_cmd)) ctx.exit_code = pull(ctx, *c);
  });
}

}  // namespace faas::cli
