// ProcessProvider: logs() from the replicas' output (fwatchdog's log and the function's stderr).
#include <algorithm>

#include "provider_fixture.h"

namespace faas::test {
namespace {

class LogsTest : public ProviderTest {
 protected:
  void SetUp() override {
    ProviderTest::SetUp();
    if (HasFatalFailure()) return;
    auto script = state_->write("noisy.sh", "echo \"noise: $(cat)\" >&2; echo ok\n");
    ASSERT_TRUE(script);
    ASSERT_TRUE(deploy_ready(function("noisy", "sh " + *script)));
    auto replicas = run(provider_->replicas({"noisy", ""}));
    ASSERT_TRUE(replicas && replicas->size() == 1);
    replica_ = replicas->front();
  }

  std::vector<api::LogMessage> read_logs(provider::LogRequest request) {
    std::vector<api::LogMessage> out;
    auto r = run(provider_->logs(std::move(request), [&](const api::LogMessage& m) -> net::awaitable<bool> {
      out.push_back(m);
      co_return true;
    }));
    EXPECT_TRUE(r) << error_text(r);
    return out;
  }

  static bool contains(const std::vector<api::LogMessage>& v, const std::string& needle) {
    return std::any_of(v.begin(), v.end(), [&](const auto& m) { return m.text.find(needle) != std::string::npos; });
  }

  provider::Replica replica_;
};

TEST_F(LogsTest, ReturnsTheFunctionsStderrLines) {
  auto r = invoke(replica_, "first");
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->body, "ok\n");
  // The line travels function -> fwatchdog -> pipe -> ring; let the provider read it.
  std::vector<api::LogMessage> logs;
  for (int i = 0; i < 200 && !contains(logs, "noise: first"); ++i) {
    io_.run_for(std::chrono::milliseconds(20));
    logs = read_logs({.function = {"noisy", ""}});
  }
  ASSERT_TRUE(contains(logs, "noise: first"));
  EXPECT_TRUE(contains(logs, "Listening on port: " + std::to_string(replica_.endpoint.port())));
  for (const auto& m : logs) {
    EXPECT_EQ(m.name, "noisy");
    EXPECT_EQ(m.namespace_, "openfaas-fn");
    EXPECT_EQ(m.instance, replica_.id);
    EXPECT_NE(m.timestamp, api::Timestamp{});
  }

  // Lines can arrive between two reads (fwatchdog flushes its access log every 100 ms), so the
  // tail is checked against a full read after it: two consecutive lines, not older than the
  // newest line of the earlier read.
  auto tail = read_logs({.function = {"noisy", ""}, .tail = 2});
  auto after = read_logs({.function = {"noisy", ""}});
  ASSERT_EQ(tail.size(), 2u);
  auto at = std::search(after.begin(), after.end(), tail.begin(), tail.end());
  ASSERT_NE(at, after.end());
  EXPECT_GE(static_cast<std::size_t>(at - after.begin()) + 1, logs.size() - 1);
  EXPECT_TRUE(read_logs({.function = {"noisy", ""}, .instance = "noisy-999"}).empty());
  EXPECT_TRUE(read_logs({.function = {"noisy", ""},
                         .since = std::chrono::system_clock::now() + std::chrono::hours(1)})
                  .empty());
  auto missing = run(provider_->logs({.function = {"ghost", ""}},
                                     [](const api::LogMessage&) -> net::awaitable<bool> { co_return true; }));
  EXPECT_TRUE(has_errc(missing, ProviderErrc::kNotFound));
}

TEST_F(LogsTest, FollowDeliversNewLinesUntilTheSinkStops) {
  std::vector<api::LogMessage> got;
  bool stop_on_second = false;
  auto done = std::make_shared<std::optional<Result<void>>>();
  net::co_spawn(io_,
                provider_->logs({.function = {"noisy", ""}, .tail = 1, .follow = true},
                                [&](const api::LogMessage& m) -> net::awaitable<bool> {
                                  got.push_back(m);
                                  co_return !(stop_on_second && m.text.find("noise: second") != std::string::npos);
                                }),
                [done](std::exception_ptr, Result<void> r) { done->emplace(r); });
  io_.poll();
  ASSERT_EQ(got.size(), 1u) << "tail=1 first";
  ASSERT_FALSE(done->has_value());

  stop_on_second = true;
  ASSERT_TRUE(invoke(replica_, "second"));
  for (int i = 0; i < 400 && !done->has_value(); ++i) io_.run_one_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(done->has_value()) << "follow did not end when the sink returned false";
  ASSERT_TRUE(**done);
  EXPECT_TRUE(contains(got, "noise: second"));
}

TEST_F(LogsTest, FollowEndsWhenTheFunctionIsRemoved) {
  auto done = std::make_shared<std::optional<Result<void>>>();
  net::co_spawn(io_,
                provider_->logs({.function = {"noisy", ""}, .follow = true},
                                [](const api::LogMessage&) -> net::awaitable<bool> { co_return true; }),
                [done](std::exception_ptr, Result<void> r) { done->emplace(r); });
  io_.poll();
  ASSERT_FALSE(done->has_value());
  ASSERT_TRUE(run(provider_->remove({"noisy", ""})));
  for (int i = 0; i < 100 && !done->has_value(); ++i) io_.run_one_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(done->has_value());
  EXPECT_TRUE(**done);
}

}  // namespace
}  // namespace faas::test
