#include "faas/containerd/image_user.h"

#include <atomic>
#include <fstream>
#include <sstream>
#include <unistd.h>
#include <vector>

namespace faas::containerd {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// Field `index` (0-based) of the colon-separated line whose first field is `key` (or whose
// third field is `key` when by_id), from a passwd/group text.
std::string lookup(std::string_view text, std::string_view key, bool by_id, size_t index) {
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string part; std::getline(fields, part, ':');) f.push_back(part);
    if (f.size() <= std::max<size_t>(index, 2)) continue;
    if ((by_id ? f[2] : f[0]) == key) return f[index];
  }
  return {};
}

Error user_error(std::string message) {
  return Error{make_error_code(Errc::kBadImage), std::move(message)};
}

// The directories an overlay (or bind) mount of a snapshot shows, top first.
std::vector<std::string> layer_dirs(const std::vector<Mount>& mounts) {
  std::vector<std::string> dirs;
  for (const auto& m : mounts) {
    if (m.type == "bind") dirs.push_back(m.source);
    for (const auto& o : m.options) {
      if (o.starts_with("upperdir=")) dirs.insert(dirs.begin(), o.substr(9));
      if (!o.starts_with("lowerdir=")) continue;
      std::istringstream in(o.substr(9));
      for (std::string d; std::getline(in, d, ':');) dirs.push_back(d);
    }
  }
  return dirs;
}

std::string read_topmost(const std::vector<std::string>& dirs, const std::string& rel) {
  for (const auto& d : dirs) {
    std::ifstream in(d + rel);
    if (!in) continue;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  return {};
}

}  // namespace

Result<std::string> numeric_user(std::string_view user, std::string_view passwd,
                                 std::string_view group) {
  const auto colon = user.find(':');
  const auto name = user.substr(0, colon);
  const auto grp = colon == std::string_view::npos ? std::string_view{} : user.substr(colon + 1);
  std::string uid, gid;
  if (all_digits(name)) {
    uid = std::string(name);
    gid = lookup(passwd, name, /*by_id=*/true, 3);
    if (gid.empty()) gid = "0";
  } else {
    uid = lookup(passwd, name, false, 2);
    gid = lookup(passwd, name, false, 3);
    if (!all_digits(uid)) {
      return user_error("image user '" + std::string(name) + "' is not in the image's /etc/passwd");
    }
  }
  if (!grp.empty()) {
    gid = all_digits(grp) ? std::string(grp) : lookup(group, grp, false, 2);
    if (!all_digits(gid)) {
      return user_error("image group '" + std::string(grp) + "' is not in the image's /etc/group");
    }
  }
  if (!all_digits(gid)) gid = "0";
  return uid + ":" + gid;
}

Async<std::string> resolve_image_user(Client client, Image image) {
  const std::string user = image.config.user;
  const auto colon = user.find(':');
  if (user.empty()) co_return std::string{};
  if (all_digits(user.substr(0, colon)) &&
      (colon == std::string::npos || all_digits(user.substr(colon + 1)))) {
    co_return user;
  }
  // A throwaway active snapshot only to learn the layer directories; what is read lives in the
  // committed parents, which the image keeps from the garbage collector.
  static std::atomic<unsigned> counter{0};
  const std::string key = "faas-user-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
  auto op = client.prepare_snapshot(key, image.chain_id);
  auto mounts = co_await std::move(op);
  if (!mounts) co_return mounts.error();
  const auto dirs = layer_dirs(*mounts);
  const auto passwd = read_topmost(dirs, "/etc/passwd");
  const auto group = read_topmost(dirs, "/etc/group");
  auto removed = client.remove_snapshot(key);
  (void)co_await std::move(removed);
  co_return numeric_user(user, passwd, group);
}

}  // namespace faas::containerd
