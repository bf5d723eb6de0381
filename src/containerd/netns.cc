#include "faas/containerd/netns.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>

#include <cerrno>
#include <thread>

namespace faas::containerd {

namespace {
struct SockAddr {
  sockaddr_storage storage{};
  socklen_t len = 0;
};

Result<SockAddr> parse_address(const std::string& ip, std::uint16_t port) {
  SockAddr a;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage);
  if (inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    a.len = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    a.len = sizeof(sockaddr_in6);
  } else {
    return invalid_argument("'" + ip + "' is not an IP address");
  }
  return a;
}

// Runs fn on a fresh thread that has joined the network namespace; the thread (and with it the
// namespace membership) ends with fn, so no thread of ours is left in a foreign namespace.
template <class Fn>
Result<UniqueFd> in_netns(const std::string& netns_path, Fn fn) {
  int ns = ::open(netns_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (ns < 0) return errno_error(errno, "open network namespace " + netns_path);
  UniqueFd ns_fd(ns);
  Result<UniqueFd> result = errno_error(EINVAL, "netns helper did not run");
  std::thread helper([&] {
    if (::setns(ns_fd.get(), CLONE_NEWNET) != 0) {
      result = errno_error(errno, "setns into " + netns_path);
      return;
    }
    result = fn();
  });
  helper.join();
  return result;
}

Result<void> connect_bounded(int fd, const SockAddr& addr, std::chrono::milliseconds timeout,
                             const std::string& what) {
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr.storage), addr.len) == 0) return {};
  if (errno != EINPROGRESS) return errno_error(errno, what);
  pollfd p{fd, POLLOUT, 0};
  int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (n == 0) return errno_error(ETIMEDOUT, what);
  if (n < 0) return errno_error(errno, what);
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) return errno_error(err, what);
  return {};
}
}  // namespace

std::string netns_path_of(pid_t pid) { return "/proc/" + std::to_string(pid) + "/ns/net"; }

Result<UniqueFd> open_socket_in_netns(const std::string& netns_path, int family,
                                      bool non_blocking) {
  if (family != AF_INET && family != AF_INET6) return invalid_argument("socket family must be IP");
  return in_netns(netns_path, [&]() -> Result<UniqueFd> {
    int type = SOCK_STREAM | SOCK_CLOEXEC | (non_blocking ? SOCK_NONBLOCK : 0);
    int fd = ::socket(family, type, 0);
    if (fd < 0) return errno_error(errno, "socket in " + netns_path);
    return UniqueFd(fd);
  });
}

Result<UniqueFd> connect_in_netns(const std::string& netns_path, const std::string& ip,
                                  std::uint16_t port, std::chrono::milliseconds timeout) {
  auto addr = parse_address(ip, port);
  if (!addr) return addr.error();
  auto sock = open_socket_in_netns(netns_path, addr->storage.ss_family, /*non_blocking=*/true);
  if (!sock) return sock.error();
  // The socket is already bound to the namespace; connecting it needs no namespace at all.
  std::string what = "connect to " + ip + ":" + std::to_string(port) + " in " + netns_path;
  if (auto r = connect_bounded(sock->get(), *addr, timeout, what); !r) return r.error();
  int flags = ::fcntl(sock->get(), F_GETFL);
  if (flags < 0 || ::fcntl(sock->get(), F_SETFL, flags & ~O_NONBLOCK) != 0) {
    return errno_error(errno, "make socket blocking");
  }
  return std::move(*sock);
}

}  // namespace faas::containerd
