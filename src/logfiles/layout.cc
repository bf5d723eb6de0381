#include "layout.h"

#include <algorithm>
#include <charconv>
#include <filesystem>

namespace faas::logfiles::detail {

namespace fs = std::filesystem;

Result<void> check_part(std::string_view what, std::string_view value) {
  auto bad = [&](const char* why) {
    return invalid_argument(std::string(what) + ": \"" + std::string(value) + "\" " + why);
  };
  if (value.empty()) return bad("is empty");
  if (value.find('/') != std::string_view::npos) return bad("must not contain '/'");
  if (value.find('\0') != std::string_view::npos) return bad("must not contain NUL");
  if (value.find("..") != std::string_view::npos) return bad("must not contain \"..\"");
  if (value.front() == '.') return bad("must not start with '.'");
  return {};
}

std::string rotated_path(const std::string& live, int k) { return live + "." + std::to_string(k); }

namespace {

// "<instance>.log" -> (instance, 0); "<instance>.log.<k>" -> (instance, k); else k = -1.
std::pair<std::string, int> classify(const std::string& name) {
  constexpr std::string_view kExt = ".log";
  if (name.size() > kExt.size() && name.ends_with(kExt)) {
    return {name.substr(0, name.size() - kExt.size()), 0};
  }
  auto dot = name.rfind('.');
  if (dot == std::string::npos || dot + 1 == name.size()) return {"", -1};
  int k = 0;
  auto [end, ec] = std::from_chars(name.data() + dot + 1, name.data() + name.size(), k);
  if (ec != std::errc() || end != name.data() + name.size() || k < 1) return {"", -1};
  auto base = name.substr(0, dot);
  if (base.size() <= kExt.size() || !base.ends_with(kExt)) return {"", -1};
  return {base.substr(0, base.size() - kExt.size()), k};
}

}  // namespace

std::map<std::string, InstanceFiles> list_instances(const std::string& fn_dir) {
  std::map<std::string, std::vector<std::pair<int, std::string>>> found;
  std::error_code ec;
  for (fs::directory_iterator it(fn_dir, ec), end; !ec && it != end; it.increment(ec)) {
    auto name = it->path().filename().string();
    if (name.empty() || name.front() == '.' || !it->is_regular_file(ec)) continue;
    auto [instance, k] = classify(name);
    if (k < 0 || instance.empty()) continue;
    found[instance].emplace_back(k, it->path().string());
  }
  std::map<std::string, InstanceFiles> out;
  for (auto& [instance, files] : found) {
    // Oldest first: the highest k first, the live file (k = 0) last.
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
      return (a.first == 0 ? 0 : -a.first) < (b.first == 0 ? 0 : -b.first);
    });
    InstanceFiles entry{.instance = instance, .live = fn_dir + "/" + instance + ".log", .chain = {}};
    for (auto& f : files) entry.chain.push_back(std::move(f.second));
    out.emplace(instance, std::move(entry));
  }
  return out;
}

}  // namespace faas::logfiles::detail
