#include "runtime.h"

#include <filesystem>

#include <unistd.h>

#include "faas/core/log.h"
#include "faas/process_provider/process_provider.h"

#include "containerd_host.h"

namespace faas::daemon {

namespace net = boost::asio;

Result<std::unique_ptr<Runtime>> make_containerd_runtime(net::io_context& io,
                                                         const RuntimeOptions& options);

namespace {

std::string sibling_binary(const std::string& name) {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return name;
  return (self.parent_path() / name).string();
}

class ProcessRuntime final : public Runtime {
 public:
  explicit ProcessRuntime(std::unique_ptr<process_provider::ProcessProvider> p)
      : p_(std::move(p)) {}
  provider::Provider& provider() override { return *p_; }
  const std::string& name() const override { return name_; }
  std::function<Result<UniqueFd>(const std::string&, int)> netns_socket() const override {
    return {};
  }
  net::awaitable<void> shutdown() override { co_await p_->shutdown(); }

 private:
  std::unique_ptr<process_provider::ProcessProvider> p_;
  std::string name_ = "process";
};

Result<std::unique_ptr<Runtime>> make_process_runtime(net::io_context& io,
                                                      const RuntimeOptions& o) {
  auto p = process_provider::ProcessProvider::create(
      io.get_executor(),
      {.fwatchdog_path = o.fwatchdog_path.empty() ? sibling_binary("fwatchdog") : o.fwatchdog_path,
       .state_dir = o.state_dir,
       .default_namespace = o.default_namespace});
  if (!p) return p.error();
  return std::unique_ptr<Runtime>(std::make_unique<ProcessRuntime>(std::move(*p)));
}

// auto: containerd when this process can use one; the reason it cannot, otherwise.
std::string containerd_unusable(const RuntimeOptions& o) {
  if (ContainerdHost::answers(o.containerd_socket)) return {};
  if (::geteuid() != 0) return "not root and no containerd answers at " + o.containerd_socket;
  if (!ContainerdHost::binary().empty()) return {};
  return "containerd is not installed";
}

}  // namespace

Result<std::unique_ptr<Runtime>> make_runtime(net::io_context& io, const RuntimeOptions& options) {
  if (options.runtime == "process") return make_process_runtime(io, options);
  if (options.runtime == "containerd") return make_containerd_runtime(io, options);
  if (options.runtime != "auto") {
    return invalid_argument("--runtime " + options.runtime +
                            ": unknown (auto, containerd, process)");
  }
  if (auto why = containerd_unusable(options); !why.empty()) {
    log_warn("runtime: using process (functions run as local processes, without isolation): " +
             why);
    return make_process_runtime(io, options);
  }
  return make_containerd_runtime(io, options);
}

}  // namespace faas::daemon
