// Every shipped template, end to end on this machine with no registry, as a developer works: the
// base images come from scripts/base-images.sh (debootstrap + Debian packages, cached), then for
// each template `faas-cli new` → handler written as a user of the OpenFaaS template of the same
// name would → `faas-cli up` (buildah build, the image uploaded to a real `faasd up` on a private
// real containerd, deployed) → `faas-cli ready` → calls through the gateway check the handler
// contract (body, method, path, query, headers, status, response headers, what a failing handler
// turns into) → `faas-cli invoke` → `faas-cli logs` → `faas-cli rm`.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "support/spawn.h"
#include "support/watchdog_process.h"
#include "templates/commands.h"
#include "templates/faasd.h"

#ifndef FAAS_SOURCE_DIR
#error "FAAS_SOURCE_DIR must be defined"
#endif

namespace faas::test::templates {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Files = std::map<std::string, std::string>;  // path in the handler folder -> content

constexpr auto kBaseImagesTimeout = std::chrono::seconds(3600);
constexpr const char* kImagePrefix = "localhost/faaspp-templates-test";

bool statically_linked(const std::string& path) {
  auto r = run_command({"ldd", path}, "", 30s);
  // ldd says "not a dynamic executable" (exit 1) for a static binary.
  return r && r->exit_code != 0;
}

// The fwatchdog the watchdog images are made of: templates copy it alone into other images, so
// it must be static. Sanitizer builds link it dynamically; they use the release build's.
std::optional<std::string> static_fwatchdog() {
  for (const std::string& dir :
       {env_or("FAAS_BIN_DIR", ""), std::string(FAAS_SOURCE_DIR) + "/build/bin"}) {
    std::string path = dir + "/fwatchdog";
    if (!dir.empty() && ::access(path.c_str(), X_OK) == 0 && statically_linked(path)) return path;
  }
  return std::nullopt;
}

std::string unique_name(const std::string& lang) {
  static std::mt19937_64 rng{std::random_device{}()};
  std::string name = "t-" + lang + "-" + std::to_string(rng() % 1'000'000);
  return name;
}

// Removes the built image from buildah's storage when the test ends, however it ends.
struct ImageCleanup {
  std::string image;
  ~ImageCleanup() {
    if (!image.empty()) (void)run_command({"buildah", "rmi", "-f", image}, "", 120s);
  }
};

class TemplatesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0) {
      skip_ = "needs root (buildah storage, debootstrap, containerd)";
      return;
    }
    auto fwatchdog = static_fwatchdog();
    if (!fwatchdog) {
      error_ = "no statically linked fwatchdog in $FAAS_BIN_DIR or build/bin (run make build)";
      return;
    }
    auto t0 = std::chrono::steady_clock::now();
    auto r = run_command({"bash", std::string(FAAS_SOURCE_DIR) + "/scripts/base-images.sh",
                          "--fwatchdog", *fwatchdog},
                         "", kBaseImagesTimeout);
    auto secs =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - t0);
    if (!r || r->exit_code != 0) {
      error_ = "scripts/base-images.sh failed: " + (r ? tail(r->output) : r.error().message());
      return;
    }
    std::cout << "[templates] base images ready in " << secs.count() << " s\n"
              << tail(r->output, 3000);
    auto f = Faasd::start();
    if (!f) {
      error_ = "faasd on a private containerd: " + f.error().message();
      return;
    }
    faasd_ = std::move(*f).release();
  }
  static void TearDownTestSuite() {
    delete faasd_;
    faasd_ = nullptr;
  }

  void SetUp() override {
    if (!skip_.empty()) GTEST_SKIP() << skip_;
    ASSERT_TRUE(error_.empty()) << error_;
    auto dir = TempDir::create("faas-templates");
    ASSERT_TRUE(dir);
    dir_.emplace(std::move(*dir));
  }
  void TearDown() override {
    if (HasFailure() && faasd_ != nullptr) std::cerr << faasd_->platform_log();
  }

  // faas-cli new + the handler files, as a user would.
  Result<FunctionSource> new_function(const std::string& lang, const Files& files,
                                      const std::vector<std::string>& skeleton) {
    std::string name = unique_name(lang);
    auto created = faasd_->faas_cli({"new", name, "--lang", lang, "--prefix", kImagePrefix},
                                    dir_->path(), "", 60s);
    if (!created) return created.error();
    if (created->exit_code != 0) return invalid_argument("faas-cli new: " + created->output);
    for (const auto& f : skeleton) {
      if (!fs::exists(fs::path(dir_->path()) / name / f)) {
        return invalid_argument("faas-cli new did not write the skeleton's " + f);
      }
    }
    for (const auto& [path, content] : files) {
      if (auto w = dir_->write(name + "/" + path, content); !w) return w.error();
    }
    return FunctionSource{name, std::string(kImagePrefix) + "/" + name + ":latest", dir_->path()};
  }

  // faas-cli new, the handler files, faas-cli up + ready; the image is removed from buildah's
  // storage when the test ends, the function from faasd when the Deployment goes.
  Result<std::unique_ptr<Deployment>> new_and_up(const std::string& lang, const Files& files,
                                                 const std::vector<std::string>& skeleton) {
    auto fn = new_function(lang, files, skeleton);
    if (!fn) return fn.error();
    cleanup_.image = fn->image;
    return faasd_->up(*fn);
  }

  std::unique_ptr<Deployment> build_and_deploy(const std::string& lang, const Files& files,
                                               const std::vector<std::string>& skeleton) {
    auto d = new_and_up(lang, files, skeleton);
    EXPECT_TRUE(d) << d.error().message();
    return d ? std::move(*d) : nullptr;
  }

  static inline std::string skip_;
  static inline std::string error_;
  static inline Faasd* faasd_ = nullptr;
  std::optional<TempDir> dir_;
  ImageCleanup cleanup_;
};

