#include "faas/http/client.h"

#include <algorithm>
#include <optional>

#include "faas/http/listener.h"

namespace faas::http {

namespace {

class ClientCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "http client"; }
  std::string message(int ev) const override {
    switch (static_cast<ClientErrc>(ev)) {
      case ClientErrc::kConnect:
        return "cannot connect";
      case ClientErrc::kTimeout:
        return "timed out";
      case ClientErrc::kStalled:
        return "stream stalled";
      case ClientErrc::kBadResponse:
        return "bad response";
      case ClientErrc::kTooLarge:
        return "response too large";
      case ClientErrc::kIo:
        return "i/o error";
    }
    return "unknown http client error";
  }
};

constexpr std::size_t kReadChunk = 64 * 1024;

std::error_code std_code(const error_code& ec) { return {ec.value(), ec.category()}; }

// What an I/O error from Beast/Asio (or body.h, which hands them over as std codes) means here.
ClientErrc classify(const std::error_code& code) {
  if (code == std::errc::message_size) return ClientErrc::kTooLarge;
  if (code == std_code(beast::error::timeout)) return ClientErrc::kTimeout;
  if (code == std_code(bhttp::error::body_limit) || code == std_code(bhttp::error::header_limit) ||
      code == std_code(bhttp::error::buffer_overflow)) {
    return ClientErrc::kTooLarge;
  }
  if (code.category() == std_code(bhttp::error::end_of_stream).category() ||
      code == std_code(net::error::eof)) {
    return ClientErrc::kBadResponse;
  }
  return ClientErrc::kIo;
}

// Very long timeouts mean "no deadline" rather than an overflowing time point.
void arm(beast::tcp_stream& stream, std::chrono::nanoseconds timeout) {
  if (timeout <= std::chrono::nanoseconds::zero() || timeout > std::chrono::hours(24 * 365)) {
    stream.expires_never();
  } else {
    stream.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(timeout));
  }
}

std::string host_header(const tcp::endpoint& ep) {
  auto addr = ep.address().to_string();
  if (ep.address().is_v6()) addr = "[" + addr + "]";
  return addr + ":" + std::to_string(ep.port());
}

bool is_success(unsigned status) { return status >= 200 && status < 300; }

struct Connection {
  explicit Connection(const net::any_io_executor& ex) : stream(ex) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
};

using Message = bhttp::request<bhttp::string_body>;

// Splits a byte stream into lines for stream_lines(); a line longer than `max` is an error.
class LineSplitter {
 public:
  explicit LineSplitter(std::size_t max) : max_(max) {}

  awaitable<Result<bool>> feed(std::string_view data, const ChunkSink& sink) {
    pending_.append(data);
    std::size_t start = 0;
    for (auto nl = pending_.find('\n'); nl != std::string::npos; nl = pending_.find('\n', start)) {
      bool more = co_await emit(std::string_view(pending_).substr(start, nl - start), sink);
      start = nl + 1;
      if (!more) co_return false;
    }
    pending_.erase(0, start);
    if (pending_.size() > max_) {
      co_return Error{make_error_code(ClientErrc::kTooLarge),
                      "line longer than " + std::to_string(max_) + " bytes"};
    }
    co_return true;
  }
  // The last line, when the body did not end with a newline.
  awaitable<bool> finish(const ChunkSink& sink) {
    std::string last = std::move(pending_);
    co_return co_await emit(last, sink);
  }

 private:
  static awaitable<bool> emit(std::string_view line, const ChunkSink& sink) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) co_return true;
    co_return co_await sink(line);
  }
  std::size_t max_;
  std::string pending_;
};

}  // namespace

const std::error_category& client_category() {
  static const ClientCategory category;
  return category;
}

struct Client::State {
  net::any_io_executor ex;
  tcp::endpoint endpoint;
  std::string host;    // Host header
  std::string prefix;  // base URL path, no trailing '/'
  std::string url;     // for error messages
  ClientOptions options;
  std::vector<std::unique_ptr<Connection>> idle;

