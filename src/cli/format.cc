#include "faas/cli/format.h"

#include <algorithm>
#include <cstdio>

#include "faas/api/json.h"
#include "faas/cli/deploy.h"

namespace faas::cli {
namespace {

// printf into a std::string, for Go-style padded columns.
template <class... Args>
std::string sprintf_string(const char* fmt, Args... args) {
  int n = std::snprintf(nullptr, 0, fmt, args...);
  std::string out(static_cast<size_t>(n) + 1, '\0');
  std::snprintf(out.data(), out.size(), fmt, args...);
  out.pop_back();
  return out;
}

void row(std::string& out, const char* label, std::string_view value) {
  out += sprintf_string("%-19s %s\n", label, std::string(value).c_str());
}

void map_rows(std::string& out, const char* label, const api::StringMap& m) {
  if (m.empty()) return;
  out += std::string(label) + "\n";
  for (const auto& [k, v] : m) out += "  " + k + ": " + v + "\n";
}

void resource_rows(std::string& out, const char* label, const std::optional<api::Resources>& r) {
  if (!r) return;
  out += std::string(label) + "\n";
  if (!r->cpu.empty()) out += "  CPU: " + r->cpu + "\n";
  if (!r->memory.empty()) out += "  Memory: " + r->memory + "\n";
}

}  // namespace

Result<void> sort_functions(std::vector<api::FunctionStatus>& fns, std::string_view by) {
  using F = api::FunctionStatus;
  if (by.empty() || by == "name") {
    std::stable_sort(fns.begin(), fns.end(),
                     [](const F& a, const F& b) { return a.name < b.name; });
  } else if (by == "invocations") {
    std::stable_sort(fns.begin(), fns.end(), [](const F& a, const F& b) {
      return a.invocation_count > b.invocation_count;
    });
  } else if (by == "creation") {
    std::stable_sort(fns.begin(), fns.end(),
                     [](const F& a, const F& b) { return a.created_at < b.created_at; });
  } else {
    return invalid_argument("--sort must be name, invocations or creation, not " + std::string(by));
  }
  return {};
}

std::string format_function_list(const std::vector<api::FunctionStatus>& fns, bool verbose,
                                 bool quiet) {
  std::string out;
  if (quiet) {
    for (const auto& f : fns) out += f.name + "\n";
    return out;
  }
  if (verbose) {
    out += sprintf_string("%-30s\t%-40s\t%-15s\t%-5s\t%-5s\n", "Function", "Image", "Invocations",
                          "Replicas", "CreatedAt");
    for (const auto& f : fns) {
      out += sprintf_string("%-30s\t%-40s\t%-15lld\t%-5llu\t%-5s\n", f.name.c_str(),
                            f.image.c_str(), static_cast<long long>(f.invocation_count),
                            static_cast<unsigned long long>(f.replicas),
                            api::format_rfc3339(f.created_at, false).c_str());
    }
    return out;
  }
  out += sprintf_string("%-30s\t%-15s\t%-5s\n", "Function", "Invocations", "Replicas");
  for (const auto& f : fns) {
    out += sprintf_string("%-30s\t%-15lld\t%-5llu\n", f.name.c_str(),
                          static_cast<long long>(f.invocation_count),
                          static_cast<unsigned long long>(f.replicas));
  }
  return out;
}

std::string format_describe(const api::FunctionStatus& fn, std::string_view gateway,
                            std::string_view url_namespace) {
  std::string out;
  std::string ns(url_namespace);
  row(out, "Name:", fn.name);
  row(out, "Status:", fn.available_replicas > 0 ? "Ready" : "Not Ready");
  row(out, "Replicas:", std::to_string(fn.replicas));
  row(out, "Available Replicas:", std::to_string(fn.available_replicas));
  row(out, "Invocations:", std::to_string(static_cast<long long>(fn.invocation_count)));
  row(out, "Image:", fn.image);
  row(out, "Function Process:", fn.env_process.empty() ? "<default>" : fn.env_process);
  row(out, "URL:", function_url(gateway, fn.name, ns));
  std::string async_url = function_url(gateway, fn.name, ns);
  async_url.replace(gateway.size(), 9, "/async-function");
  row(out, "Async URL:", async_url);
  if (fn.labels) map_rows(out, "Labels:", *fn.labels);
  if (fn.annotations) map_rows(out, "Annotations:", *fn.annotations);
  if (!fn.constraints.empty()) {
    out += "Constraints:\n";
    for (const auto& c : fn.constraints) out += "  " + c + "\n";
  }
  map_rows(out, "Environment:", fn.env_vars);
  if (!fn.secrets.empty()) {
    out += "Secrets:\n";
    for (const auto& s : fn.secrets) out += "  " + s + "\n";
  }
  resource_rows(out, "Requests:", fn.requests);
  resource_rows(out, "Limits:", fn.limits);
  if (fn.usage) {
    row(out, "RAM:", sprintf_string("%.2f MB", fn.usage->total_memory_bytes / 1024 / 1024));
    row(out, "CPU:", sprintf_string("%.0f Mi", fn.usage->cpu));
  }
  return out;
}

Result<std::string> format_log(const api::LogMessage& m, std::string_view output) {
  std::string text = m.text;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  std::string ts = api::format_rfc3339(m.timestamp, false);
  if (output.empty() || output == "plain") {
    return ts + " " + m.name + " (" + m.instance + ") " + text + "\n";
  }
  if (output == "keyvalue") {
    return "timestamp=" + ts + " name=" + m.name + " instance=" + m.instance + " text=" + text +
           "\n";
  }
  if (output == "json") return api::to_json(m) + "\n";
  return invalid_argument("-o must be plain, keyvalue or json, not " + std::string(output));
}

}  // namespace faas::cli
