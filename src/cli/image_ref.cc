#include "faas/cli/image_ref.h"

#include <vector>

#include "faas/cli/process.h"

namespace faas::cli {
namespace {

Result<std::string> git_line(const std::vector<std::string>& args, const std::filesystem::path& dir,
                             const Environment& env) {
  auto git = find_executable("git", env);
  if (!git) return invalid_argument("git not found on PATH (needed by --tag)");
  std::vector<std::string> argv{*git};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = capture_process(argv, env, dir);
  if (!r) return r.error();
  std::string out = r->out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  if (r->exit_code != 0 || out.empty()) {
    return invalid_argument("--tag needs a git repository: git " + args.front() + " failed in " +
                            dir.string());
  }
  return out;
}

}  // namespace

std::string registry_host(std::string_view image) {
  auto slash = image.find('/');
  if (slash == std::string_view::npos) return "";
  std::string_view first = image.substr(0, slash);
  bool host = first.find('.') != std::string_view::npos ||
              first.find(':') != std::string_view::npos || first == "localhost";
  return host ? std::string(first) : "";
}

bool is_loopback_registry(std::string_view host) {
  std::string_view name = host;
  if (name.starts_with("[")) {  // [::1]:5000
    name = name.substr(0, name.find(']') + 1);
  } else if (auto colon = name.rfind(':'); colon != std::string_view::npos) {
    name = name.substr(0, colon);
  }
  return name == "localhost" || name == "[::1]" || name.starts_with("127.");
}

bool is_local_only(std::string_view image) {
  return image.find('/') == std::string_view::npos || image.starts_with("localhost/");
}

std::string image_tag(std::string_view image) {
  auto last_slash = image.rfind('/');
  auto colon = image.rfind(':');
  if (colon == std::string_view::npos) return "";
  if (last_slash != std::string_view::npos && colon < last_slash) return "";
  return std::string(image.substr(colon + 1));
}

Result<TagFormat> parse_tag_format(std::string_view text) {
  if (text.empty() || text == "latest") return TagFormat::kLatest;
  if (text == "sha") return TagFormat::kSha;
  if (text == "branch") return TagFormat::kBranch;
  if (text == "describe") return TagFormat::kDescribe;
  if (text == "digest") return TagFormat::kDigest;
  return invalid_argument("--tag must be latest, sha, branch, describe or digest, not " +
                          std::string(text));
}

Result<GitVersion> read_git_version(TagFormat format, const std::filesystem::path& dir,
                                    const Environment& env) {
  GitVersion v;
  if (format == TagFormat::kLatest || format == TagFormat::kDigest) return v;
  if (format == TagFormat::kDescribe) {
    auto d = git_line({"describe", "--tags", "--always", "--dirty"}, dir, env);
    if (!d) return d.error();
    v.describe = *d;
    return v;
  }
  auto sha = git_line({"rev-parse", "--short", "HEAD"}, dir, env);
  if (!sha) return sha.error();
  v.sha = *sha;
  if (format == TagFormat::kBranch) {
    auto branch = git_line({"rev-parse", "--symbolic-full-name", "--abbrev-ref", "HEAD"}, dir, env);
    if (!branch) return branch.error();
    v.branch = *branch;
  }
  return v;
}

std::string tagged_image(std::string_view image, TagFormat format, const GitVersion& git,
                         std::string_view digest) {
  std::string out(image);
  if (format == TagFormat::kLatest) return out;  // as written: the builders add :latest
  if (format == TagFormat::kDigest) {
    std::string tag = image_tag(image);
    if (!tag.empty()) out.resize(out.size() - tag.size() - 1);
    return out + ":" + std::string(digest);
  }
  if (image_tag(image).empty()) out += ":latest";
  switch (format) {
    case TagFormat::kSha:
      return out + "-" + git.sha;
    case TagFormat::kBranch:
      return out + "-" + git.branch + "-" + git.sha;
    case TagFormat::kDescribe:
      return out + "-" + git.describe;
    case TagFormat::kLatest:
    case TagFormat::kDigest:
      break;
  }
  return out;
}

}  // namespace faas::cli
