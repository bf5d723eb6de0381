// ContainerdProcess: a private containerd for one test binary (root, state and socket under a
// temp dir, CRI disabled), plus a builder for a FROM-scratch OCI image archive.
//
// start() spawns `containerd --config <generated>` and returns once version() answers. stop() and
// restart() stop containerd alone and start it again on the same root, state and socket: shims
// and their tasks live on, as they do when a real containerd restarts. The destructor stops it
// and then cleans what containerd leaves behind by design: shims of tasks the test did not delete
// (found by our socket address in their command line) with their containers' processes (thawed
// first when paused), rootfs mounts under the temp dir, then the directory itself.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "faas/containerd/client.h"
#include "faas/core/result.h"
#include "faas/os/child_process.h"
#include "support/watchdog_process.h"

namespace faas::test {

class ContainerdProcess {
 public:
  static Result<std::unique_ptr<ContainerdProcess>> start();
  ContainerdProcess(const ContainerdProcess&) = delete;
  ContainerdProcess& operator=(const ContainerdProcess&) = delete;
  ~ContainerdProcess();

  // SIGTERM (SIGKILL after kWaitTimeout) to containerd only; shims keep running.
  void stop();
  // stop(), then containerd again on the same directories; returns once version() answers.
  Result<void> restart();

  const std::string& socket() const { return socket_; }
  const std::string& dir() const { return dir_.path(); }
  std::string log() const;

 private:
  ContainerdProcess(TempDir dir, std::string socket)
      : dir_(std::move(dir)), socket_(std::move(socket)) {}
  Result<void> spawn_and_wait();
  void kill_leftover_shims();
  void unmount_leftovers();

  TempDir dir_;
  std::optional<os::ChildProcess> process_;
  std::string socket_;
};

// Runs a coroutine returning T on a fresh io_context and returns its result (test helper).
template <class T>
T run_async(boost::asio::awaitable<T> task);

struct ImageFile {
  std::string host_path;   // copied (symlinks followed)
  std::string image_path;  // absolute path in the image
};

struct ImageSpec {
  std::string ref_name = "latest";  // index annotation org.opencontainers.image.ref.name
  std::vector<ImageFile> files;
  std::vector<std::pair<std::string, std::string>> symlinks;  // image path -> target
  std::vector<std::string> env;
  std::vector<std::string> cmd;
};

// Writes an OCI image layout tar (one uncompressed layer) into dir and returns its path.
Result<std::string> build_oci_archive(const TempDir& dir, const ImageSpec& spec);

// /bin/busybox (busybox-static) as /bin/busybox with sh, cat, ... links, and the fwatchdog at
// $FAAS_BIN_DIR as /fwatchdog. A dynamically linked fwatchdog (sanitizer builds) brings the
// libraries ldd lists, at the same paths.
Result<ImageSpec> watchdog_image_spec();

}  // namespace faas::test

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

template <class T>
T faas::test::run_async(boost::asio::awaitable<T> task) {
  boost::asio::io_context io;
  auto fut = boost::asio::co_spawn(io, std::move(task), boost::asio::use_future);
  io.run();
  return fut.get();
}
