#include "replica.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "faas/core/log.h"
#include "faas/core/unique_fd.h"
#include "faas/http/types.h"

namespace faas::process_provider::detail {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using http::use_nothrow;
using namespace std::chrono_literals;

constexpr auto kRestartMin = 100ms;
constexpr auto kRestartMax = 10s;
constexpr auto kStableRun = 10s;  // a run this long resets the restart backoff
constexpr auto kProbeMin = 5ms;
constexpr auto kProbeMax = 100ms;
constexpr auto kProbeTimeout = 2s;
constexpr std::size_t kMaxLine = 64 * 1024;
constexpr std::string_view kPortLine = "Listening on port: ";

// One GET /_/ready; true on 200.
net::awaitable<bool> probe_once(http::tcp::endpoint endpoint) {
  beast::tcp_stream stream(co_await net::this_coro::executor);
  stream.expires_after(kProbeTimeout);
  auto [cec] = co_await stream.async_connect(endpoint, use_nothrow);
  if (cec) co_return false;
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, "/_/ready", 11};
  req.set(bhttp::field::host, endpoint.address().to_string() + ":" + std::to_string(endpoint.port()));
  req.set(bhttp::field::user_agent, "faas++ process provider");
  req.keep_alive(false);
  auto [wec, wn] = co_await bhttp::async_write(stream, req, use_nothrow);
  if (wec) co_return false;
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024);
  auto [rec, rn] = co_await bhttp::async_read(stream, buffer, parser, use_nothrow);
  co_return !rec && parser.get().result_int() == 200;
}

std::optional<std::uint16_t> port_in(std::string_view line) {
  auto at = line.find(kPortLine);
  if (at == std::string_view::npos) return std::nullopt;
  unsigned value = 0;
  std::size_t digits = 0;
  for (char c : line.substr(at + kPortLine.size())) {
    if (c < '0' || c > '9') break;
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (++digits > 5) return std::nullopt;
  }
  if (digits == 0 || value == 0 || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

std::string format_ms(std::chrono::steady_clock::duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + "ms";
}

}  // namespace

std::shared_ptr<Replica> Replica::start(const net::any_io_executor& ex, ReplicaSpec spec,
                                        std::shared_ptr<FunctionContext> fn) {
  auto r = std::make_shared<Replica>(ex, std::move(spec), std::move(fn));
  r->prepare_dir();
  net::co_spawn(ex, [r]() { return r->supervise(); }, net::detached);
  return r;
}

void Replica::prepare_dir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(fs::path(spec_.dir) / "secrets", ec);
  if (ec) {
    fn_->logs.append(spec_.slot, "process provider: cannot create " + spec_.dir + ": " + ec.message());
    return;
  }
  for (const auto& name : spec_.secrets) {
    fs::create_symlink(fs::path(spec_.secrets_source) / name, fs::path(spec_.dir) / "secrets" / name,
                       ec);
  }
}

std::optional<provider::Replica> Replica::endpoint() const {
  if (!ready_) return std::nullopt;
  return provider::Replica{.id = id_,
                           .endpoint = {net::ip::address_v4::loopback(), port_},
                           .netns_path = "",
                           .path_prefix = ""};
}

std::optional<pid_t> Replica::pid() const {
  if (!running_ || !process_) return std::nullopt;
  return process_->pid();
}

Result<void> Replica::spawn() {
  ++incarnation_;
  id_ = incarnation_ == 1 ? spec_.slot : spec_.slot + "." + std::to_string(incarnation_ - 1);
  port_ = 0;
  auto pipe = Pipe::create();
  if (!pipe) return pipe.error();
  auto child = os::ChildProcess::spawn({.argv = spec_.argv,
                                        .env = spec_.env,
                                        .stdout_fd = pipe->write.get(),
                                        .stderr_fd = pipe->write.get()});
  if (!child) return child.error();
  process_.emplace(std::move(*child));
  running_ = true;
  pipe->write.reset();  // only the child holds the write end: EOF once it (and its tree) exits
  net::posix::stream_descriptor out(ex_, pipe->read.release());
  auto self = shared_from_this();
  net::co_spawn(ex_, [self, inc = incarnation_, id = id_, out = std::move(out)]() mutable {
    return self->pump(inc, std::move(id), std::move(out));
  }, net::detached);
  net::co_spawn(ex_, [self, inc = incarnation_]() { return self->probe(inc); }, net::detached);
  return {};
}

