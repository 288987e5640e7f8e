// The exposition writer and content negotiation of `nsview serve` (views/exposition), on
// inline values: escaping of hostile label values, both formats' family lines, numbers.
#include <catch2/catch.hpp>

#include <limits>

#include "exposition.hpp"

using namespace nsview;

TEST_CASE("exposition: label values escape backslash, quote and newline and stay UTF-8", "[exposition]") {
  CHECK(escape_label_value("plain") == "plain");
  CHECK(escape_label_value("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
  CHECK(escape_label_value("tab\tok") == "tab\tok");
  CHECK(escape_label_value("bad\xff") == "bad\xEF\xBF\xBD");
  CHECK(escape_label_value("\xC3\xA9t\xC3\xA9") == "\xC3\xA9t\xC3\xA9");  // valid UTF-8 kept
  CHECK(escape_label_value("\xC3") == "\xEF\xBF\xBD");                    // a cut sequence
}

TEST_CASE("exposition: numbers are exact integers, shortest reals, +Inf and NaN", "[exposition]") {
  CHECK(format_value(0.0) == "0");
  CHECK(format_value(1.5) == "1.5");
  CHECK(format_value(0.037686302) == "0.037686302");
  CHECK(format_value(1e-06) == "1e-06");
  CHECK(format_value(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(format_value(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(format_value(std::numeric_limits<double>::quiet_NaN()) == "NaN");
}

TEST_CASE("exposition: the 0.0.4 text and OpenMetrics name counters and info families as each expects", "[exposition]") {
  for (auto f : {ExpositionFormat::prometheus, ExpositionFormat::openmetrics}) {
    Exposition e(f);
    e.family("x_cpu_seconds", MetricType::counter, "CPU \\ time\nused", "seconds");
    e.sample({{"name", "a\"b"}}, 1.25);
    e.family("x_empty", MetricType::gauge, "no samples: no lines");
    e.family("x_build", MetricType::info, "version");
    e.info({{"version", "1"}});
    e.family("x_count", MetricType::gauge, "a gauge");
    e.sample({}, uint64_t{18446744073709551615u});
    CHECK(e.series() == 3);
    const std::string body = e.finish();
    if (f == ExpositionFormat::prometheus) {
      CHECK(body ==
            "# HELP x_cpu_seconds_total CPU \\\\ time\\nused\n"
            "# TYPE x_cpu_seconds_total counter\n"
            "x_cpu_seconds_total{name=\"a\\\"b\"} 1.25\n"
            "# HELP x_build_info version\n"
            "# TYPE x_build_info gauge\n"
            "x_build_info{version=\"1\"} 1\n"
            "# HELP x_count a gauge\n"
            "# TYPE x_count gauge\n"
            "x_count 18446744073709551615\n");
    } else {
      CHECK(body ==
            "# HELP x_cpu_seconds CPU \\\\ time\\nused\n"
            "# TYPE x_cpu_seconds counter\n"
            "# UNIT x_cpu_seconds seconds\n"
            "x_cpu_seconds_total{name=\"a\\\"b\"} 1.25\n"
            "# HELP x_build version\n"
            "# TYPE x_build info\n"
            "x_build_info{version=\"1\"} 1\n"
            "# HELP x_count a gauge\n"
            "# TYPE x_count gauge\n"
            "x_count 18446744073709551615\n"
            "# EOF\n");
    }
  }
}

TEST_CASE("exposition: Accept and Accept-Encoding negotiation", "[exposition]") {
  // Prometheus 2.42's scrape Accept header.
  CHECK(negotiate_format("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                         "text/plain;version=0.0.4;q=0.5,*/*;q=0.1") == ExpositionFormat::openmetrics);
  CHECK(negotiate_format("") == ExpositionFormat::prometheus);
  CHECK(negotiate_format("*/*") == ExpositionFormat::prometheus);
  CHECK(negotiate_format("text/plain;version=0.0.4") == ExpositionFormat::prometheus);
  CHECK(negotiate_format("application/openmetrics-text") == ExpositionFormat::openmetrics);
  CHECK(negotiate_format("application/openmetrics-text;q=0.2, text/plain;q=0.8") == ExpositionFormat::prometheus);
  CHECK(negotiate_format("application/openmetrics-text;q=0") == ExpositionFormat::prometheus);
  CHECK(negotiate_format("application/openmetrics-text;version=2.0.0") == ExpositionFormat::prometheus);
  CHECK(negotiate_format("application/openmetrics-text;q=bogus") == ExpositionFormat::prometheus);
  CHECK(accepts_gzip("gzip"));
  CHECK(accepts_gzip("deflate, gzip;q=1.0, *;q=0.5"));
  CHECK(accepts_gzip("*"));
  CHECK_FALSE(accepts_gzip(""));
  CHECK_FALSE(accepts_gzip("identity"));
  CHECK_FALSE(accepts_gzip("gzip;q=0"));
  CHECK_FALSE(accepts_gzip("gzip;q=0, *"));
  CHECK_FALSE(accepts_gzip("br, deflate"));
}
