// A streaming JSON writer that cannot be broken by what it is given. Strings from the system
// may hold bytes that are not valid UTF-8 (a process named $'bad\xff'); JSON must stay valid
// and nothing may be lost, so (docs/json.md):
//   - a valid UTF-8 string is written exactly (JSON-escaped);
//   - an object member whose string is not valid UTF-8 is written with U+FFFD for each bad
//     byte, followed by a sibling member KEY_raw holding the exact bytes, each bad byte as
//     \xNN and a backslash before 'x' as \x5c;
//   - an array of strings with such an element gets a KEY_raw array beside it: null for
//     valid elements, the escaped form for the others;
//   - an object key that is not valid UTF-8 gets U+FFFD (keys are labels' names).
// Output goes straight to the FILE (no document string in memory); write errors are seen
// through ferror() by the caller, like every other output.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace nsview {

class JsonWriter {
 public:
  // indent < 0: compact on one line; else pretty with that many spaces (nlohmann's layout).
  JsonWriter(std::FILE* out, int indent);

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  void key(std::string_view k);

  // Values (after key() in an object, or as array elements).
  void string(std::string_view s);  // not valid UTF-8: U+FFFD per bad byte (use member())
  void number(std::int64_t v);
  void number(std::uint64_t v);
  void number(double v);
  void boolean(bool v);
  void null();
  void value(const nlohmann::json& j);  // a whole document, with the KEY_raw convention

  // A string member with its KEY_raw sibling when needed (the lossless form).
  void member(std::string_view k, std::string_view s);

 private:
  void before_value();
  void newline();
  void raw(std::string_view s);
  void quoted(std::string_view s);
  void member_json(const std::string& k, const nlohmann::json& v);

  std::FILE* out_;
  int indent_;
  struct Level {
    bool object;
    std::size_t count = 0;
  };
  std::vector<Level> stack_;
  bool after_key_ = false;
};

// Writes j followed by a newline.
void write_json(std::FILE* out, const nlohmann::json& j, int indent);
// A JSON string literal of valid UTF-8 text (the one escaper every JSON writer uses).
void write_json_string(std::FILE* out, std::string_view s);

}  // namespace nsview

namespace nsview {
// j as text (no trailing newline), for callers that need a string (JSON Lines, tests).
std::string json_text(const nlohmann::json& j, int indent);
}  // namespace nsview