  Error fail(ClientErrc e, std::string_view what, std::string_view why) const {
    return Error{make_error_code(e), std::string(what) + " " + url + ": " + std::string(why)};
  }
  Error fail(const std::error_code& code, std::string_view what) const {
    return fail(classify(code), what, code.message());
  }
  // body.h's errors: the size cap says its limit in the context, the others in the code.
  Error fail(const Error& error, std::string_view what) const {
    if (error.code == std::errc::message_size)
      return fail(ClientErrc::kTooLarge, what, error.context);
    return fail(error.code, what);
  }

  std::unique_ptr<Connection> take_idle() {
    if (idle.empty()) return nullptr;
    auto c = std::move(idle.back());
    idle.pop_back();
    return c;
  }
  void release(std::unique_ptr<Connection> c) {
    if (idle.size() >= options.max_idle) return;
    c->stream.expires_never();
    idle.push_back(std::move(c));
  }

  awaitable<Result<std::unique_ptr<Connection>>> connect(std::chrono::nanoseconds timeout);
  Message build(ClientRequest& request) const;
  awaitable<Result<ClientResponse>> exchange(ClientRequest request, const ChunkSink* sink,
                                             LineSplitter* lines);
  awaitable<Result<void>> pump(Connection& c, ResponseParser& p, std::chrono::nanoseconds timeout,
                               const ChunkSink& sink, LineSplitter* lines, bool& stopped);
};

awaitable<Result<std::unique_ptr<Connection>>> Client::State::connect(
    std::chrono::nanoseconds timeout) {
  auto c = std::make_unique<Connection>(ex);
  arm(c->stream, timeout);
  auto [ec] = co_await c->stream.async_connect(endpoint, use_nothrow);
  if (ec == beast::error::timeout) co_return fail(ClientErrc::kTimeout, "connect to", ec.message());
  if (ec) co_return fail(ClientErrc::kConnect, "connect to", ec.message());
  c->stream.socket().set_option(tcp::no_delay(true), ec);
  co_return c;
}

Message Client::State::build(ClientRequest& request) const {
  std::string target = request.target.empty() ? "/" : request.target;
  Message m{request.method, prefix + target, 11};
  for (auto& [name, value] : request.headers) m.insert(name, value);
  if (m.find(bhttp::field::host) == m.end()) m.set(bhttp::field::host, host);
  if (m.find(bhttp::field::user_agent) == m.end()) {
    m.set(bhttp::field::user_agent, options.user_agent);
  }
  m.body() = std::move(request.body);
  m.prepare_payload();
  m.keep_alive(true);
  return m;
}

awaitable<Result<ClientResponse>> Client::State::exchange(ClientRequest request,
                                                          const ChunkSink* sink,
                                                          LineSplitter* lines) {
  const auto timeout = request.timeout;
  const Message message = build(request);
  for (int attempt = 0;; ++attempt) {
    // The retry always gets a fresh connection: the others in the pool are likely as stale.
    auto conn = attempt == 0 ? take_idle() : nullptr;
    const bool reused = conn != nullptr;
    if (!conn) {
      auto fresh = co_await connect(timeout);
      if (!fresh) co_return fresh.error();
      conn = std::move(*fresh);
    }
    arm(conn->stream, timeout);
    ResponseParser parser;
    parser.header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(options.max_header, std::numeric_limits<std::uint32_t>::max())));
    parser.body_limit(boost::none);  // our own caps apply (max_body, max_line)
    if (message.method() == bhttp::verb::head) parser.skip(true);

    auto [wec, wn] = co_await bhttp::async_write(conn->stream, message, use_nothrow);
    (void)wn;
    error_code ec = wec;
    if (!ec) {
      auto [rec, rn] =
          co_await bhttp::async_read_header(conn->stream, conn->buffer, parser, use_nothrow);
      (void)rn;
      ec = rec;
    }
    if (ec) {
      // A pooled connection the upstream had already closed: nothing of a response arrived.
      if (reused && ec != beast::error::timeout && !parser.got_some()) {
        idle.clear();
        continue;
      }
      co_return fail(std_code(ec), "request to");
    }

    ClientResponse response;
    response.status = parser.get().result_int();
    response.headers = static_cast<const bhttp::fields&>(parser.get().base());
    bool stopped = false;
    if (sink && is_success(response.status)) {
      auto r = co_await pump(*conn, parser, timeout, *sink, lines, stopped);
      if (!r) co_return r.error();
    } else {
      auto body = co_await read_body_all(conn->stream, conn->buffer, parser, options.max_body);
      if (!body) co_return fail(body.error(), "response body from");
      response.body = std::move(*body);
    }
    if (!stopped && parser.is_done() && parser.keep_alive()) release(std::move(conn));
    co_return response;
  }
}

