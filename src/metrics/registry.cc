#include "faas/metrics/registry.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace faas::metrics {

namespace {
std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}
const char* type_name(Family::Type t) {
  switch (t) {
    case Family::Type::kCounter: return "counter";
    case Family::Type::kGauge: return "gauge";
    case Family::Type::kHistogram: return "histogram";
  }
  return "untyped";
}
}  // namespace

std::string format_value(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  // The shortest text that reads back as the same double, as Go's strconv does.
  char buf[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

std::vector<double> default_buckets() { return {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}; }

Family::Family(std::string name, std::string help, Type type, std::vector<std::string> label_names,
               std::vector<double> buckets)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(type),
      label_names_(std::move(label_names)),
      buckets_(std::move(buckets)) {}

void Family::add(const Labels& labels, double delta) {
  std::lock_guard lock(mu_);
  series_[labels].value += delta;
}

void Family::set(const Labels& labels, double value) {
  std::lock_guard lock(mu_);
  series_[labels].value = value;
}

void Family::observe(const Labels& labels, double value) {
  std::lock_guard lock(mu_);
  auto& s = series_[labels];
  if (s.bucket_counts.empty()) s.bucket_counts.assign(buckets_.size(), 0);
  for (size_t i = 0; i < buckets_.size(); ++i) {
    if (value <= buckets_[i]) {
      ++s.bucket_counts[i];
      break;
    }
  }
  s.sum += value;
  ++s.count;
}

std::string Family::label_text(const Labels& values, const std::string& extra) const {
  std::string out;
  for (size_t i = 0; i < label_names_.size() && i < values.size(); ++i) {
    if (!out.empty()) out += ',';
    out += label_names_[i] + "=\"" + escape_label(values[i]) + "\"";
  }
  if (!extra.empty()) out += (out.empty() ? "" : ",") + extra;
  return out.empty() ? "" : "{" + out + "}";
}

void Family::render(std::string& out) const {
  std::lock_guard lock(mu_);
  out += "# HELP " + name_ + " " + help_ + "\n# TYPE " + name_ + " " + type_name(type_) + "\n";
  for (const auto& [labels, s] : series_) {
    if (type_ != Type::kHistogram) {
      out += name_ + label_text(labels) + " " + format_value(s.value) + "\n";
      continue;
    }
    unsigned long long cumulative = 0;
    for (size_t i = 0; i < buckets_.size(); ++i) {
      cumulative += i < s.bucket_counts.size() ? s.bucket_counts[i] : 0;
      out += name_ + "_bucket" + label_text(labels, "le=\"" + format_value(buckets_[i]) + "\"") +
             " " + std::to_string(cumulative) + "\n";
    }
    out += name_ + "_bucket" + label_text(labels, "le=\"+Inf\"") + " " + std::to_string(s.count) +
           "\n";
    out += name_ + "_sum" + label_text(labels) + " " + format_value(s.sum) + "\n";
    out += name_ + "_count" + label_text(labels) + " " + std::to_string(s.count) + "\n";
  }
}

Family& Registry::counter(std::string name, std::string help, std::vector<std::string> labels) {
  return *families_.emplace_back(std::make_unique<Family>(std::move(name), std::move(help),
                                                          Family::Type::kCounter, std::move(labels)));
}

Family& Registry::gauge(std::string name, std::string help, std::vector<std::string> labels) {
  return *families_.emplace_back(std::make_unique<Family>(std::move(name), std::move(help),
                                                          Family::Type::kGauge, std::move(labels)));
}

Family& Registry::histogram(std::string name, std::string help, std::vector<std::string> labels,
                            std::vector<double> buckets) {
  return *families_.emplace_back(std::make_unique<Family>(std::move(name), std::move(help),
                                                          Family::Type::kHistogram,
                                                          std::move(labels), std::move(buckets)));
}

std::string Registry::render() const {
  std::string out;
  for (const auto& f : families_) f->render(out);
  return out;
}

}  // namespace faas::metrics
