// Test fixtures for the registry client's integration tests: Debian's docker-registry on
// 127.0.0.1 (port 0, filesystem storage in a temp dir, optional htpasswd auth), and buildah with
// a private vfs store to build FROM-scratch images and push them there. Both need root.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "faas/core/result.h"
#include "faas/os/child_process.h"

namespace faas::test {

// Runs argv (PATH lookup) with the test's environment plus extra_env; bounded by timeout, then
// killed. Returns stdout+stderr; a non-zero exit is an error carrying that output.
Result<std::string> run_command(const std::vector<std::string>& argv,
                                const std::vector<std::string>& extra_env = {},
                                std::chrono::seconds timeout = std::chrono::seconds(180));

class DockerRegistry {
 public:
  // `docker-registry serve` on 127.0.0.1:0 with storage under dir; returns once it listens.
  // htpasswd non-empty: basic auth against that (bcrypt) htpasswd file.
  static Result<std::unique_ptr<DockerRegistry>> start(const std::string& dir,
                                                       const std::string& htpasswd = "");
  DockerRegistry(const DockerRegistry&) = delete;
  DockerRegistry& operator=(const DockerRegistry&) = delete;
  ~DockerRegistry();

  const std::string& host() const { return host_; }  // "127.0.0.1:<port>"
  std::string log() const;

 private:
  DockerRegistry(os::ChildProcess process, std::string log_path)
      : process_(std::move(process)), log_path_(std::move(log_path)) {}
  os::ChildProcess process_;
  std::string log_path_;
  std::string host_;
};

// buildah with its own store (--root/--runroot under dir, vfs, chroot isolation).
class Buildah {
 public:
  explicit Buildah(std::string dir) : dir_(std::move(dir)) {}
  Result<std::string> run(std::vector<std::string> args) const;

  // FROM scratch: busybox-static as /bin/busybox, /hello.txt holding hello, and
  // cmd ["/bin/busybox", "cat", "/hello.txt"]; committed as image.
  Result<void> build(const std::string& image, const std::string& hello) const;
  // format "oci" or "docker" (v2s2); creds "user:pass" or empty.
  Result<void> push(const std::string& image, const std::string& dest, const std::string& format,
                    const std::string& creds = "") const;
  // A manifest list of image ("oci": OCI index, "docker": Docker manifest list), pushed to dest.
  Result<void> push_list(const std::string& list, const std::string& image, const std::string& dest,
                         const std::string& format) const;

 private:
  std::string dir_;
};

}  // namespace faas::test
