#include "management.h"

#include "faas/api/json.h"
#include "faas/core/env.h"
#include "faas/http/body.h"
#include "faas/provider/errors.h"
#include "faas/gateway/scaling.h"
#include "faas/version.h"
#include "replies.h"

namespace faas::gateway {

namespace bhttp = http::bhttp;
using bhttp::verb;
using provider::FunctionRef;

namespace {

// The architecture string Go reports as GOARCH.
const char* arch() {
#if defined(__x86_64__)
  return "amd64";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__arm__)
  return "arm";
#else
  return "unknown";
#endif
}

// A /system/logs response in progress.
struct LogStream {
  http::Exchange& x;
  http::StreamingResponse out;
  bool started = false;
  bool client_ok = true;

  http::awaitable<bool> start() {
    started = true;
    x.status = 200;
    x.watch.expires_after(std::chrono::seconds(30));
    client_ok = !co_await out.write_header();
    co_return client_ok;
  }
};

// The sink given to Provider::logs: false once the client is gone, which ends the stream.
http::awaitable<bool> send_log(LogStream& s, api::LogMessage m) {
  if (!s.started && !co_await s.start()) co_return false;
  auto line = api::to_json(m) + "\n";
  s.x.watch.expires_after(std::chrono::seconds(30));
  if (co_await s.out.write(line)) co_return s.client_ok = false;
  s.x.response_bytes += line.size();
  co_return true;
}

}  // namespace

http::awaitable<Result<std::string>> ManagementApi::body(http::Exchange& x) {
  x.watch.expires_after(std::chrono::seconds(30));
  auto text = co_await http::read_body_all(x.stream, x.buffer, x.parser, options_.max_body);
  x.watch.expires_never();
  co_return text;
}

std::string ManagementApi::namespace_of(const http::Exchange& x, const std::string& from_body) const {
  if (!from_body.empty()) return from_body;
  auto q = query_param(x.request().target(), "namespace");
  return q.empty() ? options_.default_namespace : q;
}

http::awaitable<void> ManagementApi::handle(http::Exchange& x, const RouteMatch& route) {
  switch (route.route) {
    case Route::kFunctions: co_return co_await functions(x);
    case Route::kFunctionStatus: co_return co_await function_status(x, route.name);
    case Route::kScale: co_return co_await scale(x, route.name);
    case Route::kInfo: co_return co_await info(x);
    case Route::kAlert: co_return co_await alert(x);
    case Route::kSecrets: co_return co_await secrets(x);
    case Route::kLogs: co_return co_await logs(x);
    case Route::kNamespaces: co_return co_await namespaces(x);
    case Route::kNamespace: co_return co_await namespace_(x, route.name);
    case Route::kImages: co_return co_await images(x);
    default: co_await reply(x, 404, "404 page not found\n");
  }
}

http::awaitable<void> ManagementApi::functions(http::Exchange& x) {
  const auto method = x.request().method();
  if (method == verb::get) {
    auto list = co_await provider_.list(namespace_of(x, ""));
    if (!list) co_return co_await reply_error(x, list.error());
    for (auto& f : *list) f.invocation_count = counts_ ? counts_(f.name + "." + f.namespace_) : 0;
    co_return co_await reply_json(x, 200, api::to_json(*list));
  }
  auto text = co_await body(x);
  if (!text) co_return co_await reply(x, 413, text.error().message() + "\n");
  if (method == verb::delete_) {
    auto req = api::parse_delete_request(*text);
    if (!req) co_return co_await reply_error(x, req.error());
    if (req->function_name.empty()) co_return co_await reply(x, 400, "functionName: required\n");
    FunctionRef ref{req->function_name, namespace_of(x, req->namespace_)};
    auto r = co_await provider_.remove(ref);
    if (!r) co_return co_await reply_error(x, r.error());
    if (on_change_) on_change_(ref);
    co_return co_await reply(x, 202, "");
  }
  auto spec = api::parse_deployment(*text);
  if (!spec) co_return co_await reply_error(x, spec.error());
  if (auto v = api::validate_name("service", spec->service); !v) co_return co_await reply_error(x, v.error());
  spec->namespace_ = namespace_of(x, spec->namespace_);
  if (auto v = api::validate_name("namespace", spec->namespace_); !v) co_return co_await reply_error(x, v.error());
  FunctionRef ref{spec->service, spec->namespace_};
  // if/else, not ?: between two co_awaits: GCC 12 destroys such temporaries twice.
  Result<void> r;
  if (method == verb::post) {
    r = co_await provider_.deploy(std::move(*spec));
  } else {
    r = co_await provider_.update(std::move(*spec));
  }
  if (!r) co_return co_await reply_error(x, r.error());
  if (on_change_) on_change_(ref);
  co_await reply(x, 202, "");
}

