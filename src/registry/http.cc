#include "http.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <optional>

#include <curl/curl.h>

#include "faas/registry/errors.h"
#include "faas/registry/reference.h"

namespace faas::registry::detail {
namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

Error unavailable(std::string what) {
  return make_error(make_error_code(Errc::kUnavailable), std::move(what));
}

bool loopback_url(std::string_view url) {
  auto start = url.find("://");
  if (start == std::string_view::npos) return false;
  auto host = url.substr(start + 3);
  host = host.substr(0, host.find('/'));
  host =
      host.starts_with('[') ? host.substr(0, host.find(']') + 1) : host.substr(0, host.find(':'));
  return is_loopback_host(host);
}

// State of one transfer, reached from curl's callbacks.
struct Transfer {
  CURL* curl = nullptr;
  const BodySink* sink = nullptr;
  std::size_t max_body = 0;
  HttpResponse response;
  std::optional<Error> sink_error;
  bool overflow = false;

  bool streaming() {
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    return status == 200 && sink != nullptr && *sink;
  }
};

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    t->response.headers.clear();  // a new response (after a redirect or 100-continue)
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    t->response.headers[lower(std::string(trim(line.substr(0, colon))))] =
        std::string(trim(line.substr(colon + 1)));
  }
  return size * n;
}

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view chunk(data, size * n);
  if (t->streaming()) {
    auto r = (*t->sink)(chunk);
    if (!r) {
      t->sink_error = r.error();
      return CURL_WRITEFUNC_ERROR;
    }
    return chunk.size();
  }
  auto room = t->max_body - std::min(t->max_body, t->response.body.size());
  if (chunk.size() > room) t->overflow = true;
  t->response.body.append(chunk.substr(0, room));
  return chunk.size();
}

}  // namespace

std::string HttpResponse::header(const std::string& lowercase_name) const {
  auto it = headers.find(lowercase_name);
  return it == headers.end() ? std::string() : it->second;
}

struct HttpClient::Impl {
  std::unique_ptr<CURL, CurlDeleter> curl;
  std::chrono::steady_clock::time_point deadline;
};

HttpClient::HttpClient(std::chrono::steady_clock::time_point deadline)
    : impl_(std::make_unique<Impl>()) {
  global_init();
  impl_->curl.reset(curl_easy_init());
  impl_->deadline = deadline;
}

HttpClient::~HttpClient() = default;

Result<HttpResponse> HttpClient::send(const HttpRequest& request, const BodySink& sink,
                                      std::size_t max_body) {
  CURL* c = impl_->curl.get();
  std::string what = request.method + " " + request.url;
  if (c == nullptr) return unavailable(what + ": curl_easy_init failed");
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      impl_->deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return unavailable(what + ": timed out (the pull's deadline passed)");

  curl_easy_reset(c);  // keeps the connection cache, drops the last request's options
  Transfer t;
  t.curl = c;
  t.sink = &sink;
  t.max_body = max_body;
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  for (const auto& h : request.headers)
    headers.reset(curl_slist_append(headers.release(), h.c_str()));
  char errbuf[CURL_ERROR_SIZE] = {};

  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);  // blobs redirect to storage (S3, CDN)
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // we run on worker threads
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(left.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min<long>(left.count(), 30000)));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "faas++/registry");
  // A loopback registry is never reached through a proxy from the environment.
  if (loopback_url(request.url)) curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  if (request.method == "POST") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
  } else if (request.method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  CURLcode code = curl_easy_perform(c);
  if (t.sink_error) return *t.sink_error;
  if (code != CURLE_OK) {
    // Connection refused, DNS, TLS, timeouts, resets: all mean the registry cannot be used now.
    return unavailable(what + ": " + (errbuf[0] != '\0' ? errbuf : curl_easy_strerror(code)));
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &t.response.status);
  if (t.overflow && t.response.status == 200) {
    return invalid_argument(what + ": answer larger than " + std::to_string(max_body) + " bytes");
  }
  return std::move(t.response);
}

std::string url_escape(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace faas::registry::detail
