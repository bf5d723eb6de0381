#include "faas/cli/templates.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "faas/api/json.h"
#include "faas/cli/stack.h"

#ifndef FAAS_TEMPLATES_DIR
#define FAAS_TEMPLATES_DIR ""
#endif

namespace faas::cli {
namespace fs = std::filesystem;
namespace {

Result<std::string> read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return errno_error(errno, "cannot read " + file.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Result<void> write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return errno_error(errno, "cannot write " + file.string());
  return {};
}

Result<void> copy_tree(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (!ec) fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::skip_existing, ec);
  if (ec) return make_error(ec, "cannot copy " + from.string() + " to " + to.string());
  return {};
}

// Inserts `stanza` into the stack text at the end of the `functions:` map: before the next
// top-level key when there is one (comments and layout of the rest are kept), else at the end.
Result<std::string> append_to_stack(const std::string& text, const fs::path& file,
                                    const NewFunction& fn, const std::string& stanza) {
  auto stack = parse_stack(text, file.string(), {}, false);
  if (!stack) return stack.error();
  for (const auto& f : stack->functions) {
    if (f.name == fn.name) {
      return invalid_argument("function " + fn.name + " already exists in " + file.string());
    }
  }
  YAML::Node root = YAML::Load(text);
  std::optional<int> next_key_line;
  bool after_functions = false, has_functions = false;
  for (const auto& kv : root) {
    if (after_functions) {
      next_key_line = kv.first.Mark().line;
      break;
    }
    if (kv.first.Scalar() == "functions") {
      after_functions = has_functions = true;
      if (kv.second.IsMap() && kv.second.size() > 0 &&
          kv.second.Style() == YAML::EmitterStyle::Flow) {
        return invalid_argument(file.string() + ": cannot append to a flow-style functions map");
      }
    }
  }
  std::string out = text;
  if (!out.empty() && out.back() != '\n') out += '\n';
  std::string block = (has_functions ? "" : "functions:\n") + stanza;
  if (!next_key_line) return out + block;
  size_t pos = 0;
  for (int line = 0; line < *next_key_line && pos != std::string::npos; ++line) {
    pos = out.find('\n', pos);
    if (pos != std::string::npos) ++pos;
  }
  if (pos == std::string::npos) return out + block;
  return out.insert(pos, block);
}

}  // namespace

Result<LanguageTemplate> read_template_yml(const fs::path& file) {
  LanguageTemplate t;
  try {
    YAML::Node root = YAML::LoadFile(file.string());
    auto scalar = [&](const char* key, std::string& out) {
      if (root[key] && root[key].IsScalar()) out = root[key].Scalar();
    };
    scalar("language", t.language);
    scalar("fprocess", t.fprocess);
    scalar("welcome_message", t.welcome_message);
    scalar("handler_folder", t.handler_folder);
    if (YAML::Node opts = root["build_options"]; opts && opts.IsSequence()) {
      for (const auto& o : opts) {
        if (!o.IsMap() || !o["name"] || !o["name"].IsScalar()) continue;
        BuildOption opt{o["name"].Scalar(), {}};
        if (YAML::Node pkgs = o["packages"]; pkgs && pkgs.IsSequence()) {
          for (const auto& p : pkgs) {
            if (p.IsScalar()) opt.packages.push_back(p.Scalar());
          }
        }
        t.build_options.push_back(std::move(opt));
      }
    }
  } catch (const YAML::BadFile&) {
    return invalid_argument("cannot read " + file.string());
  } catch (const YAML::Exception& e) {
    return invalid_argument(file.string() + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return t;
}

std::vector<fs::path> template_roots(const Environment& env, const fs::path& cwd) {
  std::vector<fs::path> roots{cwd / "template"};
  if (auto dir = lookup(env, "FAAS_TEMPLATE_DIR"); dir && !dir->empty()) roots.emplace_back(*dir);
  if (*FAAS_TEMPLATES_DIR) roots.emplace_back(FAAS_TEMPLATES_DIR);
  return roots;
}

std::optional<fs::path> find_template(const std::vector<fs::path>& roots, const std::string& lang) {
  if (lang.empty() || lang.find('/') != std::string::npos || lang.starts_with('.')) return {};
  for (const auto& root : roots) {
    std::error_code ec;
    if (fs::is_regular_file(root / lang / "template.yml", ec)) return root / lang;
  }
  return std::nullopt;
}

std::vector<std::string> list_templates(const std::vector<fs::path>& roots) {
  std::set<std::string> names;
  for (const auto& root : roots) {
    std::error_code ec;
    for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code ec2;
      if (fs::is_regular_file(it->path() / "template.yml", ec2)) {
        names.insert(it->path().filename().string());
      }
    }
  }
  return {names.begin(), names.end()};
}

std::string function_stanza(const NewFunction& fn) {
  std::string handler = fn.handler.empty() ? "./" + fn.name : fn.handler;
  std::string image = (fn.prefix.empty() ? "" : fn.prefix + "/") + fn.name + ":latest";
  return "  " + fn.name + ":\n    lang: " + fn.lang + "\n    handler: " + handler +
         "\n    image: " + image + "\n";
}

Result<NewResult> new_function(const NewFunction& fn, const std::vector<fs::path>& roots,
                               const fs::path& cwd) {
  if (auto ok = api::validate_name("function name", fn.name); !ok) return ok.error();
  auto tdir = find_template(roots, fn.lang);
  if (!tdir) {
    return invalid_argument("template " + fn.lang +
                            " not found; `faas-cli new --list` shows "
                            "the available languages");
  }
  auto tmpl = read_template_yml(*tdir / "template.yml");
  if (!tmpl) return tmpl.error();
  NewResult result;
  result.welcome_message = tmpl->welcome_message;
  result.handler_dir = cwd / (fn.handler.empty() ? fn.name : fn.handler);
  result.stack_file = cwd / (fn.stack_file.empty() ? "stack.yaml" : fn.stack_file);
  std::error_code ec;
  if (fs::exists(result.handler_dir, ec)) {
    return invalid_argument("folder " + result.handler_dir.string() + " already exists");
  }
  std::string stack_text;
  std::string stanza = function_stanza(fn);
  if (fs::exists(result.stack_file, ec)) {
    auto text = read_text(result.stack_file);
    if (!text) return text.error();
    auto appended = append_to_stack(*text, result.stack_file, fn, stanza);
    if (!appended) return appended.error();
    stack_text = std::move(*appended);
    result.appended = true;
  } else {
    stack_text = "version: 1.0\nprovider:\n  name: openfaas\n  gateway: " + fn.gateway +
                 "\nfunctions:\n" + stanza;
  }
  if (auto ok = copy_tree(*tdir / tmpl->handler_folder, result.handler_dir); !ok) return ok.error();
  if (fs::path local = cwd / "template" / fn.lang; !fs::exists(local, ec)) {
    if (auto ok = copy_tree(*tdir, local); !ok) return ok.error();
  }
  if (auto ok = write_text(result.stack_file, stack_text); !ok) return ok.error();
  return result;
}

}  // namespace faas::cli
