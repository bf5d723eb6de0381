// Micro-benchmarks for the per-process and per-request pure functions of fwatchdog:
// parse_config (once per start) and cgi_environment (once per forked request).
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "faas/core/env.h"
#include "faas/watchdog/cgi_env.h"
#include "faas/watchdog/config.h"

namespace {

faas::Environment typical_environment() {
  return {
      {"HOME", "/home/app"},
      {"HOSTNAME", "figlet-7d9c8b6f5-abcde"},
      {"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
      {"fprocess", "python3 index.py"},
      {"mode", "streaming"},
      {"read_timeout", "10s"},
      {"write_timeout", "10s"},
      {"exec_timeout", "10s"},
      {"max_inflight", "100"},
      {"content_type", "text/plain"},
      {"prefix_logs", "false"},
  };
}

void BM_ParseConfig(benchmark::State& state) {
  const faas::Environment env = typical_environment();
  std::vector<std::string> warnings;
  for (auto _ : state) {
    warnings.clear();
    auto config = faas::watchdog::parse_config(env, &warnings);
    benchmark::DoNotOptimize(config);
  }
}
BENCHMARK(BM_ParseConfig);

void BM_CgiEnvironment(benchmark::State& state) {
  const faas::Environment env = typical_environment();
  faas::http::RequestHeader req;
  req.method(faas::http::bhttp::verb::post);
  req.target("/function/figlet/sub/path?name=world&x=1");
  req.set(faas::http::bhttp::field::host, "127.0.0.1:8080");
  req.set(faas::http::bhttp::field::content_type, "text/plain");
  req.set(faas::http::bhttp::field::content_length, "12");
  req.set(faas::http::bhttp::field::user_agent, "curl/8.5.0");
  req.set("X-Call-Id", "0f8fad5b-d9cb-469f-a165-70867728950e");
  req.set("X-Forwarded-For", "10.0.0.1");
  req.set("X-Start-Time", "1700000000000000000");
  for (auto _ : state) {
    auto envp = faas::watchdog::cgi_environment(env, req, {});
    benchmark::DoNotOptimize(envp);
  }
}
BENCHMARK(BM_CgiEnvironment);

}  // namespace

BENCHMARK_MAIN();
