// A validating JSON skimmer for the engines' big state files: it walks the text without building
// values and hands out the raw text of the members asked for, which the caller decodes with
// nlohmann (small). runc's state.json is 35 KiB of mounts, devices and seccomp rules around the
// five fields read from it, and containers.json holds every container of the node; nlohmann's
// DOM parse of them was most of `nsview inspect`'s CPU (1.5 ms for one state.json).
//
// Accepts what a JSON parser accepts (RFC 8259: string escapes, control characters, UTF-8,
// number grammar), so a malformed file is refused as a whole, as nlohmann refuses it.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace nsinspect::containers::skim {

// Skips whitespace and one value from s[pos]; pos is then just past it. False when malformed.
bool skip_value(std::string_view s, std::size_t& pos);

// The top-level members of the object text (nothing but whitespace around it): f(key, value)
// with the key decoded and the value's raw text, in file order (a repeated key: the last call
// is the one JSON parsers keep). False when text is not one well-formed object.
template <class F>
bool members(std::string_view text, F f);

// The elements of the array text, raw: f(value). False when text is not one well-formed array.
template <class F>
bool elements(std::string_view text, F f);

// A value's text decoded: a string (nullopt for any other type), an integer that fits T
// (nullopt for a fraction, an exponent or another type), a string array's strings (others left
// out, as json_strings does).
std::optional<std::string> string(std::string_view value);
template <class T>
std::optional<T> integer(std::string_view value);
std::vector<std::string> strings(std::string_view value);

namespace impl {
void ws(std::string_view s, std::size_t& pos);
bool key(std::string_view s, std::size_t& pos, std::string& out);
std::optional<long long> to_ll(std::string_view v);
std::optional<unsigned long long> to_ull(std::string_view v);
}  // namespace impl

// One object or array that is the whole text: `item` reads one member or element at pos
// (false when malformed); the separators, the closing bracket and what surrounds it are here.
template <class Item>
bool items(std::string_view s, char open, char close, Item item) {
  std::size_t pos = 0;
  impl::ws(s, pos);
  if (pos >= s.size() || s[pos] != open) return false;
  ++pos;
  impl::ws(s, pos);
  if (pos < s.size() && s[pos] == close) {
    ++pos;
  } else {
    for (;;) {
      if (!item(pos)) return false;
      impl::ws(s, pos);
      if (pos >= s.size()) return false;
      if (s[pos] == close) {
        ++pos;
        break;
      }
      if (s[pos] != ',') return false;
      ++pos;
    }
  }
  impl::ws(s, pos);
  return pos == s.size();
}

template <class F>
bool members(std::string_view s, F f) {
  std::string k;
  return items(s, '{', '}', [&](std::size_t& pos) {
    if (!impl::key(s, pos, k)) return false;
    impl::ws(s, pos);
    const std::size_t from = pos;
    if (!skip_value(s, pos)) return false;
    f(std::string_view(k), s.substr(from, pos - from));
    return true;
  });
}

template <class F>
bool elements(std::string_view s, F f) {
  return items(s, '[', ']', [&](std::size_t& pos) {
    impl::ws(s, pos);
    const std::size_t from = pos;
    if (!skip_value(s, pos)) return false;
    f(s.substr(from, pos - from));
    return true;
  });
}

template <class T>
std::optional<T> integer(std::string_view v) {
  if constexpr (std::is_signed_v<T>) {
    auto n = impl::to_ll(v);
    if (!n || *n < static_cast<long long>(std::numeric_limits<T>::min()) ||
        *n > static_cast<long long>(std::numeric_limits<T>::max()))
      return std::nullopt;
    return static_cast<T>(*n);
  } else {
    auto n = impl::to_ull(v);
    if (!n || *n > static_cast<unsigned long long>(std::numeric_limits<T>::max())) return std::nullopt;
    return static_cast<T>(*n);
  }
}

}  // namespace nsinspect::containers::skim
