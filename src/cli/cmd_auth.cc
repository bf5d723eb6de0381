// login / logout: save and forget gateway credentials in config.yml.
#include <istream>
#include <iterator>
#include <memory>
#include <ostream>

#include "faas/cli/config_file.h"
#include "faas/cli/gateway.h"
#include "faas/core/base64.h"

#include "commands.h"

namespace faas::cli {
namespace {

struct LoginFlags {
  CommonFlags common;
  std::string username = "admin";
  std::string password;
  bool password_stdin = false;
};

std::string trim(std::string s) {
  while (!s.empty() &&
         (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) {
    s.pop_back();
  }
  size_t start = s.find_first_not_of(" \t");
  return start == std::string::npos ? std::string() : s.substr(start);
}

int login(Context& ctx, LoginFlags& f) {
  if (f.password_stdin) {
    if (!f.password.empty()) {
      return report(ctx,
                    invalid_argument("--password and --password-stdin are mutually exclusive"));
    }
    f.password.assign(std::istreambuf_iterator<char>(ctx.io.in), std::istreambuf_iterator<char>());
  }
  f.password = trim(f.password);
  f.username = trim(f.username);
  if (f.password.empty()) return report(ctx, invalid_argument("must provide a non-empty password"));
  if (f.username.empty()) return report(ctx, invalid_argument("must provide a username"));
  auto stack = load_stack_for(f.common, ctx);
  if (!stack) return report(ctx, stack.error());
  std::string gateway = resolve_gateway(f.common.gateway, *stack ? (*stack)->gateway : "", ctx.env);
  std::string token = base64_encode(f.username + ":" + f.password);

  ctx.io.out << "Calling the OpenFaaS server to validate the credentials...\n";
  GatewayClient client(
      ClientOptions{gateway, "Basic " + token, std::chrono::seconds(5), f.common.tls_no_verify});
  auto r = client.call("GET", "/system/functions", {});
  if (!r) return report(ctx, r.error());
  if (r->status == 401) {
    return report(ctx,
                  invalid_argument("unable to login, either username or password is incorrect"));
  }
  if (r->status != 200) {
    return report(ctx, invalid_argument("server returned unexpected status code: " +
                                        status_text(r->status) + " - " + r->body));
  }
  std::filesystem::path path = config_path(ctx.env);
  auto config = read_config(path);
  if (!config) return report(ctx, config.error());
  upsert_auth(*config, AuthConfig{gateway, kBasicAuth, token, {}});
  if (auto ok = write_config(path, *config); !ok) return report(ctx, ok.error());
  if (gateway.starts_with("http://") && gateway.find("://127.") == std::string::npos &&
      gateway.find("://localhost") == std::string::npos) {
    ctx.io.err << "WARNING! You are not using an encrypted connection to the gateway, consider "
                  "using HTTPS.\n";
  }
  ctx.io.out << "credentials saved for " << f.username << " " << gateway << "\n";
  return 0;
}

int logout(Context& ctx, const CommonFlags& f) {
  auto stack = load_stack_for(f, ctx);
  if (!stack) return report(ctx, stack.error());
  std::string gateway = resolve_gateway(f.gateway, *stack ? (*stack)->gateway : "", ctx.env);
  std::filesystem::path path = config_path(ctx.env);
  auto config = read_config(path);
  if (!config) return report(ctx, config.error());
  if (!remove_auth(*config, gateway)) {
    return report(ctx, invalid_argument("gateway " + gateway + " not found in config"));
  }
  if (auto ok = write_config(path, *config); !ok) return report(ctx, ok.error());
  ctx.io.out << "credentials removed for " << gateway << "\n";
  return 0;
}

}  // namespace

void add_auth_commands(CLI::App& app, Context& ctx) {
  auto lf = std::make_shared<LoginFlags>();
  auto* login_cmd = app.add_subcommand("login", "Log in to OpenFaaS gateway");
  login_cmd->add_option("-g,--gateway", lf->common.gateway, "Gateway URL starting with http(s)://");
  login_cmd->add_option("-f,--yaml", lf->common.yaml, "Path to YAML file describing function(s)");
  login_cmd->add_flag("--tls-no-verify", lf->common.tls_no_verify, "Disable TLS validation");
  login_cmd->add_option("-u,--username", lf->username, "Gateway username")->capture_default_str();
  login_cmd->add_option("-p,--password", lf->password, "Gateway password");
  login_cmd->add_flag("-s,--password-stdin", lf->password_stdin, "Reads the password from stdin");
  login_cmd->callback([&ctx, lf] { ctx.exit_code = login(ctx, *lf); });

  auto cf = std::make_shared<CommonFlags>();
  auto* logout_cmd = app.add_subcommand("logout", "Log out from OpenFaaS gateway");
  logout_cmd->add_option("-g,--gateway", cf->gateway, "Gateway URL starting with http(s)://");
  logout_cmd->add_option("-f,--yaml", cf->yaml, "Path to YAML file describing function(s)");
  logout_cmd->callback([&ctx, cf] { ctx.exit_code = logout(ctx, *cf); });
}

}  // namespace faas::cli