// The watchdog relays a function's output to its log asynchronously: wait for it (bounded).
bool log_shows(const Deployment& d, const std::string& needle) {
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (d.logs().find(needle) == std::string::npos) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(200ms);
  }
  return true;
}

// `faas-cli invoke` prints the function's answer on stdout; returns it ("" and a failure when the
// command failed).
std::string cli_invoke(Deployment& d, const std::string& body,
                       std::vector<std::string> extra = {}) {
  auto r = d.cli_invoke(body, std::move(extra));
  EXPECT_TRUE(r) << r.error().message();
  if (!r) return "";
  EXPECT_EQ(r->exit_code, 0) << r->output;
  return r->output;
}

Reply call(Deployment& d, Call c) {
  auto r = d.invoke(c);
  EXPECT_TRUE(r) << c.method << " " << c.target << ": " << r.error().message();
  return r ? *r : Reply{};
}

// ---- python3 (classic) ------------------------------------------------------------------------

void check_python3(Deployment& fn) {
  Reply ok = call(fn, {.method = "POST", .target = "/", .headers = {}, .body = "hello"});
  EXPECT_EQ(ok.status, 200) << ok.body;
  // handle() gets the body as a str; its return value is printed (so a newline follows).
  EXPECT_EQ(ok.body, "python3 got 5 chars: hello|method=POST|user=app\n") << fn.logs();
  Reply failed = call(fn, {.method = "POST", .target = "/", .headers = {}, .body = "fail"});
  EXPECT_EQ(failed.status, 500);
  EXPECT_NE(failed.body.find("handler failed on purpose"), std::string::npos) << failed.body;
}

