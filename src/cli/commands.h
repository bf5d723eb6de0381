// Private to faas::cli: what the command files share. Each add_*_commands registers CLI11
// subcommands whose callbacks set ctx.exit_code.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "faas/cli/app.h"
#include "faas/cli/client.h"
#include "faas/cli/stack.h"
#include "faas/core/result.h"

namespace faas::cli {

struct Context {
  const Environment& env;
  Io io;
  std::filesystem::path cwd;
  int exit_code = 0;
};

// Flags most commands take (faas-cli's persistent flags).
struct CommonFlags {
  std::string gateway;
  std::string token;
  bool tls_no_verify = false;
  std::string yaml;
  std::string filter;
  std::string regex;
  bool envsubst = true;
  std::string namespace_;
};

void add_gateway_flags(CLI::App& cmd, CommonFlags& f);   // -g, -k/--token, --tls-no-verify
void add_stack_flags(CLI::App& cmd, CommonFlags& f);     // -f/--yaml, --filter, --regex, --envsubst
void add_namespace_flag(CLI::App& cmd, CommonFlags& f);  // -n/--namespace

// The stack named by -f, else the default stack file in ctx.cwd if any, else nullopt.
Result<std::optional<Stack>> load_stack_for(const CommonFlags& f, const Context& ctx);
// A client for the resolved gateway with the resolved credentials.
Result<GatewayClient> make_client(const CommonFlags& f, const Context& ctx,
                                  const std::optional<Stack>& stack);
// Loads the optional stack and makes the client in one go.
Result<GatewayClient> make_client(const CommonFlags& f, const Context& ctx);

// Prints "Error: <message>" and returns the failure exit code.
int report(Context& ctx, const Error& e);

void add_auth_commands(CLI::App& app, Context& ctx);      // login, logout
void add_deploy_commands(CLI::App& app, Context& ctx);    // deploy, remove, scale
void add_function_commands(CLI::App& app, Context& ctx);  // list, describe, invoke, ready, logs
void add_secret_commands(CLI::App& app, Context& ctx);    // secret, namespaces
void add_store_commands(CLI::App& app, Context& ctx);     // store
void add_version_command(CLI::App& app, Context& ctx);    // version
void add_new_command(CLI::App& app, Context& ctx);        // new
void add_build_command(CLI::App& app, Context& ctx);      // build
void add_template_commands(CLI::App& app, Context& ctx);  // template pull

}  // namespace faas::cli
