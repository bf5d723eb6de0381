// Prometheus metrics: counters, gauges and histograms with labels, rendered in the text exposition
// format (version 0.0.4). Thread-safe: one mutex per family; updates are a map lookup and an add.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace faas::metrics {

using Labels = std::vector<std::string>;  // values, in the order of the family's label names

class Family {
 public:
  enum class Type { kCounter, kGauge, kHistogram };
  Family(std::string name, std::string help, Type type, std::vector<std::string> label_names,
         std::vector<double> buckets = {});

  void add(const Labels& labels, double delta);  // counter or gauge
  void set(const Labels& labels, double value);  // gauge
  void observe(const Labels& labels, double value);  // histogram
  void render(std::string& out) const;

 private:
  struct Series {
    double value = 0;
    std::vector<unsigned long long> bucket_counts;  // histogram, cumulative at render time
    double sum = 0;
    unsigned long long count = 0;
  };
  std::string label_text(const Labels& values, const std::string& extra = {}) const;

  std::string name_, help_;
  Type type_;
  std::vector<std::string> label_names_;
  std::vector<double> buckets_;
  mutable std::mutex mu_;
  std::map<Labels, Series> series_;
};

// Prometheus client_golang's default histogram buckets, which OpenFaaS uses.
std::vector<double> default_buckets();

class Registry {
 public:
  Family& counter(std::string name, std::string help, std::vector<std::string> labels);
  Family& gauge(std::string name, std::string help, std::vector<std::string> labels);
  Family& histogram(std::string name, std::string help, std::vector<std::string> labels,
                    std::vector<double> buckets = default_buckets());
  std::string render() const;

 private:
  std::vector<std::unique_ptr<Family>> families_;
};

// Formats a double the way Prometheus clients do ("+Inf", integers without a fraction).
std::string format_value(double v);

}  // namespace faas::metrics