TEST_F(TemplatesTest, Python3) {
  Files files{{"handler.py",
               "import os, pwd\n"
               "def handle(req):\n"
               "    if req.startswith('fail'):\n"
               "        raise ValueError('handler failed on purpose')\n"
               "    user = pwd.getpwuid(os.getuid()).pw_name\n"
               "    return 'python3 got %d chars: %s|method=%s|user=%s' % (len(req), req,\n"
               "        os.getenv('Http_Method'), user)\n"}};
  auto fn = build_and_deploy("python3", files, {"handler.py", "requirements.txt"});
  ASSERT_NE(fn, nullptr);
  check_python3(*fn);
  EXPECT_EQ(cli_invoke(*fn, "hi"), "python3 got 2 chars: hi|method=POST|user=app\n");
  // The classic watchdog answers with the handler's stderr (combine_output); its log has the call.
  EXPECT_TRUE(log_shows(*fn, "POST / - 500")) << fn->logs();
}

// ---- python3-http ----------------------------------------------------------------------------

void check_python3_http(Deployment& fn) {
  Reply r = call(fn, {.method = "POST",
                      .target = "/things?a=1&a=2&b=x%20y",
                      .headers = {{"X-Test", "yes"}},
                      .body = "payload"});
  ASSERT_EQ(r.status, 201) << r.body << fn.logs();
  EXPECT_EQ(r.header("X-Fn"), "python3-http");
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.body;
  EXPECT_EQ(j["method"], "POST");
  EXPECT_EQ(j["path"], "/things");
  EXPECT_EQ(j["a"], "1");  // first value, as Flask's request.args
  EXPECT_EQ(j["all_a"], nlohmann::json::array({"1", "2"}));
  EXPECT_EQ(j["b"], "x y");
  EXPECT_EQ(j["x_test"], "yes");  // header lookup is case-insensitive
  EXPECT_EQ(j["body"], "payload");
  EXPECT_EQ(j["body_type"], "bytes");
  EXPECT_EQ(j["hostname_set"], true);

  Reply plain = call(fn, {.method = "PUT", .target = "/plain", .headers = {}, .body = "abc"});
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.body, "plain abc");
  Reply get = call(fn, {.method = "GET", .target = "/plain", .headers = {}, .body = ""});
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, "plain ");

  Reply failed = call(fn, {.method = "POST", .target = "/fail", .headers = {}, .body = ""});
  EXPECT_EQ(failed.status, 500);
  EXPECT_TRUE(log_shows(fn, "python3-http handler failed on purpose")) << fn.logs();
}

TEST_F(TemplatesTest, Python3Http) {
  Files files{
      {"handler.py",
       "def handle(event, context):\n"
       "    if event.path == '/fail':\n"
       "        raise RuntimeError('python3-http handler failed on purpose')\n"
       "    if event.path == '/plain':\n"
       "        return 'plain ' + event.body.decode()\n"
       "    return {\n"
       "        'statusCode': 201,\n"
       "        'body': {'method': event.method, 'path': event.path,\n"
       "                 'a': event.query.get('a'), 'all_a': event.query.getlist('a'),\n"
       "                 'b': event.query['b'], 'x_test': event.headers.get('x-test'),\n"
       "                 'body': event.body.decode(), 'body_type': type(event.body).__name__,\n"
       "                 'hostname_set': bool(context.hostname)},\n"
       "        'headers': {'X-Fn': 'python3-http'},\n"
       "    }\n"}};
  auto fn = build_and_deploy("python3-http", files, {"handler.py", "requirements.txt"});
  ASSERT_NE(fn, nullptr);
  check_python3_http(*fn);
  auto j = nlohmann::json::parse(
      cli_invoke(*fn, "cli", {"--query", "a=7", "--query", "b=8", "-H", "X-Test=from-cli"}),
      nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["a"], "7");
  EXPECT_EQ(j["b"], "8");
  EXPECT_EQ(j["x_test"], "from-cli");
  EXPECT_EQ(j["body"], "cli");
}

// ---- node ------------------------------------------------------------------------------------

