// Image names as faas-cli handles them: where an image goes (a registry, or the gateway when it has
// no registry host) and the tag `--tag latest|sha|branch|describe|digest` gives it. Pure, apart
// from read_git_version, which asks git.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "faas/core/env.h"
#include "faas/core/result.h"

namespace faas::cli {

// The registry host of an image as Docker reads it: the first path component when it holds a '.'
// or ':' or is "localhost" ("127.0.0.1:5000/fn" -> "127.0.0.1:5000"); "" for Docker Hub names.
std::string registry_host(std::string_view image);

// True for registries on this machine (localhost, 127.0.0.0/8, [::1]): pushed without TLS.
bool is_loopback_registry(std::string_view host);

// True when the image can only reach a faasd through the gateway's image upload: a single-component
// name ("hello", "hello:0.1") that no registry would accept, or buildah's local "localhost/NAME".
bool is_local_only(std::string_view image);

// The tag of the image ("" when it has none; a registry port is not a tag).
std::string image_tag(std::string_view image);

// kDigest tags each image with folder_digest (digest.h) of its function's handler folder.
enum class TagFormat { kLatest, kSha, kBranch, kDescribe, kDigest };
Result<TagFormat> parse_tag_format(std::string_view text);

// What git says about the project, as much as the format needs.
struct GitVersion {
  std::string sha;       // git rev-parse --short HEAD
  std::string branch;    // git rev-parse --symbolic-full-name --abbrev-ref HEAD
  std::string describe;  // git describe --tags --always --dirty
};

// Asks git (from env's PATH) in `dir`; for kLatest and kDigest nothing is asked. Not a repository
// -> error.
Result<GitVersion> read_git_version(TagFormat format, const std::filesystem::path& dir,
                                    const Environment& env);

// OpenFaaS's BuildImageName: kLatest leaves the image as written; kDigest replaces the tag (or
// adds one) with `digest` ("me/fn:0.1" -> "me/fn:<digest>"); the others add ":latest" when
// untagged, then "-<sha>" (sha), "-<branch>-<sha>" (branch) or "-<describe>" (describe) appended
// to its tag.
std::string tagged_image(std::string_view image, TagFormat format, const GitVersion& git,
                         std::string_view digest = {});

}  // namespace faas::cli
