#include "invoker.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <algorithm>
#include <cstdio>
#include <random>

#include "faas/core/env.h"
#include "faas/core/log.h"
#include "faas/gateway/scaling.h"
#include "faas/provider/errors.h"
#include "faas/version.h"
#include "replies.h"

namespace faas::gateway {

namespace net = boost::asio;
namespace bhttp = http::bhttp;
using provider::FunctionRef;
using provider::ProviderErrc;
using provider::Replica;

namespace {

constexpr const char* kInternal = "gateway";

std::string uuid4() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uint64_t a = rng(), b = rng();
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
  // Hex by hand: snprintf was a visible share of the invocation path's CPU.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(36, '-');
  int pos = 0;
  auto put = [&](std::uint64_t v, int digits) {
    for (int i = digits - 1; i >= 0; --i) out[pos + i] = kHex[(v >> (4 * (digits - 1 - i))) & 0xf];
    pos += digits + 1;  // and skip the dash
  };
  put(a >> 32, 8);
  put((a >> 16) & 0xffff, 4);
  put(a & 0xffff, 4);
  put(b >> 48, 4);
  put(b & 0xffffffffffffULL, 12);
  return out;
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6fs", s);
  return buf;
}

std::string pool_key(const Replica& r) {
  return r.id + "@" + r.endpoint.address().to_string() + ":" + std::to_string(r.endpoint.port()) +
         (r.netns_path.empty() ? "" : "@" + r.netns_path);
}

}  // namespace

std::chrono::nanoseconds function_timeout(const api::FunctionStatus& status,
                                          std::chrono::nanoseconds fallback) {
  if (status.annotations) {
    if (auto it = status.annotations->find("com.openfaas.timeout"); it != status.annotations->end()) {
      if (auto d = parse_duration(it->second); d && d->count() > 0) return *d;
    }
  }
  if (auto it = status.env_vars.find("exec_timeout"); it != status.env_vars.end()) {
    if (auto d = parse_duration(it->second); d && d->count() > 0) {
      return *d + std::chrono::milliseconds(500);
    }
  }
  return fallback;
}

Invoker::Invoker(provider::Provider& provider, http::Sweeper& sweeper, InvokerOptions options,
                 GatewayMetrics& metrics)
    : provider_(provider), sweeper_(sweeper), options_(std::move(options)), metrics_(metrics) {}

void Invoker::forget(const FunctionRef& fn) {
  auto ns = fn.namespace_.empty() ? options_.default_namespace : fn.namespace_;
  if (auto it = entries_.find(fn.name + "." + ns); it != entries_.end()) {
    it->second->fetched = {};
  }
}

double Invoker::invocation_count(const std::string& key) const {
  auto it = counts_.find(key);
  return it == counts_.end() ? 0 : it->second;
}

http::awaitable<Result<void>> Invoker::refresh(Entry& e) {
  e.refreshing = true;
  auto status = co_await provider_.status(e.ref);
  if (!status) {
    e.refreshing = false;
    co_return status.error();
  }
  e.timeout = function_timeout(*status, options_.upstream_timeout);
  auto replicas = co_await provider_.replicas(e.ref);
  e.refreshing = false;
  if (!replicas) co_return replicas.error();
  // Pools of replicas that are gone, once no call uses them.
  for (const auto& old : e.replicas) {
    auto key = pool_key(old);
    bool kept = std::any_of(replicas->begin(), replicas->end(),
                            [&](const Replica& r) { return pool_key(r) == key; });
    if (auto it = pools_.find(key); !kept && it != pools_.end() && it->second->inflight() == 0) {
      pools_.erase(it);
    }
  }
  e.replicas = std::move(*replicas);
  e.fetched = Clock::now();
  co_return Result<void>{};
}

http::awaitable<Result<std::shared_ptr<Invoker::Entry>>> Invoker::resolve(const FunctionRef& ref) {
  auto key = ref.name + "." + ref.namespace_;
  auto& slot = entries_[key];
  if (!slot) slot = std::make_shared<Entry>(Entry{.ref = ref, .key = key});
  auto e = slot;
  const bool fresh = Clock::now() - e->fetched < options_.cache_ttl;
  // While one request refreshes, the others keep using what is known.
  if (!e->replicas.empty() && (fresh || e->refreshing)) co_return e;
  if (auto r = co_await refresh(*e); !r) {
    auto it = entries_.find(key);
    if (r.error().code == make_error_code(ProviderErrc::kNotFound) && it != entries_.end() &&
        it->second == e && !e->cold) {
      entries_.erase(it);  // unknown names must not accumulate
    }
    co_return r.error();
  }
  co_return e;
}

