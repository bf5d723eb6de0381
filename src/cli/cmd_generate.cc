// generate: the stack's functions as Kubernetes Function resources (openfaas.com/v1) on stdout.
#include <memory>

#include "faas/cli/generate.h"
#include "faas/cli/image_ref.h"

#include "commands.h"

namespace faas::cli {
namespace {

struct GenerateCommand {
  CommonFlags common;
  CrdOptions crd;
  std::string tag;
};

int generate(Context& ctx, const GenerateCommand& c) {
  auto stack = load_stack_for(c.common, ctx);
  if (!stack) return report(ctx, stack.error());
  if (!*stack) {
    return report(ctx, invalid_argument("no \"stack.yaml\" or \"stack.yml\" file was found in the "
                                        "current directory: use \"--yaml\" / \"-f\""));
  }
  auto fns = selected_functions(c.common, c.tag, **stack, ctx);
  if (!fns) return report(ctx, fns.error());
  // faas-cli's BuildImageName tags untagged images :latest in every format, so the resource
  // names exactly what the cluster will pull.
  for (auto& fn : *fns) {
    if (image_tag(fn.image).empty()) fn.image += ":latest";
  }
  auto yaml = function_crds(*fns, **stack, c.crd);
  if (!yaml) return report(ctx, yaml.error());
  ctx.io.out << *yaml << "\n";
  return 0;
}

}  // namespace

void add_generate_command(CLI::App& app, Context& ctx) {
  auto c = std::make_shared<GenerateCommand>();
  auto* cmd = app.add_subcommand("generate", "Generate Kubernetes CRD YAML file");
  add_stack_flags(*cmd, c->common);
  cmd->add_option("--api", c->crd.api_version, "CRD API version e.g openfaas.com/v1")
      ->capture_default_str();
  cmd->add_option("-n,--namespace", c->crd.namespace_, "Kubernetes namespace for functions")
      ->capture_default_str();
  add_tag_flag(*cmd, c->tag);
  cmd->callback([&ctx, c] { ctx.exit_code = generate(ctx, *c); });
}

}  // namespace faas::cli
