#include "faas/daemon/daemon.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <signal.h>
#include <unistd.h>

#include "faas/core/log.h"
#include "faas/gateway/api_server.h"
#include "faas/gateway/auth.h"
#include "faas/gateway/config.h"
#include "faas/provider_client/rest_provider.h"
#include "faas/version.h"

#include "runtime.h"

namespace faas::daemon {

namespace net = boost::asio;
using gateway::ApiServer;
using gateway::ApiServerOptions;

namespace {

// An io_context whose pending work can be destroyed before the objects that work refers to.
struct MainContext : net::io_context {
  using net::execution_context::shutdown;
  using net::io_context::io_context;
};

struct LoadedCredentials {
  gateway::Credentials credentials;
  std::string dir;
  bool created = false;
};

// Credentials from DIR, generated at first start.
Result<LoadedCredentials> credentials_in(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(dir).parent_path(), ec);
  if (ec) return make_error(ec, "create " + std::filesystem::path(dir).parent_path().string());
  LoadedCredentials loaded{.credentials = {}, .dir = dir, .created = false};
  auto creds = gateway::load_or_create_credentials(dir, &loaded.created);
  if (!creds) return creds.error();
  loaded.credentials = *creds;
  return loaded;
}

// Where new credentials are and how to log in, printed once, when they were created; after the
// listener is bound, so the command shows the real port (also for --port 0).
void log_login_hint(const std::optional<LoadedCredentials>& loaded, std::uint16_t port) {
  if (!loaded || !loaded->created) return;
  log_info("Generated basic-auth credentials in " + loaded->dir +
           " (user: " + loaded->credentials.user + ")");
  log_info("Log in with: faas-cli login -g http://127.0.0.1:" + std::to_string(port) + " -u " +
           loaded->credentials.user + " --password-stdin < " + loaded->dir +
           "/basic-auth-password");
}

// Serves until SIGTERM/SIGINT: then stops accepting, lets requests finish, stops the provider's
// replicas and returns. A second signal stops at once.
int serve(MainContext& io, ApiServer& server, Runtime* runtime, std::chrono::nanoseconds grace) {
  net::signal_set signals(io, SIGTERM, SIGINT);
  bool stopping = false;
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        if (stopping) {
          log_warn("second signal: stopping now");
          io.stop();
          return;
        }
        stopping = true;
        log_info(std::string("signal ") + ::strsignal(sig) + ": draining");
        server.stop(grace, [&io, runtime] {
          auto done = [&io](const std::exception_ptr&) {
            log_info("Shutdown complete");
            io.stop();
          };
          if (!runtime) return done(nullptr);
          net::co_spawn(io, runtime->shutdown(), done);
        });
        signals.async_wait(on_signal);
      };
  signals.async_wait(on_signal);
  server.start();
  io.run();
  io.shutdown();  // suspended coroutines refer to the server: destroy them while it lives
  flush_log();
  return 0;
}

// The gateway environment, its warnings logged; nullopt (after logging why) when it is invalid.
std::optional<gateway::GatewayConfig> load_config(const Environment& env) {
  std::vector<std::string> warnings;
  auto config = gateway::parse_config(env, &warnings);
  for (const auto& w : warnings) log_warn(w);
  if (!config) {
    log_error("invalid configuration: " + config.error().message());
    return std::nullopt;
  }
  return *config;
}

}  // namespace

int run_up(const UpOptions& options, const Environment& env) {
  ::signal(SIGPIPE, SIG_IGN);
  auto config = load_config(env);
  if (!config) return 1;
  auto creds = credentials_in(options.state_dir + "/secrets");
  if (!creds) {
    log_error("credentials: " + creds.error().message());
    return 1;
  }
  MainContext io(1);
  auto runtime = make_runtime(io, {.runtime = options.runtime,
                                   .state_dir = options.state_dir + "/provider",
                                   .host_state_dir = options.state_dir,
                                   .fwatchdog_path = options.fwatchdog_path,
                                   .containerd_socket = options.containerd_socket,
                                   .default_namespace = config->function_namespace});
  if (!runtime) {
    log_error("runtime: " + runtime.error().message());
    return 1;
  }
  auto api = gateway::gateway_options(*config);
  api.port = options.port;
  api.bind_address = options.bind_address;
  if (config->basic_auth) api.credentials = creds->credentials;
  api.netns_socket = (*runtime)->netns_socket();
  api.spool_dir = options.state_dir + "/provider/uploads";
  auto server = ApiServer::create(io, std::move(api), (*runtime)->provider());
  if (!server) {
    log_error("gateway: " + server.error().message());
    return 1;
  }
  log_info(std::string("faas++ ") + kVersion + " (" + kGitSha + "): gateway on " +
           options.bind_address + ":" + std::to_string((*server)->port()) + ", runtime " +
           (*runtime)->name() + ", state in " + options.state_dir);
  log_login_hint(*creds, (*server)->port());
  log_info("Gateway URL: http://127.0.0.1:" + std::to_string((*server)->port()) +
           "  (credentials in " + options.state_dir + "/secrets)");
  return serve(io, **server, runtime->get(), config->write_timeout);
}

