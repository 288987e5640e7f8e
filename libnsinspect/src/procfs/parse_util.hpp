// Small string helpers shared by the parsers.
#pragma once

#include <charconv>
#include <optional>
#include <string_view>
#include <vector>

namespace nsinspect::detail {
// A parser takes them all with `using namespace detail::parse_words;`.
inline namespace parse_words {

template <class T>
std::optional<T> to_number(std::string_view s) {
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

// Splits on a separator; consecutive separators give empty fields.
inline std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    auto pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

// Splits on runs of spaces/tabs, dropping empty fields.
inline std::vector<std::string_view> split_ws(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// Calls f(line) for each line, without the newline.
template <class F>
void for_each_line(std::string_view text, F f) {
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    f(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

// Calls f(key, value) for each "Key: value" line (/proc/PID/status, io), the value trimmed;
// lines without a colon are skipped.
template <class F>
void for_each_field(std::string_view text, F f) {
  for_each_line(text, [&](std::string_view line) {
    auto colon = line.find(':');
    if (colon != std::string_view::npos) f(line.substr(0, colon), trim(line.substr(colon + 1)));
  });
}

}  // namespace parse_words
}  // namespace nsinspect::detail
