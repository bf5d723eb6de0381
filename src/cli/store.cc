#include "faas/cli/store.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <strings.h>

#include "faas/api/json.h"
#include "faas/cli/http_client.h"

namespace faas::cli {
namespace {

using json = nlohmann::json;

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

api::StringMap str_map(const json& j, const char* key) {
  api::StringMap out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_object()) return out;
  for (const auto& [k, v] : it->items()) {
    if (v.is_string()) out[k] = v.get<std::string>();
  }
  return out;
}

StoreFunction from_json(const json& j) {
  StoreFunction f;
  f.title = str(j, "title");
  f.name = str(j, "name");
  f.description = str(j, "description");
  f.author = str(j, "author");
  f.icon = str(j, "icon");
  f.images = str_map(j, "images");
  f.image = str(j, "image");
  f.fprocess = str(j, "fprocess");
  f.repo_url = str(j, "repo_url");
  auto ro = j.find("readOnlyRootFilesystem");
  f.read_only_root_filesystem = ro != j.end() && ro->is_boolean() && ro->get<bool>();
  f.environment = str_map(j, "environment");
  f.labels = str_map(j, "labels");
  f.annotations = str_map(j, "annotations");
  return f;
}

std::string truncate(const std::string& s, size_t n) {
  return s.size() <= n ? s : s.substr(0, n - 3) + "...";
}

void map_lines(std::string& out, const char* label, const api::StringMap& m) {
  if (m.empty()) return;
  out += std::string(label) + "\n";
  for (const auto& [k, v] : m) out += "  " + k + ": " + v + "\n";
}

}  // namespace

Result<std::vector<StoreFunction>> parse_store(std::string_view text) {
  json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) return invalid_argument("store: not valid JSON");
  const json* list = &doc;
  if (doc.is_object()) {
    auto it = doc.find("functions");
    if (it == doc.end()) return invalid_argument("store: no \"functions\" list");
    list = &*it;
  }
  if (!list->is_array()) return invalid_argument("store: \"functions\" must be a list");
  std::vector<StoreFunction> out;
  for (const auto& item : *list) {
    if (item.is_object()) out.push_back(from_json(item));
  }
  return out;
}

Result<std::string> fetch_store(const std::string& url) {
  if (url.starts_with("http://") || url.starts_with("https://")) {
    HttpRequest req;
    req.url = url;
    auto r = http_request(req);
    if (!r) return invalid_argument("cannot fetch store " + url + ": " + r.error().message());
    if (r->status != 200) {
      return invalid_argument("cannot fetch store " + url + ": " + status_text(r->status));
    }
    return std::move(r->body);
  }
  std::string path = url.starts_with("file://") ? url.substr(7) : url;
  std::ifstream in(path, std::ios::binary);
  if (!in) return invalid_argument("cannot read store " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string store_image(const StoreFunction& fn, std::string_view platform) {
  for (const auto& [k, v] : fn.images) {
    if (k.size() == platform.size() && ::strncasecmp(k.data(), platform.data(), k.size()) == 0) {
      return v;
    }
  }
  return fn.images.empty() ? fn.image : std::string();
}

std::vector<StoreFunction> for_platform(const std::vector<StoreFunction>& fns,
                                        std::string_view platform) {
  std::vector<StoreFunction> out;
  for (const auto& f : fns) {
    if (!store_image(f, platform).empty()) out.push_back(f);
  }
  return out;
}

const StoreFunction* find_store_function(const std::vector<StoreFunction>& fns,
                                         std::string_view name_or_title) {
  for (const auto& f : fns) {
    if (f.name == name_or_title || f.title == name_or_title) return &f;
  }
  return nullptr;
}

std::string format_store_list(const std::vector<StoreFunction>& fns, bool verbose) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-30s\t%-20s\t%s\n", "FUNCTION", "AUTHOR", "DESCRIPTION");
  out += line;
  for (const auto& f : fns) {
    std::string author = f.author.empty() ? "unknown" : f.author;
    std::string title = verbose ? f.title : truncate(f.title, 40);
    std::snprintf(line, sizeof line, "%-30s\t%-20s\t%s\n", f.name.c_str(), author.c_str(),
                  title.c_str());
    out += line;
  }
  return out;
}

std::string format_store_describe(const StoreFunction& fn, std::string_view platform) {
  std::string out;
  out += "Title:       " + fn.title + "\n";
  out += "Author:      " + (fn.author.empty() ? std::string("unknown") : fn.author) + "\n";
  out += "Description: " + fn.description + "\n";
  out += "Image:       " + store_image(fn, platform) + "\n";
  out += "Process:     " + fn.fprocess + "\n";
  out += "Repo URL:    " + fn.repo_url + "\n";
  map_lines(out, "Environment:", fn.environment);
  map_lines(out, "Labels:", fn.labels);
  return out;
}

Result<api::FunctionDeployment> store_deployment(const StoreFunction& fn, std::string_view platform,
                                                 const DeployFlags& flags) {
  StackFunction sf;
  sf.name = flags.name.empty() ? fn.name : flags.name;
  sf.image = store_image(fn, platform);
  if (sf.image.empty()) {
    return invalid_argument("store function " + fn.name + " has no image for platform " +
                            std::string(platform));
  }
  if (auto ok = api::validate_name("function name", sf.name); !ok) return ok.error();
  sf.fprocess = fn.fprocess;
  sf.environment = fn.environment;
  sf.labels = fn.labels;
  sf.annotations = fn.annotations;
  sf.readonly_root_filesystem = fn.read_only_root_filesystem;
  DeployFlags rest = flags;
  rest.read_template = false;
  return deployment_from_stack(sf, Stack{}, rest);
}

}  // namespace faas::cli
