// list|ls, describe, invoke, ready, logs.
#include <iterator>
#include <memory>
#include <ostream>
#include <thread>

#include "faas/api/json.h"
#include "faas/cli/deploy.h"
#include "faas/cli/digest.h"
#include "faas/cli/format.h"

#include "commands.h"

namespace faas::cli {
namespace {

struct ListCommand {
  CommonFlags common;
  bool verbose = false;
  bool quiet = false;
  std::string sort = "name";
};

int list(Context& ctx, const ListCommand& c) {
  auto client = make_client(c.common, ctx);
  if (!client) return report(ctx, client.error());
  auto fns = client->list_functions(c.common.namespace_);
  if (!fns) return report(ctx, fns.error());
  if (auto ok = sort_functions(*fns, c.sort); !ok) return report(ctx, ok.error());
  ctx.io.out << format_function_list(*fns, c.verbose, c.quiet);
  return 0;
}

struct DescribeCommand {
  CommonFlags common;
  std::string name;
};

int describe(Context& ctx, const DescribeCommand& c) {
  auto client = make_client(c.common, ctx);
  if (!client) return report(ctx, client.error());
  auto fn = client->get_function(c.name, c.common.namespace_);
  if (!fn) return report(ctx, fn.error());
  // The status route carries no invocation count; the list has it (from Prometheus).
  if (auto all = client->list_functions(c.common.namespace_)) {
    for (const auto& f : *all) {
      if (f.name == fn->name) fn->invocation_count = f.invocation_count;
    }
  }
  ctx.io.out << format_describe(*fn, client->gateway(), c.common.namespace_);
  return 0;
}

struct InvokeCommand {
  CommonFlags common;
  std::string name;
  std::string content_type = "text/plain";
  std::vector<std::string> query;
  std::vector<std::string> headers;
  std::string method = "POST";
  bool async = false;
  std::string sign;  // --sign: the header that carries the body's HMAC
  std::string key;   // --key: the HMAC key
};

// "?k=v&k2=v2" from --query items, in the order given.
Result<std::string> query_string(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return invalid_argument("--query must be key=value, got [" + item + "]");
    }
    out += (out.empty() ? "?" : "&") + url_encode(item.substr(0, eq)) + "=" +
           url_encode(item.substr(eq + 1));
  }
  return out;
}

int invoke(Context& ctx, const InvokeCommand& c) {
  static const std::vector<std::string> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  if (std::find(kMethods.begin(), kMethods.end(), c.method) == kMethods.end()) {
    return report(ctx, invalid_argument("the method " + c.method +
                                        " is not supported; use one "
                                        "of GET, POST, PUT, PATCH, DELETE"));
  }
  if (c.sign.empty() != c.key.empty()) {
    return report(ctx, invalid_argument("signing requires both --sign <header-value> and --key "
                                        "<key-value>"));
  }
  auto query = query_string(c.query);
  if (!query) return report(ctx, query.error());
  HeaderList headers{{"Content-Type", c.content_type}};
  for (const auto& h : c.headers) {
    auto eq = h.find('=');
    if (eq == std::string::npos || eq == 0) {
      return report(ctx, invalid_argument("-H/--header must be key=value, got [" + h + "]"));
    }
    headers.emplace_back(h.substr(0, eq), h.substr(eq + 1));
  }
  auto client = make_client(c.common, ctx);
  if (!client) return report(ctx, client.error());
  std::string body(std::istreambuf_iterator<char>(ctx.io.in), std::istreambuf_iterator<char>{});
  // faas-cli's format: "<header>: sha1=<hex HMAC-SHA1 of the body>", as GitHub's X-Hub-Signature,
  // so a function checks it with the same code it uses for webhooks.
  if (!c.sign.empty()) headers.emplace_back(c.sign, "sha1=" + hmac_sha1_hex(c.key, body));
  std::string path = (c.async ? "/async-function/" : "/function/") + c.name;
  if (!c.common.namespace_.empty()) path += "." + c.common.namespace_;
  // Gateway credentials are never sent to functions.
  auto r = client->call(c.method, path + *query, std::move(body), std::move(headers), false);
  if (!r) return report(ctx, r.error());
  if (c.async && r->status == 202) {
    ctx.io.err << "Function submitted asynchronously.\n";
    return 0;
  }
  if (r->status < 200 || r->status > 299) {
    std::string body = r->body;
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
    return report(ctx, invalid_argument("server returned unexpected status code: " +
                                        status_text(r->status) + " - " + body));
  }
  ctx.io.out << r->body;
  return 0;
}

