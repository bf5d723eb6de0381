// Every faas-cli command end to end, as a user runs it: the real faas-cli binary (a subprocess with
// cwd = a project directory, HOME = a temp dir, OPENFAAS_URL) against a real `faasd up --runtime
// containerd` on a private containerd, Debian's docker-registry on 127.0.0.1 and buildah (private
// vfs store). Images are FROM scratch (busybox-static + our fwatchdog): built in about a second, no
// pulls. One world per suite (FaasdWorld); each test removes every function and secret it leaves.
// Needs root, containerd, runc, buildah, docker-registry, git, busybox-static; skipped otherwise.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "faas/api/json.h"

#include "cli/faasd_world.h"
#include "gateway/gateway_helpers.h"
#include "support/imposter.h"
#include "support/spawn.h"

namespace faas::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
constexpr auto npos = std::string::npos;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool has_line(const std::string& text, const std::string& line) {
  auto all = lines_of(text);
  return std::find(all.begin(), all.end(), line) != all.end();
}

// Failures are one line on stderr, "Error: ...", and exit code 1.
#define EXPECT_ERROR_LINE(run, needle)                                                   \
  do {                                                                                   \
    const CliRun& r_ = (run);                                                            \
    EXPECT_EQ(r_.code, 1) << r_.out << r_.err;                                           \
    EXPECT_TRUE(r_.err.starts_with("Error: ")) << r_.err;                                \
    EXPECT_EQ(std::count(r_.err.begin(), r_.err.end(), '\n'), 1) << r_.err;              \
    EXPECT_NE(r_.err.find(needle), npos) << "wanted [" << (needle) << "] in " << r_.err; \
  } while (0)

// A `faas-cli describe` row: the label padded to 19 columns, a space, the value.
std::string row(std::string label, const std::string& value) {
  label.resize(std::max<std::size_t>(label.size(), 19), ' ');
  return label + " " + value;
}

std::string stanza(const std::string& name, const std::string& handler, const std::string& image,
                   const std::string& extra = "") {
  return "  " + name + ":\n    lang: dockerfile\n    handler: " + handler +
         "\n    image: " + image + "\n" + extra;
}

std::string stack_of(const std::vector<std::string>& stanzas) {
  std::string s = "version: 1.0\nprovider:\n  name: openfaas\nfunctions:\n";
  for (const auto& f : stanzas) s += f;
  return s;
}

class FaasCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    skip_ = FaasdWorld::missing_prerequisite();
    if (!skip_.empty()) return;
    auto w = FaasdWorld::start();
    if (!w) {
      setup_error_ = w.error().message();
      return;
    }
    world_ = std::move(*w);
    auto r = world_->cli({"login", "--password-stdin"}, {.input = password()});
    if (r.code != 0) setup_error_ = "faas-cli login: " + r.out + r.err;
  }
  static void TearDownTestSuite() { world_.reset(); }

  void SetUp() override {
    if (!skip_.empty()) GTEST_SKIP() << skip_;
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
    project_ =
        world_->dir() + "/" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::create_directories(project_);
  }

  // Whatever a test leaves on the gateway goes, so the next test starts from nothing.
  void TearDown() override {
    if (!world_ || !skip_.empty()) return;
    for (const auto& name : lines_of(cli({"list", "-q"}).out)) cli({"remove", name});
    auto secrets = lines_of(cli({"secret", "list"}).out);
    for (std::size_t i = 1; i < secrets.size(); ++i) cli({"secret", "remove", secrets[i]});
    if (HasFailure()) std::cerr << "faasd log:\n" << world_->faasd().log();
  }

  static std::string password() {
    return read_file(world_->faasd().dir() + "/secrets/basic-auth-password");
  }
  CliRun cli(const std::vector<std::string>& args, const std::string& input = "",
             Environment env = {}, const std::string& cwd = "") const {
    return world_->cli(args, {.cwd = cwd.empty() ? project_ : cwd, .input = input, .env = env});
  }
  std::string path(const std::string& rel) const { return project_ + "/" + rel; }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories(fs::path(path(rel)).parent_path());
    std::ofstream(path(rel)) << text;
  }
  void function(const std::string& rel) const {
    auto ok = world_->write_function(path(rel));
    ASSERT_TRUE(ok) << ok.error().message();
  }
  std::string gateway() const { return world_->gateway(); }
  std::string reg() const { return world_->registry(); }

  // Builds a function image and publishes it without deploying: pushed when `image` names a
  // registry, else uploaded to faasd's image store.
  void publish(const std::string& image) {
    std::string dir = "img-" + std::to_string(++images_);
    ASSERT_NO_FATAL_FAILURE(function(dir + "/fn"));
    write(dir + "/stack.yaml", stack_of({stanza("img", "./fn", image)}));
    auto r = cli({"up", "--skip-deploy"}, "", {}, path(dir));
    ASSERT_EQ(r.code, 0) << r.out << r.err;
  }
  void deploy(const std::string& image, const std::string& name,
              std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"deploy", "--image", image, "--name", name};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = cli(args);
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_EQ(r.out, "Deploying: " + name + ".\nDeployed. 202 Accepted.\nURL: " + gateway() +
                         "/function/" + name + "\n\n");
  }
  void ready(const std::string& name) {
    auto r = cli({"ready", name, "--interval", "100ms", "--attempts", "600"});
    ASSERT_EQ(r.code, 0) << r.err << world_->faasd().log();
    EXPECT_EQ(r.out, "Function " + name + " is ready\n");
  }
  // Invokes until the answer contains `needle` (an update rolls replicas over; bounded, 60 s).
  std::string invoke_until(const std::string& name, const std::string& needle,
                           std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"invoke", name};
    args.insert(args.end(), extra.begin(), extra.end());
    CliRun r;
    for (int i = 0; i < 120; ++i) {
      r = cli(args);
      if (r.code == 0 && r.out.find(needle) != npos) return r.out;
      std::this_thread::sleep_for(500ms);
    }
    ADD_FAILURE() << name << " never answered with [" << needle << "]: " << r.out << r.err;
    return r.out;
  }
  std::vector<std::string> names() const { return lines_of(cli({"list", "-q"}).out); }
  bool deployed(const std::string& name) const {
    auto all = names();
    return std::find(all.begin(), all.end(), name) != all.end();
  }
  // git in the project directory (identity from the world's environment).
  void git(std::vector<std::string> args, const std::string& dir = "") const {
    args.insert(args.begin(), {"/usr/bin/git", "-C", dir.empty() ? project_ : dir});
    auto r = run_program(args, world_->env(), 60s);
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r->exit_code, 0) << r->output;
  }
  std::string git_output(std::vector<std::string> args) const {
    args.insert(args.begin(), {"/usr/bin/git", "-C", project_});
    auto r = run_program(args, world_->env(), 60s);
    return r ? r->output.substr(0, r->output.find('\n')) : "";
  }
  std::string registry_tags(const std::string& repo) const {
    auto port = static_cast<std::uint16_t>(std::stoi(reg().substr(reg().find(':') + 1)));
    auto r = http_request(port, {.target = "/v2/" + repo + "/tags/list"});
    return r ? r->body : r.error().message();
  }
  // A template: template.yml, a Dockerfile and a handler folder, under root/template/name.
  void make_template(const std::string& root, const std::string& name) const {
    std::string t = root + "/template/" + name;
    fs::create_directories(t + "/function");
    std::ofstream(t + "/template.yml")
        << "language: " << name << "\nfprocess: sh /handler.sh\nwelcome_message: hi\n";
    std::ofstream(t + "/Dockerfile") << "FROM scratch\n";
    std::ofstream(t + "/function/handler.sh") << "cat\n";
  }

  static inline std::unique_ptr<FaasdWorld> world_;
  static inline std::string skip_;
  static inline std::string setup_error_;
  std::string project_;
  int images_ = 0;
};

