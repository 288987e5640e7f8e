// The Prometheus text exposition format 0.0.4 and OpenMetrics 1.0 text, for `nsview serve`:
// families with HELP/TYPE (and UNIT in OpenMetrics) written once before their samples, label
// values escaped, content negotiation from the Accept headers. Knows nothing of Linux.
//
// Label values come from the system (container, pod and cgroup names a local user picks):
// a byte that is not valid UTF-8 becomes U+FFFD (both formats require UTF-8; the JSON API
// keeps the exact bytes), then \ " and newline are escaped as the formats define.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nsview {

enum class ExpositionFormat { prometheus, openmetrics };

// The Content-Type of a body in that format.
std::string_view content_type(ExpositionFormat f);
// OpenMetrics when the Accept header asks for application/openmetrics-text at least as much
// as for text/plain (Prometheus asks for both, OpenMetrics first); else the 0.0.4 text.
ExpositionFormat negotiate_format(std::string_view accept);
// Whether an Accept-Encoding header allows gzip (by name or '*', with q > 0).
bool accepts_gzip(std::string_view accept_encoding);

// A label value escaped for either format (without the quotes).
std::string escape_label_value(std::string_view v);
// A metric value: integers exactly, others the shortest text that reads back the same,
// "+Inf", "-Inf", "NaN".
std::string format_value(double v);

enum class MetricType { counter, gauge, info };

using Label = std::pair<std::string_view, std::string_view>;
using Labels = std::vector<Label>;

class Exposition {
 public:
  explicit Exposition(ExpositionFormat f);

  // Starts a family. name has no _total (counter) or _info (info) suffix: the writer adds
  // it to the sample names (and to the TYPE line of the 0.0.4 text, as Prometheus expects).
  // unit ("seconds", "bytes"; the name's last word) is written as # UNIT in OpenMetrics.
  // The HELP and TYPE lines are written with the family's first sample, so an empty family
  // leaves no trace.
  void family(std::string_view name, MetricType type, std::string_view help, std::string_view unit = {});
  void sample(const Labels& labels, double v);
  void sample(const Labels& labels, uint64_t v);
  // The same with the label set already written by label_set(): an object's labels, escaped
  // once and repeated on each of its families' samples.
  static std::string label_set(const Labels& labels);
  void sample_with(std::string_view label_set, double v);
  void sample_with(std::string_view label_set, uint64_t v);
  // Info families: the value is 1.
  void info(const Labels& labels) { sample(labels, uint64_t{1}); }

  // Room for a body of about `bytes`, so that it is written without growing.
  void reserve(std::size_t bytes) { out_.reserve(bytes); }
  std::size_t series() const { return series_; }
  // The body; OpenMetrics ends with "# EOF". The writer is empty afterwards.
  std::string finish();

 private:
  void start_sample(std::string_view label_set);
  ExpositionFormat fmt_;
  std::string out_;
  std::string name_, help_, unit_;
  MetricType type_ = MetricType::gauge;
  bool header_done_ = true;
  std::size_t series_ = 0;
};

}  // namespace nsview
