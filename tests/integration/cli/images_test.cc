// faas-cli build, push and up with the real image tools: buildah building `FROM scratch` images
// (busybox-static, no base image), Debian's docker-registry on 127.0.0.1:<free port> with
// filesystem storage in a temp dir, and a real `faasd up --runtime process` (which runs the stack's
// fprocess, so a deploy by reference works without containerd). `up --watch` runs as the real
// faas-cli binary so the test can edit a handler and send it SIGINT.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "faas/cli/app.h"
#include "faas/cli/process.h"

#include "support/daemon_process.h"
#include "support/http_client.h"
#include "support/spawn.h"

namespace faas::cli {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A child process with its stdout and stderr in a log file; SIGTERM and reaped on destruction.
class Child {
 public:
  static Result<std::unique_ptr<Child>> start(const std::vector<std::string>& argv,
                                              const Environment& env, const std::string& log) {
    test::Spawner s;
    posix_spawn_file_actions_addopen(&s.actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&s.actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_adddup2(&s.actions, 1, 2);
    auto pid = s.spawn(argv, env);
    if (!pid) return pid.error();
    return std::unique_ptr<Child>(new Child(*pid, log));
  }
  ~Child() {
    if (pid_ < 0) return;
    ::kill(pid_, SIGTERM);
    if (!test::wait_pid(pid_, 10s)) {
      ::kill(pid_, SIGKILL);
      test::wait_pid(pid_, 10s);
    }
  }
  std::string log() const { return test::read_file(log_); }
  bool wait_for_log(std::string_view needle, std::chrono::milliseconds timeout) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (log().find(needle) == std::string::npos) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(20ms);
    }
    return true;
  }
  // Sends `sig` and returns the wait status, if it exited in time.
  std::optional<int> stop(int sig) {
    ::kill(pid_, sig);
    auto status = test::wait_pid(pid_, 30s);
    if (status) pid_ = -1;
    return status;
  }
  pid_t pid() const { return pid_; }

 private:
  Child(pid_t pid, std::string log) : pid_(pid), log_(std::move(log)) {}
  pid_t pid_;
  std::string log_;
};

// docker-registry serving 127.0.0.1:<free port> from a temp dir.
class Registry {
 public:
  static Result<std::unique_ptr<Registry>> start(const test::TempDir& dir) {
    fs::create_directories(dir.file("registry"));
    auto cfg = dir.write("registry.yml",
                         "version: 0.1\nstorage:\n"
                         "  filesystem: {rootdirectory: " +
                             dir.file("registry") + "}\nhttp: {addr: '127.0.0.1:0'}\n");
    if (!cfg) return cfg.error();
    auto child = Child::start({"/usr/bin/docker-registry", "serve", *cfg},
                              test::inherited_environment(), dir.file("registry.log"));
    if (!child) return child.error();
    std::unique_ptr<Registry> r(new Registry(std::move(*child)));
    if (!r->child_->wait_for_log("listening on 127.0.0.1:", 20s)) {
      return invalid_argument("docker-registry did not start: " + r->child_->log());
    }
    std::this_thread::sleep_for(50ms);  // the rest of the line
    auto port = test::number_after(r->child_->log(), "listening on 127.0.0.1:");
    if (!port) return invalid_argument("no port in: " + r->child_->log());
    r->port_ = static_cast<std::uint16_t>(*port);
    return r;
  }
  std::uint16_t port() const { return port_; }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  void stop() { child_.reset(); }

  // GET on the registry's API; the body, or "" with the status on failure.
  test::Response get(const std::string& target, test::Headers headers = {}) const {
    test::Request req{.method = "GET", .target = target, .headers = std::move(headers)};
    auto r = test::http_request(port_, req);
    return r ? *r : test::Response{};
  }
  // The manifest digest of repo:tag (Docker-Content-Digest), "" when absent.
  std::string digest(const std::string& repo, const std::string& tag) const {
    auto r = get("/v2/" + repo + "/manifests/" + tag,
                 {{"Accept",
                   "application/vnd.oci.image.manifest.v1+json, "
                   "application/vnd.docker.distribution.manifest.v2+json"}});
    return r.status == 200 ? r.header("Docker-Content-Digest").value_or("") : "";
  }