http::awaitable<void> ManagementApi::function_status(http::Exchange& x, const std::string& name) {
  auto ref = provider::parse_function_ref(name, namespace_of(x, ""));
  auto st = co_await provider_.status(ref);
  if (!st) co_return co_await reply_error(x, st.error());
  co_await reply_json(x, 200, api::to_json(*st));
}

http::awaitable<void> ManagementApi::scale(http::Exchange& x, const std::string& name) {
  auto text = co_await body(x);
  if (!text) co_return co_await reply(x, 413, text.error().message() + "\n");
  auto req = api::parse_scale_request(*text);
  if (!req) co_return co_await reply_error(x, req.error());
  // The path names the function; OpenFaaS ignores serviceName in the body the same way.
  auto ref = provider::parse_function_ref(name, namespace_of(x, req->namespace_));
  auto r = co_await provider_.scale(ref, req->replicas);
  if (!r) co_return co_await reply_error(x, r.error());
  if (on_change_) on_change_(ref);
  co_await reply(x, 202, "");
}

http::awaitable<void> ManagementApi::info(http::Exchange& x) {
  auto p = co_await provider_.info();
  if (!options_.gateway_role) {
    if (!p) co_return co_await reply_error(x, p.error());
    co_return co_await reply_json(x, 200, api::to_json(*p));
  }
  api::GatewayInfo g;
  if (p) g.provider = *p;
  g.version = {.commit_message = "See GitHub for latest changes", .sha = kGitSha, .release = kVersion};
  g.arch = arch();
  co_await reply_json(x, 200, api::to_json(g));
}

// AlertManager's webhook (reference §11.2): each firing alert for a function adds replicas by its
// scale factor up to its max; a resolved one returns it to its min. Errors are numbered in a 500.
http::awaitable<void> ManagementApi::alert(http::Exchange& x) {
  auto text = co_await body(x);
  if (!text) co_return co_await reply(x, 413, text.error().message() + "\n");
  auto alert = api::parse_alert(*text);
  if (!alert) co_return co_await reply(x, 400, "Unable to parse alert, bad format.\n");
  std::string errors;
  int n = 0;
  for (const auto& item : alert->alerts) {
    auto name = item.labels.find("function_name");
    if (name == item.labels.end()) continue;
    auto ref = provider::parse_function_ref(name->second, options_.default_namespace);
    auto st = co_await provider_.status(ref);
    Result<void> r;
    if (!st) {
      r = st.error();
    } else if (auto target = alert_target(scale_limits(st->labels), st->replicas,
                                          item.status == "firing")) {
      r = co_await provider_.scale(ref, *target);
      if (r && on_change_) on_change_(ref);
    }
    if (!r) errors += "[" + std::to_string(++n) + "] " + r.error().message() + "\n";
  }
  if (!errors.empty()) co_return co_await reply(x, 500, errors);
  co_await reply(x, 200, "");
}

