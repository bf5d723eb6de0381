// LogRing: the last N output lines of one function's replicas, with sequence numbers so a follower
// can pick up exactly where it left off, and a Notifier woken on every new line and on close().
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "faas/api/types.h"
#include "faas/provider/notifier.h"

namespace faas::process_provider::detail {

using provider::Notifier;

class LogRing {
 public:
  struct Entry {
    std::uint64_t seq;
    api::LogMessage message;
  };

  LogRing(boost::asio::any_io_executor ex, std::string name, std::string namespace_,
          std::size_t capacity);

  // One line (without its newline), stamped now.
  void append(std::string_view instance, std::string_view text);
  // Ends every follower; later appends are dropped.
  void close();
  bool closed() const { return closed_; }

  const std::deque<Entry>& entries() const { return entries_; }
  std::uint64_t next_seq() const { return next_seq_; }
  Notifier& appended() { return appended_; }

 private:
  std::string name_;
  std::string namespace_;
  std::size_t capacity_;
  std::deque<Entry> entries_;
  std::uint64_t next_seq_ = 0;
  bool closed_ = false;
  Notifier appended_;
};

}  // namespace faas::process_provider::detail
