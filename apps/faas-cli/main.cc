// faas-cli: the developer CLI, command-compatible with OpenFaaS faas-cli. Everything lives in
// faas::cli (src/cli); this only connects it to the process.
#include <iostream>
#include <string>
#include <vector>

#include <unistd.h>

#include "faas/cli/app.h"
#include "faas/core/env.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  faas::cli::Io io{std::cin, std::cout, std::cerr, ::isatty(STDERR_FILENO) == 1};
  return faas::cli::run(args, faas::current_environment(), io);
}
