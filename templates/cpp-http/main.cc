// Upstream server of the cpp-http template: the watchdog (mode=http) starts it once and proxies
// each request to it on 127.0.0.1:8082 over keep-alive connections. HTTP/1.1 parsing and writing
// is Boost.Beast (header-only, from Debian's libboost-dev); the binary is linked static.
//
// One thread per connection with blocking I/O: the watchdog keeps a small pool of connections,
// and a blocking handler then only blocks its own connection.
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "faas/function.h"

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  unsigned long long n = std::strtoull(v, &end, 10);
  return (end != nullptr && *end == '\0') ? n : fallback;
}

// Boost's string_view converts to std::string_view only from Boost 1.77 on (Debian has 1.74).
std::string str(beast::string_view s) { return std::string(s.data(), s.size()); }

faas::Request to_request(http::request<http::string_body>&& req) {
  faas::Request out;
  out.method = str(req.method_string());
  std::string target = str(req.target());
  size_t q = target.find('?');
  out.path = target.substr(0, q);
  if (q != std::string::npos) out.query = target.substr(q + 1);
  for (const auto& field : req) {
    auto [it, inserted] = out.headers.emplace(str(field.name_string()), str(field.value()));
    if (!inserted) it->second += ", " + str(field.value());
  }
  out.body = std::move(req.body());
  return out;
}

http::response<http::string_body> to_response(faas::Response&& in, unsigned version,
                                              bool keep_alive, bool head) {
  http::response<http::string_body> res{static_cast<http::status>(in.status), version};
  bool has_type = false;
  for (auto& [name, value] : in.headers) {
    has_type = has_type || beast::iequals(name, "content-type");
    res.insert(name, value);
  }
  if (!has_type) res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.keep_alive(keep_alive);
  std::size_t size = in.body.size();
  if (!head) res.body() = std::move(in.body);
  res.content_length(size);
  return res;
}

faas::Response error_response(int status, std::string body) {
  return faas::Response{status, {}, std::move(body)};
}

faas::Response call_handler(http::request<http::string_body>&& req) {
  try {
    return handle(to_request(std::move(req)));
  } catch (const std::exception& e) {
    std::cerr << "handler failed: " << e.what() << std::endl;
  } catch (...) {
    std::cerr << "handler failed with a non-standard exception" << std::endl;
  }
  return error_response(500, "Internal Server Error\n");
}

void write_error(tcp::socket& socket, int status, std::string body) {
  beast::error_code ec;
  auto res = to_response(error_response(status, std::move(body)), 11, false, false);
  http::write(socket, res, ec);
}

void serve(tcp::socket socket, std::uint64_t body_limit) {
  beast::flat_buffer buffer;
  beast::error_code ec;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(body_limit);
    parser.header_limit(1 << 20);
    http::read(socket, buffer, parser, ec);
    if (ec == http::error::end_of_stream) break;
    if (ec == http::error::body_limit) {
      write_error(socket, 413, "Request body too large\n");
      break;
    }
    if (ec) {
      if (ec != net::error::connection_reset) write_error(socket, 400, "Bad request\n");
      break;
    }
    http::request<http::string_body> req = parser.release();
    unsigned version = req.version();
    bool keep_alive = req.keep_alive();
    bool head = req.method() == http::verb::head;
    auto res = to_response(call_handler(std::move(req)), version, keep_alive, head);
    if (head) {
      http::response_serializer<http::string_body> sr{res};
      http::write_header(socket, sr, ec);
    } else {
      http::write(socket, res, ec);
    }
    if (ec || !keep_alive) break;
  }
  socket.shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace

int main() {
  auto port = static_cast<unsigned short>(env_number("http_port", 8082));
  // Bounds what one request can make the process hold in memory (the body is read whole).
  std::uint64_t body_limit = env_number("MAX_BODY_SIZE", 64ull << 20);
  net::io_context io;
  beast::error_code ec;
  tcp::acceptor acceptor{io};
  tcp::endpoint endpoint{net::ip::make_address_v4("127.0.0.1"), port};
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    std::cerr << "cannot listen on 127.0.0.1:" << port << ": " << ec.message() << std::endl;
    return 1;
  }
  std::cout << "cpp-http listening on 127.0.0.1:" << port << std::endl;
  for (;;) {
    tcp::socket socket{io};
    acceptor.accept(socket, ec);
    if (ec) continue;
    std::thread(serve, std::move(socket), body_limit).detach();
  }
}
