// Sockets inside another network namespace (a replica's), usable from the host process.
//
// A socket belongs to the network namespace it was created in, whatever thread uses it later. So
// a short-lived helper thread setns()es into the target namespace (network namespace membership
// is per thread), creates the socket and, for connect_in_netns, connects it; the fd is handed
// back and works from any thread of the host process. This is how the gateway reaches a replica's
// watchdog on the replica's own 127.0.0.1 without any route to the replica (ARCHITECTURE.md,
// "Networking"). Needs CAP_SYS_ADMIN (root).
// Both calls block the caller for one thread start and, for connect, a loopback connect: call
// them from a pool thread, not an io thread, or use the socket from open_socket_in_netns with
// an async connect.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "faas/core/result.h"
#include "faas/core/unique_fd.h"

namespace faas::containerd {

// "/proc/<pid>/ns/net".
std::string netns_path_of(pid_t pid);

// A TCP socket (SOCK_STREAM | SOCK_CLOEXEC, and SOCK_NONBLOCK when non_blocking) created inside
// the network namespace at netns_path. family: AF_INET or AF_INET6.
Result<UniqueFd> open_socket_in_netns(const std::string& netns_path, int family,
                                      bool non_blocking = true);

// A blocking TCP socket connected to ip:port inside the namespace; ip is a numeric IPv4/IPv6
// literal (no DNS). The connect is bounded by timeout.
Result<UniqueFd> connect_in_netns(const std::string& netns_path, const std::string& ip,
                                  std::uint16_t port,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace faas::containerd
