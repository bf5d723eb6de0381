// Private: the OCI image JSON documents (index, manifest, config) we read, parsed without throwing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "faas/containerd/types.h"
#include "faas/core/result.h"

namespace faas::containerd::detail {

struct IndexEntry {
  Descriptor descriptor;
  std::string os, architecture;  // empty when the entry names no platform
  std::string ref_name;          // annotation org.opencontainers.image.ref.name
};

struct Manifest {
  Descriptor config;
  std::vector<Descriptor> layers;
};

bool is_index_type(std::string_view media_type);
bool is_manifest_type(std::string_view media_type);

Result<std::vector<IndexEntry>> parse_index(std::string_view json);
// The entry for linux/amd64 (or the only entry without a platform).
Result<IndexEntry> select_platform(const std::vector<IndexEntry>& entries);
Result<Manifest> parse_manifest(std::string_view json);
Result<ImageConfig> parse_image_config(std::string_view json);

}  // namespace faas::containerd::detail
