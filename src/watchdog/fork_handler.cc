#include "fork_handler.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <csignal>
#include <cstdio>
#include <map>
#include <optional>

#include "faas/core/base64.h"
#include "faas/core/log.h"
#include "faas/http/body.h"
#include "faas/os/child_process.h"
#include "faas/watchdog/cgi_env.h"
#include "function_log.h"

namespace faas::watchdog {

namespace net = boost::asio;
namespace bhttp = http::bhttp;
using net::posix::stream_descriptor;
using namespace net::experimental::awaitable_operators;

namespace {

constexpr size_t kChunk = 64 * 1024;

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out + "\"";
}

std::string duration_header(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%f", seconds);
  return buf;
}

// State shared by the four concurrent legs of one call. Lives in serve()'s frame, which awaits
// every leg, so the references the legs hold cannot dangle.
struct Call {
  Exchange& x;
  const WatchdogConfig& config;
  os::ChildProcess child;
  stream_descriptor in, out, err;
  net::steady_timer timer;
  net::steady_timer stderr_eof;  // cancelled when drain_stderr has read stderr to its end
  net::steady_timer body_eof;    // cancelled when feed_stdin has read the request body to its end
  OutputTail tail;
  std::optional<std::string> prebuffered;  // classic marshal_request: the whole stdin document
  bool timed_out = false;
  bool finished = false;    // the response is complete; stop reading the request body
  bool body_done = false;   // the request body was read to its end
  bool feed_done = false;   // feed_stdin returned (body read, or the client is gone)
  bool stderr_done = false;
  bool buffer_output = false;
  bool classic = false;
};

http::awaitable<void> feed_stdin(Call& c) {
  if (c.prebuffered) {
    co_await net::async_write(c.in, net::buffer(*c.prebuffered), http::use_nothrow);
    c.body_done = true;
    c.in.close();
    co_return;
  }
  std::unique_ptr<char[]> buf(new char[kChunk]);
  for (;;) {
    c.x.stream.expires_after(c.config.read_timeout);
    auto n = co_await http::read_body_some(c.x.stream, c.x.buffer, c.x.parser,
                                           std::span<char>(buf.get(), kChunk));
    if (!n) {
      // The client went away (or we cancelled the read after responding). A truncated body must
      // not be processed as if it were whole.
      if (!c.finished) c.child.kill_group(SIGKILL);
      break;
    }
    if (*n == 0) {
      c.body_done = true;
      break;
    }
    if (c.in.is_open()) {
      auto [ec, w] = co_await net::async_write(c.in, net::buffer(buf.get(), *n), http::use_nothrow);
      (void)w;
      // EPIPE: the function stopped reading. Keep consuming the body so the connection stays usable.
      if (ec) c.in.close();
    }
  }
  if (c.in.is_open()) c.in.close();
  c.feed_done = true;
  c.body_eof.cancel();
}

// A function that exits without reading its input (`date`, a script that ignores stdin) finishes
// before the rest of a small request body has even arrived. Answering then would mean
// `Connection: close` and closing a socket with unread bytes, which resets the connection and can
// destroy the response in flight to the client (a gateway saw "broken pipe"). The body is being
// drained concurrently (feed_stdin), so give it a moment to end; a client still sending after
// that gets the response and a closed connection.
http::awaitable<void> await_body(Call& c) {
  if (c.body_done || c.feed_done) co_return;
  c.body_eof.expires_after(std::chrono::milliseconds(500));
  co_await c.body_eof.async_wait(http::use_nothrow);
}

http::awaitable<void> drain_stderr(Call& c) {
  if (!c.err.is_open()) {
    c.stderr_done = true;
    co_return;
  }
  LogOptions o{.prefix = c.config.prefix_logs,
               .max_line = c.config.log_buffer_size < 0 ? SIZE_MAX
                                                        : static_cast<size_t>(c.config.log_buffer_size),
               .label = "stderr"};
  co_await pump_function_log(c.err, o, &c.tail);
  c.stderr_done = true;
  c.stderr_eof.cancel();
}

// An error body quotes the tail of the function's stderr, so everything the function wrote there
// must have been read first: stdout's EOF and the exit can be seen before stderr's last bytes
// (the legs run concurrently), which left the tail out of the 500. The group has just been
// killed, so EOF is imminent; the bound covers a descendant that escaped the group with the pipe.
// (Found by tests/integration/watchdog/streaming_test.cc under ASan.)
http::awaitable<void> await_stderr(Call& c) {
  if (c.stderr_done) co_return;
  c.stderr_eof.expires_after(std::chrono::seconds(1));
  co_await c.stderr_eof.async_wait(http::use_nothrow);
}

http::awaitable<void> watch_timeout(Call& c) {
  if (c.config.exec_timeout.count() == 0) co_return;
  c.timer.expires_after(c.config.exec_timeout);
  auto [ec] = co_await c.timer.async_wait(http::use_nothrow);
  if (ec) co_return;  // cancelled: the process finished first
  c.timed_out = true;
  log_warn("exec_timeout (" + format_duration(c.config.exec_timeout) + ") exceeded, killing " +
           c.config.fprocess[0]);
  c.child.kill_group(SIGKILL);
}

http::TextResponse error_response(const Call& c, const os::ExitStatus& status,
                                  std::string_view output) {
  http::TextResponse r;
  r.version = c.x.version();
  if (c.timed_out) {
    if (c.classic) {
      r.status = bhttp::status::request_timeout;
      r.body = "Killed process.\n";
    } else {
      r.status = bhttp::status::gateway_timeout;
      r.body = "Function exceeded exec_timeout of " + format_duration(c.config.exec_timeout) + "\n";
      r.headers.emplace_back("X-OpenFaaS-Internal", "fwatchdog");
    }
    return r;
  }
  r.status = bhttp::status::internal_server_error;
  r.body = status.describe() + "\n";
  r.body += c.classic ? std::string(output) : c.tail.text();
  return r;
}

// Streaming: the first stdout byte commits a 200; until then a failure can still be reported.
http::awaitable<void> stream_output(Call& c) {
  auto ex = co_await net::this_coro::executor;
  bhttp::response<bhttp::buffer_body> head{bhttp::status::ok, c.x.version()};
  head.set(bhttp::field::content_type, c.config.content_type);
  http::StreamingResponse response(c.x.stream, std::move(head));
  bool committed = false, client_gone = false;
  std::unique_ptr<char[]> buf(new char[kChunk]);
  for (;;) {
    auto [ec, n] = co_await c.out.async_read_some(net::buffer(buf.get(), kChunk), http::use_nothrow);
    if (n > 0 && !client_gone) {
      c.x.stream.expires_after(c.config.write_timeout);
      http::error_code wec;
      if (!committed) {
        committed = true;
        c.x.status = 200;
        wec = co_await response.write_header();
      }
      if (!wec) wec = co_await response.write(std::span<const char>(buf.get(), n));
      c.x.response_bytes += n;
      if (wec) {
        client_gone = true;
        c.child.kill_group(SIGKILL);
      }
    }
    if (ec) break;
  }
  c.out.close();
  auto status = co_await c.child.async_wait(ex);
  c.timer.cancel();
  c.child.kill_group(SIGKILL);  // anything the function left running in its group
  c.finished = true;
  if (client_gone) {
    c.x.keep_alive = false;
    co_return;
  }
  if (committed) {
    if (status.success() && !c.timed_out) {
      c.x.stream.expires_after(c.config.write_timeout);
      if (co_await response.finish()) c.x.keep_alive = false;
    } else {
      // Headers are gone; end the connection without the last chunk so the client sees an
      // incomplete body rather than a clean one.
      log_warn("function failed after streaming output: " + status.describe());
      c.x.keep_alive = false;
    }
    co_return;
  }
  http::TextResponse r;
  if (status.success() && !c.timed_out) {
    r.version = c.x.version();
    r.content_type = c.config.content_type;
    r.headers.emplace_back("X-Duration-Seconds", duration_header(c.x.seconds()));
  } else {
    co_await await_stderr(c);
    r = error_response(c, status, {});
  }
  c.x.status = static_cast<unsigned>(r.status);
  co_await await_body(c);
  r.keep_alive = c.x.keep_alive && c.body_done;
  c.x.stream.expires_after(c.config.write_timeout);
  if (co_await http::write_response(c.x.stream, std::move(r))) c.x.keep_alive = false;
}

// Serializing and classic: stdout is collected, then one complete response is written.
http::awaitable<void> buffered_output(Call& c) {
  auto ex = co_await net::this_coro::executor;
  std::string output;
  bool too_large = false;
  std::unique_ptr<char[]> buf(new char[kChunk]);
  for (;;) {
    auto [ec, n] = co_await c.out.async_read_some(net::buffer(buf.get(), kChunk), http::use_nothrow);
    if (n > 0 && !too_large) {
      if (output.size() + n > c.config.max_buffered_body) {
        too_large = true;
        c.child.kill_group(SIGKILL);
      } else {
        output.append(buf.get(), n);
      }
    }
    if (ec) break;
  }
  c.out.close();
  auto status = co_await c.child.async_wait(ex);
  c.timer.cancel();
  c.child.kill_group(SIGKILL);
  c.finished = true;

  http::TextResponse r;
  r.version = c.x.version();
  if (too_large) {
    r.status = bhttp::status::internal_server_error;
    r.body = "function output exceeds max_buffered_body (" +
             std::to_string(c.config.max_buffered_body) + " bytes)\n";
    r.headers.emplace_back("X-OpenFaaS-Internal", "fwatchdog");
  } else if (!status.success() || c.timed_out) {
    co_await await_stderr(c);
    r = error_response(c, status, output);
    if (c.config.write_debug) log_info("Success=false, Error=" + status.describe());
  } else {
    r.content_type = c.config.content_type;
    if (c.classic && r.content_type.empty()) {
      auto& req = c.x.request();
      auto it = req.find(bhttp::field::content_type);
      r.content_type = it != req.end() ? std::string(it->value()) : "";
    }
    r.headers.emplace_back("X-Duration-Seconds", duration_header(c.x.seconds()));
    if (c.config.write_debug) write_line(1, output);
    r.body = std::move(output);
  }
  c.x.status = static_cast<unsigned>(r.status);
  c.x.response_bytes = r.body.size();
  co_await await_body(c);
  r.keep_alive = c.x.keep_alive && c.body_done;
  if (r.content_type.empty()) r.content_type = "text/plain; charset=utf-8";
  c.x.stream.expires_after(c.config.write_timeout);
  if (co_await http::write_response(c.x.stream, std::move(r))) c.x.keep_alive = false;
}

http::awaitable<void> produce(Call& c) {
  if (c.buffer_output) {
    co_await buffered_output(c);
  } else {
    co_await stream_output(c);
  }
  // The response is out. A body the function never asked for is abandoned with the connection
  // (after a bounded wait for it to end, so the close does not reset the connection).
  co_await await_body(c);
  if (!c.body_done) {
    c.x.keep_alive = false;
    http::error_code ec;
    c.x.stream.socket().cancel(ec);
  }
}

}  // namespace

