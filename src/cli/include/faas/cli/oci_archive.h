// OCI image layout tars ("oci-archive:PATH", what `buildah push IMG oci-archive:PATH:REF` and
// `docker save` write): just enough reading to name the image inside.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "faas/core/result.h"

namespace faas::cli {

// The text of index.json in the tar at `archive` (scans the tar headers; no extraction).
Result<std::string> read_archive_index(const std::filesystem::path& archive);

// The image name to deploy an archive under, from its index.json: the first manifest's
// io.containerd.image.name (docker save), else its org.opencontainers.image.ref.name when that is
// a whole name ("hello:0.1", buildah), else FUNCTION:<ref> when the ref is only a tag, else
// FUNCTION:latest. A malformed index.json is an error.
Result<std::string> archive_image_name(std::string_view index_json, std::string_view function);

}  // namespace faas::cli
