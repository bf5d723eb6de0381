// ProcessProvider: deploy, scale, update, remove and crash recovery with real fwatchdog processes.
#include <set>

#include "provider_fixture.h"

namespace faas::test {
namespace {

TEST_F(ProviderTest, DeployedFunctionBecomesReadyAndEchoes) {
  auto spec = function("echo", "cat", {{"FOO", "bar"}});
  spec.labels = api::StringMap{{"team", "a"}};
  spec.annotations = api::StringMap{{"topic", "t"}};
  ASSERT_TRUE(deploy_ready(spec)) << "deploy";

  auto replicas = run(provider_->replicas({"echo", ""}));
  ASSERT_TRUE(replicas) << error_text(replicas);
  ASSERT_EQ(replicas->size(), 1u);
  EXPECT_EQ((*replicas)[0].netns_path, "");
  EXPECT_EQ((*replicas)[0].path_prefix, "");
  auto r = invoke((*replicas)[0], "hello process provider");
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello process provider");

  auto status = run(provider_->status({"echo", "openfaas-fn"}));
  ASSERT_TRUE(status) << error_text(status);
  EXPECT_EQ(status->name, "echo");
  EXPECT_EQ(status->namespace_, "openfaas-fn");
  EXPECT_EQ(status->image, "example/fn:latest");
  EXPECT_EQ(status->env_process, "cat");
  EXPECT_EQ(status->env_vars, (api::StringMap{{"FOO", "bar"}}));
  EXPECT_EQ(status->labels, spec.labels);
  EXPECT_EQ(status->annotations, spec.annotations);
  EXPECT_EQ(status->replicas, 1u);
  EXPECT_EQ(status->available_replicas, 1u);
  EXPECT_NE(status->created_at, api::Timestamp{});

  auto list = run(provider_->list(""));
  ASSERT_TRUE(list) << error_text(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0], *status);
}

TEST_F(ProviderTest, ScaleToThreeGivesThreeDistinctReadyReplicasAndZeroStopsThemAll) {
  ASSERT_TRUE(deploy_ready(function("echo", "cat")));
  ASSERT_TRUE(run(provider_->scale({"echo", ""}, 3)));
  ASSERT_TRUE(run(provider_->wait_available({"echo", ""}, 3, std::chrono::seconds(20))));

  auto replicas = run(provider_->replicas({"echo", ""}));
  ASSERT_TRUE(replicas) << error_text(replicas);
  ASSERT_EQ(replicas->size(), 3u);
  std::set<std::string> ids;
  std::set<std::uint16_t> ports;
  for (const auto& rep : *replicas) {
    ids.insert(rep.id);
    ports.insert(rep.endpoint.port());
    auto r = invoke(rep, "to " + rep.id);
    ASSERT_TRUE(r) << rep.id << ": " << error_text(r);
    EXPECT_EQ(r->body, "to " + rep.id);
  }
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(ports.size(), 3u);
  auto pids = provider_->pids_for_test({"echo", ""});
  EXPECT_EQ(pids.size(), 3u);

  ASSERT_TRUE(run(provider_->scale({"echo", ""}, 0)));
  auto none = run(provider_->replicas({"echo", ""}));
  ASSERT_TRUE(none) << error_text(none);
  EXPECT_TRUE(none->empty());
  auto status = run(provider_->status({"echo", ""}));
  ASSERT_TRUE(status);
  EXPECT_EQ(status->replicas, 0u);
  EXPECT_EQ(status->available_replicas, 0u);
  for (pid_t pid : pids) {
    // The stops finish in the background; keep the io_context turning while we look.
    bool gone = false;
    for (int i = 0; i < 200 && !gone; ++i) {
      io_.run_for(std::chrono::milliseconds(50));
      gone = process_gone(pid);
    }
    EXPECT_TRUE(gone) << "pid " << pid;
  }

  // And back from zero.
  ASSERT_TRUE(run(provider_->scale({"echo", ""}, 1)));
  ASSERT_TRUE(run(provider_->wait_available({"echo", ""}, 1, std::chrono::seconds(20))));
}

TEST_F(ProviderTest, UpdateServesTheNewEnvironmentWithAReadyReplicaThroughout) {
  ASSERT_TRUE(deploy_ready(function("greet", "printenv GREETING", {{"GREETING", "v1"}})));
  auto old_pids = provider_->pids_for_test({"greet", ""});
  ASSERT_EQ(old_pids.size(), 1u);

  auto done = std::make_shared<std::optional<Result<void>>>();
  net::co_spawn(io_, provider_->update(function("greet", "printenv GREETING", {{"GREETING", "v2"}})),
                [done](std::exception_ptr, Result<void> r) { done->emplace(r); });
  int checks = 0;
  std::set<std::string> seen;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done->has_value() && std::chrono::steady_clock::now() < deadline) {
    io_.run_one_for(std::chrono::milliseconds(100));  // one step of the provider, then look
    auto replicas = run(provider_->replicas({"greet", ""}));
    ASSERT_TRUE(replicas) << error_text(replicas);
    ASSERT_FALSE(replicas->empty()) << "no ready replica after " << checks << " checks";
    auto r = invoke(replicas->front(), "");
    ASSERT_TRUE(r) << error_text(r);
    ASSERT_EQ(r->status, 200);
    seen.insert(r->body);
    ++checks;
  }
  ASSERT_TRUE(done->has_value()) << "update did not finish";
  ASSERT_TRUE(**done) << error_text(**done);
  EXPECT_GT(checks, 0);
  EXPECT_TRUE(seen.contains("v1\n")) << "the old version served during the update";

