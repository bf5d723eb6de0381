#include "faas/cli/stack.h"

#include <fstream>
#include <regex>
#include <sstream>

#include <fnmatch.h>
#include <yaml-cpp/yaml.h>

#include "faas/api/json.h"
#include "faas/cli/envsubst.h"

namespace faas::cli {
namespace {

// Reads typed values out of YAML nodes; every error names file:line:column of the bad node.
class NodeReader {
 public:
  explicit NodeReader(std::string file) : file_(std::move(file)) {}

  Error fail(const YAML::Mark& mark, const std::string& what) const {
    if (mark.is_null()) return invalid_argument(file_ + ": " + what);
    return invalid_argument(file_ + ":" + std::to_string(mark.line + 1) + ":" +
                            std::to_string(mark.column + 1) + ": " + what);
  }

  Result<void> string(const YAML::Node& parent, const char* key, std::string& out) const {
    YAML::Node n = parent[key];
    if (!n || n.IsNull()) return {};
    if (!n.IsScalar()) return fail(n.Mark(), std::string(key) + ": must be a string");
    out = n.Scalar();
    return {};
  }

  Result<void> boolean(const YAML::Node& parent, const char* key, bool& out) const {
    YAML::Node n = parent[key];
    if (!n || n.IsNull()) return {};
    bool value = false;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, value)) {
      return fail(n.Mark(), std::string(key) + ": must be true or false");
    }
    out = value;
    return {};
  }

  Result<void> strings(const YAML::Node& parent, const char* key,
                       std::vector<std::string>& out) const {
    YAML::Node n = parent[key];
    if (!n || n.IsNull()) return {};
    if (!n.IsSequence()) return fail(n.Mark(), std::string(key) + ": must be a list of strings");
    for (const auto& item : n) {
      if (!item.IsScalar()) return fail(item.Mark(), std::string(key) + ": must hold strings");
      out.push_back(item.Scalar());
    }
    return {};
  }

  // Scalars of any type (numbers, booleans) become their text, as Go's yaml does for string maps.
  Result<void> map(const YAML::Node& parent, const char* key, api::StringMap& out) const {
    YAML::Node n = parent[key];
    if (!n || n.IsNull()) return {};
    if (!n.IsMap()) return fail(n.Mark(), std::string(key) + ": must be a map of strings");
    for (const auto& kv : n) {
      if (!kv.second.IsScalar() && !kv.second.IsNull()) {
        return fail(kv.second.Mark(),
                    std::string(key) + "." + kv.first.Scalar() + ": must be a string");
      }
      out[kv.first.Scalar()] = kv.second.IsNull() ? "" : kv.second.Scalar();
    }
    return {};
  }

  Result<void> resources(const YAML::Node& parent, const char* key,
                         std::optional<StackResources>& out) const {
    YAML::Node n = parent[key];
    if (!n || n.IsNull()) return {};
    if (!n.IsMap()) return fail(n.Mark(), std::string(key) + ": must be a map");
    StackResources r;
    if (auto ok = string(n, "memory", r.memory); !ok) return ok;
    if (auto ok = string(n, "cpu", r.cpu); !ok) return ok;
    out = r;
    return {};
  }

 private:
  std::string file_;
};

Result<StackFunction> parse_function(const NodeReader& r, const YAML::Node& key,
                                     const YAML::Node& n) {
  StackFunction f;
  f.name = key.Scalar();
  if (auto ok = api::validate_name("function name", f.name); !ok) {
    return r.fail(key.Mark(), ok.error().message());
  }
  if (!n.IsMap()) return r.fail(n.Mark(), "function " + f.name + ": must be a map");
  Result<void> steps[] = {
      r.string(n, "lang", f.lang),
      r.string(n, "handler", f.handler),
      r.string(n, "image", f.image),
      r.string(n, "fprocess", f.fprocess),
      r.boolean(n, "skip_build", f.skip_build),
      r.map(n, "environment", f.environment),
      r.strings(n, "environment_file", f.environment_file),
      r.strings(n, "secrets", f.secrets),
      r.map(n, "labels", f.labels),
      r.map(n, "annotations", f.annotations),
      r.resources(n, "limits", f.limits),
      r.resources(n, "requests", f.requests),
      r.strings(n, "constraints", f.constraints),
      r.boolean(n, "readonly_root_filesystem", f.readonly_root_filesystem),
      r.strings(n, "build_options", f.build_options),
      r.map(n, "build_args", f.build_args),
      r.string(n, "platforms", f.platforms),
      r.string(n, "namespace", f.namespace_),
  };
  for (auto& s : steps) {
    if (!s) return s.error();
  }
  if (f.lang == "Dockerfile") f.lang = "dockerfile";
  return f;
}

