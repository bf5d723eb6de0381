// The OpenFaaS function store (reference §9): a JSON catalogue of ready-made functions, read from a
// URL or a local file, listed, described and deployed by name or title.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "faas/api/types.h"
#include "faas/cli/deploy.h"
#include "faas/core/result.h"

namespace faas::cli {

inline constexpr const char* kDefaultStoreUrl =
    "https://raw.githubusercontent.com/openfaas/store/master/functions.json";
inline constexpr const char* kDefaultPlatform = "x86_64";

struct StoreFunction {
  std::string title;
  std::string name;
  std::string description;
  std::string author;
  std::string icon;
  api::StringMap images;  // platform -> image (v2)
  std::string image;      // v1 store.json
  std::string fprocess;
  std::string repo_url;
  bool read_only_root_filesystem = false;
  api::StringMap environment;
  api::StringMap labels;
  api::StringMap annotations;
};

// Accepts the v2 document {"version", "functions": [...]} and the legacy v1 array.
Result<std::vector<StoreFunction>> parse_store(std::string_view text);
// http(s):// through libcurl; file:// or a plain path from disk.
Result<std::string> fetch_store(const std::string& url);

// The image for `platform` (case-insensitive key), else the v1 image, else "".
std::string store_image(const StoreFunction& fn, std::string_view platform);
// Functions that have an image for `platform`.
std::vector<StoreFunction> for_platform(const std::vector<StoreFunction>& fns,
                                        std::string_view platform);
// Matches `name` or `title`; nullptr when none.
const StoreFunction* find_store_function(const std::vector<StoreFunction>& fns,
                                         std::string_view name_or_title);

std::string format_store_list(const std::vector<StoreFunction>& fns, bool verbose);
std::string format_store_describe(const StoreFunction& fn, std::string_view platform);

// The deployment `store deploy` sends: store image/fprocess/readOnly, store env/labels/annotations
// overlaid by the flags; flags.name renames the function.
Result<api::FunctionDeployment> store_deployment(const StoreFunction& fn, std::string_view platform,
                                                 const DeployFlags& flags);

}  // namespace faas::cli
