// ProcessProvider: destruction in either order with calls still suspended leaves no process and
// touches no freed memory (run under ASan).
#include "provider_fixture.h"

namespace faas::test {
namespace {

// A provider with one ready function and a suspended follow of its logs.
struct Running {
  std::optional<TempDir> dir;
  std::unique_ptr<net::io_context> io = std::make_unique<net::io_context>();
  std::unique_ptr<ProcessProvider> provider;
  std::vector<pid_t> pids;
  std::shared_ptr<std::optional<Result<void>>> follow = std::make_shared<std::optional<Result<void>>>();

  void start() {
    auto d = TempDir::create("faas-procprov");
    ASSERT_TRUE(d);
    dir.emplace(std::move(*d));
    auto p = ProcessProvider::create(io->get_executor(), {.fwatchdog_path = fwatchdog_path(),
                                                          .state_dir = dir->path() + "/state",
                                                          .base_env = inherited_environment()});
    ASSERT_TRUE(p) << error_text(p);
    provider = std::move(*p);
    auto ready = std::make_shared<std::optional<Result<void>>>();
    net::co_spawn(*io,
                  [](ProcessProvider* p) -> provider::Task<void> {
                    // Named, not braced temporaries: GCC 12 mishandles temporaries inside a
                    // co_await expression (it freed a string twice here).
                    api::FunctionDeployment spec{.service = "fn", .image = "img", .env_process = "cat"};
                    auto d = co_await p->deploy(std::move(spec));
                    if (!d) co_return d;
                    FunctionRef ref{"fn", ""};
                    co_return co_await p->wait_available(std::move(ref), 1, std::chrono::seconds(20));
                  }(provider.get()),
                  [ready](std::exception_ptr, Result<void> r) { ready->emplace(r); });
    for (int i = 0; i < 600 && !ready->has_value(); ++i) io->run_one_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(ready->has_value() && **ready);
    pids = provider->pids_for_test({"fn", ""});
    ASSERT_EQ(pids.size(), 1u);
    net::co_spawn(*io,
                  provider->logs({.function = {"fn", ""}, .follow = true},
                                 [](const api::LogMessage&) -> net::awaitable<bool> { co_return true; }),
                  [f = follow](std::exception_ptr, Result<void> r) { f->emplace(r); });
    io->poll();
    ASSERT_FALSE(follow->has_value());
  }
};

TEST(ProcessProviderTeardown, ProviderFirstEndsSuspendedCallsAndKillsReplicas) {
  Running s;
  ASSERT_NO_FATAL_FAILURE(s.start());
  s.provider.reset();
  for (int i = 0; i < 100 && !s.follow->has_value(); ++i) s.io->run_one_for(std::chrono::milliseconds(50));
  EXPECT_TRUE(s.follow->has_value()) << "the log follow did not end";
  s.io->run_for(std::chrono::milliseconds(200));
  s.io.reset();
  EXPECT_TRUE(process_gone(s.pids[0]));
}

TEST(ProcessProviderTeardown, IoContextFirstThenProvider) {
  Running s;
  ASSERT_NO_FATAL_FAILURE(s.start());
  s.io.reset();  // destroys the suspended coroutines
  s.provider.reset();
  EXPECT_TRUE(process_gone(s.pids[0]));
}

}  // namespace
}  // namespace faas::test
