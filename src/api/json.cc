#include "faas/api/json.h"

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "faas/core/base64.h"

namespace faas::api {

// ordered_json keeps insertion order, so objects come out in the field order of the Go structs.
using json = nlohmann::ordered_json;

namespace {

// Parses text into a json value; a syntax error becomes an Error with the byte offset.
Result<json> parse_text(std::string_view text) {
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    return invalid_argument("invalid JSON at byte " + std::to_string(e.byte) + ": " +
                            (text.empty() ? std::string("empty body") : std::string("syntax error")));
  }
}

// Typed access to one JSON object, each failure naming the field (with a prefix for nesting).
class ObjectReader {
 public:
  ObjectReader(const json& j, std::string prefix) : j_(j), prefix_(std::move(prefix)) {}

  Result<void> object() const {
    if (!j_.is_object()) return fail("", "must be a JSON object");
    return {};
  }
  Result<void> string(const char* key, std::string& out, bool required = false) const {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return required ? fail(key, "required") : Result<void>{};
    if (!it->is_string()) return fail(key, "must be a string");
    out = it->get<std::string>();
    if (required && out.empty()) return fail(key, "required");
    return {};
  }
  Result<void> boolean(const char* key, bool& out) const {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return {};
    if (!it->is_boolean()) return fail(key, "must be true or false");
    out = it->get<bool>();
    return {};
  }
  Result<void> number(const char* key, double& out) const {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return {};
    if (!it->is_number()) return fail(key, "must be a number");
    out = it->get<double>();
    return {};
  }
  Result<void> count(const char* key, std::uint64_t& out) const {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return {};
    if (!it->is_number_unsigned()) return fail(key, "must be a non-negative integer");
    out = it->get<std::uint64_t>();
    return {};
  }
  Result<void> strings(const char* key, std::vector<std::string>& out) const {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return {};
    if (!it->is_array()) return fail(key, "must be an array of strings");
    for (const auto& v : *it) {
      if (!v.is_string()) return fail(key, "must be an array of strings");
      out.push_back(v.get<std::string>());
    }
    return {};
  }
  Result<void> map(const char* key, StringMap& out) const {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return {};
    if (!it->is_object()) return fail(key, "must be an object of strings");
    for (const auto& [k, v] : it->items()) {
      if (!v.is_string()) return fail(std::string(key) + "." + k, "must be a string");
      out[k] = v.get<std::string>();
    }
    return {};
  }
  Result<void> optional_map(const char* key, std::optional<StringMap>& out) const {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return {};
    StringMap m;
    if (auto r = map(key, m); !r) return r;
    out = std::move(m);
    return {};
  }
  Result<void> resources(const char* key, std::optional<Resources>& out) const {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return {};
    ObjectReader r(*it, prefix_ + key + ".");
    Resources res;
    for (auto step : {r.object(), r.string("memory", res.memory), r.string("cpu", res.cpu),
                      r.string("nvidia.com/gpu", res.nvidia_gpu), r.string("amd.com/gpu", res.amd_gpu),
                      r.string("intel.com/gpu", res.intel_gpu)}) {
      if (!step) return step;
    }
    out = res;
    return {};
  }
  Result<void> time(const char* key, Timestamp& out) const {
    std::string s;
    if (auto r = string(key, s); !r) return r;
    if (s.empty()) return {};
    auto t = parse_rfc3339(s);
    if (!t) return fail(key, "must be an RFC3339 time");
    out = *t;
    return {};
  }
  Result<void> fail(const std::string& key, const std::string& what) const {
    std::string name = prefix_ + key;
    if (!name.empty() && name.back() == '.') name.pop_back();
    return invalid_argument(name.empty() ? what : name + ": " + what);
  }
  const json& value() const { return j_; }

