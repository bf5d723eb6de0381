#include "templates/faasd.h"

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "support/http_client.h"
#include "support/spawn.h"

namespace faas::test::templates {
namespace {

using namespace std::chrono_literals;

// `faas-cli up` builds the image: minutes for go and cpp-http the first time.
constexpr auto kUpTimeout = std::chrono::seconds(1200);
// Interpreted runtimes (python, node) take a moment to start their upstream server.
constexpr auto kCallTimeout = std::chrono::seconds(60);

std::string faas_cli_path() { return env_or("FAAS_BIN_DIR", "") + "/faas-cli"; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Result<void> succeeded(const Result<CommandResult>& r, const std::string& what) {
  if (!r) return r.error();
  if (r->exit_code != 0) {
    return invalid_argument(what + " failed (exit " + std::to_string(r->exit_code) + "):\n" +
                            tail(r->output));
  }
  return {};
}

}  // namespace

std::string Reply::header(std::string_view name) const {
  std::string want = lower(name);
  for (const auto& [k, v] : headers) {
    if (lower(k) == want) return v;
  }
  return "";
}

Result<std::unique_ptr<Faasd>> Faasd::start() {
  auto containerd = ContainerdProcess::start();
  if (!containerd) return containerd.error();
  auto daemon = DaemonProcess::up(
      {"--runtime", "containerd", "--containerd-socket", (*containerd)->socket()});
  if (!daemon) return daemon.error();
  // faas-cli finds the gateway and its saved credentials the way a user's shell would tell it.
  std::string url = "http://127.0.0.1:" + std::to_string((*daemon)->port());
  std::string config = (*daemon)->dir() + "/faas-cli-config";
  ::setenv("OPENFAAS_URL", url.c_str(), 1);
  ::setenv("OPENFAAS_CONFIG", config.c_str(), 1);
  std::unique_ptr<Faasd> faasd(new Faasd(std::move(*containerd), std::move(*daemon)));

  std::ifstream in(faasd->daemon_->dir() + "/secrets/basic-auth-password");
  std::string password;
  std::getline(in, password);
  auto login = faasd->faas_cli({"login", "--password-stdin"}, "", password + "\n");
  if (auto ok = succeeded(login, "faas-cli login"); !ok) return ok.error();
  return faasd;
}

Result<CommandResult> Faasd::faas_cli(const std::vector<std::string>& args, const std::string& cwd,
                                      const std::string& input,
                                      std::chrono::seconds timeout) const {
  std::vector<std::string> argv{faas_cli_path()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, cwd, timeout, input);
}

Result<std::unique_ptr<Deployment>> Faasd::up(const FunctionSource& fn) {
  auto t0 = std::chrono::steady_clock::now();
  auto up = faas_cli({"up"}, fn.dir, "", kUpTimeout);
  if (auto ok = succeeded(up, "faas-cli up"); !ok) return ok.error();
  auto secs =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - t0);
  std::cout << "[templates] " << fn.name << ": faas-cli up (build, upload, deploy) took "
            << secs.count() << " s\n";
  // From here on the function exists on faasd: the Deployment removes it however the test ends.
  auto deployment = std::make_unique<Deployment>(*this, fn.name);
  auto ready = faas_cli({"ready", fn.name, "--interval", "200ms", "--attempts", "300"});
  if (auto ok = succeeded(ready, "faas-cli ready " + fn.name); !ok) return ok.error();
  return deployment;
}

std::string Faasd::platform_log() const {
  return "faasd log:\n" + tail(daemon_->log()) + "\ncontainerd log:\n" + tail(containerd_->log());
}

Deployment::~Deployment() {
  auto rm = faasd_.faas_cli({"rm", name_});
  if (auto ok = succeeded(rm, "faas-cli rm " + name_); !ok) {
    std::cerr << ok.error().message() << "\n";
  }
}

Result<Reply> Deployment::invoke(const Call& call) {
  Request request{.method = call.method,
                  .target = "/function/" + name_ + call.target,
                  .headers = call.headers,
                  .body = call.body};
  auto r = http_request(faasd_.port(), request, kCallTimeout);
  if (!r) return r.error();
  return Reply{.status = r->status, .headers = r->headers, .body = r->body};
}

Result<CommandResult> Deployment::cli_invoke(const std::string& body,
                                             std::vector<std::string> extra) {
  std::vector<std::string> args{"invoke", name_};
  args.insert(args.end(), extra.begin(), extra.end());
  return faasd_.faas_cli(args, "", body);
}

std::string Deployment::logs() const {
  auto r = faasd_.faas_cli({"logs", name_, "--tail=false"});
  if (!r) return "faas-cli logs: " + r.error().message();
  return r->output;
}

}  // namespace faas::test::templates
