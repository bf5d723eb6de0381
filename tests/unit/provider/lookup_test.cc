// provider lookups shared by the runtimes: namespace resolution, function lookup, name checks.
#include "faas/provider/lookup.h"

#include <gtest/gtest.h>

namespace faas::provider {
namespace {

std::map<std::string, api::FunctionNamespace> known() {
  std::map<std::string, api::FunctionNamespace> ns;
  ns["openfaas-fn"] = api::FunctionNamespace{};
  ns["staging"] = api::FunctionNamespace{};
  return ns;
}

ProviderErrc errc(const Error& e) { return static_cast<ProviderErrc>(e.code.value()); }

TEST(ResolveNamespace, EmptyMeansTheDefault) {
  auto ns = resolve_namespace("", "openfaas-fn", known());
  ASSERT_TRUE(ns) << ns.error().message();
  EXPECT_EQ(*ns, "openfaas-fn");
  auto staging = resolve_namespace("staging", "openfaas-fn", known());
  ASSERT_TRUE(staging);
  EXPECT_EQ(*staging, "staging");
}

TEST(ResolveNamespace, UnknownOrInvalidIsInvalid) {
  auto unknown = resolve_namespace("prod", "openfaas-fn", known());
  ASSERT_FALSE(unknown);
  EXPECT_EQ(errc(unknown.error()), ProviderErrc::kInvalid);
  EXPECT_EQ(unknown.error().context,
            "namespace: \"prod\" does not exist (create it with label openfaas=1)");
  auto bad = resolve_namespace("../etc", "openfaas-fn", known());
  ASSERT_FALSE(bad);
  EXPECT_EQ(errc(bad.error()), ProviderErrc::kInvalid);
  EXPECT_EQ(bad.error().context.rfind("namespace: ", 0), 0u) << bad.error().context;
}

TEST(FindFunction, ByNamespaceAndName) {
  FunctionMap<int> fns;
  fns[{"openfaas-fn", "echo"}] = std::make_shared<int>(1);
  fns[{"staging", "echo"}] = std::make_shared<int>(2);
  auto a = find_function(fns, "staging", "echo");
  ASSERT_TRUE(a);
  EXPECT_EQ(**a, 2);
  auto missing = find_function(fns, "staging", "figlet");
  ASSERT_FALSE(missing);
  EXPECT_EQ(errc(missing.error()), ProviderErrc::kNotFound);
  EXPECT_EQ(missing.error().context, "function not found: figlet.staging");
}

TEST(CheckedName, KeepsTheMessageAsInvalid) {
  EXPECT_TRUE(checked_name("service", "echo"));
  auto bad = checked_name("service", "Echo Fn");
  ASSERT_FALSE(bad);
  EXPECT_EQ(errc(bad.error()), ProviderErrc::kInvalid);
  EXPECT_EQ(bad.error().context.rfind("service: ", 0), 0u) << bad.error().context;
}

}  // namespace
}  // namespace faas::provider
