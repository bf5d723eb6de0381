// A function's output reaches logs(): the shim appends stdout+stderr to the replica's file and
// faas::logfiles serves it, with tail and follow.
#include <atomic>
#include <future>

#include "fixture.h"

namespace faas::test {
namespace {

struct Collected {
  std::vector<api::LogMessage> messages;
};

// A sink that keeps every message; stops (returns false) once `until` appears, if given.
provider::LogSink collect(std::shared_ptr<Collected> out, std::string until = {}) {
  return [out, until](const api::LogMessage& m) -> net::awaitable<bool> {
    out->messages.push_back(m);
    co_return until.empty() || m.text.find(until) == std::string::npos;
  };
}

bool contains(const Collected& c, const std::string& text) {
  return std::any_of(c.messages.begin(), c.messages.end(),
                     [&](const api::LogMessage& m) { return m.text.find(text) != std::string::npos; });
}

TEST_F(ContainerdProviderTest, OutputAppearsInLogsWithTailAndFollow) {
  ASSERT_TRUE(deploy_ready(function("chatty", "/bin/log-marker")));
  auto replica = replicas("chatty").at(0);
  ASSERT_TRUE(is_ok(invoke(replica, "one")));

  auto all = std::make_shared<Collected>();
  // The watchdog writes the function's stderr line a moment after the response; poll briefly.
  auto deadline = std::chrono::steady_clock::now() + 10s;
  do {
    all->messages.clear();
    provider::LogRequest request{.function = {"chatty", ""}};
    ASSERT_TRUE(run(provider_->logs(request, collect(all))));
  } while (!contains(*all, "marker-one") && std::chrono::steady_clock::now() < deadline);
  EXPECT_TRUE(contains(*all, "marker-one"));
  EXPECT_TRUE(contains(*all, "Listening on port: 8080"));
  for (const auto& m : all->messages) {
    EXPECT_EQ(m.instance, replica.id);
    EXPECT_EQ(m.name, "chatty");
  }

  auto tail = std::make_shared<Collected>();
  provider::LogRequest tail_request{.function = {"chatty", ""}, .tail = 1};
  ASSERT_TRUE(run(provider_->logs(tail_request, collect(tail))));
  ASSERT_EQ(tail->messages.size(), 1u);
  EXPECT_EQ(tail->messages[0].text, all->messages.back().text);

  // follow: a line written after the read started arrives.
  auto followed = std::make_shared<Collected>();
  provider::LogRequest follow{.function = {"chatty", ""}, .tail = 1, .follow = true};
  auto done = net::co_spawn(io_, provider_->logs(follow, collect(followed, "marker-two")), net::use_future);
  ASSERT_TRUE(is_ok(invoke(replica, "two")));
  ASSERT_EQ(done.wait_for(30s), std::future_status::ready) << "the follow saw the new line";
  EXPECT_TRUE(done.get());
  EXPECT_TRUE(contains(*followed, "marker-two"));

  auto missing = run(provider_->logs({.function = {"ghost", ""}}, collect(std::make_shared<Collected>())));
  EXPECT_TRUE(has_errc(missing, ProviderErrc::kNotFound)) << error_text(missing);
}

}  // namespace
}  // namespace faas::test
