#include "static_handler.h"

#include <sys/stat.h>

#include "faas/http/body.h"
#include "faas/watchdog/cgi_env.h"

namespace faas::watchdog {

namespace bhttp = http::bhttp;

std::string_view mime_type(std::string_view path) {
  auto dot = path.rfind('.');
  std::string_view ext = dot == std::string_view::npos ? "" : path.substr(dot);
  if (ext == ".html" || ext == ".htm") return "text/html; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".gif") return "image/gif";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".wasm") return "application/wasm";
  if (ext == ".xml") return "application/xml";
  return "application/octet-stream";
}

std::string resolve_static_path(const std::string& root, std::string_view url_path) {
  std::string out = root;
  // "/srv/" -> "/srv", but "/" stays "/" (a trailing '/' is added per segment below).
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  if (out == "/") out.clear();
  size_t i = 0;
  while (i <= url_path.size()) {
    size_t j = url_path.find('/', i);
    if (j == std::string_view::npos) j = url_path.size();
    auto seg = url_path.substr(i, j - i);
    if (seg == "..") return {};
    if (seg.find('\0') != std::string_view::npos) return {};
    if (!seg.empty() && seg != ".") {
      out += '/';
      out += seg;
    }
    i = j + 1;
  }
  if (out.empty()) out = "/";
  struct stat st{};
  if (::stat(out.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    out += out.back() == '/' ? "index.html" : "/index.html";
  }
  return out;
}

http::awaitable<void> StaticHandler::serve(Exchange& x) {
  const auto method = x.request().method();
  x.keep_alive = x.request().keep_alive();
  auto fail = [&](bhttp::status s, std::string body) -> http::awaitable<void> {  // NOLINT
    x.status = static_cast<unsigned>(s);
    http::TextResponse r{.status = s, .body = std::move(body)};
    r.version = x.version();
    r.keep_alive = x.keep_alive;
    co_await http::write_response(x.stream, std::move(r));
  };
  if (method != bhttp::verb::get && method != bhttp::verb::head) {
    co_await fail(bhttp::status::method_not_allowed, "Method not allowed\n");
    co_return;
  }
  std::string path = resolve_static_path(config_.static_path, split_target(x.request().target()).path);
  bhttp::file_body::value_type file;
  http::beast::error_code ec;
  if (!path.empty()) file.open(path.c_str(), http::beast::file_mode::scan, ec);
  if (path.empty() || ec) {
    co_await fail(bhttp::status::not_found, "404 page not found\n");
    co_return;
  }
  bhttp::response<bhttp::file_body> res{bhttp::status::ok, x.version()};
  res.set(bhttp::field::content_type, mime_type(path));
  res.keep_alive(x.keep_alive);
  res.body() = std::move(file);
  res.prepare_payload();
  x.status = 200;
  x.response_bytes = res.body().size();
  x.stream.expires_after(config_.write_timeout);
  if (method == bhttp::verb::head) {
    bhttp::response_serializer<bhttp::file_body> sr(res);
    auto [wec, n] = co_await bhttp::async_write_header(x.stream, sr, http::use_nothrow);
    if (wec) x.keep_alive = false;
    co_return;
  }
  auto [wec, n] = co_await bhttp::async_write(x.stream, res, http::use_nothrow);
  if (wec) x.keep_alive = false;
}

}  // namespace faas::watchdog
