#include "faas/cli/store.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace faas::cli {
namespace {

constexpr const char* kStore = R"({"version": "0.2.1", "functions": [
  {"title": "NodeInfo", "name": "nodeinfo", "description": "Get info about the machine",
   "author": "openfaas", "images": {"x86_64": "ghcr.io/openfaas/nodeinfo:latest",
                                     "arm64": "ghcr.io/openfaas/nodeinfo:arm64"},
   "fprocess": "node index.js", "repo_url": "https://github.com/openfaas/faas",
   "readOnlyRootFilesystem": true, "environment": {"mode": "v1"},
   "labels": {"com.openfaas.ui.ext": "txt"}},
  {"title": "Figlet", "name": "figlet", "images": {"armhf": "figlet:armhf"}}
]})";

TEST(Store, ParsesVersion2AndFiltersByPlatform) {
  auto fns = parse_store(kStore);
  ASSERT_TRUE(fns) << fns.error().message();
  ASSERT_EQ(fns->size(), 2u);
  EXPECT_EQ((*fns)[0].author, "openfaas");
  EXPECT_TRUE((*fns)[0].read_only_root_filesystem);
  EXPECT_EQ(store_image((*fns)[0], "ARM64"), "ghcr.io/openfaas/nodeinfo:arm64");
  auto x86 = for_platform(*fns, "x86_64");
  ASSERT_EQ(x86.size(), 1u);
  EXPECT_EQ(x86[0].name, "nodeinfo");
  EXPECT_EQ(find_store_function(*fns, "Figlet")->name, "figlet");  // by title
  EXPECT_EQ(find_store_function(*fns, "nope"), nullptr);
}

TEST(Store, ParsesTheLegacyArray) {
  auto fns = parse_store(R"([{"title": "T", "name": "old", "image": "old:1"}])");
  ASSERT_TRUE(fns) << fns.error().message();
  EXPECT_EQ(store_image((*fns)[0], "x86_64"), "old:1");
  EXPECT_FALSE(parse_store("{"));
  EXPECT_FALSE(parse_store(R"({"functions": 3})"));
}

TEST(Store, DeploymentMergesStoreAndFlags) {
  auto fns = parse_store(kStore);
  ASSERT_TRUE(fns);
  DeployFlags flags{.name = "info", .env = {"mode=v2"}, .labels = {"team=a"}};
  auto d = store_deployment((*fns)[0], "x86_64", flags);
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->service, "info");
  EXPECT_EQ(d->image, "ghcr.io/openfaas/nodeinfo:latest");
  EXPECT_EQ(d->env_process, "node index.js");
  EXPECT_EQ(d->env_vars.at("mode"), "v2");
  EXPECT_EQ(d->labels, (api::StringMap{{"com.openfaas.ui.ext", "txt"}, {"team", "a"}}));
  EXPECT_TRUE(d->read_only_root_filesystem);
  EXPECT_FALSE(store_deployment((*fns)[1], "x86_64", {}));
}

TEST(Store, ListAndDescribe) {
  auto fns = parse_store(kStore);
  ASSERT_TRUE(fns);
  std::string list = format_store_list(*fns, true);
  EXPECT_EQ(list.substr(0, list.find('\n')).find("FUNCTION"), 0u);
  EXPECT_NE(list.find("figlet"), std::string::npos);
  EXPECT_NE(list.find("unknown"), std::string::npos);  // empty author
  std::string d = format_store_describe((*fns)[0], "x86_64");
  EXPECT_NE(d.find("Image:       ghcr.io/openfaas/nodeinfo:latest\n"), std::string::npos);
}

TEST(Store, FetchesFromAFilePath) {
  testing::TempDir dir;
  auto file = dir.write("functions.json", kStore);
  auto text = fetch_store(file.string());
  ASSERT_TRUE(text) << text.error().message();
  EXPECT_EQ(*text, kStore);
  EXPECT_TRUE(fetch_store("file://" + file.string()));
  EXPECT_FALSE(fetch_store((dir.path() / "absent.json").string()));
}

}  // namespace
}  // namespace faas::cli
