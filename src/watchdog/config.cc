#include "faas/watchdog/config.h"

namespace faas::watchdog {

namespace {

// Classic-watchdog-only variables: if any is set and `mode` is not, the user is running a
// classic-watchdog Dockerfile against our binary, so classic semantics are selected.
constexpr std::string_view kClassicOnly[] = {"combine_output", "marshal_request", "write_debug",
                                             "read_debug", "cgi_headers", "debug_headers"};

struct Reader {
  const Environment& env;
  std::vector<std::string>* warnings;

  std::optional<std::string> get(std::string_view key) const {
    auto v = lookup(env, key);
    if (v && v->empty()) return std::nullopt;
    return v;
  }
  void duration(std::string_view key, std::chrono::nanoseconds& out) const {
    auto v = get(key);
    if (!v) return;
    auto d = parse_duration(*v);
    if (d) {
      out = *d;
    } else if (warnings) {
      warnings->push_back(std::string(key) + ": " + d.error().message() + ", using default " +
                          format_duration(out));
    }
  }
  void boolean(std::string_view key, bool& out) const {
    if (auto v = get(key)) out = parse_bool(*v);
  }
  Result<void> integer(std::string_view key, long long min, long long max, auto& out) const {
    auto v = get(key);
    if (!v) return {};
    auto n = parse_int(*v, min, max);
    if (!n) return invalid_argument(std::string(key) + ": " + n.error().message());
    out = static_cast<std::remove_reference_t<decltype(out)>>(*n);
    return {};
  }
};

Result<Mode> parse_mode(const Environment& env) {
  auto v = lookup(env, "mode");
  if (!v || v->empty()) {
    for (auto key : kClassicOnly) {
      if (lookup(env, key)) return Mode::kClassic;
    }
    return Mode::kStreaming;
  }
  if (*v == "streaming") return Mode::kStreaming;
  if (*v == "serializing") return Mode::kSerializing;
  if (*v == "http") return Mode::kHttp;
  if (*v == "static") return Mode::kStatic;
  if (*v == "classic" || *v == "afterburn") return Mode::kClassic;
  return invalid_argument("mode: unknown mode \"" + *v +
                          "\" (streaming, serializing, http, static or classic)");
}

std::vector<std::string> split_spaces(const std::string& s) {
  std::vector<std::string> out;
  std::string word;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n') {
      if (!word.empty()) out.push_back(std::move(word));
      word.clear();
    } else {
      word.push_back(c);
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

}  // namespace

std::string_view to_string(Mode mode) {
  switch (mode) {
    case Mode::kStreaming: return "streaming";
    case Mode::kSerializing: return "serializing";
    case Mode::kHttp: return "http";
    case Mode::kStatic: return "static";
    case Mode::kClassic: return "classic";
  }
  return "?";
}

Result<WatchdogConfig> parse_config(const Environment& env, std::vector<std::string>* warnings) {
  WatchdogConfig c;
  Reader r{env, warnings};
  auto mode = parse_mode(env);
  if (!mode) return mode.error();
  c.mode = *mode;

  auto process = r.get("function_process");
  if (!process) process = r.get("fprocess");
  if (process) c.fprocess = split_spaces(*process);
  if (c.fprocess.empty() && c.mode != Mode::kStatic) {
    return invalid_argument("fprocess: no function process given (set fprocess or function_process)");
  }
  if (auto u = r.get("http_upstream_url")) {
    c.upstream_url = *u;
  } else if (auto u2 = r.get("upstream_url")) {
    c.upstream_url = *u2;
  }
  if (c.mode == Mode::kHttp && c.upstream_url.empty()) c.upstream_url = "http://127.0.0.1:8082";

  if (auto v = r.get("bind_address")) c.bind_address = *v;
  if (auto e = r.integer("port", 0, 65535, c.port); !e) return e.error();
  if (auto e = r.integer("metrics_port", -1, 65535, c.metrics_port); !e) return e.error();

  r.duration("read_timeout", c.read_timeout);
  r.duration("write_timeout", c.write_timeout);
  if (c.mode == Mode::kClassic) c.exec_timeout = {};  // classic default: disabled
  r.duration("exec_timeout", c.exec_timeout);
  c.healthcheck_interval = c.write_timeout;
  r.duration("healthcheck_interval", c.healthcheck_interval);
  if (c.write_timeout.count() == 0) return invalid_argument("write_timeout: must be greater than 0");
  if (c.read_timeout.count() == 0) return invalid_argument("read_timeout: must be greater than 0");

  if (auto e = r.integer("max_inflight", 0, 1'000'000, c.max_inflight); !e) return e.error();
  if (c.mode != Mode::kClassic) c.content_type = "application/octet-stream";
  if (auto v = r.get("content_type")) c.content_type = *v;
  r.boolean("suppress_lock", c.suppress_lock);
  r.boolean("buffer_http", c.buffer_http);
  r.boolean("http_buffer_req_body", c.buffer_http);
  r.boolean("prefix_logs", c.prefix_logs);
  if (auto e = r.integer("log_buffer_size", -1, 1LL << 30, c.log_buffer_size); !e) return e.error();
  if (c.log_buffer_size == 0) c.log_buffer_size = 65536;
  r.boolean("log_callid", c.log_callid);
  r.boolean("log_call_id", c.log_callid);
  if (auto v = r.get("static_path")) c.static_path = *v;
  if (auto v = r.get("ready_path")) c.ready_path = *v;
  std::string tmp = r.get("TMPDIR").value_or("/tmp");
  c.lock_path = tmp + (tmp.ends_with('/') ? "" : "/") + ".lock";
  if (auto e = r.integer("max_buffered_body", 1, 1LL << 40, c.max_buffered_body); !e) {
    return e.error();
  }

  r.boolean("combine_output", c.combine_output);
  r.boolean("marshal_request", c.marshal_request);
  r.boolean("cgi_headers", c.cgi_headers);
  r.boolean("write_debug", c.write_debug);
  r.boolean("debug_headers", c.debug_headers);
  return c;
}

}  // namespace faas::watchdog