struct ReadyCommand {
  CommonFlags common;
  std::string name;
  int attempts = 60;
  std::string interval = "1s";
};

int ready(Context& ctx, const ReadyCommand& c) {
  auto interval = parse_duration(c.interval);
  if (!interval) return report(ctx, interval.error());
  auto client = make_client(c.common, ctx);
  if (!client) return report(ctx, client.error());
  std::string last = "no answer";
  for (int i = 1; i <= c.attempts; ++i) {
    if (i > 1)
      std::this_thread::sleep_for(*interval);  // polling a remote service: nothing to wait on
    auto healthy = client->healthy();
    if (!healthy || !*healthy) {
      last = healthy ? "gateway /healthz is not 200" : healthy.error().message();
      continue;
    }
    if (c.name.empty()) {
      ctx.io.out << "OpenFaaS gateway is ready\n";
      return 0;
    }
    auto fn = client->get_function(c.name, c.common.namespace_);
    if (fn && fn->available_replicas > 0) {
      ctx.io.out << "Function " << c.name << " is ready\n";
      return 0;
    }
    last = fn ? "0 available replicas" : fn.error().message();
    ctx.io.err << "[" << i << "/" << c.attempts << "] Waiting for " << c.name << ": " << last
               << "\n";
  }
  std::string what = c.name.empty() ? "gateway" : "function " + c.name;
  return report(ctx, invalid_argument(what + " not ready after " + std::to_string(c.attempts) +
                                      " attempts: " + last));
}

struct LogsCommand {
  CommonFlags common;
  std::string name;
  std::string since;
  std::string since_time;
  long lines = -1;
  bool tail = true;
  std::string output = "plain";
  std::string instance;
};

int logs(Context& ctx, const LogsCommand& c) {
  LogQuery q{c.name, c.common.namespace_, c.instance, c.tail, c.lines, c.since_time};
  if (!c.since.empty()) {
    auto d = parse_duration(c.since);
    if (!d) return report(ctx, d.error());
    auto at = std::chrono::system_clock::now() -
              std::chrono::duration_cast<std::chrono::system_clock::duration>(*d);
    q.since = api::format_rfc3339(at, false);
  } else if (!c.since_time.empty()) {
    if (auto t = api::parse_rfc3339(c.since_time); !t) return report(ctx, t.error());
  }
  if (auto probe = format_log(api::LogMessage{}, c.output); !probe) {
    return report(ctx, probe.error());
  }
  auto client = make_client(c.common, ctx);
  if (!client) return report(ctx, client.error());
  auto ok = client->logs(q, [&](const api::LogMessage& m) {
    ctx.io.out << *format_log(m, c.output);
    ctx.io.out.flush();
  });
  if (!ok) return report(ctx, ok.error());
  return 0;
}

void add_list(CLI::App& app, Context& ctx) {
  auto c = std::make_shared<ListCommand>();
  auto* cmd = app.add_subcommand("list", "List OpenFaaS functions");
  cmd->alias("ls");
  add_gateway_flags(*cmd, c->common);
  add_stack_flags(*cmd, c->common);
  add_namespace_flag(*cmd, c->common);
  cmd->add_flag("-v,--verbose", c->verbose, "Verbose output for the function list");
  cmd->add_flag("-q,--quiet", c->quiet, "Quiet mode - print out only the function's ID");
  cmd->add_option("--sort", c->sort,
                  "Sort the functions by \"name\", \"invocations\" or "
                  "\"creation\"")
      ->capture_default_str();
  cmd->callback([&ctx, c] { ctx.exit_code = list(ctx, *c); });
}