http::awaitable<Result<void>> Invoker::wait_for_replicas(std::shared_ptr<Entry> e,
                                                         Clock::time_point deadline) {
  auto ex = co_await net::this_coro::executor;
  if (!e->cold) {
    e->cold = std::make_shared<ColdStart>(ex);
    net::co_spawn(ex, cold_start(e, e->cold, deadline), net::detached);
  }
  auto cold = e->cold;
  if (!cold->finished) co_await cold->done.async_wait(http::use_nothrow);
  co_return cold->result;
}

// One per function at a time, detached from the requests that wait for it.
http::awaitable<void> Invoker::cold_start(std::shared_ptr<Entry> e, std::shared_ptr<ColdStart> cold,
                                          Clock::time_point deadline) {
  const auto started = Clock::now();
  metrics_.cold_starts.add({e->key}, 1);
  cold->result = co_await scale_up_and_poll(*e, deadline);
  const double waited = std::chrono::duration<double>(Clock::now() - started).count();
  if (cold->result) {
    metrics_.cold_start_seconds.observe({e->key}, waited);
    log_info("[Ready] function=" + e->key + " waited for - " + seconds_text(waited));
  } else {
    log_warn("[Cold start] function=" + e->key + ": " + cold->result.error().message());
  }
  cold->finished = true;
  cold->done.cancel();
  if (e->cold == cold) e->cold.reset();
}

// Asks for replicas if none are desired, then polls until one is ready or the deadline passes.
http::awaitable<Result<void>> Invoker::scale_up_and_poll(Entry& e, Clock::time_point deadline) {
  auto status = co_await provider_.status(e.ref);
  if (!status) co_return status.error();
  if (status->replicas == 0) {
    auto target = std::max<std::uint64_t>(1, scale_limits(status->labels).min);
    log_info("[Scale] function=" + e.key + " 0 => " + std::to_string(target) + " requested");
    if (auto r = co_await provider_.scale(e.ref, target); !r) co_return r.error();
  }
  net::steady_timer delay(co_await net::this_coro::executor);
  auto step = std::chrono::milliseconds(2);
  for (;;) {
    auto replicas = co_await provider_.replicas(e.ref);
    if (!replicas) co_return replicas.error();
    if (!replicas->empty()) {
      e.replicas = std::move(*replicas);
      e.fetched = Clock::now();
      co_return Result<void>{};
    }
    const auto now = Clock::now();
    if (now >= deadline) {
      co_return provider::provider_error(
          ProviderErrc::kTimeout,
          "function " + e.key + " had no ready replica within " + format_duration(e.timeout));
    }
    delay.expires_after(std::min<Clock::duration>(step, deadline - now));
    co_await delay.async_wait(http::use_nothrow);
    step = std::min(step * 2, std::chrono::milliseconds(50));
  }
}

std::unique_ptr<http::ConnectionPool> Invoker::make_pool(const Replica& r) {
  http::ConnectionPool::SocketOpener opener;
  if (!r.netns_path.empty()) {
    if (options_.netns_socket) {
      opener = [open = options_.netns_socket, path = r.netns_path](int family) {
        return open(path, family);
      };
    } else {
      // No way into the namespace: every connect fails with a clear cause instead of dialing the
      // host's own loopback, where some other process may listen on the same port.
      opener = [](int) -> Result<UniqueFd> {
        return Error{std::make_error_code(std::errc::operation_not_supported),
                     "replica is in another network namespace and this gateway cannot enter it"};
      };
    }
  }
  return std::make_unique<http::ConnectionPool>(sweeper_, r.endpoint, 128, std::move(opener));
}

http::ConnectionPool& Invoker::pick(const Entry& e, Replica& chosen) {
  // Least calls in flight; ties rotate so idle replicas share the load.
  const size_t n = e.replicas.size();
  const size_t offset = rotor_++ % n;
  http::ConnectionPool* best = nullptr;
  for (size_t i = 0; i < n; ++i) {
    const auto& r = e.replicas[(offset + i) % n];
    auto& pool = pools_[pool_key(r)];
    if (!pool) pool = make_pool(r);
    if (!best || pool->inflight() < best->inflight()) {
      best = pool.get();
      chosen = r;
    }
  }
  return *best;
}

