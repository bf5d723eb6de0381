// An image reference ("alpine", "127.0.0.1:5000/fn:1", "ghcr.io/o/r@sha256:...") parsed and
// normalized with docker's rules (distribution/reference's ParseNormalizedNamed), so a name
// means the same image here as in docker, buildah and faasd.
// Value type; all functions are pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "faas/core/result.h"

namespace faas::registry {

struct Reference {
  std::string registry;    // "docker.io", "127.0.0.1:5000", "ghcr.io", "[::1]:5000"
  std::string repository;  // "library/alpine", "openfaas/of-watchdog"
  std::string tag;         // "latest" when neither tag nor digest was given; else may be empty
  std::string digest;      // "sha256:<64 hex>" or empty

  // Normalized: "docker.io/library/alpine:latest", "127.0.0.1:5000/fn:1@sha256:..." when both.
  std::string str() const;
  // The registry host is loopback (localhost, 127.x.y.z, [::1]): speak plain HTTP to it, as
  // docker and buildah do for local registries.
  bool plain_http() const;
  // What to ask /v2/<repository>/manifests/ for: the digest when there is one, else the tag.
  std::string manifest_ref() const;

  friend bool operator==(const Reference&, const Reference&) = default;
};

// True for "localhost", an IPv4 literal 127.x.y.z and "[::1]" (a host without its port).
bool is_loopback_host(std::string_view host);

// Docker's normalization: no domain → docker.io; docker.io with a one-part path → "library/";
// "index.docker.io" → "docker.io"; no tag and no digest → tag "latest". The first path part is
// a registry when it has a '.' or ':' or is "localhost" (or a bracketed IPv6 address).
// Errors (invalid_argument) name what is wrong: empty, uppercase repository, bad tag, bad
// digest, bad registry host, name too long.
Result<Reference> parse_reference(std::string_view text);

}  // namespace faas::registry