 private:
  explicit Registry(std::unique_ptr<Child> child) : child_(std::move(child)) {}
  std::unique_ptr<Child> child_;
  std::uint16_t port_ = 0;
};

class Images : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!find_executable("buildah", {{"PATH", "/usr/bin:/bin"}}) ||
        !fs::exists("/usr/bin/docker-registry") || !fs::exists("/bin/busybox")) {
      GTEST_SKIP() << "needs buildah, docker-registry and busybox-static";
    }
    auto dir = test::TempDir::create("cli-images");
    ASSERT_TRUE(dir) << dir.error().message();
    dir_.emplace(std::move(*dir));
    auto registry = Registry::start(*dir_);
    ASSERT_TRUE(registry) << registry.error().message();
    registry_ = std::move(*registry);
    project_ = fs::path(dir_->path()) / "project";
    repo_ = "cli-it-" + std::to_string(::getpid()) + "/hello";
    write("hello/handler.sh", "echo v1\n");
    fs::copy_file("/bin/busybox", project_ / "hello" / "busybox");
    write("hello/Dockerfile",
          "FROM scratch\nCOPY busybox /bin/busybox\nCOPY handler.sh /handler.sh\n"
          "CMD [\"/bin/busybox\", \"sh\", \"/handler.sh\"]\n");
    env_ = {{"HOME", (fs::path(dir_->path()) / "home").string()},
            {"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
            {"GIT_AUTHOR_NAME", "t"},
            {"GIT_AUTHOR_EMAIL", "t@example.invalid"},
            {"GIT_COMMITTER_NAME", "t"},
            {"GIT_COMMITTER_EMAIL", "t@example.invalid"}};
  }

  void TearDown() override {
    // The images stay in buildah's storage otherwise (shared by everything on this machine).
    for (const auto& image : built_) {
      capture_process({"/usr/bin/buildah", "rmi", "-f", image}, env_);
    }
  }

  void write(const std::string& name, const std::string& text) {
    fs::create_directories((project_ / name).parent_path());
    std::ofstream(project_ / name) << text;
  }
  std::string image(const std::string& tag) {
    std::string name = registry_->host() + "/" + repo_ + ":" + tag;
    built_.push_back(name);
    return name;
  }
  void write_stack(const std::string& image) {
    write("stack.yaml",
          "version: 1.0\nprovider: {name: openfaas}\nfunctions:\n  hello:\n"
          "    lang: dockerfile\n    handler: ./hello\n    image: " +
              image + "\n    fprocess: cat\n");
  }
  int cli(std::vector<std::string> args, const std::string& input = "") {
    std::istringstream in(input);
    out_.str("");
    err_.str("");
    return run(args, env_, Io{in, out_, err_}, project_);
  }
  std::string tags() const { return registry_->get("/v2/" + repo_ + "/tags/list").body; }

  std::optional<test::TempDir> dir_;
  std::unique_ptr<Registry> registry_;
  fs::path project_;
  std::string repo_;
  Environment env_;
  std::vector<std::string> built_;
  std::ostringstream out_, err_;
};

TEST_F(Images, BuildAndPushToALocalRegistry) {
  write_stack(image("0.1"));
  ASSERT_EQ(cli({"build"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("Image: " + registry_->host() + "/" + repo_ + ":0.1 built."),
            std::string::npos)
      << out_.str();
  ASSERT_EQ(cli({"push"}), 0) << err_.str();
  EXPECT_EQ(tags(), R"({"name":")" + repo_ +
                        R"(","tags":["0.1"]})"
                        "\n");

  // --tag sha: the same image name with the commit appended to the tag, built and pushed.
  for (std::vector<std::string> git :
       {std::vector<std::string>{"init", "-q"}, {"add", "."}, {"commit", "-q", "-m", "hello"}}) {
    git.insert(git.begin(), {"/usr/bin/git", "-C", project_.string()});
    auto r = capture_process(git, env_);
    ASSERT_TRUE(r && r->exit_code == 0);
  }
  auto sha = capture_process(
      {"/usr/bin/git", "-C", project_.string(), "rev-parse", "--short", "HEAD"}, env_);
  ASSERT_TRUE(sha);
  std::string tag = "0.1-" + sha->out.substr(0, sha->out.find('\n'));
  image(tag);
  ASSERT_EQ(cli({"build", "--tag", "sha"}), 0) << err_.str();
  ASSERT_EQ(cli({"push", "--tag", "sha"}), 0) << err_.str();
  EXPECT_NE(tags().find("\"" + tag + "\""), std::string::npos) << tags();

  // The registry gone: one error line naming the image, exit 1.
  registry_->stop();
  EXPECT_EQ(cli({"push"}), 1);
  EXPECT_EQ(err_.str(), "Error: push " + registry_->host() + "/" + repo_ +
                            ":0.1: /usr/bin/buildah "
                            "exited with 125 (is the registry up, and are you logged in to it?)\n");
}

