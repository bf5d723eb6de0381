#include "faas/cli/digest.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <utility>
#include <vector>

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace faas::cli {
namespace fs = std::filesystem;
namespace {

std::string hex(const unsigned char* bytes, unsigned int n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (unsigned int i = 0; i < n; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 0xf];
  }
  return out;
}

std::string md5_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_md5(), nullptr);
  return hex(md, n);
}

Result<std::string> file_md5_hex(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string data(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>{});
  if (!in && !in.eof()) return invalid_argument("cannot read " + file.string());
  return md5_hex(data);
}

}  // namespace

Result<std::string> folder_digest(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return invalid_argument("cannot hash " + dir.string() + ": not a folder");
  }
  std::vector<std::pair<std::string, fs::path>> files;  // (path with '/', file)
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    files.emplace_back(it->path().lexically_relative(dir).generic_string(), it->path());
  }
  if (ec) return make_error(ec, "cannot read " + dir.string());
  std::sort(files.begin(), files.end());
  std::string hashes;
  for (const auto& [name, file] : files) {
    auto h = file_md5_hex(file);
    if (!h) return h.error();
    hashes += *h;
  }
  return md5_hex(hashes);
}

std::string hmac_sha1_hex(std::string_view key, std::string_view message) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), md, &n);
  return hex(md, n);
}

}  // namespace faas::cli
