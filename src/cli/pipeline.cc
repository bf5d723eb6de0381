// The steps of build, push, deploy and up, shared by those commands: per-function work, run one at
// a time or on --parallel threads.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <ostream>
#include <sstream>
#include <thread>

#include "faas/cli/build.h"
#include "faas/cli/digest.h"
#include "faas/cli/image_ref.h"
#include "faas/cli/process.h"
#include "faas/cli/templates.h"

#include "commands.h"

namespace faas::cli {
namespace fs = std::filesystem;
namespace {

std::string mebibytes(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

// Upload progress: on a terminal one line redrawn at most 10 times a second; otherwise nothing
// until the end (the caller prints the plain summary line).
class ProgressLine {
 public:
  ProgressLine(std::ostream& err, bool tty, std::string label)
      : err_(err), tty_(tty), label_(std::move(label)) {}
  void update(std::uint64_t sent, std::uint64_t total) {
    if (!tty_ || total == 0) return;
    auto now = std::chrono::steady_clock::now();
    if (sent < total && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    err_ << "\r" << label_ << " " << mebibytes(sent) << " / " << mebibytes(total) << " ("
         << sent * 100 / total << "%)   " << std::flush;
    drawn_ = true;
  }
  ~ProgressLine() {
    if (drawn_) err_ << "\n";
  }

 private:
  std::ostream& err_;
  bool tty_;
  std::string label_;
  std::chrono::steady_clock::time_point last_{};
  bool drawn_ = false;
};

// Pulls the configuration.templates entries that ./template does not have yet (faas-cli's
// automatic `template pull stack` before a build).
Result<void> pull_stack_templates(Context& ctx, const Stack& stack) {
  for (const auto& t : stack.templates) {
    std::error_code ec;
    if (fs::exists(stack.dir / "template" / t.name / "template.yml", ec)) continue;
    PullOptions o{t.source.empty() ? kDefaultTemplateRepository : t.source, t.name, false};
    ctx.io.out << "Pulling template: " << t.name << " from " << o.source << "\n";
    auto r = pull_templates(o, ctx.env, stack.dir);
    if (!r) return r.error();
  }
  return {};
}

int build_one(Context& ctx, const BuildSettings& b, const StackFunction& fn, const Stack& stack,
              const api::StringMap& args, const std::string& builder) {
  if (fn.skip_build) {
    ctx.io.out << "Skipping build of: " << fn.name << ".\n";
    return 0;
  }
  auto plan = shrinkwrap(fn, stack, template_roots(ctx.env, stack.dir), args, b.build_options);
  if (!plan) return report(ctx, plan.error());
  if (b.shrinkwrap) {
    ctx.io.out << fn.name << " shrink-wrapped to " << plan->context.string() << "\n";
    return 0;
  }
  ctx.io.out << "Building: " << fn.name << " with " << fn.lang << " template. Please wait..\n";
  ctx.io.out.flush();
  auto rc = run_process(builder_command(builder, *plan, b.no_cache), ctx.env);
  if (!rc) return report(ctx, rc.error());
  if (*rc != 0) {
    return report(ctx, invalid_argument("build " + fn.name + ": " + builder + " exited with " +
                                        std::to_string(*rc)));
  }
  ctx.io.out << "Image: " << plan->image << " built.\n";
  return 0;
}

int push_one(Context& ctx, const std::string& engine, const StackFunction& fn) {
  ctx.io.out << "Pushing: " << fn.name << " (" << fn.image << ").\n";
  ctx.io.out.flush();
  auto rc = run_process(push_command(engine, fn.image), ctx.env);
  if (!rc) return report(ctx, rc.error());
  if (*rc != 0) {
    return report(ctx, invalid_argument("push " + fn.image + ": " + engine + " exited with " +
                                        std::to_string(*rc) +
                                        " (is the registry up, and are you "
                                        "logged in to it?)"));
  }
  ctx.io.out << "Pushed: " << fn.image << ".\n";
  return 0;
}

int upload_one(Context& ctx, const std::string& engine, const StackFunction& fn,
               const GatewayClient& client, const std::string& ns) {
  ScratchDir scratch;
  if (scratch.path().empty()) {
    return report(ctx, errno_error(errno, "cannot create a temporary directory"));
  }
  fs::path archive = scratch.path() / "image.tar";
  ctx.io.out << "Exporting: " << fn.name << " (" << fn.image << ") as an OCI archive.\n";
  ctx.io.out.flush();
  auto rc = run_process(export_command(engine, fn.image, archive), ctx.env);
  if (!rc) return report(ctx, rc.error());
  if (*rc != 0) {
    return report(ctx, invalid_argument("export " + fn.image + ": " + engine + " exited with " +
                                        std::to_string(*rc) + " (was it built?)"));
  }
  auto stored = upload_archive(ctx, client, archive, fn.image, ns);
  if (!stored) return report(ctx, stored.error());
  return 0;
}

}  // namespace

Result<void> pull_configured_templates(Context& ctx, const Stack& stack) {
  return pull_stack_templates(ctx, stack);
}

void add_build_flags(CLI::App& cmd, BuildSettings& b) {
  cmd.add_option("-b,--build-arg", b.build_args, "Add a build-arg for the builder (KEY=VALUE)")
      ->allow_extra_args(false);
  cmd.add_option("-o,--build-option", b.build_options,
                 "Set a build option defined by the template, e.g. dev")
      ->allow_extra_args(false);
  cmd.add_flag("--shrinkwrap", b.shrinkwrap, "Just write the build contexts to ./build/");
  cmd.add_flag("--no-cache", b.no_cache, "Do not use the builder's cache");
  cmd.add_flag("--disable-stack-pull", b.disable_stack_pull,
               "Do not pull the stack's configuration.templates");
  cmd.add_option("--engine,--builder", b.engine,
                 "buildah or docker (default: $FAAS_BUILD_ENGINE, else buildah if installed, "
                 "else docker)");
  cmd.add_option("--parallel", b.parallel, "Build this many functions at a time")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
}

void add_publish_flags(CLI::App& cmd, PublishSettings& p) {
  cmd.add_flag("--via-gateway", p.via_gateway,
               "Upload images to the gateway (single-node faasd) instead of pushing them to "
               "their registry; the default for images without a registry host");
}

Result<std::vector<StackFunction>> selected_functions(const CommonFlags& f, const std::string& tag,
                                                      const Stack& stack, const Context& ctx) {
  auto format = parse_tag_format(tag);
  if (!format) return format.error();
  auto fns = select_functions(stack, f.filter, f.regex);
  if (!fns) return fns.error();
  if (fns->empty()) return invalid_argument("no functions matched in the stack file");
  auto git = read_git_version(*format, stack.dir, ctx.env);
  if (!git) return git.error();
  for (auto& fn : *fns) {
    std::string digest;
    if (*format == TagFormat::kDigest) {
      // The handler folder as written, not ./build/<fn>: deploy must name the image that build
      // made without rebuilding the context.
      fs::path handler(fn.handler);
      if (handler.is_relative()) handler = stack.dir / handler;
      auto d = fn.handler.empty() ? Result<std::string>(invalid_argument("no handler"))
                                  : folder_digest(handler);
      if (!d) {
        return invalid_argument("--tag digest: function " + fn.name + ": " + d.error().message());
      }
      digest = *d;
    }
    fn.image = tagged_image(fn.image, *format, *git, digest);
  }
  return fns;
}

int run_jobs(Context& ctx, std::size_t n, int parallel,
             const std::function<int(Context&, std::size_t)>& job) {
  if (parallel <= 1 || n <= 1) {
    int failures = 0;
    for (std::size_t i = 0; i < n; ++i) failures += job(ctx, i);
    return failures;
  }
  std::atomic<std::size_t> next{0};
  std::atomic<int> failures{0};
  std::mutex print;
  auto worker = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      std::ostringstream out, err;
      Context jctx{ctx.env, Io{ctx.io.in, out, err, false}, ctx.cwd};
      failures += job(jctx, i);
      std::lock_guard lock(print);
      ctx.io.out << out.str() << std::flush;
      ctx.io.err << err.str() << std::flush;
    }
  };
  std::vector<std::jthread> threads;
  for (int t = 0; t < parallel && static_cast<std::size_t>(t) < n; ++t)
    threads.emplace_back(worker);
  threads.clear();  // joins
  return failures.load();
}

int build_functions(Context& ctx, const BuildSettings& b, const Stack& stack,
                    const std::vector<StackFunction>& fns) {
  auto args = parse_key_values(b.build_args, "build-arg");
  if (!args) return report(ctx, args.error());
  if (!b.disable_stack_pull) {
    if (auto ok = pull_stack_templates(ctx, stack); !ok) return report(ctx, ok.error());
  }
  std::string builder;
  if (!b.shrinkwrap) {
    auto found = find_builder(b.engine, ctx.env);
    if (!found) return report(ctx, found.error());
    builder = *found;
  }
  int failures = run_jobs(ctx, fns.size(), b.parallel, [&](Context& jctx, std::size_t i) {
    return build_one(jctx, b, fns[i], stack, *args, builder);
  });
  return failures == 0 ? 0 : 1;
}

int publish_functions(Context& ctx, const PublishSettings& p, const std::vector<StackFunction>& fns,
                      const GatewayClient* client, const std::string& ns) {
  auto engine = find_builder(p.engine, ctx.env);
  if (!engine) return report(ctx, engine.error());
  int failures = run_jobs(ctx, fns.size(), p.parallel, [&](Context& jctx, std::size_t i) {
    const StackFunction& fn = fns[i];
    if (!p.via_gateway && !is_local_only(fn.image)) return push_one(jctx, *engine, fn);
    if (!client) {
      return report(jctx, invalid_argument(fn.image + " has no registry: it can only be "
                                                      "uploaded to a gateway"));
    }
    return upload_one(jctx, *engine, fn, *client, fn.namespace_.empty() ? ns : fn.namespace_);
  });
  return failures == 0 ? 0 : 1;
}

Result<std::string> upload_archive(Context& ctx, const GatewayClient& client,
                                   const fs::path& archive, const std::string& image,
                                   const std::string& ns) {
  std::error_code ec;
  auto size = fs::file_size(archive, ec);
  if (ec) return make_error(ec, "cannot read " + archive.string());
  ctx.io.out << "Uploading: " << image << " (" << mebibytes(size) << ") to " << client.gateway()
             << ".\n";
  ctx.io.out.flush();
  Result<std::string> stored = invalid_argument("not uploaded");
  {
    ProgressLine progress(ctx.io.err, ctx.io.tty, "Uploading " + image);
    stored = client.upload_image(archive, image, ns, [&](std::uint64_t sent, std::uint64_t total) {
      progress.update(sent, total);
    });
  }
  if (stored) ctx.io.out << "Uploaded: " << image << " as " << *stored << ".\n";
  return stored;
}

int deploy_one(Context& ctx, const GatewayClient& client, const api::FunctionDeployment& d,
               DeployMode mode) {
  ctx.io.out << "Deploying: " << d.service << ".\n";
  auto status = client.deploy(d, mode);
  if (!status) return report(ctx, status.error());
  ctx.io.out << "Deployed. " << status_text(*status) << ".\n"
             << "URL: " << function_url(client.gateway(), d.service, d.namespace_) << "\n\n";
  return 0;
}

int deploy_functions(Context& ctx, const GatewayClient& client, const Stack& stack,
                     const std::vector<StackFunction>& fns, const DeployFlags& flags,
                     DeployMode mode) {
  int failures = 0;
  for (const auto& fn : fns) {
    auto d = deployment_from_stack(fn, stack, flags);
    if (!d) {
      failures += report(ctx, d.error());
      continue;
    }
    failures += deploy_one(ctx, client, *d, mode);
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace faas::cli
