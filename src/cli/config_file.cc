#include "faas/cli/config_file.h"

#include <algorithm>
#include <cerrno>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include "faas/core/unique_fd.h"

namespace faas::cli {
namespace {

Result<std::string> slurp(const std::filesystem::path& file) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return errno_error(errno, "cannot read " + file.string());
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_error(errno, "cannot read " + file.string());
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

Result<void> write_all(int fd, std::string_view data, const std::string& what) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_error(errno, "cannot write " + what);
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

std::string to_yaml(const ConfigFile& config) {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "auths" << YAML::Value << YAML::BeginSeq;
  for (const auto& a : config.auths) {
    out << YAML::BeginMap;
    out << YAML::Key << "gateway" << YAML::Value << a.gateway;
    out << YAML::Key << "auth" << YAML::Value << a.auth;
    out << YAML::Key << "token" << YAML::Value << a.token;
    if (!a.options.empty()) {
      out << YAML::Key << "options" << YAML::Value << YAML::BeginSeq;
      for (const auto& o : a.options) {
        out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << o.name << YAML::Key
            << "value" << YAML::Value << o.value << YAML::EndMap;
      }
      out << YAML::EndSeq;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::string scalar(const YAML::Node& n, const char* key) {
  YAML::Node v = n[key];
  return v && v.IsScalar() ? v.Scalar() : std::string();
}

ConfigFile from_yaml(const YAML::Node& root) {
  ConfigFile config;
  YAML::Node auths = root["auths"];
  if (!auths || !auths.IsSequence()) return config;
  for (const auto& a : auths) {
    if (!a.IsMap()) continue;
    AuthConfig auth{scalar(a, "gateway"), scalar(a, "auth"), scalar(a, "token"), {}};
    YAML::Node options = a["options"];
    if (options && options.IsSequence()) {
      for (const auto& o : options) {
        if (o.IsMap()) auth.options.push_back({scalar(o, "name"), scalar(o, "value")});
      }
    }
    config.auths.push_back(std::move(auth));
  }
  return config;
}

}  // namespace

std::filesystem::path config_path(const Environment& env) {
  if (auto dir = lookup(env, "OPENFAAS_CONFIG"); dir && !dir->empty()) {
    return std::filesystem::path(*dir) / "config.yml";
  }
  auto ci = lookup(env, "CI");
  if (ci && (*ci == "true" || *ci == "1")) return std::filesystem::path(".openfaas") / "config.yml";
  return std::filesystem::path(lookup(env, "HOME").value_or(".")) / ".openfaas" / "config.yml";
}

Result<ConfigFile> read_config(const std::filesystem::path& file) {
  auto text = slurp(file);
  if (!text) {
    if (text.error().code == std::errc::no_such_file_or_directory) return ConfigFile{};
    return text.error();
  }
  try {
    YAML::Node root = YAML::Load(*text);
    if (root.IsNull()) return ConfigFile{};
    if (!root.IsMap()) return invalid_argument(file.string() + ": not a faas-cli config file");
    return from_yaml(root);
  } catch (const YAML::Exception& e) {
    return invalid_argument(file.string() + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

Result<void> write_config(const std::filesystem::path& file, const ConfigFile& config) {
  std::filesystem::path dir = file.parent_path();
  if (!dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return make_error(ec, "cannot create " + dir.string());
    ::chmod(dir.c_str(), 0700);
  }
  // Write a sibling and rename it over the file, so a crash never leaves half a config.
  std::filesystem::path tmp = file;
  tmp += ".tmp";
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd) return errno_error(errno, "cannot write " + tmp.string());
  if (::fchmod(fd.get(), 0600) != 0) return errno_error(errno, "cannot chmod " + tmp.string());
  if (auto ok = write_all(fd.get(), to_yaml(config), tmp.string()); !ok) return ok;
  if (::fsync(fd.get()) != 0) return errno_error(errno, "cannot sync " + tmp.string());
  if (::rename(tmp.c_str(), file.c_str()) != 0) {
    return errno_error(errno, "cannot replace " + file.string());
  }
  return {};
}

void upsert_auth(ConfigFile& config, AuthConfig auth) {
  for (auto& a : config.auths) {
    if (a.gateway == auth.gateway) {
      a = std::move(auth);
      return;
    }
  }
  config.auths.push_back(std::move(auth));
}

bool remove_auth(ConfigFile& config, std::string_view gateway) {
  auto it = std::remove_if(config.auths.begin(), config.auths.end(),
                           [&](const AuthConfig& a) { return a.gateway == gateway; });
  bool removed = it != config.auths.end();
  config.auths.erase(it, config.auths.end());
  return removed;
}

std::optional<AuthConfig> find_auth(const ConfigFile& config, std::string_view gateway) {
  for (const auto& a : config.auths) {
    if (a.gateway == gateway) return a;
  }
  return std::nullopt;
}

std::string authorization_header(const AuthConfig& auth) {
  return (auth.auth == kOauth2Auth ? "Bearer " : "Basic ") + auth.token;
}

}  // namespace faas::cli
