// version: the CLI's version, and the gateway's and provider's from /system/info.
#include <memory>
#include <ostream>

#include "faas/version.h"

#include "commands.h"

namespace faas::cli {
namespace {

struct VersionCommand {
  CommonFlags common;
  bool short_version = false;
};

int version(Context& ctx, const VersionCommand& c) {
  if (c.short_version) {
    ctx.io.out << kVersion << "\n";
    return 0;
  }
  ctx.io.out << "faas-cli (faas++)\n"
             << "  CLI:\n"
             << "   commit:  " << kGitSha << "\n"
             << "   version: " << kVersion << "\n";
  auto client = make_client(c.common, ctx);
  if (!client) return report(ctx, client.error());
  auto info = client->info();
  if (!info) return report(ctx, info.error());
  ctx.io.out << "\nGateway\n"
             << "  uri:     " << client->gateway() << "\n"
             << "  version: " << info->version.release << "\n"
             << "  sha:     " << info->version.sha << "\n";
  if (info->provider) {
    const auto& p = *info->provider;
    ctx.io.out << "\nProvider\n"
               << "  name:          " << p.provider << "\n"
               << "  orchestration: " << p.orchestration << "\n"
               << "  version:       " << p.version.release << "\n"
               << "  sha:           " << p.version.sha << "\n";
  }
  return 0;
}

}  // namespace

void add_version_command(CLI::App& app, Context& ctx) {
  auto c = std::make_shared<VersionCommand>();
  auto* cmd = app.add_subcommand("version", "Display the clients version information");
  add_gateway_flags(*cmd, c->common);
  add_stack_flags(*cmd, c->common);
  cmd->add_flag("--short-version", c->short_version, "Just print the CLI version");
  cmd->callback([&ctx, c] { ctx.exit_code = version(ctx, *c); });
}

}  // namespace faas::cli
