// Short names for the Boost.Asio / Beast types every HTTP module uses.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace faas::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using error_code = boost::system::error_code;

template <class T = void>
using awaitable = boost::asio::awaitable<T>;

// co_await op(..., use_nothrow) yields a tuple (error_code, ...) instead of throwing:
// the request path never throws (STYLE.md 2.3).
inline constexpr auto use_nothrow = boost::asio::as_tuple(boost::asio::use_awaitable);

using RequestParser = bhttp::request_parser<bhttp::buffer_body>;
using ResponseParser = bhttp::response_parser<bhttp::buffer_body>;
using RequestHeader = bhttp::request_header<>;
using ResponseHeader = bhttp::response_header<>;

}  // namespace faas::http
