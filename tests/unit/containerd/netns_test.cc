#include "faas/containerd/netns.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <thread>

namespace faas::containerd {
namespace {

// A fresh network namespace (kept alive by an fd to it) with loopback up and a listener on
// 127.0.0.1:<port> inside it. Made on a throwaway thread so the test thread stays where it was.
struct PrivateNetns {
  UniqueFd ns;
  UniqueFd listener;
  std::uint16_t port = 0;
  std::string path() const { return "/proc/self/fd/" + std::to_string(ns.get()); }
};

PrivateNetns make_netns() {
  PrivateNetns out;
  std::thread([&] {
    if (::unshare(CLONE_NEWNET) != 0) return;
    out.ns.reset(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
    UniqueFd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    ::ioctl(s.get(), SIOCGIFFLAGS, &ifr);
    ifr.ifr_flags |= IFF_UP;
    ::ioctl(s.get(), SIOCSIFFLAGS, &ifr);
    out.listener.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(out.listener.get(), reinterpret_cast<sockaddr*>(&a), len) != 0 ||
        ::listen(out.listener.get(), 4) != 0 ||
        ::getsockname(out.listener.get(), reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      return;
    }
    out.port = ntohs(a.sin_port);
  }).join();
  return out;
}

TEST(Netns, ConnectsToLoopbackInsideAnotherNamespace) {
  auto ns = make_netns();
  ASSERT_TRUE(ns.ns.valid()) << "unshare(CLONE_NEWNET) needs root";
  ASSERT_NE(ns.port, 0);
  struct stat ours {}, theirs {};
  ASSERT_EQ(::stat("/proc/self/ns/net", &ours), 0);
  ASSERT_EQ(::fstat(ns.ns.get(), &theirs), 0);
  ASSERT_NE(ours.st_ino, theirs.st_ino);

  auto fd = connect_in_netns(ns.path(), "127.0.0.1", ns.port);
  ASSERT_TRUE(fd) << fd.error().message();
  UniqueFd peer(::accept4(ns.listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  ASSERT_TRUE(peer.valid());
  // The fd works from this (host-namespace) thread in both directions.
  ASSERT_EQ(::write(fd->get(), "ping", 4), 4);
  char buf[8] = {};
  ASSERT_EQ(::read(peer.get(), buf, sizeof buf), 4);
  EXPECT_EQ(std::string(buf, 4), "ping");
  ASSERT_EQ(::write(peer.get(), "pong", 4), 4);
  ASSERT_EQ(::read(fd->get(), buf, sizeof buf), 4);
  EXPECT_EQ(std::string(buf, 4), "pong");
}

TEST(Netns, RefusedPortIsAnError) {
  auto ns = make_netns();
  ASSERT_TRUE(ns.ns.valid());
  std::uint16_t closed_port = ns.port;
  ns.listener.reset();  // nothing listens there any more, and nothing else lives in this netns
  auto fd = connect_in_netns(ns.path(), "127.0.0.1", closed_port);
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().code, std::error_code(ECONNREFUSED, std::system_category()));
}

TEST(Netns, MissingNamespaceAndBadAddressAreErrors) {
  auto missing = connect_in_netns("/proc/0/ns/net", "127.0.0.1", 8080);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("/proc/0/ns/net"), std::string::npos);
  auto bad = connect_in_netns("/proc/self/ns/net", "localhost", 8080);
  ASSERT_FALSE(bad);
}

TEST(Netns, SocketIsNonBlockingByDefault) {
  auto ns = make_netns();
  ASSERT_TRUE(ns.ns.valid());
  auto fd = open_socket_in_netns(ns.path(), AF_INET);
  ASSERT_TRUE(fd) << fd.error().message();
  EXPECT_TRUE(::fcntl(fd->get(), F_GETFL) & O_NONBLOCK);
  EXPECT_EQ(netns_path_of(42), "/proc/42/ns/net");
}

}  // namespace
}  // namespace faas::containerd
