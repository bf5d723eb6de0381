#include "faas/watchdog/server.h"

#include <sys/stat.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <fstream>

#include "faas/core/log.h"
#include "faas/http/body.h"
#include "faas/http/listener.h"
#include "faas/http/session.h"
#include "faas/http/sweeper.h"
#include "faas/metrics/registry.h"
#include "fork_handler.h"
#include "http_handler.h"
#include "static_handler.h"

namespace faas::watchdog {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = http::bhttp;
using http::use_nothrow;

namespace {

class ServerImpl final : public Server {
 public:
  ServerImpl(net::io_context& io, WatchdogConfig config, Environment env, http::Listener listener,
             std::optional<http::Listener> metrics)
      : io_(io),
        sweeper_(io.get_executor()),
        config_(std::move(config)),
        env_(std::move(env)),
        listener_(std::move(listener)),
        metrics_listener_(std::move(metrics)),
        sessions_(sweeper_,
                  {.read_timeout = config_.read_timeout, .write_timeout = config_.write_timeout},
                  [this](Exchange& x) { return dispatch(x); }),
        requests_(registry_.counter("http_requests_total", "total HTTP requests processed",
                                    {"code", "method"})),
        durations_(registry_.histogram("http_request_duration_seconds",
                                       "Seconds spent serving HTTP requests.", {"code", "method"})),
        inflight_gauge_(registry_.gauge("http_requests_in_flight",
                                        "The number of requests currently being served.", {})) {
    inflight_gauge_.set({}, 0);
  }

  Result<void> init_handler();
  int run() override;
  std::uint16_t port() const override { return listener_.port(); }
  int metrics_port() const override { return metrics_listener_ ? metrics_listener_->port() : -1; }

 private:
  net::awaitable<void> startup();
  net::awaitable<void> dispatch(Exchange& x);
  net::awaitable<void> probe(Exchange& x, bool readiness);
  net::awaitable<void> ready(Exchange& x);
  net::awaitable<void> metrics_session(http::tcp::socket socket);
  net::awaitable<void> drain();
  void fatal(int code);
  bool lock_present() const;
  void access_log(const Exchange& x);