void check_node(Deployment& fn) {
  Reply r = call(fn, {.method = "POST",
                      .target = "/items?a=1&a=2&b=z",
                      .headers = {{"Content-Type", "application/json"}},
                      .body = R"({"n": 41})"});
  ASSERT_EQ(r.status, 202) << r.body << fn.logs();
  EXPECT_EQ(r.header("X-Fn"), "node");
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.body;
  EXPECT_EQ(j["method"], "POST");
  EXPECT_EQ(j["path"], "/items");
  EXPECT_EQ(j["query"]["a"], nlohmann::json::array({"1", "2"}));
  EXPECT_EQ(j["query"]["b"], "z");
  EXPECT_EQ(j["n"], 42);  // the JSON body arrives parsed
  EXPECT_EQ(j["contentType"], "application/json");

  Reply text = call(fn, {.method = "POST",
                         .target = "/text",
                         .headers = {{"Content-Type", "text/plain"}},
                         .body = "hi"});
  EXPECT_EQ(text.status, 200);
  EXPECT_EQ(text.body, "text:hi");
  Reply dep = call(fn, {.method = "POST",
                        .target = "/dep",
                        .headers = {{"Content-Type", "text/plain"}},
                        .body = "npm"});
  EXPECT_EQ(dep.body, "NPM!") << "the handler's npm dependency";
  Reply failed = call(fn, {.method = "POST", .target = "/fail", .headers = {}, .body = ""});
  EXPECT_EQ(failed.status, 500);
  EXPECT_EQ(failed.body, "node handler failed on purpose");
  // A thrown error is a 500 too (OpenFaaS's node20 answers it with 200).
  Reply thrown = call(fn, {.method = "POST", .target = "/throw", .headers = {}, .body = ""});
  EXPECT_EQ(thrown.status, 500);
  EXPECT_EQ(thrown.body, "Error: node handler threw");
  EXPECT_TRUE(log_shows(fn, "node handler threw")) << fn.logs();
  Reply bad = call(fn, {.method = "POST",
                        .target = "/items",
                        .headers = {{"Content-Type", "application/json"}},
                        .body = "{bad"});
  EXPECT_EQ(bad.status, 400);
}

TEST_F(TemplatesTest, Node) {
  Files files{
      {"handler.js",
       "'use strict'\n"
       "const shout = require('shout')\n"
       "module.exports = async (event, context) => {\n"
       "  if (event.path === '/fail') return context.fail('node handler failed on purpose')\n"
       "  if (event.path === '/throw') throw new Error('node handler threw')\n"
       "  if (event.path === '/text') return 'text:' + event.body\n"
       "  if (event.path === '/dep') return shout(event.body)\n"
       "  return context.status(202).headers({'X-Fn': 'node'}).succeed({\n"
       "    method: event.method, path: event.path, query: event.query,\n"
       "    n: event.body.n + 1, contentType: event.headers['content-type']})\n"
       "}\n"},
      // A dependency, as users add them to function/package.json; a local one (file:), so
      // `npm install` in the build needs no package registry.
      {"package.json", R"({"name": "fn", "version": "1.0.0", "main": "handler.js",)"
                       R"( "dependencies": {"shout": "file:./shout"}})"},
      {"shout/package.json", R"({"name": "shout", "version": "1.0.0", "main": "index.js"})"},
      {"shout/index.js", "module.exports = (s) => String(s).toUpperCase() + '!'\n"}};
  auto fn = build_and_deploy("node", files, {"handler.js", "package.json"});
  ASSERT_NE(fn, nullptr);
  check_node(*fn);
  auto j = nlohmann::json::parse(
      cli_invoke(*fn, R"({"n": 1})", {"--content-type", "application/json", "-m", "PUT"}), nullptr,
      false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["method"], "PUT");
  EXPECT_EQ(j["n"], 2);
}

// ---- go ----------------------------------------------------------------------------------------

