// The gateway's route table (../shared/openfaas-reference.md §1.4) as a pure function from method
// and path to a route, so 404 (no such path) and 405 (path exists, method does not) come out of one
// lookup and can be tested without sockets.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <ostream>  // boost/beast/http/verb.hpp uses std::ostream without including it

#include <boost/beast/http/verb.hpp>

namespace faas::gateway {

enum class Route {
  kFunction,         // any    /function/{name}[/{path...}]
  kAsyncFunction,    // POST   /async-function/{name}[/{path...}]
  kFunctions,        // GET POST PUT DELETE /system/functions
  kFunctionStatus,   // GET    /system/function/{name}
  kScale,            // POST   /system/scale-function/{name}
  kInfo,             // GET    /system/info
  kAlert,            // POST   /system/alert
  kSecrets,          // GET POST PUT DELETE /system/secrets
  kLogs,             // GET    /system/logs
  kNamespaces,       // GET    /system/namespaces
  kNamespace,        // GET POST PUT DELETE /system/namespace/{name}
  kImages,           // POST   /system/images?name=&namespace=  (ours: OCI archive upload)
  kHealthz,          // GET    /healthz
  kMetrics,          // GET    /metrics
  kUi,               // GET    /ui/...
  kRoot,             // GET    /   (307 to /ui/)
};

struct RouteMatch {
  enum class Outcome { kMatched, kNotFound, kMethodNotAllowed };
  Outcome outcome = Outcome::kNotFound;
  Route route = Route::kRoot;
  std::string name;  // {name} ("fn" or "fn.namespace") or the namespace of kNamespace
  std::string path;  // function routes: the part after the name, "" or "/..."
  bool requires_auth = false;
  std::vector<boost::beast::http::verb> allowed;  // for 405's Allow header
};

// `target` may include a query string; it is ignored here.
RouteMatch match_route(boost::beast::http::verb method, std::string_view target);

// Function names in routes: [-a-zA-Z_0-9.]+
bool valid_route_name(std::string_view name);

}  // namespace faas::gateway
