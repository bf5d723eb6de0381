#include "faas/watchdog/config.h"

#include <gtest/gtest.h>

namespace faas::watchdog {
namespace {

using namespace std::chrono_literals;

Result<WatchdogConfig> parse(const Environment& env, std::vector<std::string>* warnings = nullptr) {
  return parse_config(env, warnings);
}

WatchdogConfig parse_ok(const Environment& env) {
  auto c = parse(env);
  EXPECT_TRUE(c) << c.error().message();
  return c ? *c : WatchdogConfig{};
}

std::string error_of(const Environment& env) {
  auto c = parse(env);
  return c ? "ok" : c.error().message();
}

TEST(ParseConfig, OfWatchdogDefaults) {
  WatchdogConfig c = parse_ok({{"fprocess", "cat"}});
  EXPECT_EQ(c.mode, Mode::kStreaming);
  EXPECT_EQ(c.fprocess, std::vector<std::string>{"cat"});
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.read_timeout, 30s);
  EXPECT_EQ(c.write_timeout, 30s);
  EXPECT_EQ(c.exec_timeout, 30s);
  EXPECT_EQ(c.healthcheck_interval, 30s);
  EXPECT_EQ(c.max_inflight, 0);
  EXPECT_EQ(c.content_type, "application/octet-stream");
  EXPECT_FALSE(c.suppress_lock);
  EXPECT_FALSE(c.buffer_http);
  EXPECT_TRUE(c.prefix_logs);
  EXPECT_EQ(c.log_buffer_size, 65536);
  EXPECT_FALSE(c.log_callid);
  EXPECT_EQ(c.static_path, "/home/app/public");
  EXPECT_EQ(c.ready_path, "");
  EXPECT_EQ(c.lock_path, "/tmp/.lock");
}

TEST(ParseConfig, ClassicDefaults) {
  WatchdogConfig c = parse_ok({{"fprocess", "cat"}, {"mode", "classic"}});
  EXPECT_EQ(c.mode, Mode::kClassic);
  EXPECT_EQ(c.exec_timeout, 0s);  // classic: disabled unless set
  EXPECT_EQ(c.content_type, "");  // classic: echo the request's Content-Type
  EXPECT_TRUE(c.combine_output);
  EXPECT_TRUE(c.cgi_headers);
  EXPECT_FALSE(c.marshal_request);
  EXPECT_EQ(parse_ok({{"fprocess", "cat"}, {"mode", "classic"}, {"exec_timeout", "10s"}}).exec_timeout,
            10s);
  EXPECT_EQ(parse_ok({{"fprocess", "cat"}, {"mode", "afterburn"}}).mode, Mode::kClassic);
}

TEST(ParseConfig, ClassicSelectedByClassicOnlyVariables) {
  WatchdogConfig c = parse_ok({{"fprocess", "cat"}, {"combine_output", "false"}});
  EXPECT_EQ(c.mode, Mode::kClassic);
  EXPECT_FALSE(c.combine_output);
  EXPECT_EQ(parse_ok({{"fprocess", "cat"}, {"marshal_request", "true"}}).mode, Mode::kClassic);
  EXPECT_EQ(parse_ok({{"fprocess", "cat"}, {"write_debug", "false"}}).mode, Mode::kClassic);
  // An explicit mode wins.
  EXPECT_EQ(parse_ok({{"fprocess", "cat"}, {"mode", "streaming"}, {"combine_output", "true"}}).mode,
            Mode::kStreaming);
}

TEST(ParseConfig, ModesAndBadMode) {
  EXPECT_EQ(parse_ok({{"fprocess", "cat"}, {"mode", "serializing"}}).mode, Mode::kSerializing);
  EXPECT_EQ(parse_ok({{"fprocess", "cat"}, {"mode", "http"}}).mode, Mode::kHttp);
  EXPECT_EQ(parse_ok({{"mode", "static"}}).mode, Mode::kStatic);  // static needs no fprocess
  EXPECT_EQ(parse_ok({{"fprocess", "cat"}, {"mode", ""}}).mode, Mode::kStreaming);
  std::string err = error_of({{"fprocess", "cat"}, {"mode", "turbo"}});
  EXPECT_NE(err.find("mode"), std::string::npos) << err;
  EXPECT_NE(err.find("turbo"), std::string::npos) << err;
}

TEST(ParseConfig, FunctionProcessWinsAndIsSplitOnSpaces) {
  WatchdogConfig c = parse_ok({{"fprocess", "cat"}, {"function_process", "node  index.js"}});
  EXPECT_EQ(c.fprocess, (std::vector<std::string>{"node", "index.js"}));
  EXPECT_EQ(parse_ok({{"fprocess", "python3 index.py"}}).fprocess,
            (std::vector<std::string>{"python3", "index.py"}));
}

TEST(ParseConfig, MissingProcessIsAnError) {
  EXPECT_NE(error_of({}).find("fprocess"), std::string::npos);
  EXPECT_NE(error_of({{"fprocess", "   "}}).find("fprocess"), std::string::npos);
}

TEST(ParseConfig, HttpUpstreamUrlWins) {
  Environment env{{"fprocess", "node index.js"}, {"mode", "http"}};
  env["upstream_url"] = "http://127.0.0.1:3000";
  EXPECT_EQ(parse_ok(env).upstream_url, "http://127.0.0.1:3000");
  env["http_upstream_url"] = "http://127.0.0.1:5000";
  EXPECT_EQ(parse_ok(env).upstream_url, "http://127.0.0.1:5000");
}

TEST(ParseConfig, WriteTimeoutZeroRejected) {
  EXPECT_NE(error_of({{"fprocess", "cat"}, {"write_timeout", "0"}}).find("write_timeout"),
            std::string::npos);
  EXPECT_NE(error_of({{"fprocess", "cat"}, {"write_timeout", "0s"}}).find("write_timeout"),
            std::string::npos);
}

TEST(ParseConfig, HealthcheckIntervalDefaultsToWriteTimeout) {
  EXPECT_EQ(parse_ok({{"fprocess", "cat"}, {"write_timeout", "5s"}}).healthcheck_interval, 5s);
  EXPECT_EQ(parse_ok({{"fprocess", "cat"}, {"write_timeout", "5s"}, {"healthcheck_interval", "2"}})
                .healthcheck_interval,
            2s);
}

TEST(ParseConfig, DurationsAcceptSecondsAndGoSyntax) {
  WatchdogConfig c = parse_ok(
      {{"fprocess", "cat"}, {"read_timeout", "1m"}, {"write_timeout", "90"}, {"exec_timeout", "0"}});
  EXPECT_EQ(c.read_timeout, 60s);
  EXPECT_EQ(c.write_timeout, 90s);
  EXPECT_EQ(c.exec_timeout, 0s);
}

TEST(ParseConfig, BadDurationFallsBackWithWarning) {
  std::vector<std::string> warnings;
  auto c = parse({{"fprocess", "cat"}, {"exec_timeout", "banana"}}, &warnings);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->exec_timeout, 30s);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("exec_timeout"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("30s"), std::string::npos) << warnings[0];
  EXPECT_TRUE(parse({{"fprocess", "cat"}, {"read_timeout", "-1s"}}));  // no warnings sink: fine
}

