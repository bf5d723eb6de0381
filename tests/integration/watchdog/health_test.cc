// fwatchdog health, readiness, lock file, command-line flags and the metrics listener.
#include <sys/stat.h>

#include "test_helpers.h"

namespace faas::test {
namespace {

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

TEST(HealthTest, HealthAndReadyAnswerOkWhenServing) {
  auto wd = start_watchdog({{"fprocess", "cat"}});
  ASSERT_TRUE(wd);
  auto health = http_request(wd->port(), {.target = "/_/health"});
  ASSERT_TRUE(health) << error_text(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "OK");
  auto ready = http_request(wd->port(), {.target = "/_/ready"});
  ASSERT_TRUE(ready) << error_text(ready);
  EXPECT_EQ(ready->status, 200);
}

TEST(HealthTest, HealthAndReadyOnlyAcceptGet) {
  auto wd = start_watchdog({{"fprocess", "cat"}});
  ASSERT_TRUE(wd);
  for (std::string path : {"/_/health", "/_/ready"}) {
    auto r = http_request(wd->port(), {.method = "POST", .target = path, .body = "x"});
    ASSERT_TRUE(r) << path << ": " << error_text(r);
    EXPECT_EQ(r->status, 405) << path;
  }
}

TEST(HealthTest, LockFileIsWrittenToTmpdir) {
  auto wd = start_watchdog({{"fprocess", "cat"}});
  ASSERT_TRUE(wd);
  EXPECT_TRUE(file_exists(wd->lock_path())) << wd->lock_path();
}

TEST(HealthTest, SuppressLockServesWithoutALockFile) {
  auto wd = start_watchdog({{"fprocess", "cat"}, {"suppress_lock", "true"}});
  ASSERT_TRUE(wd);  // start() waited for /_/health 200
  EXPECT_FALSE(file_exists(wd->lock_path()));
}

TEST(HealthTest, RunHealthcheckFlagReportsTheLockFile) {
  auto wd = start_watchdog({{"fprocess", "cat"}});
  ASSERT_TRUE(wd);
  Environment env = inherited_environment();
  env["TMPDIR"] = wd->tmpdir();
  auto healthy = run_program({fwatchdog_path(), "-run-healthcheck"}, env);
  ASSERT_TRUE(healthy) << error_text(healthy);
  EXPECT_EQ(healthy->exit_code, 0) << healthy->output;

  auto empty = TempDir::create("no-lock");
  ASSERT_TRUE(empty) << error_text(empty);
  env["TMPDIR"] = empty->path();
  auto unhealthy = run_program({fwatchdog_path(), "-run-healthcheck"}, env);
  ASSERT_TRUE(unhealthy) << error_text(unhealthy);
  EXPECT_EQ(unhealthy->exit_code, 1) << unhealthy->output;
}

TEST(HealthTest, VersionFlagPrintsTheVersion) {
  auto r = run_program({fwatchdog_path(), "-version"}, inherited_environment());
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_NE(r->output.find("fwatchdog"), std::string::npos) << r->output;
  EXPECT_NE(r->output.find("Version: "), std::string::npos) << r->output;
}

TEST(HealthTest, UnknownFlagIsAUsageError) {
  auto r = run_program({fwatchdog_path(), "-no-such-flag"}, inherited_environment());
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->exit_code, 2);
  EXPECT_NE(r->output.find("usage"), std::string::npos) << r->output;
}

TEST(HealthTest, InvalidConfigurationExitsNonZero) {
  Environment env = inherited_environment();
  env["mode"] = "no-such-mode";
  env["fprocess"] = "cat";
  env["port"] = "0";
  env["metrics_port"] = "-1";
  auto r = run_program({fwatchdog_path()}, env);
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->exit_code, 1);
  EXPECT_NE(r->output.find("mode"), std::string::npos) << r->output;
}

TEST(HealthTest, ReadyPathAsksTheFunction) {
  auto dir = TempDir::create("ready");
  ASSERT_TRUE(dir) << error_text(dir);
  auto fn = shell_function(*dir, "ready.sh", "echo \"checked $Http_Path\"\n");
  auto wd =
      start_watchdog({{"mode", "streaming"}, {"fprocess", fn}, {"ready_path", "/ready-check"}});
  ASSERT_TRUE(wd);
  auto r = http_request(wd->port(), {.target = "/_/ready"});
  ASSERT_TRUE(r) << error_text(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "checked /ready-check\n");
}

// The value of a sample line "name{labels} value" in Prometheus text, if present.
std::optional<std::string> sample(const std::string& text, const std::string& series) {
  auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return std::nullopt;
  at += series.size() + 2;
  return text.substr(at, text.find('\n', at) - at);
}

TEST(HealthTest, MetricsCountFunctionRequestsOnly) {
  auto wd = start_watchdog({{"mode", "streaming"}, {"fprocess", "cat"}});
  ASSERT_TRUE(wd);
  ASSERT_NE(wd->metrics_port(), 0);
  for (int i = 0; i < 2; ++i) {
    auto r = http_request(wd->port(), {.method = "POST", .body = "m"});
    ASSERT_TRUE(r) << error_text(r);
    ASSERT_EQ(r->status, 200);
  }
  auto get = http_request(wd->port(), {.method = "GET", .target = "/"});
  ASSERT_TRUE(get) << error_text(get);
  ASSERT_EQ(get->status, 200);

  std::string text;
  bool counted = eventually([&] {
    auto m = http_request(wd->metrics_port(), {.target = "/metrics"});
    if (!m || m->status != 200) return false;
    text = m->body;
    return sample(text, "http_requests_total{code=\"200\",method=\"GET\"}").has_value();
  });
  ASSERT_TRUE(counted) << text;
  EXPECT_EQ(sample(text, "http_requests_total{code=\"200\",method=\"POST\"}").value_or("?"), "2")
      << text;
  // start() polled /_/health: health checks bypass the metrics, so only the one GET counts.
  EXPECT_EQ(sample(text, "http_requests_total{code=\"200\",method=\"GET\"}").value_or("?"), "1")
      << text;
  EXPECT_NE(text.find("# TYPE http_request_duration_seconds histogram"), std::string::npos);
  EXPECT_EQ(sample(text, "http_request_duration_seconds_count{code=\"200\",method=\"POST\"}")
                .value_or("?"),
            "2")
      << text;
  EXPECT_TRUE(sample(text, "http_requests_in_flight").has_value()) << text;

  auto other = http_request(wd->metrics_port(), {.target = "/not-metrics"});
  ASSERT_TRUE(other) << error_text(other);
  EXPECT_EQ(other->status, 404);
}

}  // namespace
}  // namespace faas::test
