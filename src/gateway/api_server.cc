#include "faas/gateway/api_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>

#include "faas/core/log.h"
#include "faas/gateway/router.h"
#include "faas/http/listener.h"
#include "faas/http/session.h"
#include "faas/http/sweeper.h"
#include "gateway_metrics.h"
#include "invoker.h"
#include "management.h"
#include "replies.h"

namespace faas::gateway {

namespace net = boost::asio;
namespace bhttp = http::bhttp;
using Role = ApiServerOptions::Role;

ApiServerOptions gateway_options(const GatewayConfig& config) {
  return ApiServerOptions{.role = Role::kGateway,
                          .bind_address = config.bind_address,
                          .port = config.port,
                          .read_timeout = config.read_timeout,
                          .write_timeout = config.write_timeout,
                          .upstream_timeout = config.upstream_timeout,
                          .scale_from_zero = config.scale_from_zero,
                          .default_namespace = config.function_namespace};
}

namespace {


class ApiServerImpl final : public ApiServer {
 public:
  ApiServerImpl(net::io_context& io, ApiServerOptions options, provider::Provider& provider,
                http::Listener listener)
      : io_(io),
        options_(std::move(options)),
        provider_(provider),
        listener_(std::move(listener)),
        sweeper_(io.get_executor()),
        invoker_(provider, sweeper_,
                 InvokerOptions{.default_namespace = options_.default_namespace,
                                .upstream_timeout = options_.upstream_timeout,
                                .read_timeout = options_.read_timeout,
                                .write_timeout = options_.write_timeout,
                                .scale_from_zero = options_.scale_from_zero &&
                                                   options_.role == Role::kGateway,
                                .gateway_headers = options_.role == Role::kGateway,
                                .netns_socket = options_.netns_socket},
                 metrics_),
        management_(provider,
                    ManagementOptions{.default_namespace = options_.default_namespace,
                                      .gateway_role = options_.role == Role::kGateway,
                                      .spool_dir = options_.spool_dir,
                                      .max_image_bytes = options_.max_image_bytes},
                    [this](const provider::FunctionRef& fn) { invoker_.forget(fn); },
                    [this](const std::string& key) { return invoker_.invocation_count(key); }),
        sessions_(sweeper_,
                  {.read_timeout = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                       options_.read_timeout),
                   .write_timeout = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                       options_.write_timeout)},
                  [this](http::Exchange& x) { return dispatch(x); }),
        poll_timer_(io) {}

  std::uint16_t port() const override { return listener_.port(); }
  void start() override;
  void stop(std::chrono::nanoseconds grace, std::function<void()> done) override;

 private:
  http::awaitable<void> dispatch(http::Exchange& x);
  http::awaitable<void> route(http::Exchange& x, const RouteMatch& m);
  http::awaitable<void> healthz(http::Exchange& x);
  http::awaitable<void> poll_service_counts();
  http::awaitable<void> drain(std::chrono::nanoseconds grace, std::function<void()> done);
  bool authorized(const http::Exchange& x) const;

  net::io_context& io_;
  ApiServerOptions options_;
  provider::Provider& provider_;
  http::Listener listener_;
  http::Sweeper sweeper_;
  GatewayMetrics metrics_;
  Invoker invoker_;
  ManagementApi management_;
  http::Sessions sessions_;
  net::steady_timer poll_timer_;
  bool stopping_ = false;
};

void ApiServerImpl::start() {
  net::co_spawn(io_, listener_.run([this](http::tcp::socket s) { return sessions_.serve(std::move(s)); }),
                net::detached);
  net::co_spawn(io_, sweeper_.run(), net::detached);
  if (options_.role == Role::kGateway) net::co_spawn(io_, poll_service_counts(), net::detached);
}

void ApiServerImpl::stop(std::chrono::nanoseconds grace, std::function<void()> done) {
  net::co_spawn(io_, drain(grace, std::move(done)), net::detached);
}

http::awaitable<void> ApiServerImpl::drain(std::chrono::nanoseconds grace, std::function<void()> done) {
  stopping_ = true;
  listener_.close();
  poll_timer_.cancel();
  sessions_.drain();
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::duration_cast<std::chrono::steady_clock::duration>(grace);
  if (int open = co_await sessions_.wait_closed(deadline); open > 0) {
    log_warn(std::to_string(open) + " connection(s) still open at shutdown");
  }
  sweeper_.stop();
  if (done) done();
}

