// `faasd up` on containerd, end to end, as a user drives it: an image uploaded to the gateway
// (no registry), deployed, invoked through the gateway into the replica's own network namespace,
// scaled out and to zero and back, faasd killed with -9 and started again, an embedded containerd
// started and stopped by faasd. Real faasd, real containerd + runc, FROM-scratch images (static
// busybox + fwatchdog). Needs root, containerd and runc; skipped otherwise.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "gateway_helpers.h"
#include "registry/registry_fixture.h"
#include "support/containerd_process.h"

namespace faas::test {
namespace {

bool containerd_usable() {
  return ::geteuid() == 0 && ::access("/usr/bin/containerd", X_OK) == 0 &&
         (::access("/usr/sbin/runc", X_OK) == 0 || ::access("/usr/bin/runc", X_OK) == 0);
}

// An OCI archive whose function prints the replica's network namespace: every replica has its own,
// so the answers tell the replicas apart.
Result<std::string> id_image(const TempDir& dir) {
  auto spec = watchdog_image_spec();
  if (!spec) return spec.error();
  auto script = dir.write("id.sh", "#!/bin/sh\nreadlink /proc/self/ns/net\n", true);
  if (!script) return script.error();
  spec->files.push_back({*script, "/id.sh"});
  spec->symlinks.emplace_back("/bin/readlink", "busybox");
  spec->env = {"PATH=/bin", "fprocess=sh /id.sh"};
  spec->ref_name = "e2e/id:1";
  return build_oci_archive(dir, *spec);
}

Result<Response> upload(const DaemonProcess& d, const std::string& name, const std::string& tar) {
  std::ifstream in(tar, std::ios::binary);
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return admin(d, "POST", "/system/images?name=" + name, std::move(body));
}

std::string call(const DaemonProcess& d, const std::string& fn, int* status = nullptr) {
  auto r = http_request(d.port(), {.method = "POST", .target = "/function/" + fn, .body = "x"},
                        std::chrono::seconds(30));
  if (status) *status = r ? static_cast<int>(r->status) : -1;
  return r ? r->body : r.error().message();
}

class FaasdContainerdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!containerd_usable()) GTEST_SKIP() << "needs root, containerd and runc";
    auto c = ContainerdProcess::start();
    ASSERT_TRUE(c) << c.error().message();
    containerd_ = std::move(*c);
    auto tmp = TempDir::create("faasd-ctr-img");
    ASSERT_TRUE(tmp);
    images_.emplace(std::move(*tmp));
    auto tar = id_image(*images_);
    ASSERT_TRUE(tar) << tar.error().message();
    tar_ = *tar;
  }
  std::vector<std::string> args(const std::string& state_dir) const {
    return {"up", "--state-dir", state_dir, "--port", "0", "--bind", "127.0.0.1",
            "--runtime", "containerd", "--containerd-socket", containerd_->socket()};
  }
  void deploy_id(const DaemonProcess& d, const std::string& extra = "") {
    auto up = upload(d, "e2e/id:1", tar_);
    ASSERT_TRUE(up) << up.error().message();
    ASSERT_EQ(up->status, 200) << up->body;
    auto r = admin(d, "POST", "/system/functions",
                   R"({"service":"id","image":"e2e/id:1")" + extra + "}");
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r->status, 202) << r->body;
    ASSERT_TRUE(wait_available(d, "id", 1)) << d.log();
  }

  std::unique_ptr<ContainerdProcess> containerd_;
  std::optional<TempDir> images_;
  std::string tar_;
};