TEST(ParseConfig, ContentType) {
  EXPECT_EQ(parse_ok({{"fprocess", "cat"}, {"content_type", "application/json"}}).content_type,
            "application/json");
  EXPECT_EQ(parse_ok({{"fprocess", "cat"}, {"mode", "serializing"}}).content_type,
            "application/octet-stream");
  EXPECT_EQ(parse_ok({{"fprocess", "cat"}, {"mode", "classic"}, {"content_type", "text/html"}})
                .content_type,
            "text/html");
}

TEST(ParseConfig, IntegersAreValidatedAndNamed) {
  EXPECT_EQ(parse_ok({{"fprocess", "cat"}, {"port", "3000"}, {"max_inflight", "5"}}).max_inflight, 5);
  EXPECT_NE(error_of({{"fprocess", "cat"}, {"port", "http"}}).find("port"), std::string::npos);
  EXPECT_NE(error_of({{"fprocess", "cat"}, {"port", "70000"}}).find("port"), std::string::npos);
  EXPECT_NE(error_of({{"fprocess", "cat"}, {"max_inflight", "-1"}}).find("max_inflight"),
            std::string::npos);
}

TEST(ParseConfig, BooleansAliasesAndLogBuffer) {
  WatchdogConfig c = parse_ok({{"fprocess", "cat"},
                               {"suppress_lock", "true"},
                               {"http_buffer_req_body", "true"},
                               {"prefix_logs", "false"},
                               {"log_call_id", "true"},
                               {"log_buffer_size", "-1"}});
  EXPECT_TRUE(c.suppress_lock);
  EXPECT_TRUE(c.buffer_http);
  EXPECT_FALSE(c.prefix_logs);
  EXPECT_TRUE(c.log_callid);
  EXPECT_EQ(c.log_buffer_size, -1);
  EXPECT_EQ(parse_ok({{"fprocess", "cat"}, {"log_buffer_size", "0"}}).log_buffer_size, 65536);
}

TEST(ParseConfig, LockFileFollowsTmpdir) {
  EXPECT_EQ(parse_ok({{"fprocess", "cat"}, {"TMPDIR", "/var/tmp/"}}).lock_path, "/var/tmp/.lock");
  EXPECT_EQ(parse_ok({{"fprocess", "cat"}, {"TMPDIR", "/run"}}).lock_path, "/run/.lock");
}

TEST(Mode, ToString) {
  EXPECT_EQ(to_string(Mode::kStreaming), "streaming");
  EXPECT_EQ(to_string(Mode::kSerializing), "serializing");
  EXPECT_EQ(to_string(Mode::kHttp), "http");
  EXPECT_EQ(to_string(Mode::kStatic), "static");
  EXPECT_EQ(to_string(Mode::kClassic), "classic");
}

}  // namespace
}  // namespace faas::watchdog