bool ApiServerImpl::authorized(const http::Exchange& x) const {
  if (!options_.credentials) return true;
  return check_basic_auth(x.request()[bhttp::field::authorization], *options_.credentials);
}

// gateway_service_count: desired replicas of every function, refreshed every 5 s as OpenFaaS does.
http::awaitable<void> ApiServerImpl::poll_service_counts() {
  while (!stopping_) {
    if (auto namespaces = co_await provider_.list_namespaces()) {
      for (const auto& ns : *namespaces) {
        auto list = co_await provider_.list(ns);
        if (!list) continue;
        for (const auto& f : *list) {
          metrics_.service_count.set({f.name + "." + f.namespace_}, static_cast<double>(f.replicas));
        }
      }
    }
    poll_timer_.expires_after(std::chrono::seconds(5));
    co_await poll_timer_.async_wait(http::use_nothrow);
  }
}

http::awaitable<void> ApiServerImpl::healthz(http::Exchange& x) {
  auto r = co_await provider_.health();
  if (!r) co_return co_await reply(x, 503, "provider unhealthy: " + r.error().message() + "\n");
  co_await reply(x, 200, "OK");
}

http::awaitable<void> ApiServerImpl::dispatch(http::Exchange& x) {
  auto m = match_route(x.request().method(), x.request().target());
  const bool gateway = options_.role == Role::kGateway;
  if (!gateway && (m.route == Route::kAlert || m.route == Route::kUi || m.route == Route::kRoot)) {
    m.outcome = RouteMatch::Outcome::kNotFound;
  }
  if (m.outcome == RouteMatch::Outcome::kNotFound) co_return co_await reply(x, 404, "404 page not found\n");
  if (m.outcome == RouteMatch::Outcome::kMethodNotAllowed) {
    std::string allow;
    for (auto v : m.allowed) allow += (allow.empty() ? "" : ", ") + std::string(bhttp::to_string(v));
    // Headers built outside the co_await: GCC 12 rejects braced pairs of string literals there.
    http::HeaderList headers;
    headers.emplace_back("Allow", allow);
    co_return co_await reply(x, 405, "Method Not Allowed\n", "text/plain; charset=utf-8",
                             std::move(headers));
  }
  if (m.requires_auth && !authorized(x)) {
    http::HeaderList headers;
    headers.emplace_back("WWW-Authenticate", "Basic realm=\"Restricted\"");
    co_return co_await reply(x, 401, "invalid credentials\n", "text/plain; charset=utf-8",
                             std::move(headers));
  }
  if (m.route == Route::kFunction) co_return co_await invoker_.invoke(x, m.name, m.path);
  co_await route(x, m);
  if (x.request().target().starts_with("/system/")) {
    auto path = std::string(x.request().target().substr(0, x.request().target().find('?')));
    const auto code = std::to_string(x.status);
    std::string method(x.request().method_string());
    metrics_.api_requests.add({code, method, path}, 1);
    metrics_.api_seconds.observe({code, method, path}, x.seconds());
  }
}

http::awaitable<void> ApiServerImpl::route(http::Exchange& x, const RouteMatch& m) {
  switch (m.route) {
    case Route::kHealthz: co_return co_await healthz(x);
    case Route::kMetrics:
      co_return co_await reply(x, 200, metrics_.registry.render(),
                               "text/plain; version=0.0.4; charset=utf-8");
    case Route::kRoot: {
      http::HeaderList headers;
      headers.emplace_back("Location", "/ui/");
      co_return co_await reply(x, 307, "", "text/plain; charset=utf-8", std::move(headers));
    }
    case Route::kUi:
      co_return co_await reply(x, 404, "The web UI is not part of this build yet.\n");
    case Route::kAsyncFunction:
      co_return co_await reply(x, 501, "Asynchronous invocation needs the queue worker, which this "
                                       "build does not have yet.\n");
    default: co_return co_await management_.handle(x, m);
  }
}

}  // namespace

Result<std::unique_ptr<ApiServer>> ApiServer::create(net::io_context& io, ApiServerOptions options,
                                                     provider::Provider& provider) {
  auto listener = http::Listener::bind(io.get_executor(), options.bind_address, options.port);
  if (!listener) return listener.error();
  return std::unique_ptr<ApiServer>(
      std::make_unique<ApiServerImpl>(io, std::move(options), provider, std::move(*listener)));
}

}  // namespace faas::gateway
