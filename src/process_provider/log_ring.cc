#include "log_ring.h"

#include <chrono>

namespace faas::process_provider::detail {

LogRing::LogRing(boost::asio::any_io_executor ex, std::string name, std::string namespace_,
                 std::size_t capacity)
    : name_(std::move(name)),
      namespace_(std::move(namespace_)),
      capacity_(capacity == 0 ? 1 : capacity),
      appended_(std::move(ex)) {}

void LogRing::append(std::string_view instance, std::string_view text) {
  if (closed_) return;
  if (entries_.size() == capacity_) entries_.pop_front();
  entries_.push_back(Entry{next_seq_++, api::LogMessage{.name = name_,
                                                        .namespace_ = namespace_,
                                                        .instance = std::string(instance),
                                                        .timestamp = std::chrono::system_clock::now(),
                                                        .text = std::string(text)}});
  appended_.notify();
}

void LogRing::close() {
  closed_ = true;
  appended_.notify();
}

}  // namespace faas::process_provider::detail