class Up : public Images {
 protected:
  void SetUp() override {
    Images::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto d = test::DaemonProcess::up();
    ASSERT_TRUE(d) << d.error().message();
    daemon_ = std::move(*d);
    env_["OPENFAAS_URL"] = "http://127.0.0.1:" + std::to_string(daemon_->port());
    std::string pw = test::read_file(daemon_->dir() + "/secrets/basic-auth-password");
    ASSERT_EQ(cli({"login", "--password-stdin"}, pw), 0) << err_.str();
  }
  std::unique_ptr<test::DaemonProcess> daemon_;
};

TEST_F(Up, BuildsPushesDeploysAndRedeploysOnSave) {
  write_stack(image("0.1"));
  std::string faas_cli =
      test::env_or("FAAS_BIN_DIR", test::own_directory() + "/../bin") + "/faas-cli";
  std::string log = dir_->file("up.log");
  auto up = Child::start({faas_cli, "up", "--watch", "-f", (project_ / "stack.yaml").string()},
                         env_, log);
  ASSERT_TRUE(up) << up.error().message();
  ASSERT_TRUE((*up)->wait_for_log("Press Control+C to stop.", 120s)) << (*up)->log();
  std::string first = registry_->digest(repo_, "0.1");
  ASSERT_FALSE(first.empty()) << tags();
  ASSERT_EQ(cli({"ready", "hello", "--interval", "100ms", "--attempts", "100"}), 0) << err_.str();
  ASSERT_EQ(cli({"invoke", "hello"}, "ping"), 0) << err_.str();
  EXPECT_EQ(out_.str(), "ping");

  write("hello/handler.sh", "echo v2\n");  // a save
  ASSERT_TRUE((*up)->wait_for_log("[1] Done.", 120s)) << (*up)->log();
  std::string text = (*up)->log();
  EXPECT_NE(text.find("[1] Change detected in: hello\n"), std::string::npos) << text;
  std::string second = registry_->digest(repo_, "0.1");
  EXPECT_FALSE(second.empty());
  EXPECT_NE(second, first);  // rebuilt from the new handler and pushed again
  auto deployed = [](const std::string& s) {
    std::size_t n = 0;
    for (auto at = s.find("Deployed. "); at != std::string::npos; at = s.find("Deployed. ", at + 1))
      ++n;
    return n;
  };
  EXPECT_EQ(deployed(text), 2u) << text;
  EXPECT_EQ(text.find("Error"), std::string::npos) << text;

  auto status = (*up)->stop(SIGINT);
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;
  EXPECT_NE((*up)->log().find("Stopped watching."), std::string::npos) << (*up)->log();
  ASSERT_EQ(cli({"invoke", "hello"}, "still"), 0) << err_.str();
}

TEST_F(Up, WithoutARegistryTheGatewayMustHaveAnImageStore) {
  std::string local = "cli-it-" + std::to_string(::getpid()) + "-local:0.1";
  built_.push_back(local);
  write_stack(local);
  // The process runtime keeps no images: the upload is refused and nothing is deployed.
  EXPECT_EQ(cli({"up"}), 1);
  EXPECT_NE(out_.str().find("Uploading: " + local), std::string::npos) << out_.str();
  std::string err = err_.str();
  EXPECT_NE(err.find("the gateway has no image store"), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  ASSERT_EQ(cli({"list", "-q"}), 0);
  EXPECT_EQ(out_.str(), "");
}

}  // namespace
}  // namespace faas::cli
