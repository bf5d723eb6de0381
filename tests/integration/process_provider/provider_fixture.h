// A ProcessProvider on a private state directory, driven by an io_context the test runs itself:
// run(task) spawns one provider call and runs the io_context until it completes.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "faas/process_provider/process_provider.h"
#include "faas/provider/errors.h"
#include "support/http_client.h"
#include "support/watchdog_process.h"

namespace faas::test {

namespace net = boost::asio;
using process_provider::ProcessProvider;
using process_provider::ProcessProviderConfig;
using provider::FunctionRef;
using provider::ProviderErrc;

template <class T>
std::string error_text(const Result<T>& r) {
  return r ? std::string() : r.error().message();
}

template <class T>
bool has_errc(const Result<T>& r, ProviderErrc errc) {
  return !r && r.error().code == provider::make_error_code(errc);
}

class ProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::create("faas-procprov");
    ASSERT_TRUE(dir) << error_text(dir);
    state_.emplace(std::move(*dir));
    auto p = ProcessProvider::create(
        io_.get_executor(), ProcessProviderConfig{.fwatchdog_path = fwatchdog_path(),
                                                  .state_dir = state_->path() + "/state",
                                                  .base_env = inherited_environment(),
                                                  .stop_grace = std::chrono::seconds(5),
                                                  .ready_timeout = std::chrono::seconds(20)});
    ASSERT_TRUE(p) << error_text(p);
    provider_ = std::move(*p);
  }

  void TearDown() override {
    if (provider_) {
      auto r = run(provider_->shutdown());
      EXPECT_TRUE(r) << error_text(r);
      provider_.reset();
    }
  }

  // Runs one provider call to completion (or fails the test after the timeout).
  template <class T>
  Result<T> run(provider::Task<T> task, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    auto out = std::make_shared<std::optional<Result<T>>>();
    net::co_spawn(io_, std::move(task), [out](std::exception_ptr e, Result<T> r) {
      if (e) {
        out->emplace(provider::provider_error(ProviderErrc::kInternal, "exception"));
      } else {
        out->emplace(std::move(r));
      }
    });
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!out->has_value() && std::chrono::steady_clock::now() < deadline) {
      if (io_.stopped()) io_.restart();
      io_.run_one_until(deadline);
    }
    if (!out->has_value()) {
      ADD_FAILURE() << "provider call did not complete in time";
      return provider::provider_error(ProviderErrc::kTimeout, "test: call did not complete");
    }
    return std::move(**out);
  }

  // A function running `fprocess` (streaming mode), with the given extra variables.
  static api::FunctionDeployment function(std::string name, std::string fprocess,
                                          api::StringMap env = {}) {
    return api::FunctionDeployment{.service = std::move(name),
                                   .image = "example/fn:latest",
                                   .env_process = std::move(fprocess),
                                   .env_vars = std::move(env)};
  }

  Result<void> deploy_ready(api::FunctionDeployment spec, std::uint64_t count = 1) {
    auto name = spec.service;
    auto ns = spec.namespace_;
    if (auto d = run(provider_->deploy(std::move(spec))); !d) return d;
    return run(provider_->wait_available({name, ns}, count, std::chrono::seconds(20)));
  }

  // POST body to a replica's fwatchdog.
  static Result<Response> invoke(const provider::Replica& r, std::string body) {
    EXPECT_TRUE(r.endpoint.address().is_loopback());
    return http_request(r.endpoint.port(),
                        Request{.method = "POST", .target = "/", .body = std::move(body)});
  }

  std::optional<TempDir> state_;
  net::io_context io_;
  std::unique_ptr<ProcessProvider> provider_;
};

}  // namespace faas::test
