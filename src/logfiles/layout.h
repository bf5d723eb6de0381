// Where log files live: root/<ns>/<fn>/<instance>.log, rotated copies <instance>.log.<k> (k = 1 is
// the newest copy), and the listing of one function's instances.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "faas/core/result.h"

namespace faas::logfiles::detail {

// A path component: non-empty, no '/', NUL or "..", no leading '.'; otherwise invalid_argument.
Result<void> check_part(std::string_view what, std::string_view value);

std::string rotated_path(const std::string& live, int k);

struct InstanceFiles {
  std::string instance;
  std::string live;                // <dir>/<instance>.log (it may be missing)
  std::vector<std::string> chain;  // the existing files, oldest first: .log.N ... .log.1, .log
};

// Every instance with at least one file in `fn_dir`, by name. A missing directory: none.
std::map<std::string, InstanceFiles> list_instances(const std::string& fn_dir);

}  // namespace faas::logfiles::detail
