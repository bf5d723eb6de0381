#include "faas/cli/client.h"

#include <nlohmann/json.hpp>

#include "faas/api/json.h"

namespace faas::cli {
namespace {

bool is_success(long status) { return status >= 200 && status <= 202; }

std::string trimmed(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
    s.remove_suffix(1);
  return std::string(s);
}

template <class T>
Result<T> decoded(Result<T> r, std::string_view what) {
  if (!r) return invalid_argument(std::string(what) + ": bad response: " + r.error().message());
  return r;
}

}  // namespace

std::string namespace_query(std::string_view ns) {
  return ns.empty() ? std::string() : "?namespace=" + url_encode(ns);
}

Result<HttpResponse> GatewayClient::call(std::string method, std::string_view path_and_query,
                                         std::optional<std::string> body, HeaderList headers,
                                         bool authenticated, const BodySink& sink) const {
  HttpRequest req;
  req.method = std::move(method);
  req.url = options_.gateway + std::string(path_and_query);
  req.headers = std::move(headers);
  if (authenticated && options_.authorization) {
    req.headers.emplace_back("Authorization", *options_.authorization);
  }
  if (body && req.method != "GET") req.headers.emplace_back("Content-Type", "application/json");
  req.body = std::move(body);
  req.timeout = sink ? std::chrono::milliseconds(0) : options_.timeout;
  req.tls_no_verify = options_.tls_no_verify;
  auto r = http_request(req, sink);
  if (!r) {
    return invalid_argument("cannot connect to gateway at " + options_.gateway + ": " +
                            r.error().message());
  }
  return r;
}

Result<HttpResponse> GatewayClient::expect_ok(Result<HttpResponse> r, std::string_view what) {
  if (!r || is_success(r->status)) return r;
  std::string message = std::string(what) + ": " + status_text(r->status);
  if (r->status == 401) {
    message +=
        ": unauthorized access, run \"faas-cli login\" to set up authentication for "
        "this gateway";
  } else if (std::string body = trimmed(r->body); !body.empty()) {
    message += ": " + body;
  }
  return invalid_argument(message);
}

Result<std::vector<api::FunctionStatus>> GatewayClient::list_functions(std::string_view ns) const {
  auto r = expect_ok(call("GET", "/system/functions" + namespace_query(ns), {}), "list functions");
  if (!r) return r.error();
  return decoded(api::parse_function_list(r->body), "list functions");
}

Result<api::FunctionStatus> GatewayClient::get_function(std::string_view name,
                                                        std::string_view ns) const {
  std::string what = "function " + std::string(name);
  auto r = call("GET", "/system/function/" + url_encode(name) + namespace_query(ns), {});
  if (r && r->status == 404) return invalid_argument(what + ": not found");
  r = expect_ok(std::move(r), what);
  if (!r) return r.error();
  return decoded(api::parse_function_status(r->body), what);
}

Result<long> GatewayClient::deploy(const api::FunctionDeployment& d, DeployMode mode) const {
  std::string what = "deploy " + d.service;
  std::string body = api::to_json(d);
  if (mode == DeployMode::kReplace) {
    auto removed = call("DELETE", "/system/functions",
                        api::to_json(api::DeleteFunctionRequest{d.service, d.namespace_}));
    if (!removed) return removed.error();  // 404 is fine: nothing to replace
  }
  if (mode == DeployMode::kUpdate) {
    auto put = call("PUT", "/system/functions", body);
    if (put && put->status != 404) {
      put = expect_ok(std::move(put), what);
      if (!put) return put.error();
      return put->status;
    }
    if (!put) return put.error();
  }
  auto post = expect_ok(call("POST", "/system/functions", body), what);
  if (!post) return post.error();
  return post->status;
}

Result<void> GatewayClient::remove_function(std::string_view name, std::string_view ns) const {
  std::string what = "remove " + std::string(name);
  auto r = call("DELETE", "/system/functions",
                api::to_json(api::DeleteFunctionRequest{std::string(name), std::string(ns)}));
  if (r && r->status == 404) return invalid_argument(what + ": function not found");
  r = expect_ok(std::move(r), what);
  if (!r) return r.error();
  return {};
}

Result<void> GatewayClient::scale(const api::ScaleServiceRequest& request) const {
  std::string what = "scale " + request.service_name;
  auto r = expect_ok(call("POST",
                          "/system/scale-function/" + url_encode(request.service_name) +
                              namespace_query(request.namespace_),
                          api::to_json(request)),
                     what);
  if (!r) return r.error();
  return {};
}

Result<std::vector<api::Secret>> GatewayClient::list_secrets(std::string_view ns) const {
  auto r = expect_ok(call("GET", "/system/secrets" + namespace_query(ns), {}), "list secrets");
  if (!r) return r.error();
  return decoded(api::parse_secret_list(r->body), "list secrets");
}

Result<long> GatewayClient::create_secret(const api::Secret& secret, bool replace) const {
  std::string what = "create secret " + secret.name;
  auto r = call("POST", "/system/secrets", api::to_json(secret));
  if (r && r->status == 409) {
    if (replace) return update_secret(secret);
    return invalid_argument(what + ": secret already exists (use `faas-cli secret update`)");
  }
  r = expect_ok(std::move(r), what);
  if (!r) return r.error();
  return r->status;
}

Result<long> GatewayClient::update_secret(const api::Secret& secret) const {
  std::string what = "update secret " + secret.name;
  auto r = call("PUT", "/system/secrets", api::to_json(secret));
  if (r && r->status == 404) return invalid_argument(what + ": secret not found");
  r = expect_ok(std::move(r), what);
  if (!r) return r.error();
  return r->status;
}

Result<void> GatewayClient::remove_secret(std::string_view name, std::string_view ns) const {
  std::string what = "remove secret " + std::string(name);
  api::Secret s{std::string(name), std::string(ns), {}, {}};
  auto r = call("DELETE", "/system/secrets", api::to_json(s));
  if (r && r->status == 404) return invalid_argument(what + ": secret not found");
  r = expect_ok(std::move(r), what);
  if (!r) return r.error();
  return {};
}

Result<std::string> GatewayClient::upload_image(const std::filesystem::path& archive,
                                                std::string_view name, std::string_view ns,
                                                const UploadProgress& progress) const {
  std::string what = "upload " + std::string(name);
  HttpRequest req;
  req.method = "POST";
  req.url = options_.gateway + "/system/images?name=" + url_encode(name) +
            (ns.empty() ? "" : "&namespace=" + url_encode(ns));
  req.headers.emplace_back("Content-Type", "application/x-tar");
  if (options_.authorization) req.headers.emplace_back("Authorization", *options_.authorization);
  req.body_file = archive;
  req.on_upload_progress = progress;
  req.timeout = std::chrono::milliseconds(0);  // size-bound, not time-bound
  req.tls_no_verify = options_.tls_no_verify;
  auto r = http_request(req);
  if (!r) {
    return invalid_argument("cannot upload " + std::string(name) + " to gateway at " +
                            options_.gateway + ": " + r.error().message());
  }
  if (r->status == 501 || r->status == 404 || r->status == 405) {
    return invalid_argument(what + ": " + status_text(r->status) +
                            ": the gateway has no image store (registry-less deploy needs a "
                            "single-node faasd with the containerd runtime); give the image a "
                            "registry, e.g. 127.0.0.1:5000/" +
                            std::string(name));
  }
  if (r->status == 413) {
    std::error_code ec;
    auto size = std::filesystem::file_size(archive, ec);
    std::string limit = trimmed(r->body);
    return invalid_argument(what + ": 413 image archive too large for the gateway (" +
                            std::to_string(ec ? 0 : size) + " bytes)" +
                            (limit.empty() ? "" : ": " + limit));
  }
  auto ok = expect_ok(std::move(r), what);
  if (!ok) return ok.error();
  auto doc = nlohmann::json::parse(ok->body, nullptr, false);
  if (!doc.is_object() || !doc.contains("image") || !doc["image"].is_string()) {
    return invalid_argument(what + ": bad response: " + trimmed(ok->body));
  }
  return doc["image"].get<std::string>();
}

Result<std::vector<std::string>> GatewayClient::list_namespaces() const {
  auto r = expect_ok(call("GET", "/system/namespaces", {}), "list namespaces");
  if (!r) return r.error();
  return decoded(api::parse_string_list(r->body), "list namespaces");
}

Result<api::GatewayInfo> GatewayClient::info() const {
  auto r = expect_ok(call("GET", "/system/info", {}), "gateway info");
  if (!r) return r.error();
  return decoded(api::parse_gateway_info(r->body), "gateway info");
}

Result<bool> GatewayClient::healthy() const {
  auto r = call("GET", "/healthz", {}, {}, false);
  if (!r) return r.error();
  return r->status == 200;
}

Result<void> GatewayClient::logs(
    const LogQuery& q, const std::function<void(const api::LogMessage&)>& on_message) const {
  std::string path = "/system/logs?name=" + url_encode(q.name);
  if (!q.namespace_.empty()) path += "&namespace=" + url_encode(q.namespace_);
  if (!q.instance.empty()) path += "&instance=" + url_encode(q.instance);
  path += q.follow ? "&follow=true" : "&follow=false";
  if (q.tail >= 0) path += "&tail=" + std::to_string(q.tail);
  if (!q.since.empty()) path += "&since=" + url_encode(q.since);
  std::string pending;  // a partial NDJSON line between chunks
  auto sink = [&](std::string_view chunk) {
    pending.append(chunk);
    size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      std::string line = pending.substr(0, nl);
      pending.erase(0, nl + 1);
      if (line.empty() || line == "\r") continue;
      // A line that is not a log message (a proxy's banner, a truncated write) is skipped.
      if (auto m = api::parse_log_message(line)) on_message(*m);
    }
    return true;
  };
  auto r = expect_ok(call("GET", path, {}, {}, true, sink), "logs " + q.name);
  if (!r) return r.error();
  if (!pending.empty()) {
    if (auto m = api::parse_log_message(pending)) on_message(*m);
  }
  return {};
}

}  // namespace faas::cli
