#include "regex_fold.hpp"

namespace nsview {

std::size_t bracket_end(std::string_view p, std::size_t open) {
  std::size_t j = open + 1;
  if (j < p.size() && p[j] == '^') ++j;
  if (j < p.size() && p[j] == ']') ++j;
  while (j < p.size() && p[j] != ']') {
    if (p[j] == '[' && j + 1 < p.size() && (p[j + 1] == ':' || p[j + 1] == '=' || p[j + 1] == '.')) {
      auto end = p.find(std::string{p[j + 1], ']'}, j + 2);
      if (end == std::string_view::npos) return std::string_view::npos;
      j = end + 2;
    } else {
      ++j;
    }
  }
  return j < p.size() ? j : std::string_view::npos;
}

namespace {
bool is_repetition(char c) { return c == '*' || c == '+' || c == '?'; }
}  // namespace

std::string fold_stacked_repetitions(std::string_view p) {
  std::string out;
  out.reserve(p.size());
  std::size_t i = 0;
  while (i < p.size()) {
    char c = p[i];
    if (c == '\\') {
      out += p.substr(i, 2);  // the escaped byte is literal, whatever it is
      i += 2;
    } else if (c == '[') {
      auto end = bracket_end(p, i);
      if (end == std::string_view::npos) {
        out += p.substr(i);  // regcomp refuses it; nothing after it is an operator
        break;
      }
      out += p.substr(i, end + 1 - i);
      i = end + 1;
    } else if (is_repetition(c)) {
      // X* (X+)* (X?)* (X*)+ (X*)? (X+)? (X?)+ all match X's repeated any number of times;
      // (X+)+ is X+ and (X?)? is X?.
      bool star = false, plus = false, question = false;
      for (; i < p.size() && is_repetition(p[i]); ++i) {
        star |= p[i] == '*';
        plus |= p[i] == '+';
        question |= p[i] == '?';
      }
      out += star || (plus && question) ? '*' : plus ? '+' : '?';
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

}  // namespace nsview
