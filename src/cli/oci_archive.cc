#include "faas/cli/oci_archive.h"

#include <array>
#include <cerrno>
#include <cstdint>
#include <fstream>

#include <nlohmann/json.hpp>

namespace faas::cli {
namespace {

constexpr std::size_t kBlock = 512;

std::string field(const std::array<char, kBlock>& header, std::size_t at, std::size_t len) {
  std::string s(header.data() + at, len);
  return s.substr(0, s.find('\0'));
}

// ustar sizes are octal text; GNU tar marks binary (base-256) sizes with the high bit.
std::uint64_t entry_size(const std::array<char, kBlock>& header) {
  if (static_cast<unsigned char>(header[124]) & 0x80) {
    std::uint64_t n = 0;
    for (std::size_t i = 125; i < 136; ++i) n = (n << 8) | static_cast<unsigned char>(header[i]);
    return n;
  }
  std::uint64_t n = 0;
  for (char c : field(header, 124, 12)) {
    if (c == ' ') continue;  // padding
    if (c < '0' || c > '7') break;
    n = n * 8 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

}  // namespace

Result<std::string> read_archive_index(const std::filesystem::path& archive) {
  std::ifstream in(archive, std::ios::binary);
  if (!in) return errno_error(errno, "cannot open " + archive.string());
  std::array<char, kBlock> header{};
  while (in.read(header.data(), kBlock)) {
    std::string name = field(header, 0, 100);
    if (name.empty()) break;  // the end-of-archive blocks
    std::string prefix = field(header, 345, 155);
    if (!prefix.empty() && field(header, 257, 5) == "ustar") name = prefix + "/" + name;
    std::uint64_t size = entry_size(header);
    if (name == "index.json" || name == "./index.json") {
      std::string text(size, '\0');
      if (!in.read(text.data(), static_cast<std::streamsize>(size))) break;
      return text;
    }
    in.seekg(static_cast<std::streamoff>((size + kBlock - 1) / kBlock * kBlock), std::ios::cur);
  }
  return invalid_argument(archive.string() + " is not an OCI image archive (no index.json)");
}

Result<std::string> archive_image_name(std::string_view index_json, std::string_view function) {
  auto doc = nlohmann::json::parse(index_json, nullptr, false);
  if (!doc.is_object() || !doc.contains("manifests") || !doc["manifests"].is_array()) {
    return invalid_argument("bad OCI index.json: no manifests");
  }
  std::string fallback = std::string(function) + ":latest";
  if (doc["manifests"].empty()) return fallback;
  const auto& m = doc["manifests"][0];
  if (!m.is_object() || !m.contains("annotations") || !m["annotations"].is_object()) {
    return fallback;
  }
  const auto& a = m["annotations"];
  auto text = [&](const char* key) {
    return a.contains(key) && a[key].is_string() ? a[key].get<std::string>() : std::string();
  };
  if (auto name = text("io.containerd.image.name"); !name.empty()) return name;
  std::string ref = text("org.opencontainers.image.ref.name");
  if (ref.empty()) return fallback;
  if (ref.find(':') != std::string::npos || ref.find('/') != std::string::npos) return ref;
  return std::string(function) + ":" + ref;
}

}  // namespace faas::cli
