// resolve_static_path on arbitrary request targets: the result is "" (rejected) or a path under
// the root with no ".." segment, whatever the percent-encoding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "faas/watchdog/cgi_env.h"
#include "static_handler.h"

namespace {

bool has_dotdot_segment(std::string_view path) {
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (path.substr(i, j - i) == "..") return true;
    i = j + 1;
  }
  return false;
}

void check(const std::string& root, std::string_view url_path) {
  std::string out = faas::watchdog::resolve_static_path(root, url_path);
  if (out.empty()) return;
  std::string base = root.ends_with('/') ? root.substr(0, root.size() - 1) : root;
  if (out != base && !out.starts_with(base + "/")) std::abort();
  if (has_dotdot_segment(out)) std::abort();
  if (out.find('\0') != std::string::npos) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view target(reinterpret_cast<const char*>(data), size);
  std::string path = faas::watchdog::split_target(target).path;  // as StaticHandler::serve does
  for (const char* root : {"/nonexistent-faas-fuzz/public", "/nonexistent-faas-fuzz/public/"}) {
    check(root, path);
    check(root, target);
  }
  return 0;
}
