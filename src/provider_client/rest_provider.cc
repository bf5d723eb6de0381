#include "faas/provider_client/rest_provider.h"

#include "faas/api/json.h"
#include "faas/core/base64.h"
#include "faas/provider/errors.h"

#include "wire.h"

namespace faas::provider_client {

namespace bhttp = boost::beast::http;
using provider::FunctionRef;
using provider::Task;

namespace {
Result<void> done(const Result<http::ClientResponse>& r) {
  if (!r) return r.error();
  return {};
}

std::string function_path(std::string_view base, std::string_view name) {
  return std::string(base) + "/" + percent_encode(name);
}

// Built outside the coroutines: GCC 12 rejects braced pair lists inside them ("array used as
// initializer").
std::string with_namespace(std::string_view path, const std::string& namespace_) {
  return make_target(path, {{"namespace", namespace_}});
}
}  // namespace

Result<std::unique_ptr<RestProvider>> RestProvider::create(const boost::asio::any_io_executor& ex,
                                                           RestProviderConfig config) {
  http::ClientOptions options;
  options.max_body = config.max_body;
  options.user_agent = "faas++-gateway";
  auto client = http::Client::create(ex, config.base_url, std::move(options));
  if (!client) return client.error();
  return std::unique_ptr<RestProvider>(new RestProvider(std::move(*client), std::move(config)));
}

RestProvider::RestProvider(http::Client client, RestProviderConfig config)
    : client_(std::move(client)), config_(std::move(config)) {
  if (config_.credentials) {
    authorization_ =
        "Basic " + base64_encode(config_.credentials->user + ":" + config_.credentials->password);
  }
}

http::ClientRequest RestProvider::make_request(bhttp::verb method, std::string target,
                                               std::string body) const {
  http::ClientRequest r;
  r.method = method;
  r.target = std::move(target);
  r.timeout = config_.timeout;
  if (!authorization_.empty()) r.headers.emplace_back("Authorization", authorization_);
  if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

boost::asio::awaitable<Result<http::ClientResponse>> RestProvider::call(
    http::ClientRequest request) {
  std::string what = std::string(bhttp::to_string(request.method)) + " " + request.target;
  auto r = co_await client_.request(std::move(request));
  if (!r) co_return transport_error(r.error());
  if (!is_success(r->status)) co_return status_error(r->status, r->body, what);
  co_return std::move(*r);
}

template <class T>
boost::asio::awaitable<Result<T>> RestProvider::get_json(std::string target,
                                                         Result<T> (*parse)(std::string_view)) {
  std::string what = "GET " + target;
  auto r = co_await call(make_request(bhttp::verb::get, std::move(target)));
  if (!r) co_return r.error();
  auto value = parse(r->body);
  if (!value) co_return decode_error(value.error(), what);
  co_return std::move(*value);
}

// --- functions ---

Task<void> RestProvider::deploy(api::FunctionDeployment spec) {
  co_return done(
      co_await call(make_request(bhttp::verb::post, "/system/functions", api::to_json(spec))));
}

Task<void> RestProvider::update(api::FunctionDeployment spec) {
  co_return done(
      co_await call(make_request(bhttp::verb::put, "/system/functions", api::to_json(spec))));
}

Task<void> RestProvider::remove(FunctionRef fn) {
  auto body = api::to_json(api::DeleteFunctionRequest{fn.name, fn.namespace_});
  auto target = with_namespace("/system/functions", fn.namespace_);
  co_return done(co_await call(make_request(bhttp::verb::delete_, target, std::move(body))));
}

Task<std::vector<api::FunctionStatus>> RestProvider::list(std::string namespace_) {
  co_return co_await get_json(with_namespace("/system/functions", namespace_),
                              &api::parse_function_list);
}

Task<api::FunctionStatus> RestProvider::status(FunctionRef fn) {
  co_return co_await get_json(
      with_namespace(function_path("/system/function", fn.name), fn.namespace_),
      &api::parse_function_status);
}

Task<void> RestProvider::scale(FunctionRef fn, std::uint64_t replicas) {
  auto body = api::to_json(api::ScaleServiceRequest{fn.name, replicas, fn.namespace_});
  auto target = with_namespace(function_path("/system/scale-function", fn.name), fn.namespace_);
  co_return done(co_await call(make_request(bhttp::verb::post, target, std::move(body))));
}

Task<std::vector<provider::Replica>> RestProvider::replicas(FunctionRef fn) {
  auto s = co_await status(fn);
  if (!s) co_return s.error();
  std::vector<provider::Replica> out;
  if (s->available_replicas == 0) co_return out;
  const std::string& ns = fn.namespace_.empty() ? s->namespace_ : fn.namespace_;
  provider::Replica r;
  r.id = config_.base_url;
  r.endpoint = client_.endpoint();
  r.path_prefix = client_.path_prefix() + "/function/" + fn.name + (ns.empty() ? "" : "." + ns);
  out.push_back(std::move(r));
  co_return out;
}

// --- secrets ---

Task<std::vector<api::Secret>> RestProvider::list_secrets(std::string namespace_) {
  co_return co_await get_json(with_namespace("/system/secrets", namespace_),
                              &api::parse_secret_list);
}

Task<void> RestProvider::create_secret(api::Secret secret) {
  co_return done(
      co_await call(make_request(bhttp::verb::post, "/system/secrets", api::to_json(secret))));
}

Task<void> RestProvider::update_secret(api::Secret secret) {
  co_return done(
      co_await call(make_request(bhttp::verb::put, "/system/secrets", api::to_json(secret))));
}

Task<void> RestProvider::remove_secret(api::Secret secret) {
  auto body = api::to_json(api::Secret{secret.name, secret.namespace_, {}, {}});
  auto target = with_namespace("/system/secrets", secret.namespace_);
  co_return done(co_await call(make_request(bhttp::verb::delete_, target, std::move(body))));
}

// --- namespaces ---

Task<std::vector<std::string>> RestProvider::list_namespaces() {
  co_return co_await get_json(std::string("/system/namespaces"), &api::parse_string_list);
}

Task<api::FunctionNamespace> RestProvider::get_namespace(std::string name) {
  co_return co_await get_json(function_path("/system/namespace", name), &api::parse_namespace);
}

Task<void> RestProvider::create_namespace(api::FunctionNamespace ns) {
  auto target = function_path("/system/namespace", ns.name);
  co_return done(co_await call(make_request(bhttp::verb::post, target, api::to_json(ns))));
}

Task<void> RestProvider::update_namespace(api::FunctionNamespace ns) {
  auto target = function_path("/system/namespace", ns.name);
  co_return done(co_await call(make_request(bhttp::verb::put, target, api::to_json(ns))));
}

Task<void> RestProvider::remove_namespace(std::string name) {
  co_return done(
      co_await call(make_request(bhttp::verb::delete_, function_path("/system/namespace", name))));
}

// --- info, health ---

Task<api::ProviderInfo> RestProvider::info() {
  co_return co_await get_json(std::string("/system/info"), &api::parse_provider_info);
}

Task<void> RestProvider::health() {
  co_return done(co_await call(make_request(bhttp::verb::get, "/healthz")));
}

}  // namespace faas::provider_client