TEST_F(FaasCli, LoginLogoutAndGatewayResolution) {
  const std::string gw = gateway();
  const std::string home = path("home");
  fs::create_directories(home);
  // A fresh HOME, and OPENFAAS_URL where nothing listens: -g must win over it.
  Environment fresh{{"HOME", home}, {"OPENFAAS_URL", "http://127.0.0.1:1"}};
  EXPECT_ERROR_LINE(cli({"list", "-g", gw}, "", fresh), "faas-cli login");
  EXPECT_ERROR_LINE(cli({"login", "-g", gw, "--password-stdin"}, "wrong\n", fresh),
                    "unable to login, either username or password is incorrect");
  EXPECT_FALSE(fs::exists(home + "/.openfaas/config.yml"));

  auto r = cli({"login", "--gateway", gw, "--password-stdin"}, password() + "\n", fresh);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "Calling the OpenFaaS server to validate the credentials...\n"
            "credentials saved for admin " +
                gw + "\n");
  EXPECT_EQ(r.err, "");
  const std::string config = home + "/.openfaas/config.yml";
  ASSERT_TRUE(fs::exists(config));
  EXPECT_EQ(fs::status(config).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_NE(read_file(config).find(gw), npos) << read_file(config);
  EXPECT_EQ(read_file(config).find(password()), npos) << "the password is stored encoded";

  r = cli({"list", "-g", gw}, "", fresh);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("Function")) << r.out;
  EXPECT_ERROR_LINE(cli({"list"}, "", fresh), "http://127.0.0.1:1");
  r = cli({"list", "-q"}, "", {{"HOME", home}, {"OPENFAAS_URL", gw}});
  EXPECT_EQ(r.code, 0) << r.err;

  r = cli({"logout", "-g", gw}, "", fresh);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "credentials removed for " + gw + "\n");
  EXPECT_ERROR_LINE(cli({"list", "-g", gw}, "", fresh), "401");
  EXPECT_ERROR_LINE(cli({"logout", "-g", gw}, "", fresh), "not found in config");
}