void add_describe(CLI::App& app, Context& ctx) {
  auto c = std::make_shared<DescribeCommand>();
  auto* cmd = app.add_subcommand("describe", "Describe an OpenFaaS function");
  add_gateway_flags(*cmd, c->common);
  add_stack_flags(*cmd, c->common);
  add_namespace_flag(*cmd, c->common);
  cmd->add_option("name", c->name, "Function name")->required();
  cmd->callback([&ctx, c] { ctx.exit_code = describe(ctx, *c); });
}

void add_invoke(CLI::App& app, Context& ctx) {
  auto c = std::make_shared<InvokeCommand>();
  auto* cmd = app.add_subcommand("invoke", "Invoke an OpenFaaS function (body from stdin)");
  add_gateway_flags(*cmd, c->common);
  add_stack_flags(*cmd, c->common);
  add_namespace_flag(*cmd, c->common);
  cmd->add_option("name", c->name, "Function name")->required();
  cmd->add_option("--content-type", c->content_type, "The content-type HTTP header")
      ->capture_default_str();
  cmd->add_option("--query", c->query, "pass query-string options (key=value)")
      ->allow_extra_args(false);
  cmd->add_option("-H,--header", c->headers, "pass HTTP request header (key=value)")
      ->allow_extra_args(false);
  cmd->add_option("-m,--method", c->method, "pass HTTP request method")->capture_default_str();
  cmd->add_flag("-a,--async", c->async, "Invoke the function asynchronously");
  cmd->add_option("--sign", c->sign, "name of HTTP request header to hold the signature");
  cmd->add_option("--key", c->key, "key to be used to sign the request (must be used with --sign)");
  cmd->callback([&ctx, c] { ctx.exit_code = invoke(ctx, *c); });
}

void add_ready(CLI::App& app, Context& ctx) {
  auto c = std::make_shared<ReadyCommand>();
  auto* cmd = app.add_subcommand("ready", "Block until the gateway, or a function, is ready");
  add_gateway_flags(*cmd, c->common);
  add_stack_flags(*cmd, c->common);
  add_namespace_flag(*cmd, c->common);
  cmd->add_option("name", c->name, "Function to wait for (else only the gateway)");
  cmd->add_option("--attempts", c->attempts, "Number of attempts")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--interval", c->interval, "Interval between attempts")->capture_default_str();
  cmd->callback([&ctx, c] { ctx.exit_code = ready(ctx, *c); });
}

void add_logs(CLI::App& app, Context& ctx) {
  auto c = std::make_shared<LogsCommand>();
  auto* cmd = app.add_subcommand("logs", "Fetch logs for a function");
  add_gateway_flags(*cmd, c->common);
  add_stack_flags(*cmd, c->common);
  add_namespace_flag(*cmd, c->common);
  cmd->add_option("name", c->name, "Function name")->required();
  cmd->add_option("--since", c->since, "return logs newer than a relative duration like 5s");
  cmd->add_option("--since-time", c->since_time, "include logs since the given RFC3339 time");
  cmd->add_option("--lines", c->lines, "number of recent log lines to show, -1 for all")
      ->capture_default_str();
  cmd->add_flag("-t,--tail,!--no-tail", c->tail,
                "tail the function logs (default true; --tail=false to stop at the end)");
  cmd->add_option("-o,--output", c->output, "output format: plain, keyvalue or json")
      ->capture_default_str();
  cmd->add_option("--instance", c->instance, "filter to only logs from the given instance");
  cmd->callback([&ctx, c] { ctx.exit_code = logs(ctx, *c); });
}

}  // namespace

void add_function_commands(CLI::App& app, Context& ctx) {
  add_list(app, ctx);
  add_describe(app, ctx);
  add_invoke(app, ctx);
  add_ready(app, ctx);
  add_logs(app, ctx);
}

}  // namespace faas::cli
