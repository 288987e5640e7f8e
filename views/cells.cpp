#include "cells.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <algorithm>

#include "format.hpp"

namespace nsview {

namespace {

// A value's text: integers exactly, other numbers to `digits` decimals without trailing
// zeros (a JSON number, and what -Q compares).
std::string value_text(double v, int digits = 4) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e18) return std::to_string(static_cast<long long>(v));
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  std::string s = b;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

Cell shown_as(std::string text, std::string value) {
  Cell c(std::move(text));
  c.value = std::move(value);
  return c;
}

std::string fixed(double v, int digits) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

}  // namespace

Cell number_cell(std::optional<uint64_t> v) { return v ? Cell(std::to_string(*v)) : unknown_cell(); }

Cell bytes_cell(std::optional<uint64_t> v) {
  return v ? shown_as(format_bytes(static_cast<double>(*v)), std::to_string(*v)) : unknown_cell();
}

Cell rate_cell(std::optional<double> v) {
  return v ? shown_as(format_bytes(std::max(0.0, *v)), value_text(*v)) : unknown_cell();
}

Cell percent_cell(std::optional<double> v) { return v ? shown_as(fixed(*v, 1), value_text(*v)) : unknown_cell(); }

// Seconds to the nanosecond, as cgroups count them.
Cell decimal_cell(std::optional<double> v) { return v ? shown_as(fixed(*v, 2), value_text(*v, 9)) : unknown_cell(); }

Cell limit_cell(const nsinspect::Limit& l, bool bytes) {
  if (l.is_unlimited()) return Cell(std::string("max"));
  if (!l.known()) return unknown_cell();
  return bytes ? bytes_cell(l.value) : number_cell(l.value);
}

Cell text_cell(const std::string& s) { return s.empty() ? unknown_cell() : Cell(s); }

std::string cell_text(const Cell& c) {
  if (c.unknown) return "-";
  std::string t = c.value_or("");
  if (c.partial) t += "+";
  return t;
}

nlohmann::json cell_json(const Cell& c, JsonType type) {
  if (!c || c.unknown) return nullptr;
  const std::string& s = c.val();
  if (type == JsonType::number && !s.empty()) {
    char* end = nullptr;
    if (s.find_first_not_of("0123456789") == std::string::npos) {
      unsigned long long u = std::strtoull(s.c_str(), &end, 10);
      if (!*end) return static_cast<uint64_t>(u);
    } else if (s.find_first_not_of("-0123456789.") == std::string::npos) {
      double d = std::strtod(s.c_str(), &end);
      if (!*end) return d;
    }
  }
  if (type == JsonType::boolean) return !(s.empty() || s[0] == '0' || s[0] == 'n' || s[0] == 'N' || s == "false");
  return s;  // a number column's "max", and text
}

std::optional<long double> cell_number(const Cell& c) {
  if (!c || c.unknown) return std::nullopt;
  const std::string& s = c.val();
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  long double d = std::strtold(s.c_str(), &end);
  if (end == s.c_str() || *end) return std::nullopt;
  return d;
}

}  // namespace nsview