awaitable<Result<void>> Client::State::pump(Connection& c, ResponseParser& p,
                                            std::chrono::nanoseconds timeout, const ChunkSink& sink,
                                            LineSplitter* lines, bool& stopped) {
  auto buf = std::make_unique<char[]>(kReadChunk);
  for (;;) {
    arm(c.stream, timeout);
    auto n = co_await read_body_some(c.stream, c.buffer, p, std::span<char>(buf.get(), kReadChunk));
    if (!n) {
      if (classify(n.error().code) == ClientErrc::kTimeout) {
        co_return fail(ClientErrc::kStalled, "response body from", "no data within the timeout");
      }
      co_return fail(n.error(), "response body from");
    }
    if (*n == 0) break;
    std::string_view data(buf.get(), *n);
    bool more = true;
    if (lines) {
      auto fed = co_await lines->feed(data, sink);
      if (!fed) co_return fail(ClientErrc::kTooLarge, "response body from", fed.error().context);
      more = *fed;
    } else {
      more = co_await sink(data);
    }
    if (!more) {
      stopped = true;
      co_return Result<void>{};
    }
  }
  if (lines) stopped = !co_await lines->finish(sink);
  co_return Result<void>{};
}

Client::Client(std::unique_ptr<State> state) : state_(std::move(state)) {}
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;
Client::~Client() = default;

Result<Client> Client::create(const net::any_io_executor& ex, std::string_view base_url,
                              ClientOptions options) {
  auto endpoint = parse_endpoint(base_url, 80);
  if (!endpoint) return endpoint.error();
  auto state = std::make_unique<State>();
  state->ex = ex;
  state->endpoint = *endpoint;
  state->host = host_header(*endpoint);
  std::string_view rest = base_url;
  if (rest.starts_with("http://")) rest.remove_prefix(7);
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    state->prefix = std::string(rest.substr(slash));
    if (state->prefix.find_first_of("?#") != std::string::npos) {
      return invalid_argument("base URL must not have a query: " + std::string(base_url));
    }
    while (!state->prefix.empty() && state->prefix.back() == '/') state->prefix.pop_back();
  }
  state->url = "http://" + state->host + state->prefix;
  state->options = std::move(options);
  return Client(std::move(state));
}

awaitable<Result<ClientResponse>> Client::request(ClientRequest request) {
  return state_->exchange(std::move(request), nullptr, nullptr);
}

awaitable<Result<ClientResponse>> Client::stream(ClientRequest request, ChunkSink sink) {
  // The sink lives in this frame while exchange() runs.
  co_return co_await state_->exchange(std::move(request), &sink, nullptr);
}

awaitable<Result<ClientResponse>> Client::stream_lines(ClientRequest request, ChunkSink sink) {
  LineSplitter lines(state_->options.max_line);
  co_return co_await state_->exchange(std::move(request), &sink, &lines);
}

const tcp::endpoint& Client::endpoint() const { return state_->endpoint; }
const std::string& Client::path_prefix() const { return state_->prefix; }
std::size_t Client::idle_connections() const { return state_->idle.size(); }

}  // namespace faas::http
