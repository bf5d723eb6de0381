// Replica: one slot of a function, supervised. It runs fwatchdog (port=0, so fwatchdog picks its
// port and logs "Listening on port: N", which we read from its output), probes GET /_/ready until
// it answers 200, and restarts fwatchdog with backoff when it exits unexpectedly. Its output lines
// go to the function's LogRing; every state change pokes the function's `changed` Notifier.
//
// Owned jointly by the function's lists and its own coroutines (shared_ptr), so it outlives
// whichever lets go first. Single-threaded: one executor.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <sys/types.h>

#include "faas/os/child_process.h"
#include "faas/provider/notifier.h"
#include "faas/provider/provider.h"

#include "log_ring.h"

namespace faas::process_provider::detail {

using provider::Notifier;

// What a function's replicas share with it.
struct FunctionContext {
  FunctionContext(const boost::asio::any_io_executor& ex, const std::string& name,
                  const std::string& namespace_, std::size_t log_lines)
      : logs(ex, name, namespace_, log_lines), changed(ex) {}
  LogRing logs;
  Notifier changed;  // a replica became ready, exited, stopped
};

struct ReplicaSpec {
  std::vector<std::string> argv;     // fwatchdog, run in `dir`
  std::vector<std::string> env;      // the whole environment, "K=V"
  std::string dir;                   // working dir; created by start(), removed once stopped
  std::string slot;                  // "<fn>-<n>"; incarnation k > 0 is "<slot>.<k>"
  std::string secrets_source;        // state_dir/secrets/<ns>
  std::vector<std::string> secrets;  // linked as dir/secrets/<name>
};

class Replica : public std::enable_shared_from_this<Replica> {
 public:
  using Clock = std::chrono::steady_clock;

  static std::shared_ptr<Replica> start(const boost::asio::any_io_executor& ex, ReplicaSpec spec,
                                        std::shared_ptr<FunctionContext> fn);
  Replica(const Replica&) = delete;
  Replica& operator=(const Replica&) = delete;

  bool ready() const { return ready_; }
  bool stopping() const { return stopping_; }
  bool done() const { return done_; }                 // stopped and exited for good
  std::optional<provider::Replica> endpoint() const;  // while ready
  std::optional<pid_t> pid() const;                   // while running

  // SIGTERM now: fwatchdog drains and exits; it is no longer ready and is not restarted.
  void begin_stop();
  // Waits for the exit; SIGKILLs the group at the deadline.
  boost::asio::awaitable<void> finish_stop(Clock::time_point deadline);
  // SIGKILL now (provider destruction).
  void kill();

  Replica(boost::asio::any_io_executor ex, ReplicaSpec spec, std::shared_ptr<FunctionContext> fn)
      : ex_(std::move(ex)), spec_(std::move(spec)), fn_(std::move(fn)) {}

 private:
  boost::asio::awaitable<void> supervise();
  Result<void> spawn();
  boost::asio::awaitable<void> pump(std::uint64_t incarnation, std::string id,
                                    boost::asio::posix::stream_descriptor out);
  boost::asio::awaitable<void> probe(std::uint64_t incarnation);
  void on_line(std::uint64_t incarnation, const std::string& id, std::string_view line);
  void prepare_dir();
  bool current(std::uint64_t incarnation) const {
    return incarnation == incarnation_ && running_ && !stopping_;
  }

  boost::asio::any_io_executor ex_;
  ReplicaSpec spec_;
  std::shared_ptr<FunctionContext> fn_;
  std::optional<os::ChildProcess> process_;
  std::uint64_t incarnation_ = 0;
  std::string id_;
  std::uint16_t port_ = 0;
  bool running_ = false;
  bool ready_ = false;
  bool stopping_ = false;
  bool done_ = false;
};

}  // namespace faas::process_provider::detail
