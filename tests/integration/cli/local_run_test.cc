// faas-cli local-run with the real buildah: a `FROM scratch` function (busybox httpd listening on
// the ${bind_address}:${port} the run gives it) is built and run by the real faas-cli binary,
// answers on 127.0.0.1:PORT, and SIGINT (Ctrl-C) ends the run with no working container left and
// nothing listening.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "faas/cli/process.h"

#include "support/http_client.h"
#include "support/spawn.h"

namespace faas::cli {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class LocalRun : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = {{"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}};
    if (!find_executable("buildah", env_) || !fs::exists("/bin/busybox")) {
      GTEST_SKIP() << "needs buildah and busybox-static";
    }
    char tmpl[] = "/tmp/cli-local-run-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    env_["HOME"] = (dir_ / "home").string();
    env_["FAAS_BUILD_ENGINE"] = "buildah";
    image_ = "localhost/cli-it-" + std::to_string(::getpid()) + "-local-run:1";
    fs::create_directories(dir_ / "fn" / "www");
    fs::copy_file("/bin/busybox", dir_ / "fn" / "busybox");
    std::ofstream(dir_ / "fn" / "www" / "index.html") << "hello from local-run\n";
    std::ofstream(dir_ / "fn" / "Dockerfile")
        << "FROM scratch\nCOPY busybox /bin/busybox\nCOPY www /www\n"
           "CMD [\"/bin/busybox\", \"sh\", \"-c\", "
           "\"exec /bin/busybox httpd -f -p ${bind_address}:${port} -h /www\"]\n";
    std::ofstream(dir_ / "stack.yaml") << "provider: {name: openfaas}\nfunctions:\n"
                                          "  hello: {lang: dockerfile, handler: ./fn, image: "
                                       << image_ << "}\n";
  }

  void TearDown() override {
    if (dir_.empty()) return;
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      test::wait_pid(pid_, 10s);
    }
    for (const auto& c : containers()) capture_process({"/usr/bin/buildah", "rm", c}, env_);
    capture_process({"/usr/bin/buildah", "rmi", "-f", image_}, env_);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Working containers of the test's image.
  std::vector<std::string> containers() {
    auto r = capture_process(
        {"/usr/bin/buildah", "containers", "-a", "--format", "{{.ContainerName}} {{.ImageName}}"},
        env_);
    std::vector<std::string> names;
    if (!r) return {"(buildah containers failed)"};
    std::istringstream lines(r->out);
    for (std::string name, image; lines >> name >> image;) {
      if (image == image_) names.push_back(name);
    }
    return names;
  }

  void start(const std::vector<std::string>& args) {
    std::string faas_cli =
        test::env_or("FAAS_BIN_DIR", test::own_directory() + "/../bin") + "/faas-cli";
    std::vector<std::string> argv{faas_cli};
    argv.insert(argv.end(), args.begin(), args.end());
    log_ = (dir_ / "local-run.log").string();
    test::Spawner s;
    posix_spawn_file_actions_addopen(&s.actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&s.actions, 1, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_adddup2(&s.actions, 1, 2);
    posix_spawn_file_actions_addchdir_np(&s.actions, dir_.c_str());
    auto pid = s.spawn(argv, env_);
    ASSERT_TRUE(pid) << pid.error().message();
    pid_ = *pid;
  }
  std::string log() const { return test::read_file(log_); }

  // GET / on 127.0.0.1:port until it answers 200, or the deadline.
  std::optional<test::Response> get_when_up(std::uint16_t port, std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = test::http_request(port, test::Request{}, 2s);
      if (r && r->status == 200) return *r;
      std::this_thread::sleep_for(100ms);
    }
    return std::nullopt;
  }

  fs::path dir_;
  Environment env_;
  std::string image_, log_;
  pid_t pid_ = -1;
};

TEST_F(LocalRun, AnswersOnLoopbackUntilCtrlC) {
  auto free = test::pick_free_port();
  ASSERT_TRUE(free);
  std::uint16_t port = *free;
  start({"local-run", "--port", std::to_string(port)});
  auto r = get_when_up(port, 120s);
  ASSERT_TRUE(r) << log();
  EXPECT_EQ(r->body, "hello from local-run\n");
  EXPECT_EQ(containers().size(), 1u);  // the run's working container, while it runs
  EXPECT_NE(log().find("Image: " + image_ + " built."), std::string::npos) << log();

  ::kill(pid_, SIGINT);
  auto status = test::wait_pid(pid_, 30s);
  ASSERT_TRUE(status) << log();
  pid_ = -1;
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status << "\n" << log();
  EXPECT_NE(log().find("Stopped local-run."), std::string::npos) << log();
  EXPECT_EQ(containers(), std::vector<std::string>{});
  EXPECT_FALSE(test::HttpConnection::connect(port, 1s));  // nothing listens any more
}

TEST_F(LocalRun, NoBuildRunsTheImageAsItIsAndAMissingOneIsAnError) {
  auto port = test::pick_free_port();
  ASSERT_TRUE(port);
  start({"local-run", "hello", "--no-build", "--port", std::to_string(*port)});
  auto status = test::wait_pid(pid_, 60s);
  ASSERT_TRUE(status) << log();
  pid_ = -1;
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 1) << *status;
  EXPECT_NE(log().find("Error: image " + image_ + " not found"), std::string::npos) << log();
  EXPECT_EQ(log().find("Building"), std::string::npos) << log();
  EXPECT_EQ(containers(), std::vector<std::string>{});
}

}  // namespace
}  // namespace faas::cli
