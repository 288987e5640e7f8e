// The skimmer's validation: the grammar of RFC 8259, with nlohmann's checks of strings (escapes,
// surrogate pairs, UTF-8); see json_skim.hpp.
#include "containers/json_skim.hpp"

#include <charconv>
#include <clocale>
#include <cmath>
#include <cstdlib>
#include <locale.h>

#include <nlohmann/json.hpp>

namespace nsinspect::containers::skim {

namespace {

int hex4(std::string_view s, std::size_t at) {
  if (at + 4 > s.size()) return -1;
  int v = 0;
  for (std::size_t i = at; i < at + 4; ++i) {
    char c = s[i];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

bool in(unsigned char c, unsigned lo, unsigned hi) { return c >= lo && c <= hi; }

// One UTF-8 sequence at s[pos] (its first byte >= 0x80), as RFC 3629 allows it.
bool utf8(std::string_view s, std::size_t& pos) {
  auto at = [&](std::size_t i) { return pos + i < s.size() ? static_cast<unsigned char>(s[pos + i]) : 0u; };
  const unsigned char c = at(0);
  std::size_t n = 0;
  if (in(c, 0xC2, 0xDF)) n = in(at(1), 0x80, 0xBF) ? 2 : 0;
  else if (c == 0xE0) n = in(at(1), 0xA0, 0xBF) && in(at(2), 0x80, 0xBF) ? 3 : 0;
  else if (in(c, 0xE1, 0xEC) || in(c, 0xEE, 0xEF)) n = in(at(1), 0x80, 0xBF) && in(at(2), 0x80, 0xBF) ? 3 : 0;
  else if (c == 0xED) n = in(at(1), 0x80, 0x9F) && in(at(2), 0x80, 0xBF) ? 3 : 0;
  else if (c == 0xF0) n = in(at(1), 0x90, 0xBF) && in(at(2), 0x80, 0xBF) && in(at(3), 0x80, 0xBF) ? 4 : 0;
  else if (in(c, 0xF1, 0xF3)) n = in(at(1), 0x80, 0xBF) && in(at(2), 0x80, 0xBF) && in(at(3), 0x80, 0xBF) ? 4 : 0;
  else if (c == 0xF4) n = in(at(1), 0x80, 0x8F) && in(at(2), 0x80, 0xBF) && in(at(3), 0x80, 0xBF) ? 4 : 0;
  pos += n;
  return n != 0;
}

// A string at s[pos] (the opening quote); pos ends past the closing one.
bool skip_string(std::string_view s, std::size_t& pos) {
  ++pos;
  while (pos < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[pos]);
    if (c == '"') {
      ++pos;
      return true;
    }
    if (c < 0x20) return false;
    if (c >= 0x80) {
      if (!utf8(s, pos)) return false;
      continue;
    }
    if (c != '\\') {
      ++pos;
      continue;
    }
    if (++pos >= s.size()) return false;
    const char e = s[pos];
    if (e != 'u') {
      if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) return false;
      ++pos;
      continue;
    }
    const int u = hex4(s, pos + 1);
    if (u < 0 || (u >= 0xDC00 && u <= 0xDFFF)) return false;  // a low surrogate alone
    pos += 5;
    if (u >= 0xD800 && u <= 0xDBFF) {  // a high surrogate: its low one follows
      if (pos + 1 >= s.size() || s[pos] != '\\' || s[pos + 1] != 'u') return false;
      const int low = hex4(s, pos + 2);
      if (low < 0xDC00 || low > 0xDFFF) return false;
      pos += 6;
    }
  }
  return false;
}

bool digits(std::string_view s, std::size_t& pos) {
  const std::size_t from = pos;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
  return pos > from;
}

bool skip_number(std::string_view s, std::size_t& pos) {
  const std::size_t from = pos;
  bool real = false;
  if (pos < s.size() && s[pos] == '-') ++pos;
  if (pos < s.size() && s[pos] == '0') ++pos;
  else if (!digits(s, pos)) return false;
  if (pos < s.size() && s[pos] == '.') {
    real = true;
    if (!digits(s, ++pos)) return false;
  }
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    real = true;
    ++pos;
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) ++pos;
    if (!digits(s, pos)) return false;
  }
  // nlohmann refuses a number whose double overflows (1e999; an integer too long for 64 bits
  // is read as a double): so does the skimmer. strtod in the C locale, as nlohmann's lexer.
  if (real || pos - from > 19) {
    static const locale_t c_locale = newlocale(LC_ALL_MASK, "C", locale_t{});
    const std::string text(s.substr(from, pos - from));
    if (!c_locale || !std::isfinite(strtod_l(text.c_str(), nullptr, c_locale))) return false;
  }
  return true;
}