http::awaitable<void> ManagementApi::secrets(http::Exchange& x) {
  const auto method = x.request().method();
  if (method == verb::get) {
    auto list = co_await provider_.list_secrets(namespace_of(x, ""));
    if (!list) co_return co_await reply_error(x, list.error());
    co_return co_await reply_json(x, 200, api::to_json(*list));
  }
  auto text = co_await body(x);
  if (!text) co_return co_await reply(x, 413, text.error().message() + "\n");
  auto secret = api::parse_secret(*text);
  if (!secret) co_return co_await reply_error(x, secret.error());
  // OpenFaaS reads the namespace of a DELETE from the query only, while faas-cli sends it in the
  // body; both are honoured here.
  secret->namespace_ = namespace_of(x, secret->namespace_);
  if (secret->name.empty()) co_return co_await reply(x, 400, "name: required\n");
  Result<void> r;
  if (method == verb::post) {
    r = co_await provider_.create_secret(std::move(*secret));
  } else if (method == verb::put) {
    r = co_await provider_.update_secret(std::move(*secret));
  } else {
    r = co_await provider_.remove_secret(std::move(*secret));
  }
  if (!r) co_return co_await reply_error(x, r.error());
  co_await reply(x, method == verb::post ? 201 : 200, "");
}

// NDJSON, one message per line, each written (flushed) as the provider delivers it. The status
// line waits for the first message, so a provider error still becomes a proper error status.
http::awaitable<void> ManagementApi::logs(http::Exchange& x) {
  const auto target = x.request().target();
  provider::LogRequest req;
  auto name = query_param(target, "name");
  if (name.empty()) co_return co_await reply(x, 422, "name: required\n");
  req.function = provider::parse_function_ref(name, namespace_of(x, ""));
  req.instance = query_param(target, "instance");
  if (auto tail = query_param(target, "tail"); !tail.empty()) {
    auto n = parse_int(tail, -1'000'000'000, 1'000'000'000);
    if (!n) co_return co_await reply(x, 422, "tail: " + n.error().message() + "\n");
    req.tail = *n;
  }
  req.follow = parse_bool(query_param(target, "follow"), false);
  if (auto since = query_param(target, "since"); !since.empty()) {
    auto t = api::parse_rfc3339(since);
    if (!t) co_return co_await reply(x, 422, "since: " + t.error().message() + "\n");
    req.since = *t;
  }
  bhttp::response<bhttp::buffer_body> head{bhttp::status::ok, x.version()};
  head.set(bhttp::field::content_type, "application/x-ndjson");
  head.keep_alive(false);  // a log stream ends with its connection
  x.keep_alive = false;
  LogStream stream{.x = x, .out = http::StreamingResponse(x.stream, std::move(head))};
  // A named sink, not a temporary in the co_await: GCC 12 frees such by-value temporaries wrongly.
  provider::LogSink sink = [&stream](const api::LogMessage& m) { return send_log(stream, m); };
  auto r = co_await provider_.logs(std::move(req), std::move(sink));
  if (!stream.started) {
    if (!r) co_return co_await reply_error(x, r.error());
    if (!co_await stream.start()) co_return;
  }
  if (stream.client_ok) co_await stream.out.finish();
}

http::awaitable<void> ManagementApi::namespaces(http::Exchange& x) {
  auto list = co_await provider_.list_namespaces();
  if (!list) co_return co_await reply_error(x, list.error());
  co_await reply_json(x, 200, api::to_json(*list));
}

http::awaitable<void> ManagementApi::namespace_(http::Exchange& x, const std::string& name) {
  const auto method = x.request().method();
  if (method == verb::get) {
    auto ns = co_await provider_.get_namespace(name);
    if (!ns) co_return co_await reply_error(x, ns.error());
    co_return co_await reply_json(x, 200, api::to_json(*ns));
  }
  if (method == verb::delete_) {
    auto r = co_await provider_.remove_namespace(name);
    if (!r) co_return co_await reply_error(x, r.error());
    co_return co_await reply(x, 202, "");
  }
  auto text = co_await body(x);
  if (!text) co_return co_await reply(x, 413, text.error().message() + "\n");
  auto ns = api::parse_namespace(*text);
  if (!ns) co_return co_await reply_error(x, ns.error());
  ns->name = name;
  if (auto v = api::validate_name("name", name); !v) co_return co_await reply_error(x, v.error());
  Result<void> r;
  if (method == verb::post) {
    r = co_await provider_.create_namespace(std::move(*ns));
  } else {
    r = co_await provider_.update_namespace(std::move(*ns));
  }
  if (!r) co_return co_await reply_error(x, r.error());
  co_await reply(x, method == verb::post ? 201 : 202, "");
}

}  // namespace faas::gateway
