#include "faas/cli/template_store.h"

#include <sstream>

#include <gtest/gtest.h>

#include "faas/cli/app.h"
#include "faas/cli/process.h"

#include "test_util.h"

namespace faas::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kStore = R"([
  {"template": "bash-streaming", "platform": "x86_64", "language": "bash", "source": "openfaas",
   "description": "Bash Streaming template", "repo": "REPO", "official": "true",
   "recommended": true},
  {"template": "go", "platform": "arm64", "language": "Go", "source": "openfaas",
   "description": "Classic Golang template", "repo": "REPO", "official": "true"},
  {"template": "go", "platform": "x86_64", "language": "Go", "source": "someone",
   "description": "A community Golang template with a rather long description", "repo": "REPO",
   "official": "false"}
])";

TEST(TemplateStore, ParsesAndFilters) {
  auto all = parse_template_store(kStore);
  ASSERT_TRUE(all) << all.error().message();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_TRUE((*all)[0].official);
  EXPECT_TRUE((*all)[0].recommended);
  EXPECT_FALSE((*all)[2].official);
  EXPECT_EQ(filter_templates(*all, {.platform = "X86_64"}).size(), 2u);
  EXPECT_EQ(filter_templates(*all, {.platform = "x86_64", .official = true}).size(), 1u);
  EXPECT_EQ(filter_templates(*all, {.recommended = true}).size(), 1u);
  EXPECT_EQ(filter_templates(*all, {}).size(), 3u);
  EXPECT_FALSE(parse_template_store("{}"));
  EXPECT_FALSE(parse_template_store("[{\"repo\": \"x\"}]"));
}

TEST(TemplateStore, FindsByNameOrSourceSlashName) {
  auto all = *parse_template_store(kStore);
  auto bash = find_store_template(all, "bash-streaming");
  ASSERT_TRUE(bash);
  ASSERT_NE(*bash, nullptr);
  EXPECT_EQ((*bash)->language, "bash");
  auto go = find_store_template(all, "someone/go");
  ASSERT_TRUE(go);
  EXPECT_EQ((*go)->source, "someone");
  auto ambiguous = find_store_template(all, "go");
  ASSERT_FALSE(ambiguous);
  EXPECT_EQ(ambiguous.error().message(),
            "template go is in several sources, pick one: openfaas/go, someone/go");
  auto none = find_store_template(all, "cobol");
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, nullptr);
}

TEST(TemplateStore, UrlResolution) {
  EXPECT_EQ(template_store_url("f.json", {{"TEMPLATE_STORE_URL", "e"}}), "f.json");
  EXPECT_EQ(template_store_url("", {{"TEMPLATE_STORE_URL", "e"}}), "e");
  EXPECT_EQ(
      template_store_url("", {{"TEMPLATE_STORE_URL", "e"}, {"OPENFAAS_TEMPLATE_STORE_URL", "o"}}),
      "o");
  EXPECT_EQ(template_store_url("", {}), kDefaultTemplateStoreUrl);
}

TEST(TemplateStore, FormatsATable) {
  auto all = *parse_template_store(kStore);
  EXPECT_EQ(format_template_store({all[0], all[2]}, false),
            "NAME            RECOMMENDED  DESCRIPTION                               SOURCE\n"
            "bash-streaming  [x]          Bash Streaming template                   openfaas\n"
            "go              [ ]          A community Golang template with a ra...  someone\n");
}

// A git repository holding template/<name>/template.yml, as template repositories do.
fs::path template_repo(const testing::TempDir& dir, const Environment& env) {
  dir.write("repo/template/bash-streaming/template.yml", "language: bash-streaming\n");
  dir.write("repo/template/bash-streaming/Dockerfile", "FROM scratch\n");
  dir.write("repo/template/other/template.yml", "language: other\n");
  fs::path repo = dir.path() / "repo";
  for (std::vector<std::string> args : {std::vector<std::string>{"init", "-q"},
                                        {"add", "."},
                                        {"commit", "-q", "-m", "templates"}}) {
    std::vector<std::string> argv{"/usr/bin/git", "-C", repo.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = capture_process(argv, env);
    EXPECT_TRUE(r && r->exit_code == 0) << args[0];
  }
  return repo;
}

TEST(TemplateStoreCommand, ListsAndPullsFromALocalStoreAndRepo) {
  testing::TempDir dir;
  Environment env{{"PATH", "/usr/bin:/bin"},   {"HOME", dir.path().string()},
                  {"GIT_AUTHOR_NAME", "t"},    {"GIT_AUTHOR_EMAIL", "t@example.invalid"},
                  {"GIT_COMMITTER_NAME", "t"}, {"GIT_COMMITTER_EMAIL", "t@example.invalid"}};
  fs::path repo = template_repo(dir, env);
  std::string store = kStore;
  for (auto at = store.find("REPO"); at != std::string::npos; at = store.find("REPO"))
    store.replace(at, 4, "file://" + repo.string());
  fs::path store_file = dir.write("templates.json", store);
  fs::path project = dir.path() / "project";
  fs::create_directories(project);
  std::istringstream in;
  std::ostringstream out, err;
  auto cli = [&](std::vector<std::string> args) {
    out.str("");
    err.str("");
    return run(args, env, Io{in, out, err}, project);
  };
  ASSERT_EQ(cli({"template", "store", "list", "--url", store_file.string()}), 0) << err.str();
  EXPECT_NE(out.str().find("bash-streaming  [x]"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("Classic Golang"), std::string::npos);  // arm64 only
  env["TEMPLATE_STORE_URL"] = store_file.string();
  ASSERT_EQ(cli({"template", "store", "ls", "-p", "arm64", "-v"}), 0) << err.str();
  EXPECT_NE(out.str().find("Classic Golang template  openfaas  Go  arm64"), std::string::npos)
      << out.str();

  ASSERT_EQ(cli({"template", "store", "pull", "bash-streaming"}), 0) << err.str();
  EXPECT_TRUE(fs::exists(project / "template" / "bash-streaming" / "Dockerfile"));
  EXPECT_FALSE(fs::exists(project / "template" / "other"));  // only the named template

  EXPECT_EQ(cli({"template", "store", "pull", "cobol"}), 1);
  EXPECT_EQ(err.str(),
            "Error: template cobol is not in the template store (see faas-cli template store "
            "list)\n");
  EXPECT_EQ(cli({"template", "store", "pull", "go"}), 1);
  EXPECT_NE(err.str().find("pick one"), std::string::npos);
  EXPECT_EQ(cli({"template", "store", "list", "--url", (dir.path() / "absent.json").string()}), 1);
  EXPECT_NE(err.str().find("cannot read the template store"), std::string::npos) << err.str();
}

}  // namespace
}  // namespace faas::cli