http::ProxyOptions Invoker::proxy_options(http::Exchange& x, const Entry& e, const Replica& replica,
                                          const std::string& path, const std::string& call_id) {
  using Dur = http::ProxyOptions::Clock::duration;
  http::ProxyOptions o{.deadline = Clock::now() + std::chrono::duration_cast<Dur>(e.timeout),
                       .read_timeout = std::chrono::duration_cast<Dur>(options_.read_timeout),
                       .write_timeout = std::chrono::duration_cast<Dur>(options_.write_timeout)};
  const auto target = x.request().target();
  auto query = query_of(target);
  o.target = replica.path_prefix + (path.empty() && replica.path_prefix.empty() ? "/" : path);
  if (!query.empty()) o.target += "?" + std::string(query);
  const auto& req = x.request();
  if (!req.count("X-Forwarded-Host")) o.request_headers.emplace_back("X-Forwarded-Host", std::string(req[bhttp::field::host]));
  if (!req.count("X-Forwarded-For")) {
    o.request_headers.emplace_back("X-Forwarded-For", x.peer.address().to_string());
  }
  if (options_.gateway_headers) {
    auto start_ns = std::to_string(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count());
    o.request_headers.emplace_back("X-Call-Id", call_id);
    o.request_headers.emplace_back("X-Start-Time", start_ns);
    o.on_response = [call_id, start_ns](bhttp::response<bhttp::buffer_body>& res) {
      res.set("X-Call-Id", call_id);
      res.set("X-Start-Time", start_ns);
      res.set("X-Served-By", std::string("faas++/") + kVersion);
    };
  }
  return o;
}

http::awaitable<void> Invoker::report(http::Exchange& x, const Entry& e, const http::ProxyResult& r) {
  using Outcome = http::ProxyResult::Outcome;
  switch (r.outcome) {
    case Outcome::kTimeout:
      co_await http::respond_internal(x, bhttp::status::gateway_timeout,
                                      "function " + e.key + " did not answer within " +
                                          format_duration(e.timeout) + "\n", kInternal);
      break;
    case Outcome::kConnectFailed:
      co_await http::respond_internal(x, bhttp::status::bad_gateway,
                                      "Can't reach service for: " + e.key + ": " + r.detail + "\n",
                                      kInternal);
      break;
    case Outcome::kBadRequest:
    case Outcome::kUpstreamFailed:
    case Outcome::kDone:
      co_await http::respond_internal(x, bhttp::status::bad_gateway,
                                      "function " + e.key + " failed: " + r.detail + "\n", kInternal);
      break;
  }
}

http::awaitable<void> Invoker::invoke(http::Exchange& x, const std::string& name,
                                      const std::string& path) {
  auto ref = provider::parse_function_ref(name, options_.default_namespace);
  const std::string key = ref.name + "." + ref.namespace_;
  std::string call_id(x.request()["X-Call-Id"]);
  if (call_id.empty() && options_.gateway_headers) call_id = uuid4();
  metrics_.started.add({key}, 1);
  x.keep_alive = x.request().keep_alive();
  for (int attempt = 0;; ++attempt) {
    auto entry = co_await resolve(ref);
    if (!entry) {
      auto err = entry.error();
      if (err.code == make_error_code(ProviderErrc::kNotFound)) {
        err.context = "error finding function " + key + ": " + err.context;
      }
      co_await reply_error(x, err);
      break;
    }
    Entry& e = **entry;  // kept alive by `entry`
    if (e.replicas.empty()) {
      if (!options_.scale_from_zero) {
        co_await http::respond_internal(x, bhttp::status::service_unavailable,
                                        "No endpoints available for: " + key + ".\n", kInternal);
        break;
      }
      auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(e.timeout);
      if (auto r = co_await wait_for_replicas(*entry, deadline); !r) {
        co_await http::respond_internal(x, static_cast<bhttp::status>(provider::http_status(r.error())),
                                        r.error().message() + "\n", kInternal);
        break;
      }
    }
    Replica replica;
    auto& pool = pick(e, replica);
    auto options = proxy_options(x, e, replica, path, call_id);
    http::ProxyResult result;
    if (x.request().count(bhttp::field::upgrade)) {
      result = co_await http::tunnel(x, pool, std::move(options));
    } else {
      result = co_await http::forward(x, pool, std::move(options));
    }
    if (result.outcome == http::ProxyResult::Outcome::kConnectFailed && attempt == 0) {
      // The replica went away since we looked (scaled down, replaced): nothing was read from the
      // client yet, so ask again and try once more.
      e.fetched = {};
      std::erase_if(e.replicas, [&](const Replica& r) { return pool_key(r) == pool_key(replica); });
      continue;
    }
    if (!result.ok()) co_await report(x, e, result);
    break;
  }
  const auto code = std::to_string(x.status);
  metrics_.invocations.add({key, code}, 1);
  metrics_.seconds.observe({key, code}, x.seconds());
  counts_[key] += 1;
  log_info_batched("Forwarded [" + std::string(x.request().method_string()) + "] to /function/" + name +
           path + " - [" + code + "] - " + seconds_text(x.seconds()));
}

}  // namespace faas::gateway
