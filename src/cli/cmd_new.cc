// new: a function folder from a template, plus its stack file entry.
#include <memory>
#include <ostream>

#include "faas/cli/gateway.h"
#include "faas/cli/templates.h"

#include "commands.h"

namespace faas::cli {
namespace {

struct NewCommand {
  NewFunction fn;
  std::string gateway;
  bool list = false;
  bool quiet = false;
};

int run_new(Context& ctx, NewCommand& c) {
  auto roots = template_roots(ctx.env, ctx.cwd);
  if (c.list) {
    ctx.io.out << "Languages available as templates:\n";
    for (const auto& lang : list_templates(roots)) ctx.io.out << "- " << lang << "\n";
    return 0;
  }
  if (c.fn.name.empty())
    return report(ctx, invalid_argument("please provide a name for the function"));
  if (c.fn.lang.empty())
    return report(ctx,
                  invalid_argument("you must supply a function language with the --lang flag"));
  if (c.fn.prefix.empty()) c.fn.prefix = lookup(ctx.env, "OPENFAAS_PREFIX").value_or("");
  c.fn.gateway = resolve_gateway(c.gateway, "", ctx.env);
  auto r = new_function(c.fn, roots, ctx.cwd);
  if (!r) return report(ctx, r.error());
  ctx.io.out << "Folder: " << r->handler_dir.filename().string() << " created.\n";
  ctx.io.out << "Function created in folder: " << r->handler_dir.filename().string() << "\n";
  ctx.io.out << "Stack file " << (r->appended ? "updated" : "written") << ": "
             << r->stack_file.filename().string() << "\n";
  if (!c.quiet && !r->welcome_message.empty()) ctx.io.out << "\n" << r->welcome_message << "\n";
  return 0;
}

}  // namespace

void add_new_command(CLI::App& app, Context& ctx) {
  auto c = std::make_shared<NewCommand>();
  auto* cmd = app.add_subcommand("new",
                                 "Create a new template in the current folder with the "
                                 "name given as name");
  cmd->add_option("name", c->fn.name, "Function name");
  cmd->add_option("--lang", c->fn.lang, "Language or template to use");
  cmd->add_option("-p,--prefix", c->fn.prefix,
                  "Set prefix for the function image "
                  "(default $OPENFAAS_PREFIX)");
  cmd->add_option("--handler", c->fn.handler,
                  "Directory for the function's handler "
                  "(default ./<name>)");
  cmd->add_option("-a,--append", c->fn.stack_file,
                  "Append to this stack file (default "
                  "stack.yaml; appended to when it exists)");
  cmd->add_option("-g,--gateway", c->gateway, "Gateway URL to store in the stack file");
  cmd->add_flag("--list", c->list, "List available languages");
  cmd->add_flag("-q,--quiet", c->quiet, "Skip printing the template's welcome message");
  cmd->callback([&ctx, c] { ctx.exit_code = run_new(ctx, *c); });
}

}  // namespace faas::cli