TEST_F(FaasdContainerdTest, UploadDeployInvokeScaleOutToZeroAndBackThenRemove) {
  auto d = DaemonProcess::start({.args = args("{dir}")});
  ASSERT_TRUE(d) << d.error().message();
  auto& faasd = **d;
  deploy_id(faasd);
  int status = 0;
  auto first = call(faasd, "id", &status);
  ASSERT_EQ(status, 200) << first;
  EXPECT_TRUE(first.starts_with("net:[")) << first;

  auto r = admin(faasd, "POST", "/system/scale-function/id", R"({"serviceName":"id","replicas":3})");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 202) << r->body;
  ASSERT_TRUE(wait_available(faasd, "id", 3)) << faasd.log();
  std::set<std::string> seen;
  for (int i = 0; i < 30; ++i) {
    auto body = call(faasd, "id", &status);
    ASSERT_EQ(status, 200) << body;
    seen.insert(body);
  }
  EXPECT_EQ(seen.size(), 3u) << "calls should spread over the three replicas' namespaces";

  r = admin(faasd, "POST", "/system/scale-function/id", R"({"serviceName":"id","replicas":0})");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 202) << r->body;
  ASSERT_TRUE(wait_available(faasd, "id", 0));
  // Scale from zero: a paused replica is thawed, so the answer comes from a namespace seen before.
  auto thawed = call(faasd, "id", &status);
  ASSERT_EQ(status, 200) << thawed;
  EXPECT_TRUE(seen.contains(thawed)) << thawed;

  auto logs = admin(faasd, "GET", "/system/logs?name=id&tail=50");
  ASSERT_TRUE(logs);
  EXPECT_EQ(logs->status, 200);
  EXPECT_NE(logs->body.find("\"name\":\"id\""), std::string::npos) << logs->body;

  r = admin(faasd, "DELETE", "/system/functions", R"({"functionName":"id"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202) << r->body;
  call(faasd, "id", &status);
  EXPECT_EQ(status, 404);
}

