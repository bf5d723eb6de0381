// probe_ready: GET /_/ready on a replica's own loopback (a socket made inside its network
// namespace), true on a 200 within the timeout. Any failure (no listener yet, namespace gone,
// non-200) is false: the caller retries or gives up.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

namespace faas::containerd_provider::detail {

boost::asio::awaitable<bool> probe_ready(boost::asio::thread_pool& pool, std::string netns_path,
                                         std::uint16_t port, std::chrono::milliseconds timeout);

}  // namespace faas::containerd_provider::detail
