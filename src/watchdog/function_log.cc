#include "function_log.h"

#include "faas/core/log.h"

namespace faas::watchdog {

void OutputTail::append(std::string_view data) {
  if (data.size() >= cap_) {
    text_.assign(data.substr(data.size() - cap_));
    return;
  }
  text_.append(data);
  if (text_.size() > cap_) text_.erase(0, text_.size() - cap_);
}

namespace {
void emit(const LogOptions& o, std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (!o.prefix) {
    write_line(o.to_fd, line);
    return;
  }
  char buf[32];
  std::string out(log_timestamp(buf));
  out += ' ';
  out += o.label;
  out += ": ";
  out += line;
  write_line(o.to_fd, out);
}
}  // namespace

http::awaitable<void> pump_function_log(boost::asio::posix::stream_descriptor& in,
                                        LogOptions options, OutputTail* tail) {
  std::string pending;
  char buf[16 * 1024];
  for (;;) {
    auto [ec, n] = co_await in.async_read_some(boost::asio::buffer(buf), http::use_nothrow);
    if (n > 0) {
      std::string_view data(buf, n);
      if (tail) tail->append(data);
      pending.append(data);
      size_t start = 0;
      for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
        emit(options, std::string_view(pending).substr(start, nl - start));
      }
      pending.erase(0, start);
      while (pending.size() >= options.max_line) {
        emit(options, std::string_view(pending).substr(0, options.max_line));
        pending.erase(0, options.max_line);
      }
    }
    if (ec) break;
  }
  if (!pending.empty()) emit(options, pending);
}

}  // namespace faas::watchdog