std::string marshal_request(const http::RequestHeader& req, std::string_view body) {
  std::map<std::string, std::vector<std::string>> headers;
  for (const auto& f : req) {
    auto name = f.name();
    if (name == bhttp::field::host || name == bhttp::field::content_length ||
        name == bhttp::field::transfer_encoding) {
      continue;
    }
    headers[canonical_header_key(f.name_string())].emplace_back(f.value());
  }
  std::string out = "{\"header\":{\"header\":{";
  bool first = true;
  for (const auto& [k, values] : headers) {
    out += (first ? "" : ",") + json_string(k) + ":[";
    for (size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + json_string(values[i]);
    out += "]";
    first = false;
  }
  out += "}},\"body\":{\"raw\":" + json_string(base64_encode(body)) + "}}";
  return out;
}

ForkHandler::ForkHandler(const WatchdogConfig& config, Environment base_env)
    : config_(config), base_env_(std::move(base_env)) {}

http::awaitable<void> ForkHandler::serve(Exchange& x) {
  auto ex = co_await net::this_coro::executor;
  const bool classic = config_.mode == Mode::kClassic;
  if (classic) {
    auto m = x.request().method();
    if (m != bhttp::verb::post && m != bhttp::verb::put && m != bhttp::verb::patch &&
        m != bhttp::verb::delete_ && m != bhttp::verb::get) {
      co_await respond_internal(x, bhttp::status::method_not_allowed, "Method not allowed\n");
      co_return;
    }
  }
  std::optional<std::string> prebuffered;
  if (classic && config_.marshal_request) {
    auto body = co_await http::read_body_all(x.stream, x.buffer, x.parser, config_.max_buffered_body);
    if (!body) {
      co_await respond_internal(x, bhttp::status::bad_request, body.error().message() + "\n");
      co_return;
    }
    prebuffered = marshal_request(x.request(), *body);
  }

  auto in = Pipe::create();
  auto out = Pipe::create();
  auto err = Pipe::create();
  if (!in || !out || !err) {
    co_await respond_internal(x, bhttp::status::internal_server_error, "cannot create pipes\n");
    co_return;
  }
  const bool combine = classic && config_.combine_output;
  os::SpawnOptions spawn{
      .argv = config_.fprocess,
      .env = classic && !config_.cgi_headers
                 ? to_envp(base_env_)
                 : cgi_environment(base_env_, x.request(), {.classic = classic}),
      .stdin_fd = in->read.get(),
      .stdout_fd = out->write.get(),
      .stderr_fd = combine ? out->write.get() : err->write.get(),
  };
  auto child = os::ChildProcess::spawn(spawn);
  if (!child) {
    log_error(child.error().message());
    co_await respond_internal(x, bhttp::status::internal_server_error,
                              "Failed to start function process: " + child.error().message() + "\n");
    co_return;
  }
  in->read.reset();
  out->write.reset();
  err->write.reset();

  Call c{.x = x,
         .config = config_,
         .child = std::move(*child),
         .in = stream_descriptor(ex, in->write.release()),
         .out = stream_descriptor(ex, out->read.release()),
         .err = combine ? stream_descriptor(ex) : stream_descriptor(ex, err->read.release()),
         .timer = net::steady_timer(ex),
         .stderr_eof = net::steady_timer(ex),
         .body_eof = net::steady_timer(ex),
         .prebuffered = std::move(prebuffered),
         .buffer_output = config_.mode != Mode::kStreaming,
         .classic = classic};
  co_await (feed_stdin(c) && drain_stderr(c) && produce(c) && watch_timeout(c));
  if (classic && !config_.combine_output && !c.tail.text().empty() && config_.write_debug) {
    log_info("stderr: " + c.tail.text());
  }
}

}  // namespace faas::watchdog
