#include "json_writer.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

#include "text.hpp"

namespace nsview {

JsonWriter::JsonWriter(std::FILE* out, int indent) : out_(out), indent_(indent) {}

void JsonWriter::raw(std::string_view s) { std::fwrite(s.data(), 1, s.size(), out_); }

void JsonWriter::newline() {
  if (indent_ < 0) return;
  std::fputc('\n', out_);
  for (std::size_t i = 0, n = stack_.size() * static_cast<std::size_t>(indent_); i < n; ++i) std::fputc(' ', out_);
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (stack_.empty()) return;
  if (stack_.back().count++) std::fputc(',', out_);
  newline();
}

void JsonWriter::begin_object() {
  before_value();
  std::fputc('{', out_);
  stack_.push_back({true});
}

void JsonWriter::begin_array() {
  before_value();
  std::fputc('[', out_);
  stack_.push_back({false});
}

void JsonWriter::end_object() {
  bool any = stack_.back().count;
  stack_.pop_back();
  if (any) newline();
  std::fputc('}', out_);
}

void JsonWriter::end_array() {
  bool any = stack_.back().count;
  stack_.pop_back();
  if (any) newline();
  std::fputc(']', out_);
}

void JsonWriter::key(std::string_view k) {
  before_value();
  quoted(is_valid_utf8(k) ? std::string(k) : replace_invalid_utf8(k));
  raw(indent_ < 0 ? ":" : ": ");
  after_key_ = true;
}

// The caller passes valid UTF-8; control characters and the two JSON specials are escaped
// (as libsmartcols does: \b \t \n \f \r by name, the rest as \u00XX).
void write_json_string(std::FILE* out, std::string_view s) {
  std::fputc('"', out);
  std::size_t run = 0;
  auto put = [out](std::string_view t) { std::fwrite(t.data(), 1, t.size(), out); };
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    put(s.substr(run, i - run));
    run = i + 1;
    switch (c) {
      case '"': put("\\\""); break;
      case '\\': put("\\\\"); break;
      case '\n': put("\\n"); break;
      case '\t': put("\\t"); break;
      case '\r': put("\\r"); break;
      case '\b': put("\\b"); break;
      case '\f': put("\\f"); break;
      default: std::fprintf(out, "\\u%04x", c);
    }
  }
  put(s.substr(run));
  std::fputc('"', out);
}

void JsonWriter::quoted(std::string_view s) { write_json_string(out_, s); }

void JsonWriter::string(std::string_view s) {
  before_value();
  if (is_valid_utf8(s)) quoted(s);
  else quoted(replace_invalid_utf8(s));
}

void JsonWriter::number(std::int64_t v) {
  before_value();
  std::fprintf(out_, "%lld", static_cast<long long>(v));
}

void JsonWriter::number(std::uint64_t v) {
  before_value();
  std::fprintf(out_, "%llu", static_cast<unsigned long long>(v));
}

void JsonWriter::number(double v) {
  before_value();
  raw(nlohmann::json(v).dump());  // nlohmann's shortest round-trip form; null for NaN/inf
}

void JsonWriter::boolean(bool v) {
  before_value();
  raw(v ? "true" : "false");
}

void JsonWriter::null() {
  before_value();
  raw("null");
}

void JsonWriter::member(std::string_view k, std::string_view s) {
  key(k);
  string(s);
  if (!is_valid_utf8(s)) {
    key(std::string(k) + "_raw");
    string(escape_invalid_utf8(s));
  }
}

namespace {

bool has_invalid_string(const nlohmann::json& v) {
  if (v.is_string()) return !is_valid_utf8(v.get_ref<const std::string&>());
  if (v.is_array())
    for (const auto& e : v)
      if (e.is_string() && !is_valid_utf8(e.get_ref<const std::string&>())) return true;
  return false;
}

}  // namespace

void JsonWriter::member_json(const std::string& k, const nlohmann::json& v) {
  key(k);
  value(v);
  if (!has_invalid_string(v)) return;
  key(k + "_raw");
  if (v.is_string()) {
    string(escape_invalid_utf8(v.get_ref<const std::string&>()));
    return;
  }
  begin_array();
  for (const auto& e : v) {
    if (e.is_string() && !is_valid_utf8(e.get_ref<const std::string&>())) string(escape_invalid_utf8(e.get_ref<const std::string&>()));
    else null();
  }
  end_array();
}

void JsonWriter::value(const nlohmann::json& j) {
  using T = nlohmann::json::value_t;
  switch (j.type()) {
    case T::object:
      begin_object();
      for (const auto& [k, v] : j.items()) member_json(k, v);
      end_object();
      return;
    case T::array:
      begin_array();
      for (const auto& e : j) value(e);
      end_array();
      return;
    case T::string: string(j.get_ref<const std::string&>()); return;
    case T::boolean: boolean(j.get<bool>()); return;
    case T::number_integer: number(static_cast<std::int64_t>(j.get<std::int64_t>())); return;
    case T::number_unsigned: number(static_cast<std::uint64_t>(j.get<std::uint64_t>())); return;
    case T::number_float: number(j.get<double>()); return;
    case T::null:
    case T::discarded:
    case T::binary: null(); return;
  }
}

void write_json(std::FILE* out, const nlohmann::json& j, int indent) {
  JsonWriter w(out, indent);
  w.value(j);
  std::fputc('\n', out);
}

}  // namespace nsview

namespace nsview {

std::string json_text(const nlohmann::json& j, int indent) {
  char* buf = nullptr;
  std::size_t len = 0;
  std::FILE* f = open_memstream(&buf, &len);
  if (!f) throw std::bad_alloc();
  JsonWriter w(f, indent);
  w.value(j);
  std::fclose(f);
  std::string s(buf, len);
  std::free(buf);
  return s;
}

}  // namespace nsview
