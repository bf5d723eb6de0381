#include "faas/api/json.h"

#include <gtest/gtest.h>

namespace faas::api {
namespace {

TEST(DeploymentJson, ParsesEveryField) {
  auto d = parse_deployment(R"({"service":"figlet","image":"ghcr.io/openfaas/figlet:latest",
    "namespace":"openfaas-fn","envProcess":"figlet","envVars":{"A":"1"},"constraints":["x=y"],
    "secrets":["s1"],"labels":{"com.openfaas.scale.min":"2"},"annotations":{"topic":"t"},
    "limits":{"memory":"128Mi","cpu":"500m"},"requests":{"memory":"64Mi"},
    "readOnlyRootFilesystem":true})");
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->service, "figlet");
  EXPECT_EQ(d->env_vars.at("A"), "1");
  EXPECT_EQ(d->labels->at("com.openfaas.scale.min"), "2");
  EXPECT_EQ(d->limits->cpu, "500m");
  EXPECT_EQ(d->requests->memory, "64Mi");
  EXPECT_TRUE(d->read_only_root_filesystem);
}

TEST(DeploymentJson, ErrorsNameTheField) {
  EXPECT_EQ(parse_deployment(R"({"image":"x"})").error().message(), "service: required");
  EXPECT_EQ(parse_deployment(R"({"service":"a","image":5})").error().message(),
            "image: must be a string");
  EXPECT_EQ(parse_deployment(R"({"service":"a","image":"i","envVars":{"K":1}})").error().message(),
            "envVars.K: must be a string");
  EXPECT_EQ(parse_deployment(R"({"service":"a","image":"i","limits":{"cpu":1}})").error().message(),
            "limits.cpu: must be a string");
  EXPECT_NE(parse_deployment(R"({"service":"Bad_Name","image":"i"})").error().message().find("service"),
            std::string::npos);
  EXPECT_NE(parse_deployment("{\"service\":").error().message().find("invalid JSON at byte"),
            std::string::npos);
  EXPECT_EQ(parse_deployment("[]").error().message(), "must be a JSON object");
}

TEST(DeploymentJson, RoundTripsWithGoNullsForAbsentMaps) {
  FunctionDeployment d{.service = "a", .image = "img"};
  EXPECT_EQ(to_json(d),
            R"({"service":"a","image":"img","labels":null,"annotations":null,"limits":null,"requests":null})");
  d.labels = StringMap{{"k", "v"}};
  d.env_vars = {{"E", "1"}};
  auto back = parse_deployment(to_json(d));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, d);
}

TEST(StatusJson, OmitsEmptyFieldsButKeepsNameImageCreatedAt) {
  FunctionStatus s{.name = "f", .image = "i"};
  s.created_at = *parse_rfc3339("2024-01-02T03:04:05Z");
  EXPECT_EQ(to_json(s), R"({"name":"f","image":"i","createdAt":"2024-01-02T03:04:05Z"})");
  s.replicas = 3;
  s.available_replicas = 1;
  auto back = parse_function_status(to_json(s));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, s);
}

TEST(StatusJson, ListOfTwo) {
  auto list = parse_function_list(R"([{"name":"a","image":"i","createdAt":"2024-01-02T03:04:05Z"},
                                      {"name":"b","image":"j","replicas":2,"createdAt":"0001-01-01T00:00:00Z"}])");
  ASSERT_TRUE(list) << list.error().message();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].replicas, 2u);
  EXPECT_EQ(parse_function_list("[{\"image\":\"i\"}]").error().message(), "[0].name: required");
}

TEST(ScaleJson, RejectsNegativeReplicas) {
  auto s = parse_scale_request(R"({"serviceName":"f","replicas":3,"namespace":"ns"})");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->replicas, 3u);
  EXPECT_EQ(parse_scale_request(R"({"serviceName":"f","replicas":-1})").error().message(),
            "replicas: must be a non-negative integer");
}

TEST(SecretJson, RawValueIsBase64) {
  Secret s{.name = "db", .raw_value = std::string("\x00\x01\xff", 3)};
  auto text = to_json(s);
  EXPECT_EQ(text, R"({"name":"db","rawValue":"AAH/"})");
  auto back = parse_secret(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->raw_value, s.raw_value);
  EXPECT_EQ(parse_secret(R"({"name":"x","rawValue":"***"})").error().message(),
            "rawValue: must be base64");
}

TEST(InfoJson, GatewayInfoWithNullProvider) {
  GatewayInfo g{.version = {.commit_message = "m", .sha = "abc", .release = "0.1.0"}, .arch = "x86_64"};
  EXPECT_EQ(to_json(g),
            R"({"provider":null,"version":{"commit_message":"m","sha":"abc","release":"0.1.0"},"arch":"x86_64"})");
  auto back = parse_gateway_info(to_json(g));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, g);
}

TEST(LogJson, TimestampKeepsNanoseconds) {
  auto m = parse_log_message(
      R"({"name":"f","namespace":"n","instance":"i","timestamp":"2024-01-02T03:04:05.123456789Z","text":"hi"})");
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(to_json(*m),
            R"({"name":"f","namespace":"n","instance":"i","timestamp":"2024-01-02T03:04:05.123456789Z","text":"hi"})");
}

TEST(Rfc3339, OffsetsAndErrors) {
  EXPECT_EQ(*parse_rfc3339("2024-01-02T05:04:05+02:00"), *parse_rfc3339("2024-01-02T03:04:05Z"));
  EXPECT_FALSE(parse_rfc3339("2024-01-02 03:04:05Z"));
  EXPECT_FALSE(parse_rfc3339("2024-13-02T03:04:05Z"));
  EXPECT_FALSE(parse_rfc3339("2024-01-02T03:04:05"));
  EXPECT_EQ(format_rfc3339(*parse_rfc3339("2024-01-02T03:04:05.5Z"), true), "2024-01-02T03:04:05.5Z");
  EXPECT_EQ(*parse_rfc3339("0001-01-01T00:00:00Z"), Timestamp{});
  EXPECT_EQ(format_rfc3339(Timestamp{}, false), "0001-01-01T00:00:00Z");
  EXPECT_FALSE(parse_rfc3339("4048-01-02T03:04:05Z"));  // beyond 64-bit nanoseconds
}

TEST(ValidateName, Dns1123Label) {
  EXPECT_TRUE(validate_name("service", "figlet-2"));
  EXPECT_FALSE(validate_name("service", ""));
  EXPECT_FALSE(validate_name("service", "-a"));
  EXPECT_FALSE(validate_name("service", "a-"));
  EXPECT_FALSE(validate_name("service", "UPPER"));
  EXPECT_FALSE(validate_name("service", "a.b"));
  EXPECT_FALSE(validate_name("service", std::string(64, 'a')));
  EXPECT_TRUE(validate_name("service", std::string(63, 'a')));
}

}  // namespace
}  // namespace faas::api
