// Private to faas::cli: what the command files share. Each add_*_commands registers CLI11
// subcommands whose callbacks set ctx.exit_code.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "faas/cli/app.h"
#include "faas/cli/client.h"
#include "faas/cli/deploy.h"
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

// --- build, push, deploy as steps that `up` chains (pipeline.cc) ---

struct BuildSettings {
  std::vector<std::string> build_args;     // -b KEY=VALUE
  std::vector<std::string> build_options;  // -o NAME
  std::string engine;                      // --engine; "" = $FAAS_BUILD_ENGINE, buildah, docker
  bool shrinkwrap = false;
  bool no_cache = false;
  bool disable_stack_pull = false;  // do not pull configuration.templates
  int parallel = 1;
};
void add_build_flags(CLI::App& cmd, BuildSettings& b);

struct PublishSettings {
  std::string engine;
  bool via_gateway = false;  // upload to the gateway even when the image names a registry
  int parallel = 1;
};
void add_publish_flags(CLI::App& cmd, PublishSettings& p);  // --via-gateway
void add_tag_flag(CLI::App& cmd, std::string& tag);         // --tag
void add_deployment_flags(CLI::App& cmd, DeployFlags& d);   // -e, -l, --annotation, --secret

// The stack functions selected by --filter/--regex with images renamed by --tag.
Result<std::vector<StackFunction>> selected_functions(const CommonFlags& f, const std::string& tag,
                                                      const Stack& stack, const Context& ctx);
// Runs job(jctx, i) for i in [0, n) on up to `parallel` threads and returns the number that
// failed. With parallel > 1 each job's output is buffered and printed whole when it ends.
int run_jobs(Context& ctx, std::size_t n, int parallel,
             const std::function<int(Context&, std::size_t)>& job);

// Pulls the stack's configuration.templates that ./template does not have yet.
Result<void> pull_configured_templates(Context& ctx, const Stack& stack);
int build_functions(Context& ctx, const BuildSettings& b, const Stack& stack,
                    const std::vector<StackFunction>& fns);
// Pushes each image to its registry, or, when it is local-only (image_ref.h) or via_gateway is
// set, exports it as an OCI archive and uploads it to `client`'s gateway. `client` may be null
// when no function needs the gateway.
int publish_functions(Context& ctx, const PublishSettings& p, const std::vector<StackFunction>& fns,
                      const GatewayClient* client, const std::string& ns);
// Uploads an OCI archive as `image`, with progress on err.
Result<std::string> upload_archive(Context& ctx, const GatewayClient& client,
                                   const std::filesystem::path& archive, const std::string& image,
                                   const std::string& ns);
int deploy_one(Context& ctx, const GatewayClient& client, const api::FunctionDeployment& d,
               DeployMode mode);
int deploy_functions(Context& ctx, const GatewayClient& client, const Stack& stack,
                     const std::vector<StackFunction>& fns, const DeployFlags& flags,
                     DeployMode mode);

void add_auth_commands(CLI::App& app, Context& ctx);      // login, logout
void add_deploy_commands(CLI::App& app, Context& ctx);    // deploy, remove, scale
void add_function_commands(CLI::App& app, Context& ctx);  // list, describe, invoke, ready, logs
void add_secret_commands(CLI::App& app, Context& ctx);    // secret, namespaces
void add_store_commands(CLI::App& app, Context& ctx);     // store
void add_version_command(CLI::App& app, Context& ctx);    // version
void add_new_command(CLI::App& app, Context& ctx);        // new
void add_build_command(CLI::App& app, Context& ctx);      // build
void add_template_commands(CLI::App& app, Context& ctx);  // template pull, template store
void add_push_command(CLI::App& app, Context& ctx);       // push
void add_up_command(CLI::App& app, Context& ctx);         // up [--watch]
void add_generate_command(CLI::App& app, Context& ctx);   // generate
void add_local_run_command(CLI::App& app, Context& ctx);  // local-run
void add_publish_command(CLI::App& app, Context& ctx);    // publish

}  // namespace faas::cli
