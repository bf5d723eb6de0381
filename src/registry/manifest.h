// Private: the registry's JSON documents (image index / manifest list, image manifest), their
// media types, and the choice of one platform's manifest. Parsed without throwing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "faas/core/result.h"

namespace faas::registry::detail {

inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kDockerList =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerManifest =
    "application/vnd.docker.distribution.manifest.v2+json";

// The Accept header of a manifest request: the four types above (schema1 is not asked for).
std::string manifest_accept();

struct Descriptor {
  std::string media_type;
  std::string digest;  // checked: "sha256:<64 lowercase hex>", safe in paths
  std::int64_t size = 0;
};

struct Platform {
  std::string os, architecture, variant;  // variant may be empty
};
// "linux/amd64", "linux/arm64/v8"; an error for anything else.
Result<Platform> parse_platform(std::string_view text);

struct IndexEntry {
  Descriptor descriptor;
  Platform platform;  // empty fields when the entry names none
};

struct ImageManifest {
  Descriptor config;
  std::vector<Descriptor> layers;
};

enum class DocumentKind { kIndex, kManifest };

// What a manifest answer is: by its mediaType field, else by the Content-Type header. Schema 1
// manifests (docker's deprecated format) and unknown types are errors saying so.
Result<DocumentKind> classify(std::string_view content_type, std::string_view body);
// The media type to record for the document (its mediaType field, else the Content-Type).
std::string media_type_of(std::string_view content_type, std::string_view body);

Result<std::vector<IndexEntry>> parse_index(std::string_view body);
// The manifest for the wanted platform: same os and architecture; the variant must match when asked
// for
// ("arm64" treats no variant as "v8"); without a variant asked, an entry without one is preferred.
Result<Descriptor> select_platform(const std::vector<IndexEntry>& entries, const Platform& want);
Result<ImageManifest> parse_manifest(std::string_view body);

bool valid_sha256_digest(std::string_view digest);

}  // namespace faas::registry::detail
