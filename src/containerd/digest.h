// Private: SHA-256 digests and OCI chain ids.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace faas::containerd::detail {

// "sha256:<hex>" of data.
std::string sha256_digest(std::string_view data);
// chain id of each layer prefix: c0 = d0, cn = sha256(c(n-1) + " " + dn) (OCI image spec).
std::vector<std::string> chain_ids(const std::vector<std::string>& diff_ids);
// True for "sha256:" followed by 64 lowercase hex digits (safe to use in paths and refs).
bool valid_sha256_digest(std::string_view digest);

}  // namespace faas::containerd::detail
