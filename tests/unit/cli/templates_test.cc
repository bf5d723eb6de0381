#include "faas/cli/templates.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "faas/cli/stack.h"

#include "test_util.h"

namespace faas::cli {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class Templates : public ::testing::Test {
 protected:
  Templates() {
    root_.write("py/template.yml",
                "language: py\nfprocess: python3 index.py\nwelcome_message: hi there\n");
    root_.write("py/Dockerfile", "FROM scratch\n");
    root_.write("py/function/handler.py", "def handle(req):\n    return req\n");
    root_.write("custom/template.yml", "language: custom\nhandler_folder: src\n");
    root_.write("custom/src/main.c", "int main() {}\n");
  }
  std::vector<fs::path> roots() const { return {cwd_.path() / "template", root_.path()}; }

  TempDir root_;
  TempDir cwd_;
};

TEST_F(Templates, NewWritesHandlerStackAndLocalTemplate) {
  auto r = new_function({.name = "fn", .lang = "py", .prefix = "ghcr.io/me"}, roots(), cwd_.path());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_FALSE(r->appended);
  EXPECT_EQ(r->welcome_message, "hi there");
  EXPECT_EQ(slurp(cwd_.path() / "fn" / "handler.py"), "def handle(req):\n    return req\n");
  EXPECT_TRUE(fs::exists(cwd_.path() / "template" / "py" / "Dockerfile"));
  auto stack = load_stack(cwd_.path() / "stack.yaml", {});
  ASSERT_TRUE(stack) << stack.error().message();
  ASSERT_EQ(stack->functions.size(), 1u);
  EXPECT_EQ(stack->functions[0].lang, "py");
  EXPECT_EQ(stack->functions[0].handler, "./fn");
  EXPECT_EQ(stack->functions[0].image, "ghcr.io/me/fn:latest");
  EXPECT_EQ(stack->gateway, "http://127.0.0.1:8080");
}

TEST_F(Templates, HandlerFolderComesFromTemplateYml) {
  ASSERT_TRUE(new_function({.name = "c", .lang = "custom"}, roots(), cwd_.path()));
  EXPECT_TRUE(fs::exists(cwd_.path() / "c" / "main.c"));
}

TEST_F(Templates, AppendKeepsTheRestOfTheFile) {
  cwd_.write("stack.yaml",
             "# my project\nversion: 1.0\nprovider:\n  name: openfaas\nfunctions:\n"
             "  first:\n    image: first:1  # pinned\nconfiguration:\n  copy: [./common]\n");
  auto r = new_function({.name = "second", .lang = "py"}, roots(), cwd_.path());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r->appended);
  std::string text = slurp(cwd_.path() / "stack.yaml");
  EXPECT_NE(text.find("# my project\n"), std::string::npos);
  EXPECT_NE(text.find("first:1  # pinned\n  second:\n"), std::string::npos) << text;
  auto stack = parse_stack(text, "stack.yaml", {});
  ASSERT_TRUE(stack) << stack.error().message();
  ASSERT_EQ(stack->functions.size(), 2u);
  EXPECT_EQ(stack->functions[1].name, "second");
  EXPECT_EQ(stack->copy, std::vector<std::string>{"./common"});
}

TEST_F(Templates, RefusesToOverwrite) {
  ASSERT_TRUE(new_function({.name = "fn", .lang = "py"}, roots(), cwd_.path()));
  EXPECT_FALSE(new_function({.name = "fn", .lang = "py"}, roots(), cwd_.path()));  // folder exists
  fs::remove_all(cwd_.path() / "fn");
  auto again = new_function({.name = "fn", .lang = "py"}, roots(), cwd_.path());
  ASSERT_FALSE(again);  // name taken in the stack
  EXPECT_NE(again.error().message().find("already exists"), std::string::npos);
  EXPECT_FALSE(new_function({.name = "x", .lang = "nope"}, roots(), cwd_.path()));
  EXPECT_FALSE(new_function({.name = "x", .lang = "../py"}, roots(), cwd_.path()));
  EXPECT_FALSE(new_function({.name = "Bad_Name", .lang = "py"}, roots(), cwd_.path()));
}

