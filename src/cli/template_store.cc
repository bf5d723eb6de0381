#include "faas/cli/template_store.h"

#include <algorithm>
#include <sstream>

#include <nlohmann/json.hpp>
#include <strings.h>

namespace faas::cli {
namespace {

using json = nlohmann::json;

std::string text(const json& item, const char* key) {
  auto it = item.find(key);
  return it != item.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool truthy(const json& item, const char* key) {
  auto it = item.find(key);
  if (it == item.end()) return false;
  if (it->is_boolean()) return it->get<bool>();
  return it->is_string() && it->get<std::string>() == "true";
}

bool equal_nocase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string cut(const std::string& s, std::size_t n) {
  return s.size() <= n ? s : s.substr(0, n - 3) + "...";
}

}  // namespace

Result<std::vector<StoreTemplate>> parse_template_store(std::string_view body) {
  json doc = json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded()) return invalid_argument("template store: not valid JSON");
  if (!doc.is_array()) return invalid_argument("template store: expected a JSON list");
  std::vector<StoreTemplate> out;
  for (const auto& item : doc) {
    if (!item.is_object()) continue;
    StoreTemplate t{text(item, "template"),   text(item, "platform"),     text(item, "language"),
                    text(item, "source"),     text(item, "description"),  text(item, "repo"),
                    truthy(item, "official"), truthy(item, "recommended")};
    if (t.name.empty()) return invalid_argument("template store: an entry has no \"template\"");
    out.push_back(std::move(t));
  }
  return out;
}

std::string template_store_url(std::string_view flag, const Environment& env) {
  if (!flag.empty()) return std::string(flag);
  for (const char* name : {"OPENFAAS_TEMPLATE_STORE_URL", "TEMPLATE_STORE_URL"}) {
    if (auto v = lookup(env, name); v && !v->empty()) return *v;
  }
  return kDefaultTemplateStoreUrl;
}

std::vector<StoreTemplate> filter_templates(const std::vector<StoreTemplate>& all,
                                            const TemplateFilter& filter) {
  std::vector<StoreTemplate> out;
  for (const auto& t : all) {
    if (!filter.platform.empty() && !equal_nocase(t.platform, filter.platform)) continue;
    if (filter.official && !t.official) continue;
    if (filter.recommended && !t.recommended) continue;
    out.push_back(t);
  }
  return out;
}

Result<const StoreTemplate*> find_store_template(const std::vector<StoreTemplate>& all,
                                                 std::string_view name) {
  std::vector<const StoreTemplate*> found;
  for (const auto& t : all) {
    if (t.name == name || t.source + "/" + t.name == name) found.push_back(&t);
  }
  if (found.size() <= 1) return found.empty() ? nullptr : found.front();
  std::string choices;
  for (const auto* t : found) choices += (choices.empty() ? "" : ", ") + t->source + "/" + t->name;
  return invalid_argument("template " + std::string(name) +
                          " is in several sources, pick one: " + choices);
}

std::string format_template_store(const std::vector<StoreTemplate>& templates, bool verbose) {
  std::size_t name_w = 4;
  std::size_t desc_w = 11;
  for (const auto& t : templates) {
    name_w = std::max(name_w, t.name.size());
    desc_w = std::max(desc_w, verbose ? t.description.size() : cut(t.description, 40).size());
  }
  std::ostringstream out;
  auto pad = [](const std::string& s, std::size_t w) { return s + std::string(w - s.size(), ' '); };
  out << pad("NAME", name_w) << "  RECOMMENDED  " << pad("DESCRIPTION", desc_w) << "  SOURCE";
  if (verbose) out << "  LANGUAGE  PLATFORM";
  out << "\n";
  for (const auto& t : templates) {
    std::string desc = verbose ? t.description : cut(t.description, 40);
    out << pad(t.name, name_w) << "  " << pad(t.recommended ? "[x]" : "[ ]", 11) << "  "
        << pad(desc, desc_w) << "  " << t.source;
    if (verbose) out << "  " << t.language << "  " << t.platform;
    out << "\n";
  }
  return out.str();
}

}  // namespace faas::cli
