// store list|ls, describe|inspect, deploy.
#include <memory>
#include <ostream>

#include "faas/cli/deploy.h"
#include "faas/cli/http_client.h"
#include "faas/cli/store.h"

#include "commands.h"

namespace faas::cli {
namespace {

struct StoreCommand {
  CommonFlags common;
  DeployFlags deploy;
  std::string url;
  std::string platform = kDefaultPlatform;
  bool verbose = false;
  std::string name;
};

// --url, else $OPENFAAS_STORE, else the OpenFaaS store on GitHub.
Result<std::vector<StoreFunction>> load(const Context& ctx, const StoreCommand& c) {
  std::string url = c.url;
  if (url.empty()) url = lookup(ctx.env, "OPENFAAS_STORE").value_or(kDefaultStoreUrl);
  auto text = fetch_store(url);
  if (!text) return text.error();
  return parse_store(*text);
}

Result<StoreFunction> find(const Context& ctx, const StoreCommand& c) {
  auto all = load(ctx, c);
  if (!all) return all.error();
  auto fns = for_platform(*all, c.platform);
  const StoreFunction* fn = find_store_function(fns, c.name);
  if (!fn) {
    return invalid_argument("function '" + c.name + "' not found in the store for platform " +
                            c.platform);
  }
  return *fn;
}

int store_list(Context& ctx, const StoreCommand& c) {
  auto all = load(ctx, c);
  if (!all) return report(ctx, all.error());
  auto fns = for_platform(*all, c.platform);
  if (fns.empty()) {
    ctx.io.out << "No functions found in the store for platform " << c.platform << "\n";
    return 0;
  }
  ctx.io.out << format_store_list(fns, c.verbose);
  return 0;
}

int store_describe(Context& ctx, const StoreCommand& c) {
  auto fn = find(ctx, c);
  if (!fn) return report(ctx, fn.error());
  ctx.io.out << format_store_describe(*fn, c.platform);
  return 0;
}

int store_deploy(Context& ctx, StoreCommand& c) {
  auto fn = find(ctx, c);
  if (!fn) return report(ctx, fn.error());
  c.deploy.namespace_ = c.common.namespace_;
  auto d = store_deployment(*fn, c.platform, c.deploy);
  if (!d) return report(ctx, d.error());
  auto client = make_client(c.common, ctx);
  if (!client) return report(ctx, client.error());
  ctx.io.out << "Deploying: " << d->service << ".\n";
  auto status = client->deploy(*d, DeployMode::kUpdate);
  if (!status) return report(ctx, status.error());
  ctx.io.out << "Deployed. " << status_text(*status) << ".\n"
             << "URL: " << function_url(client->gateway(), d->service, d->namespace_) << "\n";
  return 0;
}

void add_store_flags(CLI::App& cmd, StoreCommand& c) {
  cmd.add_option("-u,--url", c.url,
                 "Alternative store URL or file path (default "
                 "$OPENFAAS_STORE, else the OpenFaaS store)");
  cmd.add_option("-p,--platform", c.platform, "Target platform for store")->capture_default_str();
}

}  // namespace

void add_store_commands(CLI::App& app, Context& ctx) {
  auto* store = app.add_subcommand("store", "OpenFaaS store commands");
  store->require_subcommand(1);

  auto l = std::make_shared<StoreCommand>();
  auto* list = store->add_subcommand("list", "List available OpenFaaS functions in a store");
  list->alias("ls");
  add_store_flags(*list, *l);
  list->add_flag("-v,--verbose", l->verbose, "Show full titles");
  list->callback([&ctx, l] { ctx.exit_code = store_list(ctx, *l); });

  auto d = std::make_shared<StoreCommand>();
  auto* describe = store->add_subcommand("describe", "Show details of an OpenFaaS store function");
  describe->alias("inspect");
  add_store_flags(*describe, *d);
  describe->add_option("name", d->name, "Function name or title")->required();
  describe->callback([&ctx, d] { ctx.exit_code = store_describe(ctx, *d); });

  auto p = std::make_shared<StoreCommand>();
  auto* deploy = store->add_subcommand("deploy", "Deploy an OpenFaaS function from a store");
  add_store_flags(*deploy, *p);
  add_gateway_flags(*deploy, p->common);
  add_namespace_flag(*deploy, p->common);
  deploy->add_option("name", p->name, "Function name or title in the store")->required();
  deploy->add_option("--name", p->deploy.name,
                     "Name of the deployed function (default: the "
                     "store name)");
  deploy->add_option("-e,--env", p->deploy.env, "Set environment variables (ENVVAR=VALUE)")
      ->allow_extra_args(false);
  deploy->add_option("-l,--label", p->deploy.labels, "Set labels (LABEL=VALUE)")
      ->allow_extra_args(false);
  deploy->add_option("--annotation", p->deploy.annotations, "Set annotations (KEY=VALUE)")
      ->allow_extra_args(false);
  deploy->add_option("--secret", p->deploy.secrets, "Give the function access to a secret")
      ->allow_extra_args(false);
  deploy->callback([&ctx, p] { ctx.exit_code = store_deploy(ctx, *p); });
}

}  // namespace faas::cli
