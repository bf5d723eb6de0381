// LogFiles: the stdout/stderr of every function replica, kept as files and served as log messages.
//
// The containerd shim appends a replica's stdout AND stderr to one file, dir/<ns>/<fn>/<instance>.log
// (task stdio "file:///abs/path", both streams the same file, opened O_APPEND and kept open by the
// shim across restarts of faasd). We never write to it; we rotate it and read it:
//  - rotation is copytruncate (copy to <instance>.log.1, shifting .1 -> .2 ... up to `keep`, then
//    copy what was appended meanwhile, truncate the original in place), because the shim's fd
//    cannot be reopened. Bytes the replica writes between the last copy and the truncate are lost
//    (README: measured); a line cut there is glued to the rest of a later one.
//  - a line starting with a Go-log timestamp ("2006/01/02 15:04:05 ", local time; line.h) gets
//    that time and loses the prefix; a line without one takes the previous line's time (the file's
//    mtime for the first line of the oldest file).
//  - a last line without its '\n' is held back while the replica may still finish it: it is emitted
//    once complete, when its file is not live at the last maintain(), or when stop() ends a follow.
//
// Thread-safety: none; call every method, and run every read(), on one executor (the provider's).
// File I/O is synchronous: small reads, and a copy of at most max_bytes per rotation.
// Lifetime: reads share state with the LogFiles, so a read suspended when the LogFiles is destroyed
// ends at its next wake-up; call stop() before destruction to end follows at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "faas/core/result.h"
#include "faas/provider/provider.h"

namespace faas::logfiles {

using namespace std::chrono_literals;

struct Config {
  std::string dir;                       // made absolute; created 0700 on first path_for()
  std::uint64_t max_bytes = 10 << 20;    // rotate a file above this size
  int keep = 1;                          // rotated copies per instance (0: truncate only)
  std::chrono::seconds retention{24h};   // files of gone instances are deleted after this idle time
  std::chrono::milliseconds poll{200};   // follow: how often files are checked for new bytes
};

namespace detail {
struct Shared;
}

class LogFiles {
 public:
  // `ex` is not used today (a read runs on the executor that awaits it); it keeps the
  // constructor's shape stable for the provider coding against it.
  LogFiles(boost::asio::any_io_executor ex, Config config);
  ~LogFiles();
  LogFiles(const LogFiles&) = delete;
  LogFiles& operator=(const LogFiles&) = delete;

  // dir/<ns>/<fn>/<instance>.log (absolute), directories created 0700, the file created 0600 and
  // empty if missing (an existing file is kept: a restarted replica appends). Each part must be
  // non-empty, without '/', NUL or "..", and not start with '.'; otherwise an invalid_argument.
  Result<std::string> path_for(const std::string& ns, const std::string& fn,
                               const std::string& instance);

  // Rotates every file above max_bytes (copytruncate, keep N) and deletes every file (rotated ones
  // included) of instances not in `live_paths` whose newest mtime is older than retention.
  // `live_paths` holds what path_for() returned for the replicas that exist now ("ns/fn/instance"
  // is accepted too). Also remembers the live set for holding back partial lines (see above).
  // Cheap when nothing is due (a stat per file); call it every few seconds.
  void maintain(const std::set<std::string>& live_paths);

  // Messages of one function (every instance file, rotated ones included) in time order: `since`
  // (inclusive), `tail` (the last N; <= 0 all), `instance` (only that one) and `follow` (then poll
  // every `poll` for appended bytes; a file that shrank was truncated by a rotation, its rotated
  // copy is read from where we were and the file from 0; new instance files are picked up).
  // An empty namespace means "openfaas-fn". A function without files yields nothing (follow: waits
  // for files). Ends with success when the sink returns false, the coroutine is cancelled (its
  // cancellation slot, e.g. co_spawn's), or stop() is called; an error only when a file cannot be
  // read for another reason than having been deleted.
  boost::asio::awaitable<Result<void>> read(provider::LogRequest request, provider::LogSink sink);

  // Deletes every file of a function (a follow of it keeps waiting for new files).
  void remove_function(const std::string& ns, const std::string& fn);

  // Ends every follow (each first emits its held-back partial lines); later reads do not follow.
  void stop();

  const Config& config() const;

 private:
  std::shared_ptr<detail::Shared> shared_;
};

}  // namespace faas::logfiles
