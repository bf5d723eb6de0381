#include "faas/cli/deploy.h"

#include <algorithm>

#include <yaml-cpp/yaml.h>

#include "faas/api/json.h"

namespace faas::cli {
namespace {

void overlay(api::StringMap& base, const api::StringMap& top) {
  for (const auto& [k, v] : top) base[k] = v;
}

std::optional<api::StringMap> non_empty(api::StringMap m) {
  if (m.empty()) return std::nullopt;
  return m;
}

std::optional<api::Resources> resources(const std::optional<StackResources>& stack,
                                        const std::string& memory, const std::string& cpu) {
  api::Resources r;
  if (stack) {
    r.memory = stack->memory;
    r.cpu = stack->cpu;
  }
  if (!memory.empty()) r.memory = memory;
  if (!cpu.empty()) r.cpu = cpu;
  if (r == api::Resources{}) return std::nullopt;
  return r;
}

// fprocess from template/<lang>/template.yml next to the stack file; "" when there is none (the
// image's own fprocess then applies).
Result<std::string> template_fprocess(const Stack& stack, const std::string& lang) {
  std::filesystem::path file = stack.dir / "template" / lang / "template.yml";
  std::error_code ec;
  if (lang.empty() || lang == "dockerfile" || !std::filesystem::exists(file, ec)) {
    return std::string();
  }
  try {
    YAML::Node t = YAML::LoadFile(file.string());
    YAML::Node fprocess = t["fprocess"];
    return fprocess && fprocess.IsScalar() ? fprocess.Scalar() : std::string();
  } catch (const YAML::Exception& e) {
    return invalid_argument(file.string() + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

}  // namespace

Result<api::StringMap> parse_key_values(const std::vector<std::string>& items,
                                        std::string_view what) {
  api::StringMap out;
  for (const auto& item : items) {
    auto eq = item.find('=');
    if (eq == std::string::npos) {
      return invalid_argument(std::string(what) + " format is not correct, needs key=value: [" +
                              item + "]");
    }
    if (eq == 0) return invalid_argument("empty " + std::string(what) + " name: [" + item + "]");
    if (eq + 1 == item.size()) {
      return invalid_argument("empty " + std::string(what) + " value: [" + item + "]");
    }
    out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

Result<api::FunctionDeployment> deployment_from_stack(const StackFunction& fn, const Stack& stack,
                                                      const DeployFlags& flags) {
  api::FunctionDeployment d;
  d.service = fn.name;
  d.image = fn.image;
  if (d.image.empty()) return invalid_argument("function " + fn.name + ": image is required");
  d.namespace_ = fn.namespace_.empty() ? flags.namespace_ : fn.namespace_;
  d.env_process = !flags.fprocess.empty() ? flags.fprocess : fn.fprocess;
  if (d.env_process.empty() && flags.read_template) {
    auto fp = template_fprocess(stack, fn.lang);
    if (!fp) return fp.error();
    d.env_process = *fp;
  }
  auto env = merged_environment(fn, stack.dir);
  if (!env) return env.error();
  auto env_flags = parse_key_values(flags.env, "env");
  if (!env_flags) return env_flags.error();
  d.env_vars = std::move(*env);
  overlay(d.env_vars, *env_flags);
  auto labels = parse_key_values(flags.labels, "label");
  if (!labels) return labels.error();
  auto annotations = parse_key_values(flags.annotations, "annotation");
  if (!annotations) return annotations.error();
  api::StringMap all_labels = fn.labels;
  overlay(all_labels, *labels);
  api::StringMap all_annotations = fn.annotations;
  overlay(all_annotations, *annotations);
  d.labels = non_empty(std::move(all_labels));
  d.annotations = non_empty(std::move(all_annotations));
  d.secrets = fn.secrets;
  for (const auto& s : flags.secrets) {
    if (std::find(d.secrets.begin(), d.secrets.end(), s) == d.secrets.end()) d.secrets.push_back(s);
  }
  d.constraints = fn.constraints.empty() ? flags.constraints : fn.constraints;
  d.limits = resources(fn.limits, flags.memory_limit, flags.cpu_limit);
  d.requests = resources(fn.requests, flags.memory_request, flags.cpu_request);
  d.read_only_root_filesystem = fn.readonly_root_filesystem || flags.readonly;
  return d;
}

Result<api::FunctionDeployment> deployment_from_flags(const DeployFlags& flags) {
  if (flags.image.empty() || flags.name.empty()) {
    return invalid_argument("to deploy a function give --yaml/-f or --image and --name");
  }
  if (auto ok = api::validate_name("function name", flags.name); !ok) return ok.error();
  StackFunction fn;
  fn.name = flags.name;
  fn.image = flags.image;
  DeployFlags rest = flags;
  rest.read_template = false;
  return deployment_from_stack(fn, Stack{}, rest);
}

std::string function_url(std::string_view gateway, std::string_view name, std::string_view ns) {
  std::string url = std::string(gateway) + "/function/" + std::string(name);
  if (!ns.empty()) url += "." + std::string(ns);
  return url;
}

}  // namespace faas::cli