bool skip_scalar(std::string_view s, std::size_t& pos) {
  const char c = s[pos];
  if (c == '"') return skip_string(s, pos);
  for (std::string_view lit : {"true", "false", "null"})
    if (s.substr(pos, lit.size()) == lit) {
      pos += lit.size();
      return true;
    }
  return c == '-' || (c >= '0' && c <= '9') ? skip_number(s, pos) : false;
}

// A member's key and its colon, not decoded (skip_value needs no keys).
bool skip_key(std::string_view s, std::size_t& pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r')) ++pos;
  if (pos >= s.size() || s[pos] != '"' || !skip_string(s, pos)) return false;
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r')) ++pos;
  if (pos >= s.size() || s[pos] != ':') return false;
  ++pos;
  return true;
}

}  // namespace

namespace impl {

void ws(std::string_view s, std::size_t& pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r')) ++pos;
}

bool key(std::string_view s, std::size_t& pos, std::string& out) {
  ws(s, pos);
  if (pos >= s.size() || s[pos] != '"') return false;
  const std::size_t from = pos;
  if (!skip_string(s, pos)) return false;
  std::string_view raw = s.substr(from + 1, pos - from - 2);
  if (raw.find('\\') == std::string_view::npos) out.assign(raw);
  else out = string(s.substr(from, pos - from)).value_or(std::string());
  ws(s, pos);
  if (pos >= s.size() || s[pos] != ':') return false;
  ++pos;
  return true;
}

std::optional<long long> to_ll(std::string_view v) {
  long long n = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), n);
  if (r.ec != std::errc() || r.ptr != v.data() + v.size()) return std::nullopt;
  return n;
}

std::optional<unsigned long long> to_ull(std::string_view v) {
  unsigned long long n = 0;
  if (v == "-0") return 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), n);
  if (r.ec != std::errc() || r.ptr != v.data() + v.size()) return std::nullopt;
  return n;
}

}  // namespace impl

bool skip_value(std::string_view s, std::size_t& pos) {
  std::string open;  // the enclosing '{' and '[', innermost last
  for (;;) {
    impl::ws(s, pos);
    if (pos >= s.size()) return false;
    const char c = s[pos];
    if (c == '{' || c == '[') {
      ++pos;
      impl::ws(s, pos);
      if (pos < s.size() && s[pos] == (c == '{' ? '}' : ']')) {
        ++pos;  // empty: a complete value
      } else {
        open.push_back(c);
        if (c == '{' && !skip_key(s, pos)) return false;
        continue;  // its first value
      }
    } else if (!skip_scalar(s, pos)) {
      return false;
    }
    // After a complete value: close what it completes, or go on to the next member or element.
    for (;;) {
      if (open.empty()) return true;
      impl::ws(s, pos);
      if (pos >= s.size()) return false;
      const char in_ = open.back();
      if (s[pos] == (in_ == '{' ? '}' : ']')) {
        ++pos;
        open.pop_back();
        continue;
      }
      if (s[pos] != ',') return false;
      ++pos;
      if (in_ == '{' && !skip_key(s, pos)) return false;
      break;
    }
  }
}

std::optional<std::string> string(std::string_view v) {
  if (v.size() < 2 || v.front() != '"') return std::nullopt;
  std::string_view inner = v.substr(1, v.size() - 2);
  if (inner.find('\\') == std::string_view::npos) return std::string(inner);
  // The escapes (valid: skip_string checked them when v was skimmed).
  std::string out;
  out.reserve(inner.size());
  auto put = [&](unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  };
  for (std::size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] != '\\') {
      out += inner[i];
      continue;
    }
    if (++i >= inner.size()) return std::nullopt;
    switch (inner[i]) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        int u = hex4(inner, i + 1);
        if (u < 0) return std::nullopt;
        i += 4;
        unsigned cp = static_cast<unsigned>(u);
        if (u >= 0xD800 && u <= 0xDBFF) {
          int low = i + 2 < inner.size() && inner[i + 1] == '\\' && inner[i + 2] == 'u' ? hex4(inner, i + 3) : -1;
          if (low < 0xDC00 || low > 0xDFFF) return std::nullopt;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<unsigned>(low) - 0xDC00);
          i += 6;
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
          return std::nullopt;
        }
        put(cp);
        break;
      }
      default: out += inner[i]; break;  // " \ /
    }
  }
  return out;
}

std::vector<std::string> strings(std::string_view v) {
  std::vector<std::string> out;
  std::vector<std::string> tmp;
  if (!elements(v, [&](std::string_view e) {
        if (auto x = string(e)) tmp.push_back(std::move(*x));
      }))
    return out;
  return tmp;
}

}  // namespace nsinspect::containers::skim
