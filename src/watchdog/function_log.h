// Copies a function's output stream (stderr, or stdout/stderr of an http-mode upstream) into the
// watchdog's log, one line at a time, with OpenFaaS's prefix ("<time> stderr: <line>") when
// prefix_logs is on. Lines longer than the buffer are split, never dropped. Keeps the last few KB
// so an error response can show why the function failed.
#pragma once

#include <boost/asio/posix/stream_descriptor.hpp>
#include <string>
#include <string_view>

#include "faas/http/types.h"

namespace faas::watchdog {

struct LogOptions {
  bool prefix = true;
  std::size_t max_line = 65536;
  std::string_view label = "stderr";
  int to_fd = 2;
};

class OutputTail {
 public:
  OutputTail() = default;
  explicit OutputTail(std::size_t cap) : cap_(cap) {}
  void append(std::string_view data);
  const std::string& text() const { return text_; }

 private:
  std::size_t cap_ = 4096;
  std::string text_;
};

// Reads `in` until EOF or error. `tail` may be null.
http::awaitable<void> pump_function_log(boost::asio::posix::stream_descriptor& in,
                                        LogOptions options, OutputTail* tail);

}  // namespace faas::watchdog
