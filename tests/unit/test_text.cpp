// Terminal-safe text and the JSON writer: hostile strings from /proc never reach a terminal
// raw and never break JSON.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "json_writer.hpp"
#include "text.hpp"

using nsview::safe_text;

TEST_CASE("safe_text escapes controls and invalid UTF-8 as lsns does", "[text]") {
  CHECK(safe_text("sleep 300", true) == "sleep 300");
  CHECK(safe_text("X\x1b[2J\x1b[31m", true) == "X\\x1b[2J\\x1b[31m");
  CHECK(safe_text("bad\xff", true) == "bad\\xff");
  CHECK(safe_text("tab\there\nnl", true) == "tab\\x09here\\x0anl");
  CHECK(safe_text("del\x7f", true) == "del\\x7f");
  CHECK(safe_text("c1\xc2\x9b", true) == "c1\\xc2\\x9b");           // U+009B CSI, a C1 control
  CHECK(safe_text("caf\xc3\xa9", true) == "caf\xc3\xa9");           // printable UTF-8 stays
  CHECK(safe_text("caf\xc3\xa9", false) == "caf\\xc3\\xa9");        // not in a non-UTF-8 locale
  CHECK(safe_text("\xc0\xaf", true) == "\\xc0\\xaf");               // overlong '/'
  CHECK(safe_text("\xed\xa0\x80", true) == "\\xed\\xa0\\x80");       // a UTF-16 surrogate
  CHECK(safe_text("\xe2\x94", true) == "\\xe2\\x94");               // cut short
  // A literal \x is escaped, so the escaping can be undone exactly.
  CHECK(safe_text("a\\x41", true) == "a\\x5cx41");
  CHECK(safe_text("a\\b", true) == "a\\b");
  CHECK(nsview::is_safe_text("plain", true));
  CHECK_FALSE(nsview::is_safe_text("\x1b", true));
}

TEST_CASE("display width and truncation count terminal columns", "[text]") {
  CHECK(nsview::display_width("abc") == 3);
  CHECK(nsview::display_width("\u251c\u2500x") == 3);
  CHECK(nsview::truncate_to_width("abcdef", 4, "~") == "abc~");
  CHECK(nsview::truncate_to_width("ab  cdef", 4, "~") == "ab~");  // no blank before the mark
  CHECK(nsview::truncate_to_width("abc", 4, "~") == "abc");
  CHECK(nsview::truncate_to_width("abcdef", 0, "~").empty());
  if (nsview::locale_is_utf8()) {
    CHECK(nsview::display_width("\u4e2d\u6587") == 4);
    CHECK(nsview::display_width("e\u0301") == 1);  // a combining accent takes no column
    CHECK(nsview::truncate_to_width("\u4e2d\u6587x", 4, "") == "\u4e2d\u6587");
  }
}

TEST_CASE("UTF-8 validity, replacement and lossless escaping", "[text]") {
  CHECK(nsview::is_valid_utf8("caf\xc3\xa9 \xf0\x9f\x90\xb3"));
  CHECK_FALSE(nsview::is_valid_utf8("bad\xff"));
  CHECK_FALSE(nsview::is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  CHECK(nsview::replace_invalid_utf8("bad\xff!") == "bad\xef\xbf\xbd!");
  CHECK(nsview::escape_invalid_utf8("bad\xff\x1b\\x") == "bad\\xff\x1b\\x5cx");
}

namespace {
std::string compact(const nlohmann::json& j) { return nsview::json_text(j, -1); }
}  // namespace

TEST_CASE("the JSON writer keeps invalid UTF-8 valid and lossless", "[text][json]") {
  // Valid strings are exact; controls are JSON-escaped.
  CHECK(compact({{"comm", "a\x1b\"\\"}}) == "{\"comm\":\"a\\u001b\\\"\\\\\"}");
  // An invalid member gets U+FFFD and a KEY_raw sibling with the exact bytes.
  nlohmann::json j = nlohmann::json::object();
  j["command"] = std::string("bad\xff");
  j["pid"] = 7;
  std::string s = compact(j);
  CHECK(s == "{\"command\":\"bad\xef\xbf\xbd\",\"command_raw\":\"bad\\\\xff\",\"pid\":7}");
  auto back = nlohmann::json::parse(s);  // valid JSON: nlohmann's parser checks UTF-8
  CHECK(back["command_raw"] == "bad\\xff");
  // An array of strings gets a parallel KEY_raw array.
  nlohmann::json a = nlohmann::json::object();
  a["cmdline"] = {"ok", std::string("\xfe")};
  CHECK(compact(a) == "{\"cmdline\":[\"ok\",\"\xef\xbf\xbd\"],\"cmdline_raw\":[null,\"\\\\xfe\"]}");
  // Keys are replaced; numbers, booleans and nulls are as nlohmann writes them.
  nlohmann::json k = nlohmann::json::object();
  k[std::string("l\xff")] = nullptr;
  k["b"] = true;
  k["d"] = 1.5;
  k["n"] = -3;
  CHECK(compact(k) == "{\"b\":true,\"d\":1.5,\"l\xef\xbf\xbd\":null,\"n\":-3}");
}

TEST_CASE("the JSON writer's pretty layout is nlohmann's", "[text][json]") {
  nlohmann::json j = {{"a", nlohmann::json::array()}, {"b", {1, 2}}, {"c", nlohmann::json::object()}, {"d", {{"e", "f"}}}};
  CHECK(nsview::json_text(j, 2) == j.dump(2));
  CHECK(nsview::json_text(j, -1) == j.dump());
}
