// The hashes faas-cli puts on the wire or in image names: the digest of a handler folder that
// `--tag digest` uses as the image tag, and the HMAC that `invoke --sign` sends. Pure apart from
// reading the folder.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "faas/core/result.h"

namespace faas::cli {

// faas-cli's digest of a folder: the MD5 of each regular file under `dir` (recursively; symlinks
// and other special files are skipped, as Go's filepath.Walk does), as lowercase hex, concatenated
// in byte order of the files' paths, then the MD5 of that string, as 32 lowercase hex digits. Any
// edit, added or removed file changes it; timestamps and modes do not. An unreadable file or a
// missing folder is an error.
Result<std::string> folder_digest(const std::filesystem::path& dir);

// HMAC-SHA1 of `message` with `key`, as 40 lowercase hex digits.
std::string hmac_sha1_hex(std::string_view key, std::string_view message);

}  // namespace faas::cli