int run_gateway(const GatewayOptions& options, const Environment& env) {
  ::signal(SIGPIPE, SIG_IGN);
  auto config = load_config(env);
  if (!config) return 1;
  if (config->functions_provider_url.empty()) {
    log_error("functions_provider_url is required (e.g. http://127.0.0.1:8081/)");
    return 1;
  }
  if (options.port >= 0) config->port = static_cast<std::uint16_t>(options.port);
  std::optional<LoadedCredentials> loaded;
  std::optional<gateway::Credentials> creds;
  if (config->basic_auth) {
    auto c = credentials_in(config->secret_mount_path);
    if (!c) {
      log_error("credentials: " + c.error().message());
      return 1;
    }
    loaded = *c;
    creds = c->credentials;
  }
  MainContext io(1);
  provider_client::RestProviderConfig rc{.base_url = config->functions_provider_url,
                                         .timeout = config->upstream_timeout};
  // The gateway calls the provider's management routes with its own credentials, as OpenFaaS does.
  if (creds) rc.credentials = provider_client::Credentials{creds->user, creds->password};
  auto provider = provider_client::RestProvider::create(io.get_executor(), std::move(rc));
  if (!provider) {
    log_error("functions_provider_url: " + provider.error().message());
    return 1;
  }
  auto api = gateway::gateway_options(*config);
  api.credentials = creds;
  auto server = ApiServer::create(io, std::move(api), **provider);
  if (!server) {
    log_error("gateway: " + server.error().message());
    return 1;
  }
  log_info("faas++ gateway on port " + std::to_string((*server)->port()) + ", provider " +
           config->functions_provider_url);
  log_login_hint(loaded, (*server)->port());
  return serve(io, **server, nullptr, config->write_timeout);
}

int run_provider(const ProviderOptions& options, const Environment& env) {
  ::signal(SIGPIPE, SIG_IGN);
  auto config = load_config(env);
  if (!config) return 1;
  int port = options.port >= 0 ? options.port : (lookup(env, "port") ? config->port : 8081);
  MainContext io(1);
  auto runtime = make_runtime(io, {.runtime = options.runtime,
                                   .state_dir = options.state_dir,
                                   .host_state_dir = options.state_dir,
                                   .fwatchdog_path = options.fwatchdog_path,
                                   .containerd_socket = options.containerd_socket,
                                   .default_namespace = config->function_namespace});
  if (!runtime) {
    log_error("runtime: " + runtime.error().message());
    return 1;
  }
  ApiServerOptions api{.role = ApiServerOptions::Role::kProvider,
                       .bind_address = options.bind_address,
                       .port = static_cast<std::uint16_t>(port),
                       .read_timeout = config->read_timeout,
                       .write_timeout = config->write_timeout,
                       .upstream_timeout = config->upstream_timeout,
                       .scale_from_zero = false,
                       .default_namespace = config->function_namespace};
  api.spool_dir = options.state_dir + "/uploads";
  std::optional<LoadedCredentials> loaded;
  if (config->basic_auth) {
    auto dir = lookup(env, "secret_mount_path") ? config->secret_mount_path
                                                : options.state_dir + "/secrets";
    auto c = credentials_in(dir);
    if (!c) {
      log_error("credentials: " + c.error().message());
      return 1;
    }
    loaded = *c;
    api.credentials = c->credentials;
  }
  auto server = ApiServer::create(io, std::move(api), (*runtime)->provider());
  if (!server) {
    log_error("provider: " + server.error().message());
    return 1;
  }
  log_info("faas++ provider (" + (*runtime)->name() + ") on port " +
           std::to_string((*server)->port()));
  log_login_hint(loaded, (*server)->port());
  return serve(io, **server, runtime->get(), config->write_timeout);
}

}  // namespace faas::daemon