TEST_F(FaasdContainerdTest, BadInputGetsAClear4xx) {
  auto d = DaemonProcess::start({.args = args("{dir}")});
  ASSERT_TRUE(d) << d.error().message();
  auto& faasd = **d;
  auto garbage = images_->write("garbage.tar", std::string(4096, 'g'));
  ASSERT_TRUE(garbage);
  auto up = upload(faasd, "bad/archive:1", *garbage);
  ASSERT_TRUE(up);
  EXPECT_EQ(up->status, 400) << up->body;
  // Not in the store and no registry answers on 127.0.0.1:1.
  auto r = admin(faasd, "POST", "/system/functions", R"({"service":"nope","image":"127.0.0.1:1/none:1"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_NE(r->body.find("127.0.0.1:1/none:1"), std::string::npos) << r->body;
  up = upload(faasd, "e2e/id:1", tar_);
  ASSERT_TRUE(up);
  ASSERT_EQ(up->status, 200) << up->body;
  r = admin(faasd, "POST", "/system/functions",
            R"({"service":"sec","image":"e2e/id:1","secrets":["missing-secret"]})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_NE(r->body.find("missing-secret"), std::string::npos) << r->body;
  r = admin(faasd, "POST", "/system/functions", R"({"service":"Bad_Name","image":"e2e/id:1"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  r = admin(faasd, "POST", "/system/functions",
            R"({"service":"ns","image":"e2e/id:1","namespace":"no-such-ns"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
}

// kill -9 of faasd leaves the replica running; the next faasd on the same state adopts it: the
// function is listed and answers from the same network namespace, with no redeploy.
TEST_F(FaasdContainerdTest, KilledFaasdComesBackWithItsFunctionsAndReplicas) {
  auto first = DaemonProcess::start({.args = args("{dir}")});
  ASSERT_TRUE(first) << first.error().message();
  deploy_id(**first);
  int status = 0;
  auto before = call(**first, "id", &status);
  ASSERT_EQ(status, 200) << before;
  (*first)->signal(SIGKILL);
  ASSERT_TRUE((*first)->wait_exit());

  auto second = DaemonProcess::start({.args = args((*first)->dir())});
  ASSERT_TRUE(second) << second.error().message();
  // The second faasd reads its credentials from the first's state dir; authorization() reads its own.
  std::filesystem::copy((*first)->dir() + "/secrets", (*second)->dir() + "/secrets",
                        std::filesystem::copy_options::recursive);
  auto list = admin(**second, "GET", "/system/functions");
  ASSERT_TRUE(list);
  EXPECT_NE(list->body.find("\"name\":\"id\""), std::string::npos) << list->body;
  ASSERT_TRUE(wait_available(**second, "id", 1)) << (*second)->log();
  auto after = call(**second, "id", &status);
  ASSERT_EQ(status, 200) << after;
  EXPECT_EQ(after, before) << "the replica should have been adopted, not recreated";
  second->reset();  // stops before the first's directory goes away
}

// Deploy by reference from a registry: the image is not in the store, so faasd pulls it from
// Debian's docker-registry on 127.0.0.1 (plain HTTP for loopback), imports and runs it.
TEST_F(FaasdContainerdTest, DeploysAnImagePulledFromALocalRegistry) {
  auto work = TempDir::create("faasd-reg");
  ASSERT_TRUE(work);
  std::filesystem::create_directories(work->path() + "/registry");
  auto registry = DockerRegistry::start(work->path() + "/registry");
  ASSERT_TRUE(registry) << registry.error().message();
  Buildah buildah(work->path() + "/buildah");
  auto pulled = buildah.run({"pull", "-q", "oci-archive:" + tar_});
  ASSERT_TRUE(pulled) << pulled.error().message();
  auto id = std::string(*pulled);
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
  id = id.substr(id.find_last_of('\n') + 1);
  const std::string ref = (*registry)->host() + "/e2e/id:1";
  auto pushed = buildah.run({"push", "--tls-verify=false", id, "docker://" + ref});
  ASSERT_TRUE(pushed) << pushed.error().message();

  auto d = DaemonProcess::start({.args = args("{dir}")});
  ASSERT_TRUE(d) << d.error().message();
  auto r = admin(**d, "POST", "/system/functions", R"({"service":"fromreg","image":")" + ref + "\"}");
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->status, 202) << r->body << (*d)->log();
  ASSERT_TRUE(wait_available(**d, "fromreg", 1)) << (*d)->log();
  int status = 0;
  auto body = call(**d, "fromreg", &status);
  EXPECT_EQ(status, 200) << body;
  EXPECT_TRUE(body.starts_with("net:[")) << body;
  EXPECT_TRUE((*d)->wait_for_log("pulled " + ref)) << (*d)->log();
}

// Processes whose command line mentions `needle` (an embedded containerd and its shims).
std::vector<pid_t> processes_mentioning(const std::string& needle) {
  std::vector<pid_t> out;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const auto name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "cmdline");
    std::string cmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmd.find(needle) != std::string::npos) out.push_back(std::stoi(name));
  }
  return out;
}

TEST_F(FaasdContainerdTest, WithoutAContainerdFaasdStartsItsOwnAndStopsItOnExit) {
  auto d = DaemonProcess::start(
      {.args = {"up", "--state-dir", "{dir}", "--port", "0", "--bind", "127.0.0.1",
                "--containerd-socket", "/nonexistent/containerd.sock"}});
  ASSERT_TRUE(d) << d.error().message();
  auto& faasd = **d;
  EXPECT_TRUE(faasd.wait_for_log("starting our own")) << faasd.log();
  EXPECT_TRUE(faasd.wait_for_log("runtime containerd")) << faasd.log();
  deploy_id(faasd);
  int status = 0;
  auto body = call(faasd, "id", &status);
  EXPECT_EQ(status, 200) << body;
  const auto dir = faasd.dir() + "/containerd";
  EXPECT_FALSE(processes_mentioning(dir).empty());
  faasd.signal(SIGTERM);
  auto code = faasd.wait_exit();
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 0) << faasd.log();
  auto left = processes_mentioning(dir);
  EXPECT_TRUE(left.empty()) << left.size() << " process(es) of the embedded containerd left";
  for (pid_t p : left) ::kill(p, SIGKILL);
}

}  // namespace
}  // namespace faas::test