// go and cpp-http answer the same probe: method, path, a query value, a header and the body.
void check_echo_probe(Deployment& fn, const std::string& tag) {
  Reply r = call(fn, {.method = "PATCH",
                      .target = "/p/q?a=b%20c&z=1",
                      .headers = {{"X-Test", "yes"}},
                      .body = "the body"});
  EXPECT_EQ(r.status, 202) << r.body << fn.logs();
  EXPECT_EQ(r.header("X-Fn"), tag);
  EXPECT_EQ(r.body, "method=PATCH path=/p/q a=b c x=yes body=the body");
  Reply failed = call(fn, {.method = "POST", .target = "/fail", .headers = {}, .body = ""});
  EXPECT_EQ(failed.status, 500);
  EXPECT_EQ(cli_invoke(fn, "from cli", {"-m", "PATCH", "--query", "a=q", "-H", "X-Test=h"}),
            "method=PATCH path=/ a=q x=h body=from cli");
}

TEST_F(TemplatesTest, Go) {
  Files files{
      {"handler.go",
       "package function\n\n"
       "import (\n\t\"fmt\"\n\t\"io\"\n\t\"log\"\n\t\"net/http\"\n)\n\n"
       "func Handle(w http.ResponseWriter, r *http.Request) {\n"
       "\tbody, _ := io.ReadAll(r.Body)\n"
       "\tif r.URL.Path == \"/fail\" {\n"
       "\t\tlog.Printf(\"go handler failed on purpose\")\n"
       "\t\thttp.Error(w, \"go handler failed on purpose\", http.StatusInternalServerError)\n"
       "\t\treturn\n\t}\n"
       "\tw.Header().Set(\"X-Fn\", \"go\")\n"
       "\tw.WriteHeader(http.StatusAccepted)\n"
       "\tfmt.Fprintf(w, \"method=%s path=%s a=%s x=%s body=%s\", r.Method, r.URL.Path,\n"
       "\t\tr.URL.Query().Get(\"a\"), r.Header.Get(\"X-Test\"), body)\n"
       "}\n"}};
  auto fn = build_and_deploy("go", files, {"handler.go", "go.mod"});
  ASSERT_NE(fn, nullptr);
  check_echo_probe(*fn, "go");
  EXPECT_TRUE(log_shows(*fn, "go handler failed on purpose")) << fn->logs();
}

// ---- cpp-http ----------------------------------------------------------------------------------

TEST_F(TemplatesTest, CppHttp) {
  Files files{
      {"handler.cc",
       "#include <stdexcept>\n"
       "#include \"faas/function.h\"\n"
       "faas::Response handle(const faas::Request& req) {\n"
       "  if (req.path == \"/fail\") throw std::runtime_error(\"cpp handler failed on purpose\");\n"
       "  faas::Response res;\n"
       "  res.status = 202;\n"
       "  res.headers.emplace_back(\"X-Fn\", \"cpp-http\");\n"
       "  res.body = \"method=\" + req.method + \" path=\" + req.path + \" a=\" +\n"
       "             req.query_param(\"a\").value_or(\"-\") + \" x=\" + req.header(\"x-test\") +\n"
       "             \" body=\" + req.body;\n"
       "  return res;\n"
       "}\n"}};
  auto fn = build_and_deploy("cpp-http", files, {"handler.cc"});
  ASSERT_NE(fn, nullptr);
  check_echo_probe(*fn, "cpp-http");
  EXPECT_TRUE(log_shows(*fn, "cpp handler failed on purpose")) << fn->logs();
}

// ---- bash-streaming and dockerfile: their skeletons as faas-cli new writes them
// ------------------

