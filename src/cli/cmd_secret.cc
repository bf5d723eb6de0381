// secret create|list|update|remove, namespaces, namespace|ns list.
#include <fstream>
#include <iterator>
#include <memory>
#include <ostream>
#include <sstream>

#include "faas/api/json.h"
#include "faas/api/types.h"
#include "faas/cli/http_client.h"

#include "commands.h"

namespace faas::cli {
namespace {

struct SecretCommand {
  CommonFlags common;
  std::string name;
  std::string literal;
  std::string file;
  bool trim = true;
  bool replace = false;
};

std::string trim_space(std::string s) {
  auto is_space = [](char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; };
  while (!s.empty() && is_space(s.back())) s.pop_back();
  size_t start = 0;
  while (start < s.size() && is_space(s[start])) ++start;
  return s.substr(start);
}

// The secret a create/update sends: --from-literal or stdin as `value`, --from-file as raw
// bytes (`rawValue`), so binary files survive.
Result<api::Secret> secret_from_flags(Context& ctx, const SecretCommand& c) {
  if (auto ok = api::validate_name("secret name", c.name); !ok) return ok.error();
  if (!c.literal.empty() && !c.file.empty()) {
    return invalid_argument("please provide either --from-literal or --from-file, not both");
  }
  api::Secret s{c.name, c.common.namespace_, {}, {}};
  if (!c.file.empty()) {
    std::ifstream in(c.file, std::ios::binary);
    if (!in) return errno_error(errno, "cannot read " + c.file);
    std::ostringstream data;
    data << in.rdbuf();
    s.raw_value = data.str();
    if (c.trim) s.raw_value = trim_space(std::move(s.raw_value));
  } else if (!c.literal.empty()) {
    s.value = c.trim ? trim_space(c.literal) : c.literal;
  } else {
    s.value.assign(std::istreambuf_iterator<char>(ctx.io.in), std::istreambuf_iterator<char>{});
    if (c.trim) s.value = trim_space(std::move(s.value));
  }
  if (s.value.empty() && s.raw_value.empty()) {
    return invalid_argument("secret " + c.name + ": the value is empty");
  }
  return s;
}

int create_or_update(Context& ctx, const SecretCommand& c, bool create) {
  auto secret = secret_from_flags(ctx, c);
  if (!secret) return report(ctx, secret.error());
  auto client = make_client(c.common, ctx);
  if (!client) return report(ctx, client.error());
  std::string label = c.name + (c.common.namespace_.empty() ? "" : "." + c.common.namespace_);
  ctx.io.out << (create ? "Creating" : "Updating") << " secret: " << label << "\n";
  auto status = create ? client->create_secret(*secret, c.replace) : client->update_secret(*secret);
  if (!status) return report(ctx, status.error());
  ctx.io.out << (create ? "Created: " : "Updated: ") << status_text(*status) << "\n";
  return 0;
}

void add_value_flags(CLI::App& cmd, SecretCommand& c) {
  cmd.add_option("--from-literal", c.literal, "Value of the secret");
  cmd.add_option("--from-file", c.file, "Path to the secret file");
  cmd.add_flag("--trim", c.trim,
               "Trim whitespace from the start and end of the value "
               "(default true)");
}

void add_secret(CLI::App& app, Context& ctx) {
  auto* secret = app.add_subcommand("secret", "OpenFaaS secret commands");
  secret->require_subcommand(1);

  auto c = std::make_shared<SecretCommand>();
  auto* create = secret->add_subcommand("create",
                                        "Create a new secret (value from "
                                        "--from-literal, --from-file or stdin)");
  add_gateway_flags(*create, c->common);
  add_namespace_flag(*create, c->common);
  create->add_option("name", c->name, "Secret name")->required();
  add_value_flags(*create, *c);
  create->add_flag("--replace", c->replace, "Update the secret when it already exists");
  create->callback([&ctx, c] { ctx.exit_code = create_or_update(ctx, *c, true); });

  auto u = std::make_shared<SecretCommand>();
  auto* update = secret->add_subcommand("update", "Update a secret");
  update->alias("u");
  add_gateway_flags(*update, u->common);
  add_namespace_flag(*update, u->common);
  update->add_option("name", u->name, "Secret name")->required();
  add_value_flags(*update, *u);
  update->callback([&ctx, u] { ctx.exit_code = create_or_update(ctx, *u, false); });

  auto l = std::make_shared<CommonFlags>();
  auto* list = secret->add_subcommand("list", "List all secrets");
  list->alias("ls");
  add_gateway_flags(*list, *l);
  add_namespace_flag(*list, *l);
  list->callback([&ctx, l] {
    auto client = make_client(*l, ctx);
    if (!client) return void(ctx.exit_code = report(ctx, client.error()));
    auto secrets = client->list_secrets(l->namespace_);
    if (!secrets) return void(ctx.exit_code = report(ctx, secrets.error()));
    if (secrets->empty()) {
      ctx.io.out << "No secrets found.\n";
      return;
    }
    ctx.io.out << "NAME\n";
    for (const auto& s : *secrets) ctx.io.out << s.name << "\n";
  });

  auto r = std::make_shared<SecretCommand>();
  auto* remove = secret->add_subcommand("remove", "Remove a secret");
  remove->alias("rm");
  remove->alias("delete");
  add_gateway_flags(*remove, r->common);
  add_namespace_flag(*remove, r->common);
  remove->add_option("name", r->name, "Secret name")->required();
  remove->callback([&ctx, r] {
    auto client = make_client(r->common, ctx);
    if (!client) return void(ctx.exit_code = report(ctx, client.error()));
    if (auto ok = client->remove_secret(r->name, r->common.namespace_); !ok) {
      return void(ctx.exit_code = report(ctx, ok.error()));
    }
    ctx.io.out << "Removed.. OK.\n";
  });
}

void print_namespaces(Context& ctx, const CommonFlags& f) {
  auto client = make_client(f, ctx);
  if (!client) return void(ctx.exit_code = report(ctx, client.error()));
  auto namespaces = client->list_namespaces();
  if (!namespaces) return void(ctx.exit_code = report(ctx, namespaces.error()));
  ctx.io.out << "Namespaces:\n";
  for (const auto& n : *namespaces) ctx.io.out << " - " << n << "\n";
}

void add_namespaces(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<CommonFlags>();
  auto* namespaces = app.add_subcommand("namespaces", "List OpenFaaS namespaces");
  add_gateway_flags(*namespaces, *f);
  add_stack_flags(*namespaces, *f);
  namespaces->callback([&ctx, f] { print_namespaces(ctx, *f); });

  auto* ns = app.add_subcommand("namespace", "Manage OpenFaaS namespaces");
  ns->alias("ns");
  ns->require_subcommand(1);
  auto lf = std::make_shared<CommonFlags>();
  auto* list = ns->add_subcommand("list", "List OpenFaaS namespaces");
  list->alias("ls");
  add_gateway_flags(*list, *lf);
  add_stack_flags(*list, *lf);
  list->callback([&ctx, lf] { print_namespaces(ctx, *lf); });
}

}  // namespace

void add_secret_commands(CLI::App& app, Context& ctx) {
  add_secret(app, ctx);
  add_namespaces(app, ctx);
}

}  // namespace faas::cli
