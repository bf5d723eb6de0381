// template pull [REPOSITORY|DIR], template pull stack, template store list|pull.
#include <memory>
#include <ostream>

#include "faas/cli/store.h"
#include "faas/cli/template_store.h"
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

struct StoreCommand {
  std::string url;
  std::string name;
  TemplateFilter filter{.platform = "x86_64"};
  bool verbose = false;
  bool overwrite = true;
};

Result<std::vector<StoreTemplate>> load_template_store(const Context& ctx, const StoreCommand& c) {
  std::string url = template_store_url(c.url, ctx.env);
  auto body = fetch_store(url);
  if (!body) {
    return invalid_argument("cannot read the template store " + url + " (" +
                            body.error().message() +
                            "); give another with --url or "
                            "$TEMPLATE_STORE_URL");
  }
  auto all = parse_template_store(*body);
  if (!all) return invalid_argument(url + ": " + all.error().message());
  return all;
}

int store_list(Context& ctx, const StoreCommand& c) {
  auto all = load_template_store(ctx, c);
  if (!all) return report(ctx, all.error());
  auto shown = filter_templates(*all, c.filter);
  if (shown.empty()) {
    ctx.io.out << "No templates found for platform " << c.filter.platform << ".\n";
    return 0;
  }
  ctx.io.out << format_template_store(shown, c.verbose);
  return 0;
}

// NAME[@ref]: that entry's template from its repository (ref: a branch or tag of it).
int store_pull(Context& ctx, const StoreCommand& c) {
  auto all = load_template_store(ctx, c);
  if (!all) return report(ctx, all.error());
  std::string name = c.name;
  std::string ref;
  if (auto at = name.find('@'); at != std::string::npos) {
    ref = name.substr(at + 1);
    name.resize(at);
  }
  auto found = find_store_template(*all, name);
  if (!found) return report(ctx, found.error());
  if (!*found) {
    return report(ctx, invalid_argument("template " + name + " is not in the template store " +
                                        "(see faas-cli template store list)"));
  }
  const StoreTemplate& t = **found;
  if (t.repo.empty()) return report(ctx, invalid_argument("template " + name + " has no repo"));
  PullOptions o{ref.empty() ? t.repo : t.repo + "#" + ref, t.name, c.overwrite};
  ctx.io.out << "Pulling template: " << t.name << " from " << o.source << "\n";
  auto r = pull_templates(o, ctx.env, ctx.cwd);
  if (!r) return report(ctx, r.error());
  print_result(ctx, *r);
  return 0;
}

void add_store_flags(CLI::App& cmd, StoreCommand& c) {
  cmd.add_option("-u,--url", c.url,
                 "Template store URL or file (default $OPENFAAS_TEMPLATE_STORE_URL, "
                 "$TEMPLATE_STORE_URL, else the OpenFaaS store)");
}

void add_template_store(CLI::App& tmpl, Context& ctx) {
  auto* store = tmpl.add_subcommand("store", "Lists and pulls templates from a template store");
  store->require_subcommand(1);
  auto c = std::make_shared<StoreCommand>();
  auto* list = store->add_subcommand("list", "Lists the templates of the store");
  list->alias("ls");
  add_store_flags(*list, *c);
  list->add_option("-p,--platform", c->filter.platform, "Platform (x86_64, arm64, armhf)")
      ->capture_default_str();
  list->add_flag("-v,--verbose", c->verbose, "Show language and platform, full descriptions");
  list->add_flag("-o,--official", c->filter.official, "Only official templates");
  list->add_flag("-r,--recommended", c->filter.recommended, "Only recommended templates");
  list->callback([&ctx, c] { ctx.exit_code = store_list(ctx, *c); });
  auto* pull = store->add_subcommand("pull", "Pulls a template of the store into ./template");
  add_store_flags(*pull, *c);
  pull->add_option("name", c->name, "NAME[@ref] or SOURCE/NAME[@ref]")->required();
  pull->add_flag("--overwrite", c->overwrite, "Overwrite an existing template (default true)");
  pull->callback([&ctx, c] { ctx.exit_code = store_pull(ctx, *c); });
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
  add_template_store(*tmpl, ctx);
}

}  // namespace faas::cli
