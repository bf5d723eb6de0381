// Child processes of faas-cli (git, buildah, docker): finding them on PATH and running them to
// completion. Blocking by design; the CLI is not the data path.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <spawn.h>
#include <sys/types.h>

#include "faas/core/env.h"
#include "faas/core/result.h"

namespace faas::cli {

// The full path of `name` in env's PATH (executable), or nullopt.
std::optional<std::string> find_executable(std::string_view name, const Environment& env);

// Starts argv (argv[0] a path) with `env` and the given spawn file actions and attributes (either
// may be null): how every faas-cli child is started.
Result<pid_t> spawn_process(const std::vector<std::string>& argv, const Environment& env,
                            const posix_spawn_file_actions_t* actions,
                            const posix_spawnattr_t* attr);

// A wait status as a shell reports it: the exit code, or 128 + the signal that killed it.
int exit_code_of(int status);

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
