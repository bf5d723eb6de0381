// Client: containerd's gRPC API (namespaces, images, content, snapshots, containers, tasks) as
// Asio coroutines over project types.
//
// Unary calls use gRPC's callback API; the completion is posted back to the awaiting coroutine's
// executor, so no call blocks an io thread. Streaming work (writing an image archive into the
// content store, reading blobs back) runs on a small private thread pool and is posted back the
// same way. A cancelled coroutine (e.g. a timer raced with wait_task) cancels its RPC.
//
// A Client is a cheap handle: copies share one channel; with_namespace() gives a handle on another
// containerd namespace. Every call carries the namespace as containerd's "containerd-namespace"
// metadata. Errors: faas::Error whose code is an Errc (kNotFound, kAlreadyExists, kUnavailable...)
// and whose context names the operation and object.
//
// Lifecycle: call cancel_all() and let pending calls complete before destroying the io_context
// the calls were awaited on (each pending call keeps that executor's work count up).
// Thread-safety: the handle may be used from any number of threads/executors at once.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "faas/containerd/types.h"
#include "faas/core/result.h"

namespace faas::containerd {

namespace detail {
struct Core;
}

template <class T>
using Async = boost::asio::awaitable<Result<T>>;

struct ClientOptions {
  std::chrono::milliseconds call_timeout{60'000};  // every call but wait_task
  std::string snapshotter = "overlayfs";
};

struct ImportOptions {
  // Name of the image record; empty: the archive index's org.opencontainers.image.ref.name.
  std::string image_name;
  bool unpack = true;  // also unpack the layers into snapshots
};

class Client {
 public:
  // Opens a channel to unix:socket_path. Does not wait for containerd; the first call (version()
  // is a good probe) reports kUnavailable if nothing answers.
  static Result<Client> connect(const std::string& socket_path, std::string ns,
                                ClientOptions options = {});

  Client with_namespace(std::string ns) const;
  const std::string& ns() const { return ns_; }
  const std::string& snapshotter() const;
  // Cancels every in-flight call of this channel (they complete with kCancelled).
  void cancel_all();

  Async<VersionInfo> version();

  // --- namespaces (name-only operations; this handle's namespace is not used) ---
  Async<void> create_namespace(std::string name, Labels labels);
  // kNotFound when containerd has no such namespace.
  Async<Namespace> get_namespace(std::string name);
  Async<std::vector<Namespace>> list_namespaces();
  // Replaces the namespace's labels with `labels` (containerd's Update with no field mask).
  Async<void> update_namespace(std::string name, Labels labels);
  Async<void> delete_namespace(std::string name);

  // --- images ---
  // Streams an OCI image layout tar (oci-layout, index.json, blobs/sha256/...) into the content
  // store under a lease, creates (or updates) the image record and, by default, unpacks it.
  Async<Image> import_oci_archive(std::string archive_path, ImportOptions options = {});
  // Resolves an image record to its linux/amd64 manifest and config (reads the content store).
  Async<Image> get_image(std::string name);
  Async<std::vector<std::string>> list_images();
  Async<void> delete_image(std::string name);
  // Applies the image's layers as a chain of committed snapshots named by their chain ids
  // (existing ones are kept). Returns the top chain id.
  Async<std::string> unpack(Image image);

  // --- snapshots (this client's snapshotter) ---
  // An active (writable) snapshot on top of parent (a chain id, or empty); returns its mounts.
  // containerd's GC collects active snapshots nothing references: create the container that
  // names this key (create_container) first, then prepare the snapshot.
  Async<std::vector<Mount>> prepare_snapshot(std::string key, std::string parent,
                                            Labels labels = {});
  Async<std::vector<Mount>> snapshot_mounts(std::string key);
  Async<bool> snapshot_exists(std::string key);
  Async<void> remove_snapshot(std::string key);

  // --- containers ---
  Async<void> create_container(ContainerCreate container);
  Async<ContainerInfo> get_container(std::string id);
  // filter: containerd filter syntax, e.g. "labels.\"faas.function\"==hello"; empty for all.
  Async<std::vector<ContainerInfo>> list_containers(std::string filter = {});
  Async<void> delete_container(std::string id);

  // --- tasks (the container's init process) ---
  // Creates the task (runc create) with rootfs = mounts; returns its pid.
  Async<pid_t> create_task(std::string container_id, std::vector<Mount> rootfs, TaskIo io);
  Async<void> start_task(std::string container_id);
  // all=true signals every process of the container.
  Async<void> kill_task(std::string container_id, int signal, bool all = false);
  // Completes when the task exits (no deadline; cancel the coroutine to stop waiting).
  Async<ExitInfo> wait_task(std::string container_id);
  Async<void> pause_task(std::string container_id);
  Async<void> resume_task(std::string container_id);
  Async<TaskInfo> get_task(std::string container_id);
  Async<std::vector<TaskInfo>> list_tasks();
  // Deletes a stopped task (releases the shim); returns its exit.
  Async<ExitInfo> delete_task(std::string container_id);

 private:
  Client(std::shared_ptr<detail::Core> core, std::string ns)
      : core_(std::move(core)), ns_(std::move(ns)) {}

  std::shared_ptr<detail::Core> core_;
  std::string ns_;
};

}  // namespace faas::containerd
