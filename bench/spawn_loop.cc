// faas-bench-spawn-loop: the floor for fwatchdog's fork modes. For a fixed time, each worker thread
// posix_spawns a command with stdin/stdout pipes, writes a small body, reads all the output, waits
// for exit, and times the round trip. Prints one machine-readable line:
//
//   spawns=N seconds=S rate=R p50_us=A p99_us=B workers=W errors=E cpu_us=C
//
// cpu_us is CPU time (user + system, this process and its reaped children) per spawn: on a busy
// machine it is steadier than the rate, which depends on the CPU share the scheduler grants.
//
//   faas-bench-spawn-loop [--seconds S] [--workers W] [--body TEXT] [--] [command args...]
//
// The default command is `cat` (found on PATH, as fwatchdog does for fprocess=cat).
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  double seconds = 5;
  int workers = 1;
  std::string body = "hello, world";
  std::vector<std::string> argv = {"cat"};
};

[[noreturn]] void die(const char* what, int err) {
  std::fprintf(stderr, "faas-bench-spawn-loop: %s: %s\n", what, std::strerror(err));
  std::exit(1);
}

// One spawn + write + read + wait. Returns false on any failure (counted as an error).
bool run_once(const Options& opt, char* const* argv) {
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0) die("pipe2", errno);
  if (pipe2(out, O_CLOEXEC) != 0) die("pipe2", errno);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argv[0], &fa, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  close(out[1]);
  if (rc != 0) {
    close(in[1]);
    close(out[0]);
    return false;
  }

  // The body is small (well under PIPE_BUF), so one write cannot block against the child's output.
  bool ok = write(in[1], opt.body.data(), opt.body.size()) == static_cast<ssize_t>(opt.body.size());
  close(in[1]);
  char buf[4096];
  size_t got = 0;
  for (;;) {
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n > 0) {
      got += static_cast<size_t>(n);
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(out[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return ok && WIFEXITED(status) && WEXITSTATUS(status) == 0 && got == opt.body.size();
}

Options parse_args(int argc, char** argv) {
  Options opt;
  int i = 1;
  for (; i < argc; ++i) {
    std::string_view a = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "faas-bench-spawn-loop: %s needs a value\n", argv[i]);
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--seconds") {
      opt.seconds = std::atof(next());
    } else if (a == "--workers") {
      opt.workers = std::max(1, std::atoi(next()));
    } else if (a == "--body") {
      opt.body = next();
    } else if (a == "--") {
      ++i;
      break;
    } else if (a.starts_with("--")) {
      std::fprintf(stderr,
                   "usage: faas-bench-spawn-loop [--seconds S] [--workers W] [--body TEXT] "
                   "[--] [command args...]\n");
      std::exit(2);
    } else {
      break;
    }
  }
  if (i < argc) opt.argv.assign(argv + i, argv + argc);
  return opt;
}

double cpu_seconds() {
  double total = 0;
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage ru{};
    getrusage(who, &ru);
    total += static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
             static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  }
  return total;
}

double percentile_us(const std::vector<Clock::duration>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t idx = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return std::chrono::duration<double, std::micro>(sorted[idx]).count();
}

}  // namespace

int main(int argc, char** argv) {
  Options opt = parse_args(argc, argv);
  std::vector<char*> child_argv;
  for (auto& s : opt.argv) child_argv.push_back(s.data());
  child_argv.push_back(nullptr);

  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(opt.seconds));
  std::vector<std::vector<Clock::duration>> samples(static_cast<size_t>(opt.workers));
  std::atomic<long> errors{0};
  const double cpu_start = cpu_seconds();
  const auto start = Clock::now();
  {
    std::vector<std::jthread> workers;
    for (int w = 0; w < opt.workers; ++w) {
      workers.emplace_back([&, w] {
        auto& mine = samples[static_cast<size_t>(w)];
        mine.reserve(1 << 16);
        for (auto t0 = Clock::now(); t0 < deadline; t0 = Clock::now()) {
          if (!run_once(opt, child_argv.data())) {
            errors.fetch_add(1, std::memory_order_relaxed);
            continue;
          }
          mine.push_back(Clock::now() - t0);
        }
      });
    }
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = cpu_seconds() - cpu_start;

  std::vector<Clock::duration> all;
  for (auto& s : samples) all.insert(all.end(), s.begin(), s.end());
  std::sort(all.begin(), all.end());
  const double n = static_cast<double>(all.size());
  std::printf(
      "spawns=%zu seconds=%.3f rate=%.1f p50_us=%.1f p99_us=%.1f workers=%d errors=%ld "
      "cpu_us=%.1f\n",
      all.size(), elapsed, n / elapsed, percentile_us(all, 0.50), percentile_us(all, 0.99),
      opt.workers, errors.load(), n > 0 ? cpu * 1e6 / n : 0.0);
  return errors.load() == 0 ? 0 : 1;
}