net::awaitable<void> Replica::supervise() {
  auto self = shared_from_this();  // alive until the last incarnation is reaped
  Clock::duration backoff = kRestartMin;
  while (!stopping_) {
    auto started = Clock::now();
    if (auto spawned = spawn(); !spawned) {
      fn_->logs.append(id_, "process provider: cannot start fwatchdog: " + spawned.error().message());
    } else {
      auto status = co_await process_->async_wait(ex_);
      running_ = false;
      ready_ = false;
      fn_->changed.notify();
      if (stopping_) break;
      std::string what = "fwatchdog exited unexpectedly (" + status.describe() + ")";
      log_warn("process provider: replica " + id_ + ": " + what);
      fn_->logs.append(id_, "process provider: " + what);
    }
    if (Clock::now() - started >= kStableRun) backoff = kRestartMin;
    fn_->logs.append(id_, "process provider: restarting in " + format_ms(backoff));
    auto until = Clock::now() + backoff;
    while (!stopping_ && co_await fn_->changed.wait_until(until) == Notifier::Wake::kNotified) {
    }
    backoff = std::min<Clock::duration>(backoff * 2, kRestartMax);
  }
  process_.reset();  // SIGKILLs what is left of the group
  std::error_code ec;
  std::filesystem::remove_all(spec_.dir, ec);
  done_ = true;
  fn_->changed.notify();
}

net::awaitable<void> Replica::pump(std::uint64_t incarnation, std::string id,
                                   net::posix::stream_descriptor out) {
  auto self = shared_from_this();
  std::string pending;
  char buf[16 * 1024];
  for (;;) {
    auto [ec, n] = co_await out.async_read_some(net::buffer(buf), use_nothrow);
    pending.append(buf, n);
    std::size_t start = 0;
    for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
      on_line(incarnation, id, std::string_view(pending).substr(start, nl - start));
    }
    pending.erase(0, start);
    while (pending.size() >= kMaxLine) {
      on_line(incarnation, id, std::string_view(pending).substr(0, kMaxLine));
      pending.erase(0, kMaxLine);
    }
    if (ec) break;
  }
  if (!pending.empty()) on_line(incarnation, id, pending);
}

void Replica::on_line(std::uint64_t incarnation, const std::string& id, std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (port_ == 0 && incarnation == incarnation_) {
    if (auto port = port_in(line)) port_ = *port;
  }
  fn_->logs.append(id, line);
}

net::awaitable<void> Replica::probe(std::uint64_t incarnation) {
  auto self = shared_from_this();
  net::steady_timer timer(ex_);
  Clock::duration delay = kProbeMin;
  while (current(incarnation)) {
    if (port_ != 0 && co_await probe_once({net::ip::address_v4::loopback(), port_})) {
      if (current(incarnation)) {
        ready_ = true;
        fn_->changed.notify();
      }
      co_return;
    }
    timer.expires_after(delay);
    co_await timer.async_wait(use_nothrow);
    delay = std::min<Clock::duration>(delay * 2, kProbeMax);
  }
}

void Replica::begin_stop() {
  if (stopping_) return;
  stopping_ = true;
  ready_ = false;
  if (running_ && process_) process_->kill_group(SIGTERM);
  fn_->changed.notify();
}

void Replica::kill() {
  stopping_ = true;
  ready_ = false;
  if (running_ && process_) process_->kill_group(SIGKILL);
  fn_->changed.notify();
}

net::awaitable<void> Replica::finish_stop(Clock::time_point deadline) {
  auto self = shared_from_this();
  begin_stop();
  while (!done_) {
    if (co_await fn_->changed.wait_until(deadline) != Notifier::Wake::kNotified) break;
  }
  if (done_) co_return;
  log_warn("process provider: replica " + id_ + " did not stop in time; killing it");
  kill();
  while (!done_) {
    if (co_await fn_->changed.wait_until(Clock::time_point::max()) == Notifier::Wake::kCancelled) break;
  }
}

}  // namespace faas::process_provider::detail
