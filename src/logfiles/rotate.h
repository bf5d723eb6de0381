// Rotation (copytruncate) and retention of one instance's files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "faas/core/result.h"
#include "layout.h"

namespace faas::logfiles::detail {

// Above max_bytes: drop .log.<keep>, shift .log.<k> to .log.<k+1>, copy the file to .log.1 (via a
// hidden temporary, renamed, so a reader sees the old or the whole new copy), truncate the file in
// place. keep <= 0: truncate only. The writer's O_APPEND fd goes on writing at the new end.
Result<void> rotate_if_large(const std::string& live, std::uint64_t max_bytes, int keep);

// Every file of `files` last modified before `cutoff`.
bool idle_longer_than(const InstanceFiles& files, std::filesystem::file_time_type cutoff);
void remove_files(const InstanceFiles& files);

}  // namespace faas::logfiles::detail
