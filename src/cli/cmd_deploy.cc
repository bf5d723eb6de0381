// deploy, remove|rm, scale.
#include <memory>
#include <ostream>

#include "faas/api/types.h"
#include "faas/cli/deploy.h"
#include "faas/cli/http_client.h"
#include "faas/cli/oci_archive.h"

#include "commands.h"

namespace faas::cli {

void add_deployment_flags(CLI::App& cmd, DeployFlags& d) {
  cmd.add_option("-e,--env", d.env, "Set one or more environment variables (ENVVAR=VALUE)")
      ->allow_extra_args(false);
  cmd.add_option("-l,--label", d.labels, "Set one or more label (LABEL=VALUE)")
      ->allow_extra_args(false);
  cmd.add_option("--annotation", d.annotations, "Set one or more annotation (ANNOTATION=VALUE)")
      ->allow_extra_args(false);
  cmd.add_option("--secret", d.secrets, "Give the function access to a secure secret")
      ->allow_extra_args(false);
}

namespace {

struct DeployCommand {
  CommonFlags common;
  DeployFlags deploy;
  bool update = true;
  bool replace = false;
  std::string tag;
};

// --image oci-archive:PATH: upload PATH to the gateway, then deploy the name it was stored under.
Result<void> upload_flag_archive(Context& ctx, const GatewayClient& client, DeployFlags& d) {
  std::filesystem::path archive = d.image.substr(std::string_view("oci-archive:").size());
  if (archive.is_relative()) archive = ctx.cwd / archive;
  if (d.name.empty()) return invalid_argument("--image oci-archive:PATH needs --name");
  auto index = read_archive_index(archive);
  if (!index) return index.error();
  auto image = archive_image_name(*index, d.name);
  if (!image)
    return make_error(image.error().code, archive.string() + ": " + image.error().context);
  auto stored = upload_archive(ctx, client, archive, *image, d.namespace_);
  if (!stored) return stored.error();
  d.image = *image;
  return {};
}

int deploy(Context& ctx, DeployCommand& c) {
  DeployMode mode =
      c.replace ? DeployMode::kReplace : (c.update ? DeployMode::kUpdate : DeployMode::kCreate);
  std::optional<Stack> stack;
  if (c.deploy.image.empty() || !c.common.yaml.empty()) {
    auto loaded = load_stack_for(c.common, ctx);
    if (!loaded) return report(ctx, loaded.error());
    stack = std::move(*loaded);
  }
  auto client = make_client(c.common, ctx, stack);
  if (!client) return report(ctx, client.error());
  c.deploy.namespace_ = c.common.namespace_;
  if (!c.deploy.image.empty()) {
    if (c.deploy.image.starts_with("oci-archive:")) {
      if (auto ok = upload_flag_archive(ctx, *client, c.deploy); !ok) {
        return report(ctx, ok.error());
      }
    }
    auto d = deployment_from_flags(c.deploy);
    if (!d) return report(ctx, d.error());
    return deploy_one(ctx, *client, *d, mode);
  }
  if (!stack) {
    return report(ctx, invalid_argument("to deploy a function give --yaml/-f or --image and "
                                        "--name (no stack.yaml or stack.yml here)"));
  }
  auto fns = selected_functions(c.common, c.tag, *stack, ctx);
  if (!fns) return report(ctx, fns.error());
  return deploy_functions(ctx, *client, *stack, *fns, c.deploy, mode);
}

void add_deploy(CLI::App& app, Context& ctx) {
  auto c = std::make_shared<DeployCommand>();
  auto* cmd = app.add_subcommand("deploy", "Deploy OpenFaaS functions");
  add_gateway_flags(*cmd, c->common);
  add_stack_flags(*cmd, c->common);
  add_namespace_flag(*cmd, c->common);
  add_deployment_flags(*cmd, c->deploy);
  cmd->add_option("--image", c->deploy.image,
                  "Image to deploy; oci-archive:PATH uploads that archive to the gateway first");
  add_tag_flag(*cmd, c->tag);
  cmd->add_option("--name", c->deploy.name, "Name of the deployed function");
  cmd->add_option("--fprocess", c->deploy.fprocess,
                  "fprocess value to be run as a serverless "
                  "function by the watchdog");
  cmd->add_option("--constraint", c->deploy.constraints, "Apply a constraint to the function")
      ->allow_extra_args(false);
  cmd->add_flag("--readonly", c->deploy.readonly, "Force a read-only root filesystem");
  auto* update = cmd->add_flag("--update", c->update,
                               "Perform rolling update on existing function (default true)");
  auto* replace =
      cmd->add_flag("--replace", c->replace, "Remove and re-create existing function(s)");
  replace->excludes(update);
  cmd->add_flag("--read-template", c->deploy.read_template,
                "Read the function's template for its fprocess (default true)");
  cmd->add_option("--memory-limit", c->deploy.memory_limit, "Memory limit, e.g. 128Mi");
  cmd->add_option("--cpu-limit", c->deploy.cpu_limit, "CPU limit, e.g. 100m");
  cmd->add_option("--memory-request", c->deploy.memory_request, "Memory request, e.g. 64Mi");
  cmd->add_option("--cpu-request", c->deploy.cpu_request, "CPU request, e.g. 50m");
  cmd->callback([&ctx, c] { ctx.exit_code = deploy(ctx, *c); });
}

struct RemoveCommand {
  CommonFlags common;
  std::string name;
};

int remove(Context& ctx, const RemoveCommand& c) {
  auto stack = load_stack_for(c.common, ctx);
  if (!stack) return report(ctx, stack.error());
  auto client = make_client(c.common, ctx, *stack);
  if (!client) return report(ctx, client.error());
  std::vector<std::pair<std::string, std::string>> targets;  // name, namespace
  if (!c.name.empty()) {
    targets.emplace_back(c.name, c.common.namespace_);
  } else if (*stack) {
    auto fns = select_functions(**stack, c.common.filter, c.common.regex);
    if (!fns) return report(ctx, fns.error());
    for (const auto& f : *fns) {
      targets.emplace_back(f.name, f.namespace_.empty() ? c.common.namespace_ : f.namespace_);
    }
  } else {
    return report(ctx, invalid_argument("give a function name or a stack file with -f"));
  }
  int failures = 0;
  for (const auto& [name, ns] : targets) {
    ctx.io.out << "Deleting: " << name << ".\n";
    if (auto ok = client->remove_function(name, ns); !ok) {
      failures += report(ctx, ok.error());
    } else {
      ctx.io.out << "Removing old function.\n";
    }
  }
  return failures == 0 ? 0 : 1;
}

void add_remove(CLI::App& app, Context& ctx) {
  auto c = std::make_shared<RemoveCommand>();
  auto* cmd = app.add_subcommand("remove", "Remove deployed OpenFaaS functions");
  cmd->alias("rm");
  cmd->alias("delete");
  add_gateway_flags(*cmd, c->common);
  add_stack_flags(*cmd, c->common);
  add_namespace_flag(*cmd, c->common);
  cmd->add_option("name", c->name, "Function to remove (else the functions of the stack file)");
  cmd->callback([&ctx, c] { ctx.exit_code = remove(ctx, *c); });
}

struct ScaleCommand {
  CommonFlags common;
  std::string name;
  std::uint64_t replicas = 0;
};

void add_scale(CLI::App& app, Context& ctx) {
  auto c = std::make_shared<ScaleCommand>();
  auto* cmd = app.add_subcommand("scale", "Scale a function to a number of replicas");
  add_gateway_flags(*cmd, c->common);
  add_stack_flags(*cmd, c->common);
  add_namespace_flag(*cmd, c->common);
  cmd->add_option("name", c->name, "Function to scale")->required();
  cmd->add_option("--replicas", c->replicas, "Desired number of replicas")->required();
  cmd->callback([&ctx, c] {
    auto client = make_client(c->common, ctx);
    if (!client) {
      ctx.exit_code = report(ctx, client.error());
      return;
    }
    auto ok = client->scale(api::ScaleServiceRequest{c->name, c->replicas, c->common.namespace_});
    if (!ok) {
      ctx.exit_code = report(ctx, ok.error());
      return;
    }
    ctx.io.out << "Function " << c->name << " scaled to " << c->replicas << " replica(s)\n";
  });
}

}  // namespace

void add_deploy_commands(CLI::App& app, Context& ctx) {
  add_deploy(app, ctx);
  add_remove(app, ctx);
  add_scale(app, ctx);
}

}  // namespace faas::cli
