// Running the real tools the templates test drives (faas-cli, buildah, scripts/base-images.sh):
// blocking, output captured to a file, bounded by a timeout.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "faas/core/result.h"

namespace faas::test::templates {

struct CommandResult {
  int exit_code = -1;  // 128+signal when killed
  std::string output;  // stdout and stderr, interleaved
};

// Runs argv (argv[0] looked up on PATH when it has no '/') in cwd with this process's environment,
// `input` as its stdin. Killed (and reported as an error) after timeout.
Result<CommandResult> run_command(const std::vector<std::string>& argv, const std::string& cwd,
                                  std::chrono::seconds timeout, const std::string& input = "");

// The end of a command's output (its last max_bytes), for failure messages.
std::string tail(const std::string& text, std::size_t max_bytes = 4000);

}  // namespace faas::test::templates
