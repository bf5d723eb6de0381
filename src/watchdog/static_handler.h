// StaticHandler (mode=static): serves files under static_path. GET and HEAD only; a directory
// serves its index.html; paths that would leave static_path ("..", symlinks are followed as the
// filesystem resolves them inside the root only) are rejected with 404.
#pragma once

#include <string>

#include "exchange.h"
#include "faas/watchdog/config.h"

namespace faas::watchdog {

class StaticHandler final : public Handler {
 public:
  explicit StaticHandler(const WatchdogConfig& config) : config_(config) {}
  http::awaitable<void> serve(Exchange& x) override;

 private:
  const WatchdogConfig& config_;
};

// The file a request path maps to under root, or "" when the path is unsafe.
std::string resolve_static_path(const std::string& root, std::string_view url_path);
std::string_view mime_type(std::string_view path);

}  // namespace faas::watchdog
