// fwatchdog: the function container's entrypoint. Configuration comes from the environment
// (OpenFaaS variable names); see src/watchdog/README.md.
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <cstring>

#include "faas/core/log.h"
#include "faas/watchdog/config.h"
#include "faas/watchdog/server.h"
#include "faas/version.h"

namespace {

int print_version() {
  std::printf("faas++ fwatchdog\nVersion: %s\tSHA: %s\n", faas::kVersion, faas::kGitSha);
  return 0;
}

// -run-healthcheck: exit 0 iff the lock file exists (for HEALTHCHECK in images without a shell).
int run_healthcheck(const faas::Environment& env) {
  auto config = faas::watchdog::parse_config(env, nullptr);
  std::string lock = "/tmp/.lock";
  if (auto tmp = faas::lookup(env, "TMPDIR"); tmp && !tmp->empty()) lock = *tmp + "/.lock";
  if (config) lock = config->lock_path;
  struct stat st{};
  return ::stat(lock.c_str(), &st) == 0 ? 0 : 1;
}

// An io_context whose pending work can be destroyed before the objects that work refers to.
struct MainContext : boost::asio::io_context {
  using boost::asio::io_context::io_context;
  using boost::asio::execution_context::shutdown;
};

}  // namespace

int main(int argc, char** argv) {
  auto env = faas::current_environment();
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "-version" || a == "--version") return print_version();
    if (a == "-run-healthcheck" || a == "--run-healthcheck") return run_healthcheck(env);
    std::fprintf(stderr, "usage: fwatchdog [-version] [-run-healthcheck]\n"
                         "configuration is read from the environment (fprocess, mode, ...)\n");
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);
  // exit_with_parent=true (set by faasd's process runtime): a SIGTERM, so a graceful drain, when
  // the process that started us dies, even by SIGKILL. Checked once more after arming it, in case
  // the parent died before.
  if (faas::parse_bool(faas::lookup(env, "exit_with_parent").value_or(""), false)) {
    const pid_t parent = ::getppid();
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) return 1;
  }

  std::vector<std::string> warnings;
  auto config = faas::watchdog::parse_config(env, &warnings);
  for (const auto& w : warnings) faas::log_warn(w);
  if (!config) {
    faas::log_error("invalid configuration: " + config.error().message());
    return 1;
  }
  MainContext io(1);
  auto server = faas::watchdog::Server::create(io, std::move(*config), std::move(env));
  if (!server) {
    faas::log_error(server.error().message());
    return 1;
  }
  int code = (*server)->run();
  // A fatal stop (the http upstream exited, a second SIGTERM) leaves coroutine frames suspended,
  // and they refer to the server (sessions hold Sweeper watches, handlers hold its config).
  // Destroying them with the io_context, after the server, was a use-after-free: fwatchdog
  // died of SIGSEGV/SIGABRT instead of exiting with the upstream's code. Destroy them first.
  // (Found by tests/integration/watchdog/http_mode_test.cc: UpstreamExitEndsTheWatchdogWith...)
  io.shutdown();
  faas::flush_log();
  return code;
}
