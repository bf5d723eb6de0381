#include "faas/metrics/registry.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace faas::metrics {
namespace {

TEST(Registry, CounterExposition) {
  Registry r;
  Family& c = r.counter("http_requests_total", "Total requests", {"code", "method"});
  c.add({"200", "GET"}, 1);
  c.add({"500", "POST"}, 1);
  c.add({"200", "GET"}, 2);
  EXPECT_EQ(r.render(),
            "# HELP http_requests_total Total requests\n"
            "# TYPE http_requests_total counter\n"
            "http_requests_total{code=\"200\",method=\"GET\"} 3\n"
            "http_requests_total{code=\"500\",method=\"POST\"} 1\n");
}

TEST(Registry, GaugeWithoutLabels) {
  Registry r;
  Family& g = r.gauge("http_requests_in_flight", "In flight", {});
  g.set({}, 2);
  g.add({}, -1);
  EXPECT_EQ(r.render(),
            "# HELP http_requests_in_flight In flight\n"
            "# TYPE http_requests_in_flight gauge\n"
            "http_requests_in_flight 1\n");
}

TEST(Registry, HistogramBucketsAreCumulative) {
  Registry r;
  Family& h = r.histogram("d_seconds", "Duration", {"method"}, {0.25, 1});
  h.observe({"GET"}, 0.0625);
  h.observe({"GET"}, 0.5);
  h.observe({"GET"}, 4);
  h.observe({"GET"}, 0.25);  // le is inclusive
  EXPECT_EQ(r.render(),
            "# HELP d_seconds Duration\n"
            "# TYPE d_seconds histogram\n"
            "d_seconds_bucket{method=\"GET\",le=\"0.25\"} 2\n"
            "d_seconds_bucket{method=\"GET\",le=\"1\"} 3\n"
            "d_seconds_bucket{method=\"GET\",le=\"+Inf\"} 4\n"
            "d_seconds_sum{method=\"GET\"} 4.8125\n"
            "d_seconds_count{method=\"GET\"} 4\n");
}

TEST(Registry, HistogramWithoutLabelsHasOnlyLe) {
  Registry r;
  r.histogram("h", "H", {}, {1}).observe({}, 2);
  EXPECT_EQ(r.render(),
            "# HELP h H\n# TYPE h histogram\n"
            "h_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 1\nh_sum 2\nh_count 1\n");
}

TEST(Registry, FamiliesRenderInRegistrationOrder) {
  Registry r;
  r.gauge("b", "B", {}).set({}, 1);
  r.counter("a", "A", {}).add({}, 1);
  EXPECT_EQ(r.render(), "# HELP b B\n# TYPE b gauge\nb 1\n# HELP a A\n# TYPE a counter\na 1\n");
}

TEST(Registry, LabelValuesAreEscaped) {
  Registry r;
  r.counter("c", "C", {"path"}).add({"a\"b\\c\nd"}, 1);
  EXPECT_EQ(r.render(), "# HELP c C\n# TYPE c counter\nc{path=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(Registry, DefaultBucketsAreClientGolangs) {
  EXPECT_EQ(default_buckets(),
            (std::vector<double>{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}));
}

TEST(FormatValue, ShortestRoundTrip) {
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(1), "1");
  EXPECT_EQ(format_value(-3), "-3");
  EXPECT_EQ(format_value(0.25), "0.25");
  EXPECT_EQ(format_value(0.1), "0.1");
  EXPECT_EQ(format_value(0.005), "0.005");
  EXPECT_EQ(format_value(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(format_value(1e20), "1e+20");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_value(std::nan("")), "NaN");
}

}  // namespace
}  // namespace faas::metrics
