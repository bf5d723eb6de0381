// The containerd provider end to end on a real containerd: deploy -> ready -> call through the
// replica's network namespace -> scale out -> rolling update under calls -> scale to zero
// (paused) -> thaw -> remove.
#include <atomic>
#include <set>
#include <thread>

#include "fixture.h"

namespace faas::test {
namespace {

TEST_F(ContainerdProviderTest, DeployedFunctionAnswersInItsOwnNetworkNamespace) {
  ASSERT_TRUE(deploy_ready(function("echo"))) << "deploy";
  auto rs = replicas("echo");
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_TRUE(rs[0].id.starts_with("echo-")) << rs[0].id;
  EXPECT_EQ(rs[0].endpoint.address().to_string(), "127.0.0.1");
  EXPECT_EQ(rs[0].endpoint.port(), 8080);
  EXPECT_TRUE(rs[0].netns_path.starts_with("/proc/")) << rs[0].netns_path;
  auto response = invoke(rs[0], "hello containerd");
  ASSERT_TRUE(response) << error_text(response);
  EXPECT_TRUE(is_ok(response)) << *response;
  EXPECT_NE(response->find("hello containerd"), std::string::npos) << *response;

  auto status = run(provider_->status({"echo", ""}));
  ASSERT_TRUE(status) << error_text(status);
  EXPECT_EQ(status->replicas, 1u);
  EXPECT_EQ(status->available_replicas, 1u);
  EXPECT_EQ(status->namespace_, "openfaas-fn");
  EXPECT_EQ(status->image, kImage);
  auto listed = run(provider_->list(""));
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().name, "echo");

  auto again = run(provider_->deploy(function("echo")));
  EXPECT_TRUE(has_errc(again, ProviderErrc::kConflict)) << error_text(again);
}

TEST_F(ContainerdProviderTest, ScaleOutGivesDistinctReadyReplicas) {
  ASSERT_TRUE(deploy_ready(function("wide")));
  ASSERT_TRUE(run(provider_->scale({"wide", ""}, 3)));
  auto ready = run(provider_->wait_available({"wide", ""}, 3, 30s));
  ASSERT_TRUE(ready) << error_text(ready);
  auto rs = replicas("wide");
  ASSERT_EQ(rs.size(), 3u);
  std::set<std::string> ids, netns;
  for (const auto& r : rs) {
    ids.insert(r.id);
    netns.insert(r.netns_path);
    EXPECT_TRUE(is_ok(invoke(r, "x"))) << r.id;
  }
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(netns.size(), 3u);
  ASSERT_TRUE(run(provider_->scale({"wide", ""}, 1)));
  EXPECT_EQ(replicas("wide").size(), 1u);
}

TEST_F(ContainerdProviderTest, RollingUpdateServesEveryCall) {
  auto spec = function("roll", "/bin/report-version");
  spec.env_vars = {{"VERSION", "one"}};
  ASSERT_TRUE(deploy_ready(spec));
  ASSERT_TRUE(run(provider_->scale({"roll", ""}, 2)));
  ASSERT_TRUE(run(provider_->wait_available({"roll", ""}, 2, 30s)));

  std::atomic<bool> stop{false};
  std::atomic<int> calls{0}, failures{0};
  std::string last_failure;
  std::thread load([&] {
    for (std::size_t i = 0; !stop; ++i) {
      auto rs = replicas("roll");
      if (rs.empty()) {
        ++failures;
        last_failure = "no ready replica";
        continue;
      }
      auto response = invoke(rs[i % rs.size()], "");
      ++calls;
      if (!is_ok(response)) {
        ++failures;
        last_failure = response ? *response : error_text(response);
      }
    }
  });
  spec.env_vars = {{"VERSION", "two"}};
  auto updated = run(provider_->update(spec));
  stop = true;
  load.join();
  ASSERT_TRUE(updated) << error_text(updated);
  EXPECT_GT(calls.load(), 0);
  EXPECT_EQ(failures.load(), 0) << last_failure;
  auto rs = replicas("roll");
  ASSERT_EQ(rs.size(), 2u) << "the previous replicas are gone once update returns";
  for (const auto& r : rs) {
    auto response = invoke(r, "");
    ASSERT_TRUE(is_ok(response)) << error_text(response);
    EXPECT_NE(response->find("version=two"), std::string::npos) << *response;
  }
}

TEST_F(ContainerdProviderTest, ScaleToZeroPausesAndScaleUpThaws) {
  ASSERT_TRUE(deploy_ready(function("nap")));
  auto before = replicas("nap");
  ASSERT_EQ(before.size(), 1u);
  ASSERT_TRUE(run(provider_->scale({"nap", ""}, 0)));
  EXPECT_TRUE(replicas("nap").empty());
  auto task = run(client().get_task(before[0].id));
  ASSERT_TRUE(task) << error_text(task);
  EXPECT_EQ(task->status, containerd::TaskStatus::kPaused);
  auto status = run(provider_->status({"nap", ""}));
  ASSERT_TRUE(status);
  EXPECT_EQ(status->replicas, 0u);
  EXPECT_EQ(status->available_replicas, 0u);

  ASSERT_TRUE(run(provider_->scale({"nap", ""}, 1)));
  auto after = replicas("nap");  // no wait: a thawed replica is ready when scale returns
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].id, before[0].id);
  auto thawed = run(client().get_task(before[0].id));
  ASSERT_TRUE(thawed) << error_text(thawed);
  EXPECT_EQ(thawed->status, containerd::TaskStatus::kRunning) << "containerd sees the thaw";
  auto response = invoke(after[0], "awake");
  ASSERT_TRUE(is_ok(response)) << error_text(response);
  EXPECT_NE(response->find("awake"), std::string::npos);
}

