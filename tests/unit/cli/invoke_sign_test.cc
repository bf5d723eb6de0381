// faas-cli invoke --sign HEADER --key KEY against Imposter standing in for the gateway: the body's
// HMAC goes in HEADER as faas-cli sends it ("sha1=<hex>"), checked against an HMAC computed by a
// separate implementation (Python's hmac module), not by this code.
#include <sstream>

#include <gtest/gtest.h>

#include "faas/cli/app.h"

#include "support/imposter.h"
#include "test_util.h"

namespace faas::cli {
namespace {

using test::Imposter;
using test::Reply;

class InvokeSign : public ::testing::Test {
 protected:
  InvokeSign() {
    env_["HOME"] = (dir_.path() / "home").string();
    env_["OPENFAAS_URL"] = gw_.url();
  }
  int cli(std::vector<std::string> args, const std::string& input) {
    std::istringstream in(input);
    out_.str("");
    err_.str("");
    return run(args, env_, Io{in, out_, err_}, dir_.path());
  }

  testing::TempDir dir_;
  Imposter gw_;
  Environment env_;
  std::ostringstream out_, err_;
};

TEST_F(InvokeSign, SendsTheBodysHmacInTheNamedHeader) {
  gw_.when("POST", "/function/github-webhook", Reply::text(200, "ok"));
  ASSERT_EQ(cli({"invoke", "github-webhook", "--sign", "X-Hub-Signature", "--key", "yoursecret"},
                R"({"hello":"world"})"),
            0)
      << err_.str();
  EXPECT_EQ(out_.str(), "ok");
  auto req = gw_.last_request();
  EXPECT_EQ(req.body, R"({"hello":"world"})");
  EXPECT_EQ(req.header("X-Hub-Signature"), "sha1=550f017cdcddb068987273abf1303e5c9f001a74");
}

TEST_F(InvokeSign, AnEmptyBodyIsSignedToo) {
  gw_.when("POST", "/function/fn", Reply::text(200, ""));
  ASSERT_EQ(cli({"invoke", "fn", "--sign", "X-Signature", "--key", "k"}, ""), 0) << err_.str();
  // hmac.new(b"k", b"", hashlib.sha1).hexdigest()
  EXPECT_EQ(gw_.last_request().header("X-Signature"),
            "sha1=3a84a218ee6665209bb70e84525dd837645a1965");
}

TEST_F(InvokeSign, NeedsBothFlags) {
  EXPECT_EQ(cli({"invoke", "fn", "--sign", "X-Hub-Signature"}, "x"), 1);
  EXPECT_EQ(err_.str(),
            "Error: signing requires both --sign <header-value> and --key <key-value>\n");
  EXPECT_EQ(cli({"invoke", "fn", "--key", "k"}, "x"), 1);
  EXPECT_TRUE(gw_.requests().empty());
}

}  // namespace
}  // namespace faas::cli
