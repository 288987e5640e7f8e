#include "text.hpp"

#include <clocale>
#include <cstdio>
#include <cstring>
#include <cwchar>
#include <langinfo.h>

namespace nsview {

bool locale_is_utf8() {
  static const bool utf8 = [] {
    std::setlocale(LC_CTYPE, "");
    const char* cs = nl_langinfo(CODESET);
    return cs && (std::strcmp(cs, "UTF-8") == 0 || std::strcmp(cs, "utf8") == 0);
  }();
  return utf8;
}

namespace {

// Decodes one UTF-8 sequence at s[i]; returns its length, or 0 when the byte there does not
// start a valid sequence.
std::size_t decode(std::string_view s, std::size_t i, char32_t& cp) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  unsigned char c = b(0);
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  std::size_t len;
  char32_t min;
  if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F, min = 0x80;
  else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F, min = 0x800;
  else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07, min = 0x10000;
  else return 0;
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

// Whether a decoded character is shown as it is. Controls (C0, DEL, C1) never; the rest as
// the locale's wcwidth says, or always in a non-UTF-8 locale's ASCII range.
bool printable(char32_t cp, bool utf8) {
  if (cp < 0x20 || cp == 0x7F) return false;
  if (cp < 0x80) return true;
  if (!utf8) return false;
  if (cp < 0xA0) return false;
  // wcwidth knows non-ASCII only once LC_CTYPE is a UTF-8 locale (set by locale_is_utf8()).
  static const bool libc_utf8 = locale_is_utf8();
  return !libc_utf8 || ::wcwidth(static_cast<wchar_t>(cp)) >= 0;
}

void hex(std::string& out, unsigned char c) {
  char buf[5];
  std::snprintf(buf, sizeof buf, "\\x%02x", c);
  out += buf;
}

bool backslash_x(std::string_view s, std::size_t i) { return s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 'x'; }

}  // namespace

bool is_safe_text(std::string_view s, bool utf8) {
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp;
    std::size_t n = decode(s, i, cp);
    if (n == 0 || !printable(cp, utf8) || backslash_x(s, i)) return false;
    i += n;
  }
  return true;
}

std::string safe_text(std::string_view s, bool utf8) {
  if (is_safe_text(s, utf8)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 16);
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp;
    std::size_t n = decode(s, i, cp);
    if (n == 0) {
      hex(out, static_cast<unsigned char>(s[i++]));
      continue;
    }
    if (!printable(cp, utf8) || backslash_x(s, i)) {
      for (std::size_t k = 0; k < n; ++k) hex(out, static_cast<unsigned char>(s[i + k]));
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::size_t display_width(std::string_view s) {
  static const bool libc_utf8 = locale_is_utf8();  // wcwidth needs LC_CTYPE set
  (void)libc_utf8;
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp;
    std::size_t n = decode(s, i, cp);
    if (n == 0) {  // not made safe: count the byte as one column
      ++w;
      ++i;
      continue;
    }
    if (cp >= 0x80) {
      int cw = ::wcwidth(static_cast<wchar_t>(cp));
      w += cw < 0 ? 1 : static_cast<std::size_t>(cw);
    } else {
      ++w;
    }
    i += n;
  }
  return w;
}

std::string truncate_to_width(std::string_view s, std::size_t width, std::string_view mark) {
  if (display_width(s) <= width) return std::string(s);
  std::size_t mw = display_width(mark);
  if (mw > width) mark = {}, mw = 0;
  std::string out;
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp;
    std::size_t n = decode(s, i, cp);
    if (n == 0) n = 1, cp = 0;
    std::size_t cw = 1;  // as display_width counts it
    if (cp >= 0x80) {
      int x = ::wcwidth(static_cast<wchar_t>(cp));
      cw = x < 0 ? 1 : static_cast<std::size_t>(x);
    }
    if (w + cw + mw > width) break;
    out.append(s.substr(i, n));
    w += cw;
    i += n;
  }
  // A cut between words leaves no blank before the mark.
  if (!mark.empty())
    while (!out.empty() && out.back() == ' ') out.pop_back();
  out.append(mark);
  return out;
}

bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    char32_t cp;
    std::size_t n = decode(s, i, cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

namespace {

// Valid UTF-8 kept; each bad byte as U+FFFD, or (escape) as \xNN with \x before 'x' as \x5c.
std::string rewrite_invalid(std::string_view s, bool escape) {
  std::string out;
  out.reserve(s.size() + 16);
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp;
    std::size_t n = decode(s, i, cp);
    if (n == 0 || (escape && backslash_x(s, i))) {
      if (escape) hex(out, static_cast<unsigned char>(s[i]));
      else out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace

std::string replace_invalid_utf8(std::string_view s) { return rewrite_invalid(s, false); }
std::string escape_invalid_utf8(std::string_view s) { return rewrite_invalid(s, true); }

}  // namespace nsview