TEST_F(ContainerdProviderTest, RemoveDeletesTasksContainersAndSnapshots) {
  ASSERT_TRUE(deploy_ready(function("gone")));
  ASSERT_TRUE(run(provider_->scale({"gone", ""}, 2)));
  ASSERT_TRUE(run(provider_->wait_available({"gone", ""}, 2, 30s)));
  auto ids = replicas("gone");
  ASSERT_TRUE(run(provider_->remove({"gone", ""})));
  auto c = client();
  auto containers = run(c.list_containers("labels.\"faas.function\"==gone"));
  ASSERT_TRUE(containers);
  EXPECT_TRUE(containers->empty());
  for (const auto& r : ids) {
    EXPECT_FALSE(run(c.get_task(r.id)));
    auto snap = run(c.snapshot_exists(r.id));
    ASSERT_TRUE(snap);
    EXPECT_FALSE(*snap) << r.id;
  }
  EXPECT_TRUE(has_errc(run(provider_->status({"gone", ""})), ProviderErrc::kNotFound));
  EXPECT_TRUE(has_errc(run(provider_->remove({"gone", ""})), ProviderErrc::kNotFound));
}

}  // namespace
}  // namespace faas::test

namespace faas::test {
namespace {

// Paused replicas idle longer than paused_idle_removal are deleted; the next scale up starts anew.
class IdleRemovalTest : public ContainerdProviderTest {
 protected:
  ContainerdProviderConfig config() override {
    auto c = ContainerdProviderTest::config();
    c.paused_idle_removal = std::chrono::seconds(1);
    return c;
  }
};

TEST_F(IdleRemovalTest, LongPausedReplicasAreDeleted) {
  ASSERT_TRUE(deploy_ready(function("idle")));
  auto before = replicas("idle");
  ASSERT_EQ(before.size(), 1u);
  ASSERT_TRUE(run(provider_->scale({"idle", ""}, 0)));
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (run(client().get_container(before[0].id)) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_FALSE(run(client().get_container(before[0].id))) << "deleted after a second paused";
  ASSERT_TRUE(run(provider_->scale({"idle", ""}, 1)));
  ASSERT_TRUE(run(provider_->wait_available({"idle", ""}, 1, 30s)));
  auto after = replicas("idle");
  ASSERT_EQ(after.size(), 1u);
  EXPECT_NE(after[0].id, before[0].id);
  EXPECT_TRUE(is_ok(invoke(after[0], "fresh")));
}

}  // namespace
}  // namespace faas::test
