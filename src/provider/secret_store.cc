#include "faas/provider/secret_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "faas/core/unique_fd.h"
#include "faas/provider/errors.h"

namespace faas::provider {

namespace fs = std::filesystem;

Result<void> SecretStore::validate_name(std::string_view name) {
  auto bad = [&](std::string why) {
    return provider_error(ProviderErrc::kInvalid,
                          "secret name: \"" + std::string(name) + "\" " + std::move(why));
  };
  if (name.empty()) return bad("is empty");
  if (name.find('/') != std::string_view::npos) return bad("must not contain '/'");
  if (name.find("..") != std::string_view::npos) return bad("must not contain \"..\"");
  if (name.find('\0') != std::string_view::npos) return bad("must not contain NUL");
  if (name.front() == '.') return bad("must not start with '.'");
  return {};
}

std::string SecretStore::directory(std::string_view namespace_) const {
  return root_ + "/" + std::string(namespace_);
}

std::string SecretStore::path(std::string_view namespace_, std::string_view name) const {
  return directory(namespace_) + "/" + std::string(name);
}

bool SecretStore::exists(std::string_view namespace_, std::string_view name) const {
  struct stat st {};
  auto file = path(namespace_, name);
  return ::stat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

Result<std::vector<api::Secret>> SecretStore::list(std::string_view namespace_) const {
  std::vector<api::Secret> out;
  std::error_code ec;
  fs::directory_iterator it(directory(namespace_), ec);
  if (ec == std::errc::no_such_file_or_directory) return out;
  if (ec) return make_error(ec, "list secrets in " + directory(namespace_));
  for (const auto& entry : it) {
    auto name = entry.path().filename().string();
    if (name.empty() || name.front() == '.' || !entry.is_regular_file(ec)) continue;
    out.push_back(api::Secret{.name = name, .namespace_ = std::string(namespace_)});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

Result<void> SecretStore::create(const api::Secret& secret) {
  if (exists(secret.namespace_, secret.name)) {
    return provider_error(ProviderErrc::kConflict, "secret " + secret.name + " already exists in namespace " +
                                                       secret.namespace_ + "; update it instead");
  }
  return write(secret);
}

Result<void> SecretStore::update(const api::Secret& secret) {
  if (!exists(secret.namespace_, secret.name)) {
    return provider_error(ProviderErrc::kNotFound, "secret not found: " + secret.name);
  }
  return write(secret);
}

Result<void> SecretStore::remove(std::string_view namespace_, std::string_view name) {
  auto file = path(namespace_, name);
  if (!exists(namespace_, name)) {
    return provider_error(ProviderErrc::kNotFound, "secret not found: " + std::string(name));
  }
  if (::unlink(file.c_str()) != 0) return errno_error(errno, "remove secret " + file);
  return {};
}

void SecretStore::remove_namespace(std::string_view namespace_) {
  std::error_code ec;
  fs::remove_all(directory(namespace_), ec);
}

Result<void> SecretStore::write(const api::Secret& secret) {
  auto dir = directory(secret.namespace_);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return make_error(ec, "create " + dir);
  ::chmod(dir.c_str(), 0700);
  const std::string& value = secret.value.empty() ? secret.raw_value : secret.value;
  auto tmp = dir + "/.tmp-" + secret.name;
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd) return errno_error(errno, "create " + tmp);
  std::size_t off = 0;
  while (off < value.size()) {
    ssize_t n = ::write(fd.get(), value.data() + off, value.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      return errno_error(err, "write " + tmp);
    }
    off += static_cast<std::size_t>(n);
  }
  fd.reset();
  auto file = dir + "/" + secret.name;
  if (::rename(tmp.c_str(), file.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return errno_error(err, "rename " + tmp);
  }
  return {};
}

}  // namespace faas::provider
