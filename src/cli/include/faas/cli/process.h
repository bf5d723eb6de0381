// Child processes of faas-cli (git, buildah, docker): finding them on PATH and running them to
// completion. Blocking by design; the CLI is not the data path.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faas/core/env.h"
#include "faas/core/result.h"

namespace faas::cli {

// The full path of `name` in env's PATH (executable), or nullopt.
std::optional<std::string> find_executable(std::string_view name, const Environment& env);

// Runs argv (argv[0] a path) with the CLI's stdio and `env`, waits, and returns its exit code
// (128 + signal when it was killed).
Result<int> run_process(const std::vector<std::string>& argv, const Environment& env);

struct Captured {
  int exit_code = 0;
  std::string out;  // stdout (and stderr with with_stderr); else stderr goes to the CLI's stderr
};

// Runs argv in `cwd` (empty: the CLI's) with stdout captured; stdin is /dev/null. with_stderr:
// stderr is captured into `out` too, for tools whose failure the CLI reports in its own words.
Result<Captured> capture_process(const std::vector<std::string>& argv, const Environment& env,
                                 const std::filesystem::path& cwd = {}, bool with_stderr = false);

// A private temporary directory (mkdtemp under $TMPDIR or /tmp), removed with its contents when
// destroyed. path() is empty when it could not be created.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace faas::cli
