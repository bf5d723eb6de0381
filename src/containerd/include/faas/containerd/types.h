// Value types of the containerd client: what the provider needs to know about namespaces, images,
// snapshots, containers and tasks, in project types only (no protobuf or gRPC types leak).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace faas::containerd {

using Labels = std::map<std::string, std::string>;

// gRPC status codes that callers act on, as an error category ("containerd").
enum class Errc {
  kNotFound = 1,
  kAlreadyExists,
  kUnavailable,         // containerd not reachable
  kInvalidArgument,
  kFailedPrecondition,  // e.g. deleting a running task
  kCancelled,
  kDeadlineExceeded,
  kBadImage,            // an archive, manifest or config we cannot use
  kOther,
};
const std::error_category& containerd_category();
inline std::error_code make_error_code(Errc e) { return {static_cast<int>(e), containerd_category()}; }

struct VersionInfo {
  std::string version;
  std::string revision;
};

struct Namespace {
  std::string name;
  Labels labels;
};

// An OCI content descriptor.
struct Descriptor {
  std::string media_type;
  std::string digest;  // "sha256:<hex>"
  std::int64_t size = 0;
};

// A filesystem mount as containerd returns it for a snapshot (e.g. overlay with lowerdir=...).
struct Mount {
  std::string type;
  std::string source;
  std::string target;
  std::vector<std::string> options;
};

// The parts of an OCI image config a container is made from.
struct ImageConfig {
  std::string user;  // "uid[:gid]" or a name
  std::vector<std::string> env;  // "K=V"
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::string working_dir;
  Labels labels;
  std::vector<std::string> diff_ids;  // rootfs.diff_ids, bottom layer first
};

// An image as stored in containerd, resolved to one linux/amd64 manifest.
struct Image {
  std::string name;
  Descriptor target;             // what the image record points at (index or manifest)
  Descriptor manifest;           // the platform manifest
  Descriptor config_descriptor;
  std::vector<Descriptor> layers;
  ImageConfig config;
  std::string chain_id;          // snapshot name of the unpacked top layer
};

struct ContainerInfo {
  std::string id;
  std::string image;
  Labels labels;
  std::string snapshotter;
  std::string snapshot_key;
  std::string runtime;
};

enum class TaskStatus { kUnknown, kCreated, kRunning, kStopped, kPaused, kPausing };
const char* to_string(TaskStatus s);

struct TaskInfo {
  std::string id;  // the container id
  pid_t pid = 0;
  TaskStatus status = TaskStatus::kUnknown;
  std::uint32_t exit_status = 0;  // valid when stopped
};

struct ExitInfo {
  std::uint32_t status = 0;  // exit code, or 128+signal as runc reports kills
  std::chrono::system_clock::time_point exited_at;
};

// A container to create: the rootfs snapshot must exist (prepare_snapshot), spec_json is an OCI
// runtime spec (make_runtime_spec).
struct ContainerCreate {
  std::string id;
  std::string image;  // informational, shown by ctr
  Labels labels;
  std::string snapshot_key;
  std::string spec_json;
  std::string runtime = "io.containerd.runc.v2";
};

// Where a task's stdio goes. Paths are handed to the shim as they are: a plain path is a FIFO the
// caller created and reads; "file:///abs/path" makes the shim append to that file itself (no
// reader needed, survives our restarts). Empty: /dev/null (with a URI on the other output, the
// empty one becomes "file:///dev/null": the 1.6 shim crashes on a URI paired with nothing).
struct TaskIo {
  std::string stdin_path;
  std::string stdout_path;
  std::string stderr_path;
};

}  // namespace faas::containerd

template <>
struct std::is_error_code_enum<faas::containerd::Errc> : std::true_type {};