  net::io_context& io_;
  http::Sweeper sweeper_;
  WatchdogConfig config_;
  Environment env_;
  http::Listener listener_;
  std::optional<http::Listener> metrics_listener_;
  http::Sessions sessions_;
  std::unique_ptr<Handler> handler_;
  metrics::Registry registry_;
  metrics::Family& requests_;
  metrics::Family& durations_;
  metrics::Family& inflight_gauge_;
  bool accepting_ = false;
  bool draining_ = false;
  int inflight_ = 0;
  int exit_code_ = 0;
};

Result<void> ServerImpl::init_handler() {
  switch (config_.mode) {
    case Mode::kStreaming:
    case Mode::kSerializing:
    case Mode::kClassic:
      handler_ = std::make_unique<ForkHandler>(config_, env_);
      break;
    case Mode::kStatic:
      handler_ = std::make_unique<StaticHandler>(config_);
      break;
    case Mode::kHttp: {
      auto ep = http::parse_endpoint(config_.upstream_url);
      if (!ep) return invalid_argument("upstream_url: " + ep.error().message());
      handler_ = std::make_unique<HttpHandler>(config_, env_, *ep, sweeper_,
                                               [this](int code) { fatal(code); });
      break;
    }
  }
  return {};
}

bool ServerImpl::lock_present() const {
  if (config_.suppress_lock) return true;
  struct stat st{};
  return ::stat(config_.lock_path.c_str(), &st) == 0;
}

void ServerImpl::fatal(int code) {
  exit_code_ = code;
  accepting_ = false;
  if (!config_.suppress_lock) std::remove(config_.lock_path.c_str());
  io_.stop();
}

net::awaitable<void> ServerImpl::startup() {
  if (!co_await handler_->start()) {
    fatal(1);
    co_return;
  }
  auto ex = co_await net::this_coro::executor;
  net::steady_timer poll(ex);
  while (!handler_->ready() && !draining_) {
    poll.expires_after(std::chrono::milliseconds(5));
    co_await poll.async_wait(use_nothrow);
  }
  if (draining_) co_return;
  if (!config_.suppress_lock) {
    std::ofstream lock(config_.lock_path);
    if (!lock) {
      log_error("cannot write lock file " + config_.lock_path);
      fatal(1);
      co_return;
    }
    log_info("Writing lock-file to: " + config_.lock_path);
  }
  accepting_ = true;
}

// /_/health and /_/ready share their answer; ready also reports a saturated limiter (429).
net::awaitable<void> ServerImpl::probe(Exchange& x, bool readiness) {
  http::TextResponse r;
  r.version = x.version();
  r.keep_alive = x.request().keep_alive() && !draining_;
  if (x.request().method() != bhttp::verb::get) {
    r.status = bhttp::status::method_not_allowed;
  } else if (!accepting_ || !handler_->ready() || !lock_present()) {
    r.status = bhttp::status::service_unavailable;
  } else if (readiness && config_.max_inflight > 0 && inflight_ >= config_.max_inflight) {
    r.status = bhttp::status::too_many_requests;
  } else {
    r.body = "OK";
  }
  x.status = static_cast<unsigned>(r.status);
  x.keep_alive = r.keep_alive;
  x.watch.expires_after(config_.write_timeout);
  if (co_await http::write_response(x.stream, std::move(r))) x.keep_alive = false;
}

net::awaitable<void> ServerImpl::ready(Exchange& x) {
  if (x.request().method() == bhttp::verb::get && accepting_ && handler_->ready() &&
      lock_present() && !config_.ready_path.empty() &&
      !(config_.max_inflight > 0 && inflight_ >= config_.max_inflight)) {
    // The function decides: the request runs through the mode's handler with ready_path.
    x.parser.get().target(config_.ready_path);
    ++inflight_;
    co_await handler_->serve(x);
    --inflight_;
    co_return;
  }
  co_await probe(x, /*readiness=*/true);
}

net::awaitable<void> ServerImpl::dispatch(Exchange& x) {
  auto path = x.request().target();
  path = path.substr(0, path.find('?'));
  if (path == "/_/health") co_return co_await probe(x, /*readiness=*/false);
  if (path == "/_/ready") co_return co_await ready(x);

  if (config_.max_inflight > 0 && inflight_ >= config_.max_inflight) {
    x.status = 429;
    x.keep_alive = x.parser.is_done() && x.request().keep_alive();
    http::TextResponse r{.status = bhttp::status::too_many_requests,
                         .body = "Concurrent request limit exceeded. Max concurrent requests: " +
                                 std::to_string(config_.max_inflight) + "\n",
                         .content_type = "text/plain"};
    r.version = x.version();
    r.keep_alive = x.keep_alive;
    r.headers.emplace_back("X-OpenFaaS-Internal", "faas-middleware");
    if (co_await http::write_response(x.stream, std::move(r))) x.keep_alive = false;
    co_return;
  }
  if (bhttp::token_list(x.request()[bhttp::field::expect]).exists("100-continue")) {
    bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
    co_await bhttp::async_write(x.stream, cont, use_nothrow);
  }
  ++inflight_;
  inflight_gauge_.set({}, inflight_);
  co_await handler_->serve(x);
  --inflight_;
  inflight_gauge_.set({}, inflight_);
  std::string method(x.request().method_string());
  std::string code = std::to_string(x.status);
  requests_.add({code, method}, 1);
  durations_.observe({code, method}, x.seconds());
  access_log(x);
}

void ServerImpl::access_log(const Exchange& x) {
  auto ua = x.request()[bhttp::field::user_agent];
  if (ua.starts_with("kube-probe")) return;
  char dur[32];
  std::snprintf(dur, sizeof dur, "%.4fs", x.seconds());
  std::string line = std::string(x.request().method_string()) + " " +
                     std::string(x.request().target()) + " - " + std::to_string(x.status) +
                     " - ContentLength: " + std::to_string(x.response_bytes) + "B (" + dur + ")";
  if (config_.log_callid) {
    auto id = x.request()["X-Call-Id"];
    if (!id.empty()) line += " [" + std::string(id) + "]";
  }
  log_info_batched(line);
}

net::awaitable<void> ServerImpl::metrics_session(http::tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    bhttp::request<bhttp::string_body> req;
    stream.expires_after(std::chrono::seconds(5));
    auto [ec, n] = co_await bhttp::async_read(stream, buffer, req, use_nothrow);
    if (ec) break;
    http::TextResponse r;
    r.version = req.version();
    r.keep_alive = req.keep_alive();
    auto target = req.target().substr(0, req.target().find('?'));
    if (target != "/metrics") {
      r.status = bhttp::status::not_found;
      r.body = "404 page not found\n";
    } else if (req.method() != bhttp::verb::get) {
      r.status = bhttp::status::method_not_allowed;
    } else {
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      r.body = registry_.render();
    }
    if (co_await http::write_response(stream, std::move(r)) || !req.keep_alive()) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(http::tcp::socket::shutdown_send, ignored);
}

net::awaitable<void> ServerImpl::drain() {
  auto ex = co_await net::this_coro::executor;
  log_info("SIGTERM received. Draining: not ready, waiting " +
           format_duration(config_.healthcheck_interval) + " before closing the listener");
  accepting_ = false;
  if (!config_.suppress_lock) std::remove(config_.lock_path.c_str());
  net::steady_timer t(ex, config_.healthcheck_interval);
  co_await t.async_wait(use_nothrow);
  listener_.close();
  if (metrics_listener_) metrics_listener_->close();
  draining_ = true;
  sessions_.drain();
  auto deadline = std::chrono::steady_clock::now() + config_.write_timeout;
  if (int open = co_await sessions_.wait_closed(deadline); open > 0) {
    log_warn(std::to_string(open) + " connection(s) still open at shutdown");
  }
  co_await handler_->stop();
  sweeper_.stop();
  log_info("Shutdown complete");
  io_.stop();
}

int ServerImpl::run() {
  net::signal_set signals(io_, SIGTERM, SIGINT);
  bool draining = false;
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int) {
        if (ec) return;
        if (draining) {  // a second signal: stop now
          fatal(exit_code_ ? exit_code_ : 1);
          return;
        }
        draining = true;
        net::co_spawn(io_, drain(), net::detached);
        signals.async_wait(on_signal);
      };
  signals.async_wait(on_signal);
  log_info("Watchdog mode: " + std::string(to_string(config_.mode)) + "\tfprocess: " +
           (config_.fprocess.empty() ? std::string("-") : config_.fprocess[0]));
  log_info("Listening on port: " + std::to_string(listener_.port()));
  if (metrics_listener_) log_info("Metrics listening on port: " + std::to_string(metrics_listener_->port()));
  net::co_spawn(io_, listener_.run([this](http::tcp::socket s) { return sessions_.serve(std::move(s)); }),
                net::detached);
  if (metrics_listener_) {
    net::co_spawn(io_, metrics_listener_->run([this](http::tcp::socket s) {
      return metrics_session(std::move(s));
    }), net::detached);
  }
  net::co_spawn(io_, startup(), net::detached);
  net::co_spawn(io_, sweeper_.run(), net::detached);
  io_.run();
  return exit_code_;
}

}  // namespace

Result<std::unique_ptr<Server>> Server::create(net::io_context& io, WatchdogConfig config,
                                               Environment env) {
  auto listener = http::Listener::bind(io.get_executor(), config.bind_address, config.port);
  if (!listener) return listener.error();
  std::optional<http::Listener> metrics;
  if (config.metrics_port >= 0) {
    auto m = http::Listener::bind(io.get_executor(), config.bind_address,
                                  static_cast<std::uint16_t>(config.metrics_port));
    if (!m) return m.error();
    metrics.emplace(std::move(*m));
  }
  auto server = std::make_unique<ServerImpl>(io, std::move(config), std::move(env),
                                             std::move(*listener), std::move(metrics));
  if (auto r = server->init_handler(); !r) return r.error();
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace faas::watchdog
