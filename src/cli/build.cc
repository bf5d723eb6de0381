#include "faas/cli/build.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "faas/cli/image_ref.h"
#include "faas/cli/templates.h"

namespace faas::cli {
namespace fs = std::filesystem;
namespace {

Result<void> copy_into(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (!ec) {
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
  }
  if (ec) return make_error(ec, "cannot copy " + from.string() + " to " + to.string());
  return {};
}

fs::path resolve(const fs::path& base, const std::string& p) {
  fs::path path(p);
  return path.is_absolute() ? path : base / path;
}

Result<std::string> additional_packages(const LanguageTemplate& t, const StackFunction& fn,
                                        const std::vector<std::string>& extra) {
  std::vector<std::string> wanted = fn.build_options;
  wanted.insert(wanted.end(), extra.begin(), extra.end());
  std::string packages;
  std::set<std::string> seen;
  for (const auto& name : wanted) {
    if (!seen.insert(name).second) continue;
    auto it = std::find_if(t.build_options.begin(), t.build_options.end(),
                           [&](const BuildOption& o) { return o.name == name; });
    if (it == t.build_options.end()) {
      return invalid_argument("build option " + name + " is not defined by template " + fn.lang);
    }
    for (const auto& p : it->packages) packages += (packages.empty() ? "" : " ") + p;
  }
  return packages;
}

}  // namespace

Result<BuildPlan> shrinkwrap(const StackFunction& fn, const Stack& stack,
                             const std::vector<fs::path>& template_roots,
                             const api::StringMap& extra_build_args,
                             const std::vector<std::string>& extra_options) {
  if (fn.lang.empty())
    return invalid_argument("function " + fn.name + ": lang is required to build");
  if (fn.handler.empty()) return invalid_argument("function " + fn.name + ": handler is required");
  if (fn.image.empty()) return invalid_argument("function " + fn.name + ": image is required");
  BuildPlan plan{fn.name, fn.image, stack.dir / "build" / fn.name, fn.build_args};
  for (const auto& [k, v] : extra_build_args) plan.build_args[k] = v;
  fs::path handler = resolve(stack.dir, fn.handler);
  std::error_code ec;
  if (!fs::is_directory(handler, ec)) {
    return invalid_argument("function " + fn.name + ": handler folder " + handler.string() +
                            " not found");
  }
  fs::remove_all(plan.context, ec);
  if (ec) return make_error(ec, "cannot remove " + plan.context.string());
  fs::path function_dir = plan.context;
  if (fn.lang == "dockerfile") {
    if (auto ok = copy_into(handler, plan.context); !ok) return ok.error();
  } else {
    auto tdir = find_template(template_roots, fn.lang);
    if (!tdir) {
      return invalid_argument("template " + fn.lang +
                              " not found (looked in ./template and the "
                              "shipped templates)");
    }
    auto t = read_template_yml(*tdir / "template.yml");
    if (!t) return t.error();
    auto packages = additional_packages(*t, fn, extra_options);
    if (!packages) return packages.error();
    if (!packages->empty()) plan.build_args["ADDITIONAL_PACKAGE"] = *packages;
    function_dir = plan.context / t->handler_folder;
    if (auto ok = copy_into(*tdir, plan.context); !ok) return ok.error();
    if (auto ok = copy_into(handler, function_dir); !ok) return ok.error();
  }
  for (const auto& extra : stack.copy) {
    fs::path src = resolve(stack.dir, extra);
    fs::path dst = function_dir / fs::path(extra).lexically_normal().relative_path();
    if (fs::is_directory(src, ec)) {
      if (auto ok = copy_into(src, dst); !ok) return ok.error();
    } else {
      fs::create_directories(dst.parent_path(), ec);
      fs::copy_file(src, dst, fs::copy_options::overwrite_existing, ec);
      if (ec) return make_error(ec, "cannot copy " + src.string());
    }
  }
  return plan;
}

std::vector<std::string> builder_command(std::string_view builder, const BuildPlan& plan,
                                         bool no_cache) {
  bool docker = fs::path(builder).filename() == "docker";
  std::vector<std::string> argv{std::string(builder), docker ? "build" : "bud", "-t", plan.image};
  if (!docker) {
    // buildah 1.28 keeps the working container of a stage that is only a source (the templates'
    // `FROM of-watchdog AS watchdog`), one more per build, and of a failed build; --force-rm
    // removes them but is refused without --layers or --no-cache. --no-cache --force-rm without
    // --layers deletes that stage's base image (buildah PR 5081, fixed in 1.33), so --layers
    // always: it also gives a layer cache like docker's.
    argv.insert(argv.end(), {"--layers", "--force-rm"});
  }
  if (no_cache) argv.emplace_back("--no-cache");
  for (const auto& [k, v] : plan.build_args) {
    argv.emplace_back("--build-arg");
    argv.push_back(k + "=" + v);
  }
  argv.push_back(plan.context.string());
  return argv;
}

Result<std::string> find_builder(std::string_view requested, const Environment& env) {
  std::string wanted(requested);
  if (wanted.empty()) wanted = lookup(env, "FAAS_BUILD_ENGINE").value_or("");
  std::vector<std::string> names;
  if (!wanted.empty()) {
    if (wanted != "buildah" && wanted != "docker") {
      return invalid_argument("--engine (or FAAS_BUILD_ENGINE) must be buildah or docker, not " +
                              wanted);
    }
    names.push_back(wanted);
  } else {
    names = {"buildah", "docker"};
  }
  for (const auto& name : names) {
    if (auto path = find_executable(name, env)) return *path;
  }
  if (!wanted.empty()) return invalid_argument(wanted + " not found on PATH");
  return invalid_argument(
      "no image builder found on PATH: install buildah (apt-get install "
      "buildah) or docker, or use --shrinkwrap to only write ./build");
}

namespace {
bool is_docker(std::string_view engine) { return fs::path(engine).filename() == "docker"; }
}  // namespace

std::vector<std::string> push_command(std::string_view engine, std::string_view image) {
  std::vector<std::string> argv{std::string(engine), "push"};
  if (!is_docker(engine) && is_loopback_registry(registry_host(image))) {
    argv.emplace_back("--tls-verify=false");
  }
  argv.emplace_back(image);
  return argv;
}

std::vector<std::string> export_command(std::string_view engine, std::string_view image,
                                        const fs::path& file) {
  if (is_docker(engine))
    return {std::string(engine), "save", "-o", file.string(), std::string(image)};
  return {std::string(engine), "push", std::string(image),
          "oci-archive:" + file.string() + ":" + std::string(image)};
}

}  // namespace faas::cli
