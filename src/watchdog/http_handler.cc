#include "http_handler.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <csignal>
#include <cstdio>

#include "faas/core/log.h"
#include "faas/http/body.h"
#include "function_log.h"

namespace faas::watchdog {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = http::bhttp;
using http::error_code;
using http::use_nothrow;
using namespace net::experimental::awaitable_operators;

namespace {

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%f", s);
  return buf;
}

http::awaitable<void> pump_output(net::any_io_executor ex, UniqueFd fd, LogOptions options) {
  net::posix::stream_descriptor sd(ex, fd.release());
  co_await pump_function_log(sd, options, nullptr);
}

}  // namespace

std::optional<std::chrono::nanoseconds> parse_x_timeout(std::string_view value) {
  if (value.empty()) return std::nullopt;
  auto d = parse_duration(value);
  if (!d || d->count() == 0) return std::nullopt;
  return *d;
}

HttpHandler::HttpHandler(const WatchdogConfig& config, Environment env,
                         http::tcp::endpoint upstream, http::Sweeper& sweeper,
                         ExitCallback on_upstream_exit)
    : config_(config),
      env_(std::move(env)),
      upstream_(std::move(upstream)),
      pool_(sweeper, upstream_),
      on_exit_(std::move(on_upstream_exit)) {}

HttpHandler::~HttpHandler() = default;

http::awaitable<bool> HttpHandler::start() {
  auto ex = co_await net::this_coro::executor;
  auto out = Pipe::create();
  auto err = Pipe::create();
  if (!out || !err) co_return false;
  auto child = os::ChildProcess::spawn({.argv = config_.fprocess,
                                        .env = to_envp(env_),
                                        .stdout_fd = out->write.get(),
                                        .stderr_fd = err->write.get()});
  if (!child) {
    log_error("cannot start upstream: " + child.error().message());
    co_return false;
  }
  log_info("Started upstream (" + config_.fprocess[0] + ") pid " + std::to_string(child->pid()) +
           ", proxying to " + config_.upstream_url);
  child_ = std::make_shared<os::ChildProcess>(std::move(*child));
  LogOptions o{.prefix = config_.prefix_logs,
               .max_line = config_.log_buffer_size < 0 ? SIZE_MAX
                                                        : static_cast<size_t>(config_.log_buffer_size)};
  LogOptions stderr_options = o;
  o.label = "stdout";
  net::co_spawn(ex, pump_output(ex, std::move(out->read), o), net::detached);
  net::co_spawn(ex, pump_output(ex, std::move(err->read), stderr_options), net::detached);
  net::co_spawn(ex, supervise(child_), net::detached);
  net::co_spawn(ex, wait_until_accepting(), net::detached);
  co_return true;
}

http::awaitable<void> HttpHandler::supervise(std::shared_ptr<os::ChildProcess> child) {
  auto ex = co_await net::this_coro::executor;
  auto status = co_await child->async_wait(ex);
  ready_ = false;
  if (stopping_) co_return;
  log_error("upstream process exited (" + status.describe() + "); fwatchdog exits so the replica "
            "is restarted");
  on_exit_(status.signal ? 128 + status.signal : (status.code ? status.code : 1));
}

http::awaitable<void> HttpHandler::wait_until_accepting() {
  auto ex = co_await net::this_coro::executor;
  auto delay = std::chrono::milliseconds(5);
  while (!stopping_ && child_ && !child_->exited()) {
    beast::tcp_stream probe(ex);
    probe.expires_after(std::chrono::seconds(1));
    auto [ec] = co_await probe.async_connect(upstream_, use_nothrow);
    if (!ec) {
      ready_ = true;
      log_info("Upstream is accepting connections");
      co_return;
    }
    net::steady_timer t(ex, delay);
    co_await t.async_wait(use_nothrow);
    delay = std::min<std::chrono::milliseconds>(delay * 2, std::chrono::milliseconds(100));
  }
}

http::awaitable<void> HttpHandler::stop() {
  stopping_ = true;
  pool_.clear(/*close_for_good=*/true);
  if (!child_ || child_->exited()) co_return;
  auto ex = co_await net::this_coro::executor;
  child_->signal(SIGTERM);
  net::steady_timer grace(ex, config_.write_timeout);
  auto child = child_;
  co_await (child->async_wait(ex) || grace.async_wait(use_nothrow));
  child_->kill_group(SIGKILL);
}

http::awaitable<void> HttpHandler::serve(Exchange& x) {
  auto timeout = config_.exec_timeout;
  if (auto it = x.request().find("X-Timeout"); it != x.request().end()) {
    if (auto t = parse_x_timeout(it->value()); t && (timeout.count() == 0 || *t < timeout)) timeout = *t;
  }
  x.keep_alive = x.request().keep_alive();
  http::ProxyOptions options{.read_timeout = config_.read_timeout,
                             .write_timeout = config_.write_timeout,
                             .buffer_body = config_.buffer_http,
                             .max_buffered_body = config_.max_buffered_body};
  if (timeout.count()) {
    options.deadline = std::chrono::steady_clock::now() +
                       std::chrono::duration_cast<std::chrono::steady_clock::duration>(timeout);
  }
  options.on_response = [&x](bhttp::response<bhttp::buffer_body>& res) {
    res.set("X-Duration-Seconds", seconds_text(x.seconds()));
  };
  // Not a ?: of two co_awaits: GCC 12 destroys the temporaries of such an expression twice.
  http::ProxyResult result;
  if (x.request().count(bhttp::field::upgrade)) {
    result = co_await http::tunnel(x, pool_, std::move(options));
  } else {
    result = co_await http::forward(x, pool_, std::move(options));
  }
  if (!result.ok()) co_await report(x, result);
}

// A failure before any response byte: 400 for an unreadable buffered body, 504 when the function
// ran out of time, 502 otherwise, all tagged as the watchdog's own.
http::awaitable<void> HttpHandler::report(Exchange& x, const http::ProxyResult& result) {
  using Outcome = http::ProxyResult::Outcome;
  switch (result.outcome) {
    case Outcome::kBadRequest:
      co_await respond_internal(x, bhttp::status::bad_request, result.detail + "\n");
      break;
    case Outcome::kConnectFailed:
      co_await respond_internal(x, bhttp::status::bad_gateway,
                                "Can't reach upstream " + config_.upstream_url + ": " + result.detail + "\n");
      break;
    case Outcome::kTimeout:
      co_await respond_internal(x, bhttp::status::gateway_timeout,
                                "Upstream did not answer within the function's timeout\n");
      break;
    case Outcome::kUpstreamFailed:
    case Outcome::kDone:
      co_await respond_internal(x, bhttp::status::bad_gateway, "Upstream failed: " + result.detail + "\n");
      break;
  }
}

}  // namespace faas::watchdog
