#include "faas/cli/http_client.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include <curl/curl.h>
#include <strings.h>

namespace faas::cli {
namespace {

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl_global_cleanup(); }
};

void ensure_curl_global() { static CurlGlobal global; }

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct FileDeleter {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

struct Transfer {
  HttpResponse response;
  const BodySink* sink = nullptr;
  bool stopped = false;
  long status = 0;  // from the latest status line
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view chunk(data, size * count);
  if (*t->sink && t->status >= 200 && t->status < 300) {
    if (!(*t->sink)(chunk)) {
      t->stopped = true;
      return 0;  // makes curl abort with CURLE_WRITE_ERROR, which we treat as success
    }
  } else {
    t->response.body.append(chunk);
  }
  return chunk.size();
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {  // a new response (100 Continue, redirects)
    t->response.headers.clear();
    auto sp = line.find(' ');
    t->status =
        sp == std::string_view::npos ? 0 : std::atol(std::string(line.substr(sp + 1, 3)).c_str());
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.remove_suffix(1);
    t->response.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return line.size();
}

size_t on_read(char* buffer, size_t size, size_t count, void* user) {
  return std::fread(buffer, 1, size * count, static_cast<std::FILE*>(user));
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t total, curl_off_t sent) {
  const auto* request = static_cast<const HttpRequest*>(user);
  request->on_upload_progress(static_cast<std::uint64_t>(sent), static_cast<std::uint64_t>(total));
  return 0;
}

// Streams request.body_file as the body; `file` keeps it open for the transfer.
Result<void> set_file_body(CURL* c, const HttpRequest& request,
                           std::unique_ptr<std::FILE, FileDeleter>& file) {
  std::error_code ec;
  auto size = std::filesystem::file_size(*request.body_file, ec);
  if (ec) return make_error(ec, "cannot read " + request.body_file->string());
  file.reset(std::fopen(request.body_file->c_str(), "rb"));
  if (!file) return errno_error(errno, "cannot open " + request.body_file->string());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);  // a read-callback body, with our method below
  curl_easy_setopt(c, CURLOPT_READFUNCTION, &on_read);
  curl_easy_setopt(c, CURLOPT_READDATA, file.get());
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(size));
  return {};
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && ::strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  }
  return {};
}

Result<HttpResponse> http_request(const HttpRequest& request, const BodySink& sink) {
  ensure_curl_global();
  std::unique_ptr<CURL, EasyDeleter> curl(curl_easy_init());
  if (!curl) return invalid_argument("cannot initialise libcurl");
  CURL* c = curl.get();
  Transfer transfer;
  transfer.sink = &sink;
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method == "HEAD") curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10'000L);
  if (request.tls_no_verify) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  std::unique_ptr<std::FILE, FileDeleter> file;
  if (request.body_file) {
    if (auto ok = set_file_body(c, request, file); !ok) return ok.error();
  } else if (request.body) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body->data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body->size()));
  }
  if (request.on_upload_progress) {
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &request);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  }
  curl_slist* raw = nullptr;
  for (const auto& [k, v] : request.headers) raw = curl_slist_append(raw, (k + ": " + v).c_str());
  // curl adds "Expect: 100-continue" to large bodies; gateways do not need the round trip.
  raw = curl_slist_append(raw, "Expect:");
  std::unique_ptr<curl_slist, SlistDeleter> headers(raw);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());

  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && transfer.stopped)) {
    return invalid_argument(curl_easy_strerror(rc));
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &transfer.response.status);
  return std::move(transfer.response);
}

std::string status_text(long status) {
  const char* text = nullptr;
  switch (status) {
    case 200:
      text = "OK";
      break;
    case 201:
      text = "Created";
      break;
    case 202:
      text = "Accepted";
      break;
    case 204:
      text = "No Content";
      break;
    case 400:
      text = "Bad Request";
      break;
    case 401:
      text = "Unauthorized";
      break;
    case 403:
      text = "Forbidden";
      break;
    case 404:
      text = "Not Found";
      break;
    case 405:
      text = "Method Not Allowed";
      break;
    case 409:
      text = "Conflict";
      break;
    case 422:
      text = "Unprocessable Entity";
      break;
    case 429:
      text = "Too Many Requests";
      break;
    case 500:
      text = "Internal Server Error";
      break;
    case 501:
      text = "Not Implemented";
      break;
    case 502:
      text = "Bad Gateway";
      break;
    case 503:
      text = "Service Unavailable";
      break;
    case 504:
      text = "Gateway Timeout";
      break;
    default:
      break;
  }
  return text ? std::to_string(status) + " " + text : std::to_string(status);
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : text) {
    if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
        ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

}  // namespace faas::cli
