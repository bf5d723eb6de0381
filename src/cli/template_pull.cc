// template pull: templates from a directory or a git repository into ./template.
#include <algorithm>
#include <sstream>

#include <stdlib.h>

#include "faas/cli/process.h"
#include "faas/cli/templates.h"

namespace faas::cli {
namespace fs = std::filesystem;
namespace {

// ": <git's first fatal: line>" (the cause; later ones are advice), else its last line, or "".
std::string git_cause(const std::string& output) {
  std::string last, fatal;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    last = line;
    if (fatal.empty() && line.starts_with("fatal: ")) fatal = line;
  }
  std::string cause = fatal.empty() ? last : fatal;
  return cause.empty() ? "" : ": " + cause;
}

Result<void> git_clone(const std::string& source, const fs::path& into, const Environment& env) {
  std::string url = source;
  std::string ref;
  if (auto hash = source.rfind('#'); hash != std::string::npos) {
    url = source.substr(0, hash);
    ref = source.substr(hash + 1);
  }
  auto git = find_executable("git", env);
  if (!git) return invalid_argument("git not found on PATH (needed to pull " + url + ")");
  std::vector<std::string> argv{*git, "clone", "--quiet", "--depth", "1"};
  if (!ref.empty()) argv.insert(argv.end(), {"--branch", ref});
  argv.insert(argv.end(), {url, into.string()});
  Environment child = env;
  child["GIT_TERMINAL_PROMPT"] = "0";  // never stop to ask for credentials
  // git's own words go into our one error line, not as a paragraph before it.
  auto rc = capture_process(argv, child, {}, true);
  if (!rc) return rc.error();
  if (rc->exit_code != 0) {
    return invalid_argument("git clone " + source + " failed (exit " +
                            std::to_string(rc->exit_code) + ")" + git_cause(rc->out));
  }
  return {};
}

// The folder whose subfolders are templates: <dir>/template, or <dir> itself.
fs::path templates_in(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir / "template", ec) ? dir / "template" : dir;
}

}  // namespace

Result<PullResult> pull_templates(const PullOptions& options, const Environment& env,
                                  const fs::path& cwd) {
  ScratchDir scratch;
  fs::path source(options.source);
  if (source.is_relative()) source = cwd / source;
  std::error_code ec;
  if (!fs::is_directory(source, ec)) {
    if (scratch.path().empty()) return errno_error(errno, "cannot create a temporary directory");
    source = scratch.path() / "repo";
    if (auto ok = git_clone(options.source, source, env); !ok) return ok.error();
  }
  fs::path from = templates_in(source);
  std::vector<fs::path> found;
  for (const auto& name : list_templates({from})) {
    if (options.only.empty() || name == options.only) found.push_back(from / name);
  }
  if (found.empty()) {
    return invalid_argument("no templates" +
                            (options.only.empty() ? "" : " named " + options.only) + " in " +
                            options.source);
  }
  PullResult result;
  for (const auto& dir : found) {
    std::string name = dir.filename().string();
    fs::path to = cwd / "template" / name;
    if (fs::exists(to, ec)) {
      if (!options.overwrite) {
        result.skipped.push_back(name);
        continue;
      }
      fs::remove_all(to, ec);
    }
    fs::create_directories(to, ec);
    if (!ec) fs::copy(dir, to, fs::copy_options::recursive, ec);
    if (ec) return make_error(ec, "cannot copy template " + name);
    result.written.push_back(name);
  }
  return result;
}

}  // namespace faas::cli
