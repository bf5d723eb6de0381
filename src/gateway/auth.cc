#include "faas/gateway/auth.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <fstream>
#include <sstream>

#include "faas/core/base64.h"
#include "faas/core/unique_fd.h"

namespace faas::gateway {

namespace {

std::string trim(std::string s) {
  auto ws = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!s.empty() && ws(s.back())) s.pop_back();
  size_t i = 0;
  while (i < s.size() && ws(s[i])) ++i;
  return s.substr(i);
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return errno_error(errno ? errno : ENOENT, "read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return trim(ss.str());
}

Result<void> write_private_file(const std::string& path, const std::string& content) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd) return errno_error(errno, "create " + path);
  if (::write(fd.get(), content.data(), content.size()) != static_cast<ssize_t>(content.size())) {
    return errno_error(errno, "write " + path);
  }
  return {};
}

Result<std::string> random_password() {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  unsigned char bytes[32];
  if (::getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
    return errno_error(errno, "getrandom");
  }
  std::string out;
  for (unsigned char b : bytes) out.push_back(kChars[b % (sizeof kChars - 1)]);
  return out;
}

std::string join(const std::string& dir, const char* name) {
  return dir + (dir.empty() || dir.back() == '/' ? "" : "/") + name;
}

}  // namespace

Result<Credentials> load_credentials(const std::string& dir) {
  auto user = read_file(join(dir, "basic-auth-user"));
  if (!user) return user.error();
  auto password = read_file(join(dir, "basic-auth-password"));
  if (!password) return password.error();
  if (user->empty() || password->empty()) {
    return invalid_argument("empty basic-auth-user or basic-auth-password in " + dir);
  }
  return Credentials{*user, *password};
}

Result<Credentials> load_or_create_credentials(const std::string& dir, bool* created) {
  if (created) *created = false;
  struct stat st{};
  if (::stat(join(dir, "basic-auth-password").c_str(), &st) == 0) return load_credentials(dir);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return errno_error(errno, "mkdir " + dir);
  auto password = random_password();
  if (!password) return password.error();
  if (auto r = write_private_file(join(dir, "basic-auth-user"), "admin"); !r && r.error().code != std::errc::file_exists) {
    return r.error();
  }
  if (auto r = write_private_file(join(dir, "basic-auth-password"), *password); !r) return r.error();
  if (created) *created = true;
  return load_credentials(dir);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

bool check_basic_auth(std::string_view authorization, const Credentials& expected) {
  constexpr std::string_view kScheme = "Basic ";
  if (authorization.size() < kScheme.size()) return false;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i]))) {
      return false;
    }
  }
  auto decoded = base64_decode(trim(std::string(authorization.substr(kScheme.size()))));
  if (!decoded) return false;
  auto colon = decoded->find(':');
  if (colon == std::string::npos) return false;
  // Evaluate both comparisons so the time does not tell which part was wrong.
  bool user_ok = constant_time_equal(std::string_view(*decoded).substr(0, colon), expected.user);
  bool password_ok = constant_time_equal(std::string_view(*decoded).substr(colon + 1), expected.password);
  return user_ok & password_ok;
}

}  // namespace faas::gateway