TEST_F(Templates, ListsLanguagesOnce) {
  cwd_.write("template/py/template.yml", "language: py\n");
  cwd_.write("template/zz/template.yml", "language: zz\n");
  EXPECT_EQ(list_templates(roots()), (std::vector<std::string>{"custom", "py", "zz"}));
  EXPECT_EQ(find_template(roots(), "py"), cwd_.path() / "template" / "py");  // ./template first
}

// The templates shipped in templates/ parse, and their handler skeleton exists.
TEST(ShippedTemplates, AreWellFormed) {
  fs::path root = fs::path(FAAS_SOURCE_DIR) / "templates";
  auto langs = list_templates({root});
  EXPECT_GE(langs.size(), 2u);
  for (const auto& lang : langs) {
    auto t = read_template_yml(root / lang / "template.yml");
    ASSERT_TRUE(t) << lang << ": " << t.error().message();
    EXPECT_EQ(t->language, lang);
    EXPECT_FALSE(t->fprocess.empty()) << lang;
    EXPECT_TRUE(fs::is_directory(root / lang / t->handler_folder)) << lang;
  }
}

// bash-streaming's contract: the handler reads the body on stdin and writes the response.
TEST(ShippedTemplates, BashStreamingRunsItsHandler) {
  TempDir dir;
  fs::copy(fs::path(FAAS_SOURCE_DIR) / "templates" / "bash-streaming", dir.path(),
           fs::copy_options::recursive);
  dir.write("in.txt", "some body\n");
  std::string cmd = "cd '" + dir.path().string() + "' && sh ./index.sh < in.txt";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[256];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  EXPECT_EQ(::pclose(p), 0);
  EXPECT_EQ(out, "Hello from bash-streaming. You said:\nsome body\n");
}

class PullTemplates : public ::testing::Test {
 protected:
  PullTemplates() {
    source_.write("template/a/template.yml", "language: a\nfprocess: a\n");
    source_.write("template/a/Dockerfile", "FROM a\n");
    source_.write("template/b/template.yml", "language: b\nfprocess: b\n");
  }
  Environment env_{{"PATH", "/usr/bin:/bin"}};
  TempDir source_;
  TempDir cwd_;
};

TEST_F(PullTemplates, FromADirectory) {
  auto r = pull_templates({.source = source_.path().string()}, env_, cwd_.path());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->written, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(slurp(cwd_.path() / "template" / "a" / "Dockerfile"), "FROM a\n");

  source_.write("template/a/Dockerfile", "FROM a2\n");
  r = pull_templates({.source = source_.path().string(), .overwrite = false}, env_, cwd_.path());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->skipped, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(slurp(cwd_.path() / "template" / "a" / "Dockerfile"), "FROM a\n");

  r = pull_templates({.source = source_.path().string(), .only = "a"}, env_, cwd_.path());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->written, std::vector<std::string>{"a"});
  EXPECT_EQ(slurp(cwd_.path() / "template" / "a" / "Dockerfile"), "FROM a2\n");
  EXPECT_FALSE(
      pull_templates({.source = source_.path().string(), .only = "zz"}, env_, cwd_.path()));
}

TEST_F(PullTemplates, FromAGitRepositoryAtARef) {
  std::string git =
      "git -C '" + source_.path().string() + "' -c user.name=t -c user.email=t@example.com ";
  ASSERT_EQ(
      std::system((git + "init -q -b main && " + git + "add -A && " + git + "commit -q -m one && " +
                   git + "checkout -q -b other && " + git + "rm -q -r template/b && " + git +
                   "commit -q -m two && " + git + "checkout -q main")
                      .c_str()),
      0);
  std::string url = "file://" + source_.path().string();
  auto r = pull_templates({.source = url + "#other"}, env_, cwd_.path());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->written, std::vector<std::string>{"a"});
  r = pull_templates({.source = url}, env_, cwd_.path());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->written, (std::vector<std::string>{"a", "b"}));
  auto bad = pull_templates({.source = url + "#nope"}, env_, cwd_.path());
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("git clone"), std::string::npos);
  // One line, git's reason in it.
  EXPECT_NE(bad.error().message().find("): fatal: Remote branch nope not found"), std::string::npos)
      << bad.error().message();
  EXPECT_EQ(bad.error().message().find('\n'), std::string::npos) << bad.error().message();
}

}  // namespace
}  // namespace faas::cli
