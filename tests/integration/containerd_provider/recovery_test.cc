// Desired state survives: the provider destroyed without stopping replicas (faasd kill -9),
// a replica's task killed, a crash-looping image, containerd restarted.
#include <signal.h>

#include <thread>

#include "fixture.h"

namespace faas::test {
namespace {

// Polls cond (on the test thread) until true or the timeout passes.
template <class F>
bool eventually(F cond, std::chrono::milliseconds timeout = 30s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return cond();
}

TEST_F(ContainerdProviderTest, NewProviderAdoptsRunningReplicas) {
  ASSERT_TRUE(deploy_ready(function("keep")));
  ASSERT_TRUE(run(provider_->scale({"keep", ""}, 2)));
  ASSERT_TRUE(run(provider_->wait_available({"keep", ""}, 2, 30s)));
  ASSERT_TRUE(deploy_ready(function("sleepy")));
  ASSERT_TRUE(run(provider_->scale({"sleepy", ""}, 0)));
  auto before = replicas("keep");

  drop_provider();  // no shutdown: replicas keep running, as after kill -9 of faasd
  ASSERT_NO_FATAL_FAILURE(open_provider());

  auto status = run(provider_->status({"keep", ""}));
  ASSERT_TRUE(status) << error_text(status);
  EXPECT_EQ(status->replicas, 2u);
  ASSERT_TRUE(run(provider_->wait_available({"keep", ""}, 2, 30s)));
  auto after = replicas("keep");
  ASSERT_EQ(after.size(), 2u);
  std::set<std::string> ids_before, ids_after;
  for (auto& r : before) ids_before.insert(r.id);
  for (auto& r : after) ids_after.insert(r.id);
  EXPECT_EQ(ids_before, ids_after) << "adopted, not redeployed";
  for (auto& r : after) EXPECT_TRUE(is_ok(invoke(r, "still here")));

  // The paused one stays paused and still thaws.
  EXPECT_TRUE(replicas("sleepy").empty());
  ASSERT_TRUE(run(provider_->scale({"sleepy", ""}, 1)));
  ASSERT_EQ(replicas("sleepy").size(), 1u);
}

TEST_F(ContainerdProviderTest, KilledReplicaIsReplaced) {
  ASSERT_TRUE(deploy_ready(function("phoenix")));
  auto before = replicas("phoenix");
  ASSERT_EQ(before.size(), 1u);
  ASSERT_TRUE(run(client().kill_task(before[0].id, SIGKILL, true)));
  ASSERT_TRUE(eventually([&] {
    auto rs = replicas("phoenix");
    return rs.size() == 1 && rs[0].id != before[0].id;
  })) << "a new replica replaces the killed one";
  auto rs = replicas("phoenix");
  EXPECT_TRUE(is_ok(invoke(rs[0], "again")));
  auto old = run(client().get_container(before[0].id));
  EXPECT_FALSE(old) << "the dead container is deleted";
}

TEST_F(ContainerdProviderTest, CrashLoopBacksOffAndSaysWhy) {
  auto spec = function("crashy");
  // fwatchdog refuses to start without fprocess... a bad mode makes it exit at once.
  spec.env_vars = {{"mode", "no-such-mode"}};
  ASSERT_TRUE(run(provider_->deploy(spec)));
  std::string reason;
  ASSERT_TRUE(eventually([&] {
    auto s = run(provider_->status({"crashy", ""}));
    reason = s ? s->reason : "";
    return reason.find("next start in 2s") != std::string::npos;
  })) << reason;
  EXPECT_NE(reason.find("crash-looping: exit status"), std::string::npos) << reason;
  auto s = run(provider_->status({"crashy", ""}));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->available_replicas, 0u);
  EXPECT_EQ(s->replicas, 1u);
}

TEST_F(ContainerdProviderTest, FunctionsReturnAfterContainerdRestart) {
  ASSERT_TRUE(deploy_ready(function("sturdy")));
  auto before = replicas("sturdy");
  ASSERT_EQ(before.size(), 1u);
  auto restarted = containerd_->restart();
  ASSERT_TRUE(restarted) << error_text(restarted);
  // The shim kept the task; the provider's gRPC channel reconnects on its own.
  ASSERT_TRUE(eventually([&] {
    auto h = run(provider_->health());
    return static_cast<bool>(h);
  }));
  auto after = replicas("sturdy");
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].id, before[0].id);
  EXPECT_TRUE(is_ok(invoke(after[0], "after restart")));
  // And it still manages them.
  ASSERT_TRUE(run(provider_->scale({"sturdy", ""}, 2)));
  ASSERT_TRUE(run(provider_->wait_available({"sturdy", ""}, 2, 30s)));
}

}  // namespace
}  // namespace faas::test
