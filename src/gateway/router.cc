#include "faas/gateway/router.h"

#include <algorithm>
#include <initializer_list>

namespace faas::gateway {

using boost::beast::http::verb;

namespace {

struct Fixed {
  std::string_view path;
  Route route;
  std::initializer_list<verb> methods;
  bool auth;
};

constexpr verb kAll[] = {verb::get, verb::post, verb::put, verb::delete_};

RouteMatch decide(Route route, verb method, std::initializer_list<verb> methods, bool auth) {
  RouteMatch m;
  m.route = route;
  m.requires_auth = auth;
  m.allowed.assign(methods.begin(), methods.end());
  m.outcome = std::find(methods.begin(), methods.end(), method) != methods.end()
                  ? RouteMatch::Outcome::kMatched
                  : RouteMatch::Outcome::kMethodNotAllowed;
  return m;
}

// "/prefix/{name}[/rest]" -> name and rest; false if the name is missing or invalid.
bool split_named(std::string_view path, std::string_view prefix, std::string& name,
                 std::string& rest) {
  if (!path.starts_with(prefix)) return false;
  auto tail = path.substr(prefix.size());
  auto slash = tail.find('/');
  name = std::string(tail.substr(0, slash));
  rest = slash == std::string_view::npos ? "" : std::string(tail.substr(slash));
  return valid_route_name(name);
}

}  // namespace

bool valid_route_name(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

RouteMatch match_route(verb method, std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  static const Fixed kFixed[] = {
      {"/system/functions", Route::kFunctions, {verb::get, verb::post, verb::put, verb::delete_}, true},
      {"/system/info", Route::kInfo, {verb::get}, true},
      {"/system/alert", Route::kAlert, {verb::post}, true},
      {"/system/secrets", Route::kSecrets, {verb::get, verb::post, verb::put, verb::delete_}, true},
      {"/system/logs", Route::kLogs, {verb::get}, true},
      {"/system/namespaces", Route::kNamespaces, {verb::get}, true},
      {"/system/images", Route::kImages, {verb::post}, true},
      {"/healthz", Route::kHealthz, {verb::get}, false},
      {"/metrics", Route::kMetrics, {verb::get}, false},
      {"/", Route::kRoot, {verb::get}, false},
  };
  for (const auto& f : kFixed) {
    if (path == f.path) return decide(f.route, method, f.methods, f.auth);
  }
  std::string name, rest;
  if (split_named(path, "/function/", name, rest)) {
    RouteMatch m{.outcome = RouteMatch::Outcome::kMatched, .route = Route::kFunction,
                 .name = name, .path = rest};
    m.allowed.assign(std::begin(kAll), std::end(kAll));
    return m;
  }
  if (split_named(path, "/async-function/", name, rest)) {
    auto m = decide(Route::kAsyncFunction, method, {verb::post}, false);
    m.name = name;
    m.path = rest;
    return m;
  }
  if (split_named(path, "/system/function/", name, rest) && rest.empty()) {
    auto m = decide(Route::kFunctionStatus, method, {verb::get}, true);
    m.name = name;
    return m;
  }
  if (split_named(path, "/system/scale-function/", name, rest) && rest.empty()) {
    auto m = decide(Route::kScale, method, {verb::post}, true);
    m.name = name;
    return m;
  }
  if (split_named(path, "/system/namespace/", name, rest) && rest.empty()) {
    auto m = decide(Route::kNamespace, method, {verb::get, verb::post, verb::put, verb::delete_}, true);
    m.name = name;
    return m;
  }
  if (path == "/ui" || path.starts_with("/ui/")) {
    auto m = decide(Route::kUi, method, {verb::get, verb::head}, true);
    m.path = std::string(path.substr(3));
    return m;
  }
  return RouteMatch{};
}

}  // namespace faas::gateway
