#include "faas/cli/app.h"

#include <istream>
#include <ostream>

#include "faas/cli/config_file.h"
#include "faas/cli/gateway.h"
#include "faas/cli/http_client.h"

#include "commands.h"

namespace faas::cli {

void add_gateway_flags(CLI::App& cmd, CommonFlags& f) {
  cmd.add_option("-g,--gateway", f.gateway, "Gateway URL starting with http(s)://");
  cmd.add_option("-k,--token", f.token, "Pass a JWT token to use instead of basic auth");
  cmd.add_flag("--tls-no-verify", f.tls_no_verify, "Disable TLS validation");
}

void add_stack_flags(CLI::App& cmd, CommonFlags& f) {
  cmd.add_option("-f,--yaml", f.yaml, "Path to YAML file describing function(s)");
  auto* filter = cmd.add_option("--filter", f.filter, "Wildcard to match with function names");
  auto* regex = cmd.add_option("--regex", f.regex, "Regex to match with function names");
  filter->excludes(regex);
  cmd.add_flag("--envsubst", f.envsubst, "Substitute environment variables in the stack file");
}

void add_namespace_flag(CLI::App& cmd, CommonFlags& f) {
  cmd.add_option("-n,--namespace", f.namespace_, "Namespace of the function");
}

namespace {

// -f may be a URL, as in faas-cli; relative paths in a remote stack resolve against the cwd.
Result<Stack> fetch_stack(const std::string& url, const Context& ctx, bool substitute) {
  HttpRequest req;
  req.url = url;
  auto r = http_request(req);
  if (!r) return invalid_argument("cannot fetch " + url + ": " + r.error().message());
  if (r->status != 200)
    return invalid_argument("cannot fetch " + url + ": " + status_text(r->status));
  auto stack = parse_stack(r->body, url, ctx.env, substitute);
  if (stack) stack->dir = ctx.cwd;
  return stack;
}

}  // namespace

Result<std::optional<Stack>> load_stack_for(const CommonFlags& f, const Context& ctx) {
  if (f.yaml.starts_with("http://") || f.yaml.starts_with("https://")) {
    auto stack = fetch_stack(f.yaml, ctx, f.envsubst);
    if (!stack) return stack.error();
    return std::optional<Stack>(std::move(*stack));
  }
  std::optional<std::filesystem::path> file;
  if (!f.yaml.empty()) {
    std::filesystem::path p(f.yaml);
    file = p.is_absolute() ? p : ctx.cwd / p;
  } else {
    file = find_default_stack(ctx.cwd);
  }
  if (!file) return std::optional<Stack>();
  auto stack = load_stack(*file, ctx.env, f.envsubst);
  if (!stack) return stack.error();
  return std::optional<Stack>(std::move(*stack));
}

Result<GatewayClient> make_client(const CommonFlags& f, const Context& ctx,
                                  const std::optional<Stack>& stack) {
  ClientOptions o;
  o.gateway = resolve_gateway(f.gateway, stack ? stack->gateway : "", ctx.env);
  auto config = read_config(config_path(ctx.env));
  if (!config) return config.error();
  o.authorization = resolve_authorization(o.gateway, f.token, *config);
  o.tls_no_verify = f.tls_no_verify;
  return GatewayClient(std::move(o));
}

Result<GatewayClient> make_client(const CommonFlags& f, const Context& ctx) {
  auto stack = load_stack_for(f, ctx);
  if (!stack) return stack.error();
  return make_client(f, ctx, *stack);
}

int report(Context& ctx, const Error& e) {
  ctx.io.err << "Error: " << e.message() << "\n";
  return 1;
}

int run(const std::vector<std::string>& args, const Environment& env, Io io,
        const std::filesystem::path& cwd) {
  Context ctx{env, io, cwd};
  CLI::App app{"Manage your OpenFaaS functions from the command line", "faas-cli"};
  app.require_subcommand(1);
  app.fallthrough(false);
  add_auth_commands(app, ctx);
  add_deploy_commands(app, ctx);
  add_function_commands(app, ctx);
  add_secret_commands(app, ctx);
  add_store_commands(app, ctx);
  add_version_command(app, ctx);
  add_new_command(app, ctx);
  add_build_command(app, ctx);
  add_template_commands(app, ctx);
  add_push_command(app, ctx);
  add_up_command(app, ctx);
  add_generate_command(app, ctx);
  add_local_run_command(app, ctx);
  add_publish_command(app, ctx);
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 consumes from the back
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e, io.out, io.err);
    return code == 0 ? 0 : 1;
  }
  return ctx.exit_code;
}

}  // namespace faas::cli
