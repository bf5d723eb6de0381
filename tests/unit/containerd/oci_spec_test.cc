#include "faas/containerd/oci_spec.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace faas::containerd {
namespace {

using nlohmann::json;

json spec_of(const SpecOptions& o) {
  auto text = make_runtime_spec(o);
  EXPECT_TRUE(text) << text.error().message();
  return text ? json::parse(*text) : json();
}

TEST(OciSpec, NewNetworkNamespaceAndHardening) {
  SpecOptions o;
  o.args = {"/fwatchdog"};
  json s = spec_of(o);
  bool net = false;
  for (const auto& ns : s["linux"]["namespaces"]) {
    if (ns["type"] == "network") net = !ns.contains("path");
  }
  EXPECT_TRUE(net) << "a new, empty network namespace";
  EXPECT_EQ(s["process"]["noNewPrivileges"], true);
  EXPECT_FALSE(s["process"].contains("oomScoreAdj"));
  EXPECT_EQ(s["process"]["capabilities"]["bounding"].size(), kDefaultCapabilities.size());
  EXPECT_EQ(s["root"]["readonly"], false);
  EXPECT_FALSE(s["linux"]["resources"].contains("memory"));
}

TEST(OciSpec, LimitsReadOnlyRootAndSecrets) {
  SpecOptions o;
  o.args = {"/fwatchdog"};
  o.read_only_rootfs = true;
  o.memory_limit_bytes = 128 << 20;
  o.cpu_millis = 250;
  o.mounts.push_back({"/var/lib/faas/secrets/fn", "/var/openfaas/secrets", true});
  o.netns_path = "/var/run/netns/x";
  json s = spec_of(o);
  EXPECT_EQ(s["root"]["readonly"], true);
  EXPECT_EQ(s["linux"]["resources"]["memory"]["limit"], 128 << 20);
  EXPECT_EQ(s["linux"]["resources"]["cpu"]["quota"], 25'000);
  EXPECT_EQ(s["linux"]["resources"]["cpu"]["period"], 100'000);
  const auto& last = s["mounts"].back();
  EXPECT_EQ(last["destination"], "/var/openfaas/secrets");
  EXPECT_NE(std::find(last["options"].begin(), last["options"].end(), "ro"), last["options"].end());
  bool tmp = false;
  for (const auto& m : s["mounts"]) tmp = tmp || m["destination"] == "/tmp";
  EXPECT_TRUE(tmp) << "a read-only rootfs gets a writable /tmp";
  for (const auto& ns : s["linux"]["namespaces"]) {
    if (ns["type"] == "network") {
      EXPECT_EQ(ns["path"], "/var/run/netns/x");
    }
  }
}

TEST(OciSpec, RejectsBadInput) {
  EXPECT_FALSE(make_runtime_spec(SpecOptions{}));
  SpecOptions o;
  o.args = {"/x"};
  o.cwd = "relative";
  EXPECT_FALSE(make_runtime_spec(o));
  o.cwd = "/";
  o.mounts.push_back({"relative", "/x", true});
  EXPECT_FALSE(make_runtime_spec(o));
}

TEST(OciSpec, FromImageConfig) {
  ImageConfig c;
  c.entrypoint = {"/fwatchdog"};
  c.cmd = {"-x"};
  c.env = {"fprocess=cat"};
  c.working_dir = "/home/app";
  c.user = "1000:2000";
  auto o = spec_from_image(c);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->args, (std::vector<std::string>{"/fwatchdog", "-x"}));
  EXPECT_EQ(o->cwd, "/home/app");
  EXPECT_EQ(o->uid, 1000u);
  EXPECT_EQ(o->gid, 2000u);
  c.user = "1000";
  EXPECT_EQ(spec_from_image(c)->gid, 0u);
  c.user = "app";
  EXPECT_FALSE(spec_from_image(c)) << "names need the image's /etc/passwd";
}

}  // namespace
}  // namespace faas::containerd