 private:
  const json& j_;
  std::string prefix_;
};

// Runs each step in order and returns the first error.
template <class... Steps>
Result<void> all(Steps&&... steps) {
  Result<void> result;
  ((result ? (result = steps(), 0) : 0), ...);
  return result;
}

#define FAAS_STEP(expr) [&]() -> Result<void> { return (expr); }

Result<void> read_status(const ObjectReader& r, FunctionStatus& s) {
  auto res = all(FAAS_STEP(r.object()), FAAS_STEP(r.string("name", s.name, true)),
                 FAAS_STEP(r.string("image", s.image)), FAAS_STEP(r.string("namespace", s.namespace_)),
                 FAAS_STEP(r.string("envProcess", s.env_process)),
                 FAAS_STEP(r.map("envVars", s.env_vars)),
                 FAAS_STEP(r.strings("constraints", s.constraints)),
                 FAAS_STEP(r.strings("secrets", s.secrets)),
                 FAAS_STEP(r.optional_map("labels", s.labels)),
                 FAAS_STEP(r.optional_map("annotations", s.annotations)),
                 FAAS_STEP(r.resources("limits", s.limits)),
                 FAAS_STEP(r.resources("requests", s.requests)),
                 FAAS_STEP(r.boolean("readOnlyRootFilesystem", s.read_only_root_filesystem)),
                 FAAS_STEP(r.number("invocationCount", s.invocation_count)),
                 FAAS_STEP(r.count("replicas", s.replicas)),
                 FAAS_STEP(r.count("availableReplicas", s.available_replicas)),
                 FAAS_STEP(r.time("createdAt", s.created_at)),
                 FAAS_STEP(r.string("reason", s.reason)));
  if (!res) return res;
  if (auto it = r.value().find("usage"); it != r.value().end() && it->is_object()) {
    ObjectReader u(*it, "usage.");
    FunctionUsage fu;
    if (auto e = all(FAAS_STEP(u.number("cpu", fu.cpu)),
                     FAAS_STEP(u.number("totalMemoryBytes", fu.total_memory_bytes)));
        !e) {
      return e;
    }
    s.usage = fu;
  }
  return {};
}

json resources_json(const Resources& r) {
  json j = json::object();
  if (!r.memory.empty()) j["memory"] = r.memory;
  if (!r.cpu.empty()) j["cpu"] = r.cpu;
  if (!r.nvidia_gpu.empty()) j["nvidia.com/gpu"] = r.nvidia_gpu;
  if (!r.amd_gpu.empty()) j["amd.com/gpu"] = r.amd_gpu;
  if (!r.intel_gpu.empty()) j["intel.com/gpu"] = r.intel_gpu;
  return j;
}

json optional_map_json(const std::optional<StringMap>& m) { return m ? json(*m) : json(nullptr); }

json status_json(const FunctionStatus& s) {
  json j = json::object();
  j["name"] = s.name;
  j["image"] = s.image;
  if (!s.namespace_.empty()) j["namespace"] = s.namespace_;
  if (!s.env_process.empty()) j["envProcess"] = s.env_process;
  if (!s.env_vars.empty()) j["envVars"] = s.env_vars;
  if (!s.constraints.empty()) j["constraints"] = s.constraints;
  if (!s.secrets.empty()) j["secrets"] = s.secrets;
  if (s.labels) j["labels"] = *s.labels;
  if (s.annotations) j["annotations"] = *s.annotations;
  if (s.limits) j["limits"] = resources_json(*s.limits);
  if (s.requests) j["requests"] = resources_json(*s.requests);
  if (s.read_only_root_filesystem) j["readOnlyRootFilesystem"] = true;
  if (s.invocation_count != 0) j["invocationCount"] = s.invocation_count;
  if (s.replicas != 0) j["replicas"] = s.replicas;
  if (s.available_replicas != 0) j["availableReplicas"] = s.available_replicas;
  j["createdAt"] = format_rfc3339(s.created_at, false);
  if (s.usage) j["usage"] = {{"cpu", s.usage->cpu}, {"totalMemoryBytes", s.usage->total_memory_bytes}};
  if (!s.reason.empty()) j["reason"] = s.reason;
  return j;
}

json version_json(const VersionInfo& v) {
  json j = json::object();
  if (!v.commit_message.empty()) j["commit_message"] = v.commit_message;
  j["sha"] = v.sha;
  j["release"] = v.release;
  return j;
}

json provider_json(const ProviderInfo& p) {
  return {{"provider", p.provider}, {"version", version_json(p.version)},
          {"orchestration", p.orchestration}};
}

Result<VersionInfo> read_version(const json& j, const std::string& prefix) {
  VersionInfo v;
  ObjectReader r(j, prefix);
  auto res = all(FAAS_STEP(r.object()), FAAS_STEP(r.string("commit_message", v.commit_message)),
                 FAAS_STEP(r.string("sha", v.sha)), FAAS_STEP(r.string("release", v.release)));
  if (!res) return res.error();
  return v;
}

Result<ProviderInfo> read_provider(const json& j, const std::string& prefix) {
  ProviderInfo p;
  ObjectReader r(j, prefix);
  auto res = all(FAAS_STEP(r.object()), FAAS_STEP(r.string("provider", p.provider)),
                 FAAS_STEP(r.string("orchestration", p.orchestration)));
  if (!res) return res.error();
  if (auto it = j.find("version"); it != j.end() && !it->is_null()) {
    auto v = read_version(*it, prefix + "version.");
    if (!v) return v.error();
    p.version = *v;
  }
  return p;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

Result<FunctionDeployment> parse_deployment(std::string_view text) {
  auto j = parse_text(text);
  if (!j) return j.error();
  ObjectReader r(*j, "");
  FunctionDeployment d;
  auto res = all(FAAS_STEP(r.object()), FAAS_STEP(r.string("service", d.service, true)),
                 FAAS_STEP(r.string("image", d.image, true)),
                 FAAS_STEP(r.string("namespace", d.namespace_)),
                 FAAS_STEP(r.string("envProcess", d.env_process)),
                 FAAS_STEP(r.map("envVars", d.env_vars)),
                 FAAS_STEP(r.strings("constraints", d.constraints)),
                 FAAS_STEP(r.strings("secrets", d.secrets)),
                 FAAS_STEP(r.optional_map("labels", d.labels)),
                 FAAS_STEP(r.optional_map("annotations", d.annotations)),
                 FAAS_STEP(r.resources("limits", d.limits)),
                 FAAS_STEP(r.resources("requests", d.requests)),
                 FAAS_STEP(r.boolean("readOnlyRootFilesystem", d.read_only_root_filesystem)));
  if (!res) return res.error();
  if (auto v = validate_name("service", d.service); !v) return v.error();
  if (!d.namespace_.empty()) {
    if (auto v = validate_name("namespace", d.namespace_); !v) return v.error();
  }
  return d;
}

Result<FunctionStatus> parse_function_status(std::string_view text) {
  auto j = parse_text(text);
  if (!j) return j.error();
  FunctionStatus s;
  if (auto r = read_status(ObjectReader(*j, ""), s); !r) return r.error();
  return s;
}

Result<std::vector<FunctionStatus>> parse_function_list(std::string_view text) {
  auto j = parse_text(text);
  if (!j) return j.error();
  if (j->is_null()) return std::vector<FunctionStatus>{};
  if (!j->is_array()) return invalid_argument("must be a JSON array");
  std::vector<FunctionStatus> out;
  for (size_t i = 0; i < j->size(); ++i) {
    FunctionStatus s;
    if (auto r = read_status(ObjectReader((*j)[i], "[" + std::to_string(i) + "]."), s); !r) {
      return r.error();
    }
    out.push_back(std::move(s));
  }
  return out;
}

Result<ScaleServiceRequest> parse_scale_request(std::string_view text) {
  auto j = parse_text(text);
  if (!j) return j.error();
  ObjectReader r(*j, "");
  ScaleServiceRequest s;
  auto res = all(FAAS_STEP(r.object()), FAAS_STEP(r.string("serviceName", s.service_name)),
                 FAAS_STEP(r.count("replicas", s.replicas)),
                 FAAS_STEP(r.string("namespace", s.namespace_)));
  if (!res) return res.error();
  return s;
}

Result<DeleteFunctionRequest> parse_delete_request(std::string_view text) {
  auto j = parse_text(text);
  if (!j) return j.error();
  ObjectReader r(*j, "");
  DeleteFunctionRequest d;
  auto res = all(FAAS_STEP(r.object()), FAAS_STEP(r.string("functionName", d.function_name, true)),
                 FAAS_STEP(r.string("namespace", d.namespace_)));
  if (!res) return res.error();
  return d;
}

namespace {
Result<Secret> read_secret(const json& j, const std::string& prefix) {
  ObjectReader r(j, prefix);
  Secret s;
  std::string raw;
  auto res = all(FAAS_STEP(r.object()), FAAS_STEP(r.string("name", s.name, true)),
                 FAAS_STEP(r.string("namespace", s.namespace_)), FAAS_STEP(r.string("value", s.value)),
                 FAAS_STEP(r.string("rawValue", raw)));
  if (!res) return res.error();
  if (!raw.empty()) {
    auto bytes = base64_decode(raw);
    if (!bytes) return invalid_argument(prefix + "rawValue: must be base64");
    s.raw_value = std::move(*bytes);
  }
  return s;
}
}  // namespace

Result<Secret> parse_secret(std::string_view text) {
  auto j = parse_text(text);
  if (!j) return j.error();
  return read_secret(*j, "");
}

Result<std::vector<Secret>> parse_secret_list(std::string_view text) {
  auto j = parse_text(text);
  if (!j) return j.error();
  if (j->is_null()) return std::vector<Secret>{};
  if (!j->is_array()) return invalid_argument("must be a JSON array");
  std::vector<Secret> out;
  for (size_t i = 0; i < j->size(); ++i) {
    auto s = read_secret((*j)[i], "[" + std::to_string(i) + "].");
    if (!s) return s.error();
    out.push_back(std::move(*s));
  }
  return out;
}

Result<FunctionNamespace> parse_namespace(std::string_view text) {
  auto j = parse_text(text);
  if (!j) return j.error();
  ObjectReader r(*j, "");
  FunctionNamespace n;
  auto res = all(FAAS_STEP(r.object()), FAAS_STEP(r.string("name", n.name)),
                 FAAS_STEP(r.map("annotations", n.annotations)), FAAS_STEP(r.map("labels", n.labels)));
  if (!res) return res.error();
  return n;
}

Result<std::vector<std::string>> parse_string_list(std::string_view text) {
  auto j = parse_text(text);
  if (!j) return j.error();
  if (j->is_null()) return std::vector<std::string>{};
  if (!j->is_array()) return invalid_argument("must be a JSON array of strings");
  std::vector<std::string> out;
  for (const auto& v : *j) {
    if (!v.is_string()) return invalid_argument("must be a JSON array of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<ProviderInfo> parse_provider_info(std::string_view text) {
  auto j = parse_text(text);
  if (!j) return j.error();
  return read_provider(*j, "");
}

Result<GatewayInfo> parse_gateway_info(std::string_view text) {
  auto j = parse_text(text);
  if (!j) return j.error();
  ObjectReader r(*j, "");
  GatewayInfo g;
  if (auto res = all(FAAS_STEP(r.object()), FAAS_STEP(r.string("arch", g.arch))); !res) {
    return res.error();
  }
  if (auto it = j->find("provider"); it != j->end() && !it->is_null()) {
    auto p = read_provider(*it, "provider.");
    if (!p) return p.error();
    g.provider = *p;
  }
  if (auto it = j->find("version"); it != j->end() && !it->is_null()) {
    auto v = read_version(*it, "version.");
    if (!v) return v.error();
    g.version = *v;
  }
  return g;
}

Result<PrometheusAlert> parse_alert(std::string_view text) {
  auto j = parse_text(text);
  if (!j) return j.error();
  ObjectReader r(*j, "");
  PrometheusAlert a;
  auto res = all(FAAS_STEP(r.object()), FAAS_STEP(r.string("status", a.status)),
                 FAAS_STEP(r.string("receiver", a.receiver)));
  if (!res) return res.error();
  auto items = j->find("alerts");
  if (items == j->end() || items->is_null()) return a;
  if (!items->is_array()) return invalid_argument("alerts: must be an array");
  for (std::size_t i = 0; i < items->size(); ++i) {
    ObjectReader item((*items)[i], "alerts[" + std::to_string(i) + "].");
    PrometheusAlertItem it;
    auto ok = all(FAAS_STEP(item.object()), FAAS_STEP(item.string("status", it.status)),
                  FAAS_STEP(item.map("labels", it.labels)));
    if (!ok) return ok.error();
    a.alerts.push_back(std::move(it));
  }
  return a;
}

Result<LogMessage> parse_log_message(std::string_view text) {
  auto j = parse_text(text);
  if (!j) return j.error();
  ObjectReader r(*j, "");
  LogMessage m;
  auto res = all(FAAS_STEP(r.object()), FAAS_STEP(r.string("name", m.name)),
                 FAAS_STEP(r.string("namespace", m.namespace_)),
                 FAAS_STEP(r.string("instance", m.instance)),
                 FAAS_STEP(r.time("timestamp", m.timestamp)), FAAS_STEP(r.string("text", m.text)));
  if (!res) return res.error();
  return m;
}

#undef FAAS_STEP

std::string to_json(const FunctionDeployment& d) {
  json j = json::object();
  j["service"] = d.service;
  j["image"] = d.image;
  if (!d.namespace_.empty()) j["namespace"] = d.namespace_;
  if (!d.env_process.empty()) j["envProcess"] = d.env_process;
  if (!d.env_vars.empty()) j["envVars"] = d.env_vars;
  if (!d.constraints.empty()) j["constraints"] = d.constraints;
  if (!d.secrets.empty()) j["secrets"] = d.secrets;
  j["labels"] = optional_map_json(d.labels);
  j["annotations"] = optional_map_json(d.annotations);
  j["limits"] = d.limits ? resources_json(*d.limits) : json(nullptr);
  j["requests"] = d.requests ? resources_json(*d.requests) : json(nullptr);
  if (d.read_only_root_filesystem) j["readOnlyRootFilesystem"] = true;
  return dump(j);
}

std::string to_json(const FunctionStatus& s) { return dump(status_json(s)); }

std::string to_json(const std::vector<FunctionStatus>& v) {
  json j = json::array();
  for (const auto& s : v) j.push_back(status_json(s));
  return dump(j);
}

std::string to_json(const ScaleServiceRequest& s) {
  json j = {{"serviceName", s.service_name}, {"replicas", s.replicas}};
  if (!s.namespace_.empty()) j["namespace"] = s.namespace_;
  return dump(j);
}

std::string to_json(const DeleteFunctionRequest& d) {
  json j = {{"functionName", d.function_name}};
  if (!d.namespace_.empty()) j["namespace"] = d.namespace_;
  return dump(j);
}

std::string to_json(const Secret& s) {
  json j = {{"name", s.name}};
  if (!s.namespace_.empty()) j["namespace"] = s.namespace_;
  if (!s.value.empty()) j["value"] = s.value;
  if (!s.raw_value.empty()) j["rawValue"] = base64_encode(s.raw_value);
  return dump(j);
}

std::string to_json(const std::vector<Secret>& v) {
  json j = json::array();
  for (const auto& s : v) {
    json item = {{"name", s.name}};
    if (!s.namespace_.empty()) item["namespace"] = s.namespace_;
    j.push_back(item);
  }
  return dump(j);
}

std::string to_json(const FunctionNamespace& n) {
  json j = {{"name", n.name}};
  if (!n.annotations.empty()) j["annotations"] = n.annotations;
  if (!n.labels.empty()) j["labels"] = n.labels;
  return dump(j);
}

std::string to_json(const std::vector<std::string>& v) { return dump(json(v)); }

std::string to_json(const ProviderInfo& p) { return dump(provider_json(p)); }

std::string to_json(const GatewayInfo& g) {
  json j = {{"provider", g.provider ? provider_json(*g.provider) : json(nullptr)},
            {"version", version_json(g.version)},
            {"arch", g.arch}};
  return dump(j);
}

std::string to_json(const LogMessage& m) {
  json j = {{"name", m.name},
            {"namespace", m.namespace_},
            {"instance", m.instance},
            {"timestamp", format_rfc3339(m.timestamp, true)},
            {"text", m.text}};
  return dump(j);
}

Result<Timestamp> parse_rfc3339(std::string_view s) {
  auto bad = [&] { return invalid_argument("invalid RFC3339 time \"" + std::string(s) + "\""); };
  int Y, M, D, h, m, sec;
  int used = 0;
  std::string str(s);
  if (std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &Y, &M, &D, &h, &m, &sec, &used) != 6 ||
      used != 19) {
    return bad();
  }
  if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60) return bad();
  std::string_view rest = s.substr(19);
  long long nanos = 0;
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    int digits = 0;
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      if (digits < 9) {
        nanos = nanos * 10 + (rest.front() - '0');
        ++digits;
      }
      rest.remove_prefix(1);
    }
    if (digits == 0) return bad();
    for (; digits < 9; ++digits) nanos *= 10;
  }
  long long offset = 0;
  if (rest == "Z" || rest == "z") {
    offset = 0;
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int oh = 0, om = 0;
    if (std::sscanf(std::string(rest.substr(1)).c_str(), "%2d:%2d", &oh, &om) != 2) return bad();
    offset = (oh * 3600LL + om * 60LL) * (rest[0] == '-' ? -1 : 1);
  } else {
    return bad();
  }
  std::tm tm{};
  tm.tm_year = Y - 1900;
  tm.tm_mon = M - 1;
  tm.tm_mday = D;
  tm.tm_hour = h;
  tm.tm_min = m;
  tm.tm_sec = sec;
  if (Y == 1 && M == 1 && D == 1 && h == 0 && m == 0 && sec == 0 && nanos == 0 && offset == 0) {
    return Timestamp{};  // Go's zero time
  }
  const long long t = static_cast<long long>(timegm(&tm)) - offset;
  // system_clock counts nanoseconds in 64 bits: about 1678..2261.
  constexpr long long kLimit = 9'000'000'000LL;
  if (t <= -kLimit || t >= kLimit) {
    return invalid_argument("time out of range \"" + std::string(s) + "\"");
  }
  return std::chrono::system_clock::from_time_t(static_cast<std::time_t>(t)) +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(
             std::chrono::nanoseconds(nanos));
}

std::string format_rfc3339(Timestamp t, bool nanos) {
  using namespace std::chrono;
  if (t == Timestamp{}) return "0001-01-01T00:00:00Z";  // Go's zero time, as encoding/json writes it
  auto secs = floor<seconds>(t);
  std::time_t tt = system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = buf;
  if (nanos) {
    auto ns = duration_cast<nanoseconds>(t - secs).count();
    if (ns > 0) {
      char frac[32];
      std::snprintf(frac, sizeof frac, ".%09lld", static_cast<long long>(ns));
      std::string f = frac;
      while (f.back() == '0') f.pop_back();
      out += f;
    }
  }
  return out + "Z";
}

Result<void> validate_name(std::string_view what, std::string_view name) {
  auto bad = [&](const std::string& why) {
    return invalid_argument(std::string(what) + ": \"" + std::string(name) + "\" " + why);
  };
  if (name.empty()) return bad("is empty");
  if (name.size() > 63) return bad("is longer than 63 characters");
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return bad("must consist of lower case letters, digits and '-'");
    }
  }
  if (name.front() == '-' || name.back() == '-') return bad("must start and end with a letter or digit");
  return {};
}

}  // namespace faas::api
