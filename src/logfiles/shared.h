// State shared by a LogFiles and the reads it started (a read may outlive its LogFiles).
#pragma once

#include <list>
#include <set>
#include <string>

#include <boost/asio/steady_timer.hpp>

#include "faas/logfiles/log_files.h"

namespace faas::logfiles::detail {

struct Shared {
  Config config;
  bool stopped = false;
  bool live_known = false;     // maintain() was called at least once
  std::set<std::string> live;  // its last live set
  std::list<boost::asio::steady_timer*> waiters;  // follows between two polls

  std::string function_dir(const std::string& ns, const std::string& fn) const {
    return config.dir + "/" + ns + "/" + fn;
  }
  // Known to be gone: its partial last line will not be finished.
  bool finished(const std::string& ns, const std::string& fn, const std::string& instance) const {
    if (!live_known) return false;
    return !live.contains(function_dir(ns, fn) + "/" + instance + ".log") &&
           !live.contains(ns + "/" + fn + "/" + instance);
  }
  void wake_all() {
    for (auto* t : waiters) t->cancel();
  }
};

}  // namespace faas::logfiles::detail
