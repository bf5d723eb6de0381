#include "replies.h"

#include "faas/http/body.h"
#include "faas/provider/errors.h"

namespace faas::gateway {

http::awaitable<void> reply(http::Exchange& x, unsigned status, std::string body,
                            std::string content_type, http::HeaderList headers) {
  x.status = status;
  x.response_bytes = body.size();
  x.keep_alive = x.keep_alive && x.parser.is_done();
  http::TextResponse r{.status = static_cast<http::bhttp::status>(status),
                       .body = std::move(body),
                       .content_type = std::move(content_type),
                       .headers = std::move(headers)};
  r.version = x.version();
  r.keep_alive = x.keep_alive;
  r.head_only = x.request().method() == http::bhttp::verb::head;
  x.watch.expires_after(std::chrono::seconds(30));
  if (co_await http::write_response(x.stream, std::move(r))) x.keep_alive = false;
}

http::awaitable<void> reply_error(http::Exchange& x, const Error& error) {
  auto text = error.context.empty() ? error.code.message() : error.context;
  co_await reply(x, provider::http_status(error), text + "\n");
}

std::string_view query_of(std::string_view target) {
  auto q = target.find('?');
  return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

namespace {

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Calls f(key, raw value) for each parameter until f returns true.
template <class F>
bool each_param(std::string_view target, F f) {
  auto q = query_of(target);
  while (!q.empty()) {
    auto amp = q.find('&');
    auto part = q.substr(0, amp);
    auto eq = part.find('=');
    auto key = part.substr(0, eq);
    auto value = eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
    if (f(key, value)) return true;
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return false;
}

}  // namespace

std::string query_param(std::string_view target, std::string_view key) {
  std::string out;
  each_param(target, [&](std::string_view k, std::string_view v) {
    if (percent_decode(k) != key) return false;
    out = percent_decode(v);
    return true;
  });
  return out;
}

bool has_query_param(std::string_view target, std::string_view key) {
  return each_param(target, [&](std::string_view k, std::string_view) { return percent_decode(k) == key; });
}

}  // namespace faas::gateway