TEST_F(FaasCli, NewAndTemplatePullFromADirectoryAGitRepositoryAndATemplateStore) {
  auto r = cli({"new", "--list"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("Languages available as templates:\n")) << r.out;
  EXPECT_TRUE(has_line(r.out, "- dockerfile")) << r.out;

  // A directory holding template/<name>.
  make_template(path("from-dir"), "e2e-dir");
  r = cli({"template", "pull", path("from-dir")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "Fetch templates from repository: " + path("from-dir") +
                       "\nWrote 1 template(s) : e2e-dir\n");
  EXPECT_TRUE(fs::exists(path("template/e2e-dir/template.yml")));

  // A git repository, cloned through file://, and a branch of it (#ref).
  const std::string repo = path("repo");
  make_template(repo, "e2e-git");
  make_template(repo, "e2e-store");
  git({"init", "-q", "-b", "main"}, repo);
  git({"add", "."}, repo);
  git({"commit", "-q", "-m", "templates"}, repo);
  git({"checkout", "-q", "-b", "v2"}, repo);
  make_template(repo, "e2e-git2");
  git({"add", "."}, repo);
  git({"commit", "-q", "-m", "v2"}, repo);
  git({"checkout", "-q", "main"}, repo);
  r = cli({"template", "pull", "file://" + repo});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "Fetch templates from repository: file://" + repo +
                       "\nWrote 2 template(s) : e2e-git e2e-store\n");
  r = cli({"template", "pull", "file://" + repo + "#v2"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out.ends_with("Wrote 3 template(s) : e2e-git e2e-git2 e2e-store\n")) << r.out;
  EXPECT_ERROR_LINE(cli({"template", "pull", "file://" + path("no-such-repo")}),
                    "failed (exit 128): fatal: '" + path("no-such-repo") +
                        "' does not appear to be a git repository");
  r = cli({"new", "--list"});
  for (const char* lang : {"- e2e-dir", "- e2e-git", "- e2e-git2", "- dockerfile"}) {
    EXPECT_TRUE(has_line(r.out, lang)) << lang << " in " << r.out;
  }

  // A template store: a JSON file, and the same JSON served on loopback.
  const std::string store =
      R"([{"template":"e2e-store","platform":"x86_64","language":"sh","source":"e2e",)"
      R"("description":"From the e2e store","repo":"file://)" +
      repo +
      R"(","official":"false","recommended":true},)"
      R"({"template":"e2e-arm","platform":"arm64","source":"e2e","repo":"file:///none"}])";
  write("templates.json", store);
  Imposter server;
  server.when("GET", "/templates.json", Reply::json(200, store));
  const std::string url = server.url() + "/templates.json";
  r = cli({"template", "store", "list", "--url", "templates.json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto rows = lines_of(r.out);
  ASSERT_EQ(rows.size(), 2u) << r.out;
  EXPECT_TRUE(rows[0].starts_with("NAME")) << r.out;
  EXPECT_TRUE(rows[1].starts_with("e2e-store  [x]")) << r.out;
  EXPECT_NE(rows[1].find("From the e2e store"), npos) << r.out;
  auto over_http = cli({"template", "store", "list", "-u", url});
  EXPECT_EQ(over_http.code, 0) << over_http.err;
  EXPECT_EQ(over_http.out, r.out);
  fs::remove_all(path("template/e2e-store"));
  r = cli({"template", "store", "pull", "e2e-store", "--url", url});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "Pulling template: e2e-store from file://" + repo +
                       "\nWrote 1 template(s) : e2e-store\n");
  EXPECT_TRUE(fs::exists(path("template/e2e-store/template.yml")));
  EXPECT_ERROR_LINE(cli({"template", "store", "pull", "nope", "--url", "templates.json"}),
                    "template nope is not in the template store");

  // new: --lang, --prefix, then --append to the stack file it wrote.
  r = cli({"new", "e2e-new", "--lang", "dockerfile", "--prefix", reg() + "/e2e", "-q"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "Folder: e2e-new created.\nFunction created in folder: e2e-new\n"
            "Stack file written: stack.yaml\n");
  std::string yaml = read_file(path("stack.yaml"));
  EXPECT_NE(yaml.find("image: " + reg() + "/e2e/e2e-new:latest\n"), npos) << yaml;
  EXPECT_NE(yaml.find("gateway: " + gateway() + "\n"), npos) << yaml;
  EXPECT_TRUE(fs::exists(path("e2e-new/Dockerfile")));
  r = cli({"new", "e2e-new2", "--lang", "e2e-store", "--append", "stack.yaml", "-q"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out.ends_with("Stack file updated: stack.yaml\n")) << r.out;
  EXPECT_TRUE(fs::exists(path("e2e-new2/handler.sh")));
  yaml = read_file(path("stack.yaml"));
  EXPECT_NE(yaml.find("  e2e-new:\n"), npos) << yaml;
  EXPECT_NE(yaml.find("  e2e-new2:\n    lang: e2e-store\n"), npos) << yaml;
  EXPECT_ERROR_LINE(cli({"new", "e2e-new", "--lang", "dockerfile"}), "already exists");
  EXPECT_ERROR_LINE(cli({"new", "e2e-new3", "--lang", "cobol"}), "template cobol not found");

  // The new function, up through the registry (our FROM-scratch Dockerfile: no pulls here).
  ASSERT_NO_FATAL_FAILURE(function("e2e-new"));
  r = cli({"up", "--filter", "e2e-new"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Pushed: " + reg() + "/e2e/e2e-new:latest.\n"), npos) << r.out;
  EXPECT_NE(r.out.find("Deployed. 202 Accepted.\n"), npos) << r.out;
  EXPECT_EQ(r.out.find("e2e-new2"), npos) << r.out;
  ASSERT_NO_FATAL_FAILURE(ready("e2e-new"));
  r = cli({"invoke", "e2e-new"}, "hi");
  EXPECT_EQ(r.out, "greeting=hello method=POST query= type=text/plain foo=\nhi") << r.err;
}

TEST_F(FaasCli, BuildPushAndDeployByReferenceFromTheRegistry) {
  const std::string image = reg() + "/e2e/ref:0.1";
  ASSERT_NO_FATAL_FAILURE(function("ref"));
  write("stack.yaml", stack_of({stanza("e2e-ref", "./ref", image)}));
  auto r = cli({"build", "--build-arg", "GREETING=howdy", "--no-cache"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(r.out.starts_with("Building: e2e-ref with dockerfile template. Please wait..\n"))
      << r.out;
  EXPECT_TRUE(r.out.ends_with("Image: " + image + " built.\n")) << r.out;
  r = cli({"push"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(r.out.ends_with("Pushed: " + image + ".\n")) << r.out;
  EXPECT_EQ(registry_tags("e2e/ref"), "{\"name\":\"e2e/ref\",\"tags\":[\"0.1\"]}\n");

  // Deployed by reference: faasd pulls it from the registry.
  ASSERT_NO_FATAL_FAILURE(deploy(image, "e2e-ref"));
  ASSERT_NO_FATAL_FAILURE(ready("e2e-ref"));
  EXPECT_TRUE(world_->faasd().wait_for_log("pulled " + image)) << world_->faasd().log();
  r = cli({"invoke", "e2e-ref"});
  EXPECT_TRUE(r.out.starts_with("greeting=howdy ")) << r.out << r.err;

  // --tag sha in a git repository: build, push and deploy agree on <tag>-<commit>.
  git({"init", "-q"});
  git({"add", "stack.yaml"});
  git({"commit", "-q", "-m", "e2e"});
  const std::string tagged = image + "-" + git_output({"rev-parse", "--short", "HEAD"});
  r = cli({"build", "--tag", "sha"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(r.out.ends_with("Image: " + tagged + " built.\n")) << r.out;
  r = cli({"push", "--tag", "sha"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = cli({"deploy", "--tag", "sha"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = cli({"describe", "e2e-ref"});
  EXPECT_TRUE(has_line(r.out, row("Image:", tagged))) << r.out;
  invoke_until("e2e-ref", "greeting=hello ");  // built without the build-arg this time

  EXPECT_ERROR_LINE(cli({"deploy", "--image", reg() + "/e2e/none:1", "--name", "e2e-none"}),
                    reg() + "/e2e/none:1");
  EXPECT_FALSE(deployed("e2e-none"));
}

TEST_F(FaasCli, UpWithoutARegistryUploadsToFaasdAndHonoursSkipFlags) {
  ASSERT_NO_FATAL_FAILURE(function("up"));
  write("stack.yaml", stack_of({stanza("e2e-up", "./up", "e2e-up:0.1")}));
  auto r = cli({"up", "--skip-deploy"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Image: e2e-up:0.1 built.\n"), npos) << r.out;
  EXPECT_NE(r.out.find("Uploading: e2e-up:0.1 ("), npos) << r.out;
  EXPECT_NE(r.out.find("Uploaded: e2e-up:0.1 as "), npos) << r.out;
  EXPECT_EQ(r.out.find("Deploying:"), npos) << r.out;
  EXPECT_FALSE(deployed("e2e-up"));

  // --skip-push builds the changed handler but deploys what faasd already has: the first one.
  write("up/handler.sh", "echo second\n");
  r = cli({"up", "--skip-push"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("Upload"), npos) << r.out;
  EXPECT_NE(r.out.find("Deployed. 202 Accepted.\n"), npos) << r.out;
  ASSERT_NO_FATAL_FAILURE(ready("e2e-up"));
  r = cli({"invoke", "e2e-up"});
  EXPECT_TRUE(r.out.starts_with("greeting=hello ")) << r.out << r.err;

  // up: built, uploaded again under the same name and redeployed, so the new handler answers.
  r = cli({"up"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Uploaded: e2e-up:0.1 as "), npos) << r.out;
  invoke_until("e2e-up", "second");
}

TEST_F(FaasCli, DeployFlagsReachTheGatewayAndTheFunction) {
  ASSERT_NO_FATAL_FAILURE(publish("e2e-flags:0.1"));
  ASSERT_EQ(cli({"secret", "create", "e2e-flags-key", "--from-literal", "s3cret"}).code, 0);
  deploy("e2e-flags:0.1", "e2e-flags",
         {"--fprocess", "env", "-e", "A=1", "-e", "B=two words", "-l", "team=e2e", "--annotation",
          "note=hi", "--secret", "e2e-flags-key", "--readonly"});
  ASSERT_NO_FATAL_FAILURE(ready("e2e-flags"));
  auto status = admin(world_->faasd(), "GET", "/system/function/e2e-flags");
  ASSERT_TRUE(status && status->status == 200);
  auto fn = api::parse_function_status(status->body);
  ASSERT_TRUE(fn) << status->body;
  EXPECT_EQ(fn->image, "e2e-flags:0.1");
  EXPECT_EQ(fn->env_process, "env");
  EXPECT_EQ(fn->env_vars, (api::StringMap{{"A", "1"}, {"B", "two words"}}));
  EXPECT_EQ(fn->labels.value_or(api::StringMap{}).at("team"), "e2e") << status->body;
  EXPECT_EQ(fn->annotations.value_or(api::StringMap{}).at("note"), "hi") << status->body;
  EXPECT_EQ(fn->secrets, std::vector<std::string>{"e2e-flags-key"});
  EXPECT_TRUE(fn->read_only_root_filesystem) << status->body;
  auto r = cli({"describe", "e2e-flags"});
  ASSERT_EQ(r.code, 0) << r.err;
  for (const std::string& line :
       {row("Function Process:", "env"), std::string("Environment:"), std::string("  A: 1"),
        std::string("  B: two words"), std::string("  team: e2e"), std::string("  note: hi"),
        std::string("Secrets:"), std::string("  e2e-flags-key")}) {
    EXPECT_TRUE(has_line(r.out, line)) << line << " in " << r.out;
  }
  r = cli({"invoke", "e2e-flags"});
  EXPECT_TRUE(has_line(r.out, "A=1") && has_line(r.out, "B=two words")) << r.out << r.err;

  // --update (the default) in place: the probe finds the root file system read-only.
  ASSERT_NO_FATAL_FAILURE(deploy("e2e-flags:0.1", "e2e-flags",
                                 {"--fprocess", "sh /probe.sh", "--readonly", "--update"}));
  invoke_until("e2e-flags", "read-only");
  EXPECT_ERROR_LINE(
      cli({"deploy", "--image", "e2e-flags:0.1", "--name", "e2e-flags", "--update=false"}), "409");
  // --replace: removed and created again, this time writable and without the old labels.
  ASSERT_NO_FATAL_FAILURE(
      deploy("e2e-flags:0.1", "e2e-flags", {"--fprocess", "sh /probe.sh", "--replace"}));
  invoke_until("e2e-flags", "writable");
  status = admin(world_->faasd(), "GET", "/system/function/e2e-flags");
  ASSERT_TRUE(status && status->status == 200);
  fn = api::parse_function_status(status->body);
  ASSERT_TRUE(fn) << status->body;
  EXPECT_FALSE(fn->read_only_root_filesystem);
  EXPECT_TRUE(fn->secrets.empty()) << status->body;
  EXPECT_FALSE(fn->labels && fn->labels->contains("team")) << status->body;

  EXPECT_ERROR_LINE(cli({"deploy", "--image", "e2e-flags:0.1", "--name", "e2e-flags2", "--secret",
                         "e2e-missing"}),
                    "e2e-missing");
  EXPECT_ERROR_LINE(
      cli({"deploy", "--image", "e2e-flags:0.1", "--name", "e2e-flags2", "-e", "NOEQUALS"}),
      "NOEQUALS");
}

TEST_F(FaasCli, InvokeSendsBodyHeadersQueryMethodAndContentType) {
  ASSERT_NO_FATAL_FAILURE(publish("e2e-invoke:0.1"));
  ASSERT_NO_FATAL_FAILURE(deploy("e2e-invoke:0.1", "e2e-invoke"));
  ASSERT_NO_FATAL_FAILURE(ready("e2e-invoke"));
  auto r = cli({"invoke", "e2e-invoke"}, "ping");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "greeting=hello method=POST query= type=text/plain foo=\nping");
  EXPECT_EQ(r.err, "");
  r = cli({"invoke", "e2e-invoke", "-H", "X-Foo=bar", "--query", "a=1", "--query", "b=x y", "-m",
           "PUT", "--content-type", "application/json"},
          "{}");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "greeting=hello method=PUT query=a=1&b=x%20y type=application/json foo=bar\n{}");
  r = cli({"invoke", "e2e-invoke", "--method", "GET", "--header", "X-Foo=get"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("greeting=hello method=GET ")) << r.out;
  EXPECT_NE(r.out.find("foo=get"), npos) << r.out;
  EXPECT_ERROR_LINE(cli({"invoke", "e2e-invoke", "-m", "TRACE"}), "TRACE");
  EXPECT_ERROR_LINE(cli({"invoke", "e2e-invoke", "--query", "novalue"}), "novalue");
  EXPECT_ERROR_LINE(cli({"invoke", "e2e-nobody"}, "x"), "404");

  // --async: accepted and run later (the callback proves it ran), or, while faasd has no queue
  // worker, the gateway's 501 as one line.
  Imposter callback;
  callback.when("POST", "/done", Reply::text(200, "ok"));
  r = cli({"invoke", "e2e-invoke", "--async", "-H", "X-Callback-Url=" + callback.url() + "/done"},
          "later");
  if (r.code == 0) {
    EXPECT_EQ(r.err, "Function submitted asynchronously.\n");
    for (int i = 0; i < 300 && callback.requests().empty(); ++i) std::this_thread::sleep_for(100ms);
    ASSERT_FALSE(callback.requests().empty()) << "no callback";
    EXPECT_NE(callback.last_request().body.find("later"), npos) << callback.last_request().body;
  } else {
    EXPECT_ERROR_LINE(r, "501 Not Implemented");
  }
}

TEST_F(FaasCli, ListDescribeScaleReadyLogsAndRemove) {
  ASSERT_NO_FATAL_FAILURE(publish("e2e-ls:0.1"));
  ASSERT_NO_FATAL_FAILURE(deploy("e2e-ls:0.1", "e2e-ls-b"));
  // createdAt has one-second resolution: b must be older than a for --sort creation to tell.
  std::this_thread::sleep_for(1100ms);
  ASSERT_NO_FATAL_FAILURE(deploy("e2e-ls:0.1", "e2e-ls-a"));
  ASSERT_NO_FATAL_FAILURE(ready("e2e-ls-a"));
  ASSERT_NO_FATAL_FAILURE(ready("e2e-ls-b"));

  auto r = cli({"list"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("Function                      \tInvocations    \tReplicas\n"))
      << r.out;
  EXPECT_LT(r.out.find("e2e-ls-a "), r.out.find("e2e-ls-b ")) << r.out;
  r = cli({"ls", "-q"});
  EXPECT_EQ(r.out, "e2e-ls-a\ne2e-ls-b\n");
  r = cli({"list", "-v"});
  EXPECT_NE(r.out.find("CreatedAt"), npos) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3) << r.out;
  EXPECT_NE(r.out.find("e2e-ls:0.1"), npos) << r.out;
  r = cli({"ls", "-q", "--sort", "creation"});
  EXPECT_EQ(r.out, "e2e-ls-b\ne2e-ls-a\n");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(cli({"invoke", "e2e-ls-b"}).code, 0);
  r = cli({"ls", "-q", "--sort", "invocations"});
  EXPECT_EQ(r.out, "e2e-ls-b\ne2e-ls-a\n");
  EXPECT_ERROR_LINE(cli({"list", "--sort", "size"}), "--sort");

  r = cli({"describe", "e2e-ls-a"});
  ASSERT_EQ(r.code, 0) << r.err;
  for (const std::string& line :
       {row("Name:", "e2e-ls-a"), row("Status:", "Ready"), row("Replicas:", "1"),
        row("Image:", "e2e-ls:0.1"), row("Function Process:", "<default>"),
        row("URL:", gateway() + "/function/e2e-ls-a"),
        row("Async URL:", gateway() + "/async-function/e2e-ls-a")}) {
    EXPECT_TRUE(has_line(r.out, line)) << line << " in " << r.out;
  }
  EXPECT_ERROR_LINE(cli({"describe", "e2e-nobody"}), "function e2e-nobody: not found");

  r = cli({"scale", "e2e-ls-a", "--replicas", "2"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "Function e2e-ls-a scaled to 2 replica(s)\n");
  EXPECT_TRUE(wait_available(world_->faasd(), "e2e-ls-a", 2, 60s)) << world_->faasd().log();
  r = cli({"describe", "e2e-ls-a"});
  EXPECT_TRUE(has_line(r.out, row("Available Replicas:", "2"))) << r.out;
  EXPECT_ERROR_LINE(cli({"scale", "e2e-nobody", "--replicas", "1"}), "e2e-nobody");

  r = cli({"ready"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "OpenFaaS gateway is ready\n");
  r = cli({"ready", "e2e-nobody", "--attempts", "2", "--interval", "10ms"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(
      r.err.ends_with("\nError: function e2e-nobody not ready after 2 attempts: "
                      "function e2e-nobody: not found\n"))
      << r.err;

  // logs: the handler writes a marker on stderr, which the replica's log keeps.
  ASSERT_EQ(cli({"invoke", "e2e-ls-b", "-m", "PATCH"}).code, 0);
  for (int i = 0; i < 100; ++i) {
    r = cli({"logs", "e2e-ls-b", "--tail=false"});
    if (r.out.find("log-marker-PATCH") != npos) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(r.code, 0) << r.err;
  auto log_lines = lines_of(r.out);
  ASSERT_FALSE(log_lines.empty());
  static const std::regex plain(
      R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ e2e-ls-b \(e2e-ls-b-[^)]+\) .*)");
  for (const auto& line : log_lines) EXPECT_TRUE(std::regex_match(line, plain)) << line;
  EXPECT_NE(r.out.find(") stderr: log-marker-PATCH\n"), npos) << r.out;
  r = cli({"logs", "e2e-ls-b", "--tail=false", "--lines", "1"});
  EXPECT_EQ(lines_of(r.out).size(), 1u) << r.out;
  r = cli({"logs", "e2e-ls-b", "--tail=false", "--since", "10m", "-o", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("log-marker-PATCH"), npos) << r.out;
  for (const auto& line : lines_of(r.out)) {
    EXPECT_TRUE(line.starts_with("{") && line.find("\"name\":\"e2e-ls-b\"") != npos) << line;
  }
  // Following (--tail, the default): a line logged after it started shows up while it runs.
  auto follow = world_->spawn_cli({"logs", "e2e-ls-b", "--lines", "1"}, {.cwd = project_});
  ASSERT_TRUE(follow) << follow.error().message();
  struct Reaper {  // a failed assertion below must not leave it following
    pid_t pid;
    ~Reaper() {
      if (pid > 0 && ::kill(-pid, SIGKILL) == 0) wait_pid(pid, kWaitTimeout);
    }
  } reaper{follow->pid};
  for (int i = 0; i < 300 && follow->out().empty(); ++i) std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(follow->out().empty()) << "no last line";
  ASSERT_EQ(cli({"invoke", "e2e-ls-b", "-m", "DELETE"}).code, 0);
  for (int i = 0; i < 300 && follow->out().find("log-marker-DELETE") == npos; ++i) {
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_FALSE(process_gone(follow->pid)) << "logs stopped following";
  ::kill(-follow->pid, SIGTERM);
  auto followed = world_->finish(*follow, 10s);
  reaper.pid = -1;
  EXPECT_NE(followed.out.find(") stderr: log-marker-DELETE\n"), npos) << followed.out;
  r = cli({"logs", "e2e-ls-b", "--tail=false", "-o", "keyvalue"});
  EXPECT_NE(r.out.find("name=e2e-ls-b instance=e2e-ls-b-"), npos) << r.out;
  EXPECT_ERROR_LINE(cli({"logs", "e2e-ls-b", "-o", "yaml"}), "-o must be plain");
  EXPECT_ERROR_LINE(cli({"logs", "e2e-ls-b", "--since", "soon"}), "soon");

  r = cli({"remove", "e2e-ls-a"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "Deleting: e2e-ls-a.\nRemoving old function.\n");
  r = cli({"rm", "e2e-ls-b"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(cli({"ls", "-q"}).out, "");
  EXPECT_ERROR_LINE(cli({"rm", "e2e-ls-a"}), "e2e-ls-a");
}

TEST_F(FaasCli, SecretsFromALiteralAFileAndStdinReachTheFunction) {
  auto r = cli({"secret", "create", "e2e-lit", "--from-literal", "v1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "Creating secret: e2e-lit\nCreated: 201 Created\n");
  write("secret.txt", "from-file\n");
  ASSERT_EQ(cli({"secret", "create", "e2e-file", "--from-file", "secret.txt"}).code, 0);
  ASSERT_EQ(cli({"secret", "create", "e2e-stdin"}, "from-stdin\n").code, 0);
  r = cli({"secret", "list"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto listed = lines_of(r.out);
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(listed, (std::vector<std::string>{"NAME", "e2e-file", "e2e-lit", "e2e-stdin"}));
  EXPECT_ERROR_LINE(cli({"secret", "create", "e2e-lit", "--from-literal", "x"}), "already exists");
  EXPECT_ERROR_LINE(cli({"secret", "create", "e2e-x", "--from-literal", "x", "--from-file", "f"}),
                    "either --from-literal or --from-file");
  EXPECT_ERROR_LINE(cli({"secret", "create", "e2e-empty"}, ""), "empty");

  ASSERT_NO_FATAL_FAILURE(publish("e2e-secret:0.1"));
  deploy("e2e-secret:0.1", "e2e-secret",
         {"--secret", "e2e-lit", "--secret", "e2e-file", "--secret", "e2e-stdin", "--fprocess",
          "cat /var/openfaas/secrets/e2e-lit /var/openfaas/secrets/e2e-file "
          "/var/openfaas/secrets/e2e-stdin"});
  ASSERT_NO_FATAL_FAILURE(ready("e2e-secret"));
  r = cli({"invoke", "e2e-secret"});
  EXPECT_EQ(r.out, "v1from-filefrom-stdin") << r.err;
  r = cli({"secret", "update", "e2e-lit", "--from-literal", "v2"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "Updating secret: e2e-lit\nUpdated: 200 OK\n");
  invoke_until("e2e-secret", "v2from-file");
  EXPECT_ERROR_LINE(cli({"secret", "update", "e2e-nope", "--from-literal", "x"}), "e2e-nope");

  ASSERT_EQ(cli({"rm", "e2e-secret"}).code, 0);
  r = cli({"secret", "remove", "e2e-stdin"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "Removed.. OK.\n");
  EXPECT_EQ(cli({"secret", "rm", "e2e-lit"}).code, 0);
  EXPECT_EQ(cli({"secret", "ls"}).out, "NAME\ne2e-file\n");
  EXPECT_ERROR_LINE(cli({"secret", "remove", "e2e-stdin"}), "e2e-stdin");

  r = cli({"namespaces"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "Namespaces:\n - openfaas-fn\n");
  EXPECT_EQ(cli({"ns", "list"}).out, r.out);
}

TEST_F(FaasCli, StoreListDescribeAndDeployFromAFileAndALoopbackUrl) {
  const std::string image = reg() + "/e2e/store:0.1";
  ASSERT_NO_FATAL_FAILURE(publish(image));
  const std::string store =
      R"({"version":"0.2.0","functions":[)"
      R"({"title":"E2E Echo","name":"e2e-store","description":"Echoes it",)"
      R"("author":"faas++ e2e","images":{"x86_64":")" +
      image +
      R"("},"fprocess":"sh /handler.sh","repo_url":"https://example.invalid",)"
      R"("environment":{"GREETING":"from-store"},"labels":{"e2e":"store"}},)"
      R"({"title":"Arm only","name":"e2e-arm","images":{"arm64":"x/y:1"}}]})";
  write("store.json", store);
  Imposter server;
  server.when("GET", "/store.json", Reply::json(200, store));
  const std::string url = server.url() + "/store.json";

  auto r = cli({"store", "list", "--url", "store.json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto rows = lines_of(r.out);
  ASSERT_EQ(rows.size(), 2u) << r.out;
  EXPECT_TRUE(rows[0].starts_with("FUNCTION")) << r.out;
  EXPECT_TRUE(rows[1].starts_with("e2e-store ")) << r.out;
  EXPECT_NE(rows[1].find("faas++ e2e"), npos) << r.out;
  EXPECT_EQ(cli({"store", "ls", "-u", url}).out, r.out);
  r = cli({"store", "list", "--url", url, "--platform", "arm64"});
  EXPECT_NE(r.out.find("e2e-arm"), npos) << r.out;
  EXPECT_EQ(r.out.find("e2e-store"), npos) << r.out;

  r = cli({"store", "describe", "E2E Echo", "--url", "store.json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "Title:       E2E Echo\nAuthor:      faas++ e2e\nDescription: Echoes it\n"
            "Image:       " +
                image +
                "\nProcess:     sh /handler.sh\n"
                "Repo URL:    https://example.invalid\nEnvironment:\n  GREETING: from-store\n"
                "Labels:\n  e2e: store\n");
  EXPECT_ERROR_LINE(cli({"store", "describe", "nope", "--url", "store.json"}), "'nope' not found");
  EXPECT_ERROR_LINE(cli({"store", "list", "--url", server.url() + "/missing.json"}), "404");

  r = cli({"store", "deploy", "e2e-store", "--url", url});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "Deploying: e2e-store.\nDeployed. 202 Accepted.\nURL: " + gateway() +
                       "/function/e2e-store\n");
  ASSERT_NO_FATAL_FAILURE(ready("e2e-store"));
  r = cli({"invoke", "e2e-store"});
  EXPECT_TRUE(r.out.starts_with("greeting=from-store ")) << r.out << r.err;
  r = cli({"store", "deploy", "E2E Echo", "--name", "e2e-store2", "-e", "GREETING=override",
           "--url", "store.json"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_NO_FATAL_FAILURE(ready("e2e-store2"));
  r = cli({"invoke", "e2e-store2"});
  EXPECT_TRUE(r.out.starts_with("greeting=override ")) << r.out << r.err;
  r = cli({"describe", "e2e-store2"});
  EXPECT_TRUE(has_line(r.out, "  e2e: store")) << r.out;
}

TEST_F(FaasCli, VersionShowsTheCliTheGatewayAndTheProvider) {
  auto r = cli({"version"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("faas-cli (faas++)\n  CLI:\n   commit:  ")) << r.out;
  EXPECT_NE(r.out.find("\nGateway\n  uri:     " + gateway() + "\n  version: "), npos) << r.out;
  EXPECT_NE(r.out.find("\nProvider\n  name:          "), npos) << r.out;
  EXPECT_TRUE(has_line(r.out, "  orchestration: containerd")) << r.out;
  auto short_version = cli({"version", "--short-version"});
  ASSERT_EQ(short_version.code, 0);
  ASSERT_EQ(lines_of(short_version.out).size(), 1u) << short_version.out;
  EXPECT_TRUE(has_line(r.out, "   version: " + lines_of(short_version.out)[0])) << r.out;
  r = cli({"version", "-g", "http://127.0.0.1:1"});
  EXPECT_TRUE(r.out.starts_with("faas-cli (faas++)\n")) << r.out;
  EXPECT_ERROR_LINE(r, "http://127.0.0.1:1");
}

TEST_F(FaasCli, StackFilesEnvsubstEnvironmentFilesFiltersDefaultsAndErrors) {
  ASSERT_NO_FATAL_FAILURE(publish("e2e-stack:0.1"));
  write("env.yml", "environment:\n  FROM_FILE: file\n  BOTH: file\n");
  write("stack.yaml", stack_of({stanza("e2e-st-one", "./fn", "${E2E_IMAGE}",
                                       "    fprocess: env\n    environment:\n"
                                       "      FROM_STACK: ${E2E_VALUE:-fallback}\n"
                                       "      BOTH: stack\n"
                                       "    environment_file:\n      - env.yml\n"),
                                stanza("e2e-st-two", "./fn", "${E2E_IMAGE}"),
                                stanza("e2e-other", "./fn", "${E2E_IMAGE}")}));
  const Environment image{{"E2E_IMAGE", "e2e-stack:0.1"}};
  auto r = cli({"deploy", "--filter", "e2e-st-*"}, "", image);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Deploying: e2e-st-one.\n"), npos) << r.out;
  EXPECT_NE(r.out.find("Deploying: e2e-st-two.\n"), npos) << r.out;
  EXPECT_EQ(cli({"ls", "-q"}).out, "e2e-st-one\ne2e-st-two\n");
  ASSERT_NO_FATAL_FAILURE(ready("e2e-st-one"));
  r = cli({"invoke", "e2e-st-one"});
  for (const char* line : {"FROM_STACK=fallback", "FROM_FILE=file", "BOTH=file"}) {
    EXPECT_TRUE(has_line(r.out, line)) << line << " in " << r.out;
  }
  // ${E2E_VALUE} set, and -e over the stack and its environment_file.
  r = cli({"deploy", "--filter", "e2e-st-one", "-e", "BOTH=flag"}, "",
          {{"E2E_IMAGE", "e2e-stack:0.1"}, {"E2E_VALUE", "set"}});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  auto out = invoke_until("e2e-st-one", "FROM_STACK=set");
  EXPECT_TRUE(has_line(out, "BOTH=flag")) << out;
  r = cli({"deploy", "--regex", "^e2e-oth"}, "", image);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("e2e-st-"), npos) << r.out;
  EXPECT_EQ(cli({"ls", "-q"}).out, "e2e-other\ne2e-st-one\ne2e-st-two\n");
  EXPECT_ERROR_LINE(cli({"deploy", "--regex", "["}, "", image), "invalid --regex");
  EXPECT_ERROR_LINE(cli({"deploy", "--filter", "nothing-*"}, "", image), "no functions matched");
  r = cli({"rm", "--regex", "^e2e-st-"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(cli({"ls", "-q"}).out, "e2e-other\n");

  // No -f: stack.yaml, else stack.yml.
  const std::string yml = path("yml");
  write("yml/stack.yml", stack_of({stanza("e2e-st-yml", "./fn", "e2e-stack:0.1")}));
  r = cli({"deploy"}, "", {}, yml);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(r.out.starts_with("Deploying: e2e-st-yml.\n")) << r.out;
  write("yml/stack.yaml", stack_of({stanza("e2e-st-yaml", "./fn", "e2e-stack:0.1")}));
  r = cli({"deploy"}, "", {}, yml);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(r.out.starts_with("Deploying: e2e-st-yaml.\n")) << r.out;
  r = cli({"deploy", "-f", "stack.yml", "--replace"}, "", {}, yml);
  EXPECT_TRUE(r.out.starts_with("Deploying: e2e-st-yml.\n")) << r.out;
  EXPECT_ERROR_LINE(cli({"deploy", "-f", "missing.yaml"}, "", {}, yml), "missing.yaml");

  // Bad YAML: the error names the file (as the user named it, or found it) and the line.
  write("bad/stack.yaml",
        "version: 1.0\nprovider:\n  name: openfaas\nfunctions:\n  broken:\n"
        "    image: [unclosed\n    lang: dockerfile\n");
  r = cli({"deploy"}, "", {}, path("bad"));
  EXPECT_ERROR_LINE(r, "Error: ./stack.yaml:7:");
  write("bad/typed.yml",
        "version: 1.0\nprovider:\n  name: openfaas\nfunctions:\n  f:\n"
        "    image: x:1\n    environment: [a, b]\n");
  r = cli({"deploy", "-f", "typed.yml"}, "", {}, path("bad"));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "Error: ./typed.yml:7:18: environment: must be a map of strings\n");
  r = cli({"list", "-f", path("bad/typed.yml")});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err,
            "Error: " + path("bad/typed.yml") + ":7:18: environment: must be a map of strings\n");
  write("bad/env-stack.yml", stack_of({stanza("e2e-st-env", "./fn", "e2e-stack:0.1",
                                              "    environment_file:\n      - bad-env.yml\n")}));
  write("bad/bad-env.yml", "environment:\n  A: 1\n  - b\n");
  r = cli({"deploy", "-f", "env-stack.yml"}, "", {}, path("bad"));
  EXPECT_ERROR_LINE(r, "Error: ./bad-env.yml:3:");
  EXPECT_FALSE(deployed("e2e-st-env"));
}

}  // namespace
}  // namespace faas::test