Result<void> parse_configuration(const NodeReader& r, const YAML::Node& n, Stack& stack) {
  if (!n || n.IsNull()) return {};
  if (!n.IsMap()) return r.fail(n.Mark(), "configuration: must be a map");
  if (auto ok = r.strings(n, "copy", stack.copy); !ok) return ok;
  YAML::Node templates = n["templates"];
  if (!templates || templates.IsNull()) return {};
  if (!templates.IsSequence()) return r.fail(templates.Mark(), "templates: must be a list");
  for (const auto& t : templates) {
    if (!t.IsMap()) return r.fail(t.Mark(), "templates: each entry must be a map");
    TemplateSource src;
    if (auto ok = r.string(t, "name", src.name); !ok) return ok;
    if (auto ok = r.string(t, "source", src.source); !ok) return ok;
    stack.templates.push_back(std::move(src));
  }
  return {};
}

Result<Stack> parse_document(const NodeReader& r, const YAML::Node& root) {
  Stack stack;
  if (!root.IsMap()) return r.fail(root.Mark(), "a stack file must be a YAML map");
  if (auto ok = r.string(root, "version", stack.version); !ok) return ok.error();
  if (!stack.version.empty() && stack.version != "1.0") {
    return r.fail(root["version"].Mark(), "version: only 1.0 is supported, got " + stack.version);
  }
  YAML::Node provider = root["provider"];
  if (provider && provider.IsMap()) {
    if (auto ok = r.string(provider, "name", stack.provider_name); !ok) return ok.error();
    if (auto ok = r.string(provider, "gateway", stack.gateway); !ok) return ok.error();
  }
  if (stack.provider_name != "openfaas") {
    return r.fail(
        provider ? provider.Mark() : root.Mark(),
        "provider.name: ['openfaas'] is the only valid value, got '" + stack.provider_name + "'");
  }
  YAML::Node functions = root["functions"];
  if (functions && !functions.IsNull()) {
    if (!functions.IsMap()) return r.fail(functions.Mark(), "functions: must be a map");
    for (const auto& kv : functions) {
      auto f = parse_function(r, kv.first, kv.second);
      if (!f) return f.error();
      stack.functions.push_back(std::move(*f));
    }
  }
  if (auto ok = parse_configuration(r, root["configuration"], stack); !ok) return ok.error();
  return stack;
}

Result<std::string> read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return errno_error(errno, "cannot read " + file.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

Result<Stack> parse_stack(std::string_view text, std::string_view file, const Environment& env,
                          bool substitute) {
  std::string expanded(text);
  if (substitute) {
    auto e = envsubst(text, env);
    if (!e) return invalid_argument(std::string(file) + ": " + e.error().message());
    expanded = std::move(*e);
  }
  NodeReader reader{std::string(file)};
  try {
    return parse_document(reader, YAML::Load(expanded));
  } catch (const YAML::Exception& e) {
    return reader.fail(e.mark, e.msg);
  }
}

Result<Stack> load_stack(const std::filesystem::path& file, const Environment& env,
                         bool substitute) {
  auto text = read_file(file);
  if (!text) return text.error();
  auto stack = parse_stack(*text, file.string(), env, substitute);
  if (stack) stack->dir = file.parent_path();
  return stack;
}

std::optional<std::filesystem::path> find_default_stack(const std::filesystem::path& dir) {
  for (const char* name : {"stack.yaml", "stack.yml"}) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(dir / name, ec)) return dir / name;
  }
  return std::nullopt;
}

Result<std::vector<StackFunction>> select_functions(const Stack& stack, std::string_view filter,
                                                    std::string_view regex) {
  if (!filter.empty() && !regex.empty()) {
    return invalid_argument("pass in a regex or a filter, not both");
  }
  std::optional<std::regex> re;
  if (!regex.empty()) {
    try {
      re.emplace(std::string(regex));
    } catch (const std::regex_error& e) {
      return invalid_argument("invalid --regex '" + std::string(regex) + "': " + e.what());
    }
  }
  std::vector<StackFunction> out;
  std::string glob(filter);
  for (const auto& f : stack.functions) {
    if (re && !std::regex_search(f.name, *re)) continue;
    if (!glob.empty() && ::fnmatch(glob.c_str(), f.name.c_str(), 0) != 0) continue;
    out.push_back(f);
  }
  return out;
}

Result<api::StringMap> read_environment_file(const std::filesystem::path& file) {
  auto text = read_file(file);
  if (!text) return text.error();
  NodeReader reader{file.string()};
  api::StringMap env;
  try {
    YAML::Node root = YAML::Load(*text);
    if (root.IsNull()) return env;
    if (!root.IsMap()) return reader.fail(root.Mark(), "must be a map with `environment:`");
    if (auto ok = reader.map(root, "environment", env); !ok) return ok.error();
  } catch (const YAML::Exception& e) {
    return reader.fail(e.mark, e.msg);
  }
  return env;
}

Result<api::StringMap> merged_environment(const StackFunction& fn,
                                          const std::filesystem::path& base_dir) {
  api::StringMap env = fn.environment;
  for (const auto& name : fn.environment_file) {
    std::filesystem::path p(name);
    auto file_env = read_environment_file(p.is_absolute() ? p : base_dir / p);
    if (!file_env) return file_env.error();
    for (auto& [k, v] : *file_env) env[k] = v;
  }
  return env;
}

}  // namespace faas::cli