TEST_F(TemplatesTest, BashStreamingSkeleton) {
  auto fn = build_and_deploy("bash-streaming", {}, {"handler.sh"});
  ASSERT_NE(fn, nullptr);
  Reply r = call(*fn, {.method = "POST", .target = "/", .headers = {}, .body = "streamed"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "Hello from bash-streaming. You said:\nstreamed");
  EXPECT_EQ(cli_invoke(*fn, "cli"), "Hello from bash-streaming. You said:\ncli");
  EXPECT_TRUE(log_shows(*fn, "Listening on port")) << fn->logs();
}

TEST_F(TemplatesTest, DockerfileSkeleton) {
  auto fn = build_and_deploy("dockerfile", {}, {"Dockerfile"});
  ASSERT_NE(fn, nullptr);
  Reply r = call(*fn, {.method = "POST", .target = "/", .headers = {}, .body = "cat me"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "cat me");
  EXPECT_EQ(cli_invoke(*fn, "cat cli"), "cat cli");
  EXPECT_TRUE(log_shows(*fn, "Listening on port")) << fn->logs();
}

// ---- the skeletons `faas-cli new` writes, unchanged (the interpreted ones: cheap to build)
// --------

struct Skeleton {
  std::string lang;
  std::string file;  // a skeleton file faas-cli new must write
  Call call;
  std::string content_type;  // expected Content-Type prefix
  std::string body;          // expected response body
};

class SkeletonTest : public TemplatesTest, public ::testing::WithParamInterface<Skeleton> {};

TEST_P(SkeletonTest, Answers) {
  const Skeleton& s = GetParam();
  auto fn = build_and_deploy(s.lang, {}, {s.file});
  ASSERT_NE(fn, nullptr);
  Reply r = call(*fn, s.call);
  EXPECT_EQ(r.status, 200) << r.body << fn->logs();
  EXPECT_EQ(r.header("Content-Type").rfind(s.content_type, 0), 0u) << r.header("Content-Type");
  EXPECT_EQ(r.body, s.body);
  EXPECT_TRUE(log_shows(*fn, "Listening on port")) << fn->logs();
}

INSTANTIATE_TEST_SUITE_P(
    Interpreted, SkeletonTest,
    ::testing::Values(Skeleton{"python3",
                               "handler.py",
                               {.method = "POST", .target = "/", .headers = {}, .body = "echo"},
                               "",
                               "echo\n"},
                      Skeleton{"python3-http",
                               "handler.py",
                               {.method = "GET", .target = "/", .headers = {}, .body = ""},
                               "text/html",
                               "Hello from OpenFaaS!"},
                      Skeleton{"node",
                               "handler.js",
                               {.method = "POST",
                                .target = "/",
                                .headers = {{"Content-Type", "text/plain"}},
                                .body = "hi"},
                               "application/json",
                               R"({"body":"\"hi\"","content-type":"text/plain"})"}),
    [](const ::testing::TestParamInfo<Skeleton>& info) {
      std::string name;
      for (char c : info.param.lang) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      return name;
    });

// ---- bad input
// -----------------------------------------------------------------------------------

TEST_F(TemplatesTest, UpOfABrokenHandlerFailsWithTheCompilerErrorAndDeploysNothing) {
  auto fn =
      new_and_up("go", {{"handler.go", "package function\n\nfunc Handle( {\n"}}, {"handler.go"});
  ASSERT_FALSE(fn);
  EXPECT_NE(fn.error().message().find("handler.go"), std::string::npos) << fn.error().message();
  auto list = faasd_->faas_cli({"list", "-q"});
  ASSERT_TRUE(list);
  EXPECT_EQ(list->exit_code, 0) << list->output;
  EXPECT_EQ(list->output, "");
}

TEST_F(TemplatesTest, UnknownTemplateIsRefused) {
  auto r = faasd_->faas_cli({"new", "fn", "--lang", "no-such-lang"}, dir_->path(), "", 60s);
  ASSERT_TRUE(r);
  EXPECT_NE(r->exit_code, 0);
  EXPECT_FALSE(fs::exists(fs::path(dir_->path()) / "fn"));
}

}  // namespace
}  // namespace faas::test::templates
