// Invoker: the synchronous invocation path, /function/{name}[/path].
//
// Finds the function's ready replicas through the Provider (cached for `cache_ttl`), picks the one
// with the fewest calls in flight, and forwards the exchange over that replica's keep-alive pool
// with the shared reverse proxy (streaming both ways, WebSocket tunnels). A function with no ready
// replica is scaled from zero: requests are held, one cold start runs per function whatever the
// number of waiting requests, and all of them proceed once a replica is ready (or fail with 504
// when the function's timeout passes first). Platform failures answer 502/503/504 with a plain-text
// reason and X-OpenFaaS-Internal: gateway.
// Single-threaded: lives on the server's executor, as do the Provider calls it makes.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "faas/http/exchange.h"
#include "faas/http/reverse_proxy.h"
#include "faas/provider/provider.h"
#include "gateway_metrics.h"

namespace faas::gateway {

struct InvokerOptions {
  std::string default_namespace = "openfaas-fn";
  std::chrono::nanoseconds upstream_timeout = std::chrono::seconds(60);
  std::chrono::nanoseconds read_timeout = std::chrono::seconds(60);   // client body reads
  std::chrono::nanoseconds write_timeout = std::chrono::seconds(60);  // client writes
  bool scale_from_zero = true;
  bool gateway_headers = true;  // X-Call-Id, X-Start-Time, X-Served-By (the gateway role)
  std::chrono::milliseconds cache_ttl{1000};
  // Opens a socket inside a replica's network namespace (Replica::netns_path); needed for
  // providers whose replicas are reachable only on their own loopback (containerd).
  std::function<Result<UniqueFd>(const std::string& netns_path, int family)> netns_socket;
};

class Invoker {
 public:
  Invoker(provider::Provider& provider, http::Sweeper& sweeper, InvokerOptions options,
          GatewayMetrics& metrics);
  Invoker(const Invoker&) = delete;
  Invoker& operator=(const Invoker&) = delete;

  // `name` is "fn" or "fn.namespace"; `path` the rest of the URL path ("" or "/...").
  http::awaitable<void> invoke(http::Exchange& x, const std::string& name, const std::string& path);
  // Drops cached replicas after a management call changed them.
  void forget(const provider::FunctionRef& fn);
  // Completed invocations of "name.namespace" since start (for invocationCount).
  double invocation_count(const std::string& key) const;

 private:
  using Clock = std::chrono::steady_clock;
  struct ColdStart {
    explicit ColdStart(const http::net::any_io_executor& ex) : done(ex, Clock::time_point::max()) {}
    http::net::steady_timer done;  // cancelled when finished
    bool finished = false;
    Result<void> result;
  };
  struct Entry {
    provider::FunctionRef ref;
    std::string key;  // "name.namespace"
    std::vector<provider::Replica> replicas;
    Clock::time_point fetched{};
    std::chrono::nanoseconds timeout{};
    bool refreshing = false;
    std::shared_ptr<ColdStart> cold;
  };

  // Entries are shared: a coroutine holds its own reference across suspensions, so dropping an
  // unknown function's entry from the map never pulls it from under another request.
  http::awaitable<Result<std::shared_ptr<Entry>>> resolve(const provider::FunctionRef& ref);
  http::awaitable<Result<void>> refresh(Entry& e);
  http::awaitable<Result<void>> wait_for_replicas(std::shared_ptr<Entry> e,
                                                  Clock::time_point deadline);
  http::awaitable<void> cold_start(std::shared_ptr<Entry> e, std::shared_ptr<ColdStart> cold,
                                   Clock::time_point deadline);
  http::awaitable<Result<void>> scale_up_and_poll(Entry& e, Clock::time_point deadline);
  http::ConnectionPool& pick(const Entry& e, provider::Replica& chosen);
  std::unique_ptr<http::ConnectionPool> make_pool(const provider::Replica& r);
  http::awaitable<void> report(http::Exchange& x, const Entry& e, const http::ProxyResult& r);
  http::ProxyOptions proxy_options(http::Exchange& x, const Entry& e,
                                   const provider::Replica& replica, const std::string& path,
                                   const std::string& call_id);

  provider::Provider& provider_;
  http::Sweeper& sweeper_;
  InvokerOptions options_;
  GatewayMetrics& metrics_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;
  std::map<std::string, std::unique_ptr<http::ConnectionPool>> pools_;  // by replica id@endpoint
  std::map<std::string, double> counts_;
  unsigned rotor_ = 0;
};

// The per-function timeout: annotation com.openfaas.timeout, else the function's exec_timeout
// plus a little (so its watchdog's own timeout answer arrives first), else `fallback`.
std::chrono::nanoseconds function_timeout(const api::FunctionStatus& status,
                                          std::chrono::nanoseconds fallback);

}  // namespace faas::gateway
