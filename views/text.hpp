// Text that came from the system, made safe for a terminal and measured for a table.
// Every string from /proc, cgroupfs or a runtime's state is hostile: a local user picks
// process, cgroup and container names. Text output shows what is not printable, and bytes
// that are not valid UTF-8, as \xNN (libsmartcols' convention, which lsns uses).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace nsview {

// Whether the locale speaks UTF-8 (sets LC_CTYPE from the environment once). When it does
// not, every byte above 0x7f is escaped and tree lines are drawn in ASCII.
bool locale_is_utf8();

// The terminal-safe form of s: a non-printable character (control characters, C1 controls,
// what wcwidth calls unprintable) and a byte that is not part of valid UTF-8 become \xNN per
// byte, and a backslash before 'x' becomes \x5c, so the escaping can be undone exactly.
// utf8=false escapes every byte above 0x7f too.
std::string safe_text(std::string_view s, bool utf8);
inline std::string safe_text(std::string_view s) { return safe_text(s, locale_is_utf8()); }

// Whether s needs no escaping at all (the common case: callers skip the copy).
bool is_safe_text(std::string_view s, bool utf8);

// Display width in terminal columns of text already made safe (wide characters count 2,
// combining ones 0).
std::size_t display_width(std::string_view s);

// s cut to at most `width` columns, ending in `mark` when cut (the mark's width included;
// whole characters only).
std::string truncate_to_width(std::string_view s, std::size_t width, std::string_view mark);

// The mark that ends cut text in every view but list (which cuts as libsmartcols does, with
// none): an ellipsis, or '~' where the locale cannot show one.
inline const char* cut_mark(bool utf8) { return utf8 ? "\u2026" : "~"; }

// Whether s is valid UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s);

// s with each byte that is not part of valid UTF-8 replaced by U+FFFD.
std::string replace_invalid_utf8(std::string_view s);

// s with each byte that is not part of valid UTF-8 written as \xNN and a backslash before
// 'x' as \x5c: valid UTF-8 (and so JSON) that keeps every byte.
std::string escape_invalid_utf8(std::string_view s);

}  // namespace nsview
