#include "exposition.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "text.hpp"

namespace nsview {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// One element of a comma-separated header: the value and its parameters.
struct Element {
  std::string_view value;
  double q = 1.0;
  std::string_view version;  // Accept's version= parameter
};

template <class F> void for_each_element(std::string_view header, F f) {
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    Element e;
    auto semi = item.find(';');
    e.value = trim(item.substr(0, semi));
    while (semi != std::string_view::npos) {
      item = item.substr(semi + 1);
      semi = item.find(';');
      std::string_view param = trim(item.substr(0, semi));
      auto eq = param.find('=');
      if (eq == std::string_view::npos) continue;
      std::string_view k = trim(param.substr(0, eq)), v = trim(param.substr(eq + 1));
      if (iequals(k, "q")) {
        std::string text(v);
        char* end = nullptr;
        double q = std::strtod(text.c_str(), &end);
        e.q = end && !*end && q >= 0 && q <= 1 ? q : 0;  // a malformed q refuses the element
      } else if (iequals(k, "version")) {
        e.version = v;
      }
    }
    if (!e.value.empty()) f(e);
  }
}

void escape_help(std::string& out, std::string_view s, bool openmetrics) {
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '"' && openmetrics) out += "\\\"";
    else out += c;
  }
}

}  // namespace

std::string_view content_type(ExpositionFormat f) {
  return f == ExpositionFormat::openmetrics ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                                            : "text/plain; version=0.0.4; charset=utf-8";
}

ExpositionFormat negotiate_format(std::string_view accept) {
  double om = 0, text = 0;
  for_each_element(accept, [&](const Element& e) {
    if (iequals(e.value, "application/openmetrics-text")) {
      // Only 1.0.0 is written; 0.0.1 (an early draft) reads the same text.
      if (e.version.empty() || e.version == "1.0.0" || e.version == "0.0.1") om = std::max(om, e.q);
    } else if (iequals(e.value, "text/plain") || iequals(e.value, "text/*") || e.value == "*/*") {
      text = std::max(text, e.q);
    }
  });
  return om > 0 && om >= text ? ExpositionFormat::openmetrics : ExpositionFormat::prometheus;
}

bool accepts_gzip(std::string_view accept_encoding) {
  bool gzip = false, named = false, star = false;
  for_each_element(accept_encoding, [&](const Element& e) {
    if (iequals(e.value, "gzip") || iequals(e.value, "x-gzip")) named = true, gzip = e.q > 0;
    else if (e.value == "*") star = e.q > 0;
  });
  return named ? gzip : star;
}

std::string escape_label_value(std::string_view v) {
  // Most values (ids, names, paths) need nothing: copied as they are.
  if (v.find_first_of("\\\"\n") == std::string_view::npos && is_valid_utf8(v)) return std::string(v);
  std::string valid = is_valid_utf8(v) ? std::string(v) : replace_invalid_utf8(v);
  std::string out;
  out.reserve(valid.size());
  for (char c : valid) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // fmt's shortest round-trip form, as std::to_chars gives it; to_chars(double) would link
  // libstdc++'s floating_to_chars and with it libm into every nsview run.
  return fmt::format("{}", v);
}

Exposition::Exposition(ExpositionFormat f) : fmt_(f) {}

void Exposition::family(std::string_view name, MetricType type, std::string_view help, std::string_view unit) {
  name_ = name;
  help_ = help;
  unit_ = unit;
  type_ = type;
  header_done_ = false;
}

std::string Exposition::label_set(const Labels& labels) {
  std::string out;
  if (labels.empty()) return out;
  out += '{';
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k;
    out += "=\"";
    out += escape_label_value(v);
    out += '"';
  }
  out += '}';
  return out;
}

void Exposition::start_sample(std::string_view label_set) {
  const bool om = fmt_ == ExpositionFormat::openmetrics;
  if (!header_done_) {
    header_done_ = true;
    // 0.0.4 names a family by its samples' name; OpenMetrics by the name without suffix.
    std::string fam = name_;
    if (!om && type_ == MetricType::counter) fam += "_total";
    if (!om && type_ == MetricType::info) fam += "_info";
    out_ += "# HELP " + fam + " ";
    escape_help(out_, help_, om);
    out_ += "\n# TYPE " + fam + " ";
    out_ += type_ == MetricType::counter ? "counter" : type_ == MetricType::info && om ? "info" : "gauge";
    out_ += '\n';
    if (om && !unit_.empty()) out_ += "# UNIT " + fam + " " + unit_ + "\n";
  }
  out_ += name_;
  if (type_ == MetricType::counter) out_ += "_total";
  else if (type_ == MetricType::info) out_ += "_info";
  out_ += label_set;
  out_ += ' ';
  ++series_;
}

void Exposition::sample(const Labels& labels, double v) { sample_with(label_set(labels), v); }

void Exposition::sample(const Labels& labels, uint64_t v) { sample_with(label_set(labels), v); }

void Exposition::sample_with(std::string_view label_set, double v) {
  start_sample(label_set);
  out_ += format_value(v);
  out_ += '\n';
}

void Exposition::sample_with(std::string_view label_set, uint64_t v) {
  start_sample(label_set);
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
  out_ += '\n';
}

std::string Exposition::finish() {
  if (fmt_ == ExpositionFormat::openmetrics) out_ += "# EOF\n";
  std::string body = std::move(out_);
  out_.clear();
  series_ = 0;
  return body;
}

}  // namespace nsview
