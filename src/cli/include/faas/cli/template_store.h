// The OpenFaaS template store (reference §8.2, `templates.json`): a JSON list of
// {template, platform, language, source, description, repo, official, recommended}, read from a
// URL or a file, for `faas-cli template store list|pull`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "faas/core/env.h"
#include "faas/core/result.h"

namespace faas::cli {

inline constexpr const char* kDefaultTemplateStoreUrl =
    "https://raw.githubusercontent.com/openfaas/store/master/templates.json";

struct StoreTemplate {
  std::string name;  // "template"
  std::string platform;
  std::string language;
  std::string source;
  std::string description;
  std::string repo;  // git URL (or a directory) holding template/<name>
  bool official = false;
  bool recommended = false;
};

// `official` may be the string "true" (as in the OpenFaaS store) or a boolean.
Result<std::vector<StoreTemplate>> parse_template_store(std::string_view text);

// --url when given, else $OPENFAAS_TEMPLATE_STORE_URL, else $TEMPLATE_STORE_URL, else the OpenFaaS
// store.
std::string template_store_url(std::string_view flag, const Environment& env);

struct TemplateFilter {
  std::string platform;  // case-insensitive; "" = any
  bool official = false;
  bool recommended = false;
};
std::vector<StoreTemplate> filter_templates(const std::vector<StoreTemplate>& all,
                                            const TemplateFilter& filter);

// By template name, or "SOURCE/NAME" when several sources share a name; nullptr when none. An
// ambiguous plain name is an error that lists the SOURCE/NAME choices.
Result<const StoreTemplate*> find_store_template(const std::vector<StoreTemplate>& all,
                                                 std::string_view name);

// NAME  RECOMMENDED  DESCRIPTION  SOURCE (verbose adds LANGUAGE and PLATFORM and does not cut
// descriptions).
std::string format_template_store(const std::vector<StoreTemplate>& templates, bool verbose);

}  // namespace faas::cli
