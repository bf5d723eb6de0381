// faas-cli as a library: the whole command line (commands, flags, output, exit codes) behind one
// call, so apps/faas-cli/main.cc stays thin and tests can drive the CLI in-process.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "faas/core/env.h"

namespace faas::cli {

struct Io {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  // err is a terminal: long work redraws one progress line instead of printing plain lines.
  bool tty = false;
};

// Runs faas-cli with `args` (without argv[0]). `env` supplies OPENFAAS_URL, OPENFAAS_CONFIG, HOME,
// CI and the variables for stack envsubst; `cwd` is where stack.yaml/stack.yml are looked for.
// Returns the process exit code: 0 on success, 1 on any failure (one "Error: ..." line on err).
int run(const std::vector<std::string>& args, const Environment& env, Io io,
        const std::filesystem::path& cwd = ".");

}  // namespace faas::cli