  auto replicas = run(provider_->replicas({"greet", ""}));
  ASSERT_TRUE(replicas);
  ASSERT_EQ(replicas->size(), 1u);
  auto r = invoke(replicas->front(), "");
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->body, "v2\n");
  EXPECT_TRUE(process_gone(old_pids[0])) << "update returned before the old replica stopped";
  auto status = run(provider_->status({"greet", ""}));
  ASSERT_TRUE(status);
  EXPECT_EQ(status->env_vars.at("GREETING"), "v2");
}

TEST_F(ProviderTest, UpdateOfAMissingFunctionIsNotFound) {
  auto r = run(provider_->update(function("ghost", "cat")));
  EXPECT_TRUE(has_errc(r, ProviderErrc::kNotFound)) << error_text(r);
}

TEST_F(ProviderTest, RemoveStopsEveryProcess) {
  auto spec = function("gone", "cat");
  spec.labels = api::StringMap{{"com.openfaas.scale.min", "2"}};
  ASSERT_TRUE(deploy_ready(spec, 2));
  auto pids = provider_->pids_for_test({"gone", ""});
  ASSERT_EQ(pids.size(), 2u);
  ASSERT_TRUE(run(provider_->remove({"gone", ""})));
  for (pid_t pid : pids) EXPECT_TRUE(process_gone(pid)) << "pid " << pid;
  EXPECT_TRUE(has_errc(run(provider_->status({"gone", ""})), ProviderErrc::kNotFound));
  EXPECT_TRUE(has_errc(run(provider_->remove({"gone", ""})), ProviderErrc::kNotFound));
  auto list = run(provider_->list("openfaas-fn"));
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->empty());
  // The name is free again.
  ASSERT_TRUE(deploy_ready(function("gone", "cat")));
}

TEST_F(ProviderTest, ACrashedReplicaIsRestarted) {
  // http mode: when the upstream exits, fwatchdog exits with it, as a container would.
  auto port = pick_free_port();
  ASSERT_TRUE(port);
  auto spec = function("crashy", upstream_path() + " --port " + std::to_string(*port),
                       {{"mode", "http"}, {"upstream_url", "http://127.0.0.1:" + std::to_string(*port)}});
  ASSERT_TRUE(deploy_ready(spec));
  auto before = run(provider_->replicas({"crashy", ""}));
  ASSERT_TRUE(before);
  ASSERT_EQ(before->size(), 1u);
  auto pids = provider_->pids_for_test({"crashy", ""});
  ASSERT_EQ(pids.size(), 1u);

  (void)http_request(before->front().endpoint.port(), Request{.target = "/exit?code=3"});
  // Not ready while it is down...
  bool down = false;
  for (int i = 0; i < 400 && !down; ++i) {
    io_.run_one_for(std::chrono::milliseconds(50));
    auto r = run(provider_->replicas({"crashy", ""}));
    down = r && (r->empty() || r->front().id != before->front().id);
  }
  ASSERT_TRUE(down) << "the crash was not noticed";
  // ...and back, as a new incarnation of the same slot.
  ASSERT_TRUE(run(provider_->wait_available({"crashy", ""}, 1, std::chrono::seconds(20))));
  auto after = run(provider_->replicas({"crashy", ""}));
  ASSERT_TRUE(after);
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ(after->front().id, before->front().id + ".1");
  auto r = http_request(after->front().endpoint.port(), Request{.target = "/"});
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->body, "Hello, world!\n");
  EXPECT_TRUE(process_gone(pids[0]));
  auto status = run(provider_->status({"crashy", ""}));
  ASSERT_TRUE(status);
  EXPECT_EQ(status->available_replicas, 1u);

  std::string text;
  auto logs = run(provider_->logs({.function = {"crashy", ""}},
                                  [&](const api::LogMessage& m) -> net::awaitable<bool> {
                                    text += m.text + "\n";
                                    co_return true;
                                  }));
  ASSERT_TRUE(logs) << error_text(logs);
  EXPECT_NE(text.find("fwatchdog exited unexpectedly (exit status 3)"), std::string::npos) << text;
}

}  // namespace
}  // namespace faas::test
