#include "filter.hpp"

#include "regex_fold.hpp"

#include <cctype>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <regex.h>
#include <vector>

namespace nsview {

namespace {

// Deeper expressions are refused: parsing, evaluating and freeing recurse once per level,
// and 8,000 nested parentheses overflowed the stack.
constexpr int kMaxDepth = 1000;

// A POSIX extended regular expression, compiled once per filter (as libsmartcols does).
// glibc's regexec tries every start position of an unanchored pattern in turn, so a failed
// search costs (cell length)^2: "a.*b" against a 100 kB command line without a 'b' took
// minutes. The same pattern anchored as "^.*(RE)" is one pass, and with REG_NOSUB it
// matches the same cells; that form is used when the rewrite cannot change the meaning.
class Regex {
 public:
  explicit Regex(const std::string& text) {
    const std::string pattern = fold_stacked_repetitions(text);
    if (too_big(pattern)) throw FilterError("failed to compile regex: Regular expression too big");
    int rc = regcomp(&re_, pattern.c_str(), REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
      char msg[256];
      regerror(rc, &re_, msg, sizeof msg);
      throw FilterError(std::string("failed to compile regex: ") + msg);
    }
    if (anchorable(pattern)) {
      regex_t one_pass;
      if (regcomp(&one_pass, ("^.*(" + pattern + ")").c_str(), REG_EXTENDED | REG_NOSUB) == 0) {
        regfree(&re_);
        re_ = one_pass;
      }
    }
  }
  ~Regex() { regfree(&re_); }
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;
  bool search(const std::string& s) const { return regexec(&re_, s.c_str(), 0, nullptr, 0) == 0; }

 private:
  // glibc's regcomp spells repetitions out: "x+" is two copies of x, "x{m,n}" max(m,n)+1;
  // nested, they multiply, and each level of parentheses is a level of its recursion. A
  // 100-byte pattern of stacked '+' took minutes and 900 MB to compile (found by fuzzing),
  // and the matcher's work grows with the copies too. So the copies are counted first,
  // without recursion, and a pattern past the bound is refused with glibc's own message.
  static bool too_big(std::string_view p) {
    constexpr double kMaxCopies = 1000;
    constexpr std::size_t kMaxNesting = 256;
    struct Level {
      double done = 0, branch = 0;  // alternatives closed so far; the open one
    };
    std::vector<Level> open(1);
    std::size_t i = 0;
    // The atom's size times what its repetition operators spell out.
    auto repeated = [&](double atom) {
      while (i < p.size()) {
        if (p[i] == '+') {
          atom *= 2;
          ++i;
        } else if (p[i] == '*' || p[i] == '?') {
          ++i;
        } else if (p[i] == '{') {
          auto close = p.find('}', i);
          if (close == std::string_view::npos) break;
          double most = 0, n = 0;
          for (std::size_t j = i + 1; j < close; ++j) {
            if (p[j] >= '0' && p[j] <= '9') n = n * 10 + (p[j] - '0');
            else if (p[j] == ',') n = 0;
            else break;
            most = std::max(most, n);
          }
          atom *= most + 1;
          i = close + 1;
        } else {
          break;
        }
        if (atom > kMaxCopies) break;
      }
      return atom;
    };
    while (i < p.size()) {
      char c = p[i];
      if (c == '(') {
        open.emplace_back();
        if (open.size() > kMaxNesting) return true;
        ++i;
        continue;
      }
      double atom = 1;
      if (c == ')' && open.size() > 1) {
        atom = open.back().done + open.back().branch + 1;
        open.pop_back();
        ++i;
      } else if (c == '|') {
        open.back().done += open.back().branch;
        open.back().branch = 0;
        ++i;
        continue;
      } else if (c == '\\') {
        i += 2;
      } else if (c == '[') {
        auto end = p.find(']', i + 2);  // close enough: a bracket is one position
        i = end == std::string_view::npos ? p.size() : end + 1;
      } else {
        ++i;
      }
      open.back().branch += repeated(atom);
      if (open.back().done + open.back().branch > kMaxCopies) return true;
    }
    return false;
  }

  // Whether wrapping the pattern in a group keeps its meaning: not when a ')' closes no
  // group (glibc reads it as a literal, the wrapped form would close the wrapper with it)
  // or a back-reference would be renumbered. Bracket expressions are skipped whole.
  static bool anchorable(std::string_view p) {
    if (p.empty()) return false;
    int open = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      char c = p[i];
      if (c == '\\') {
        if (i + 1 < p.size() && p[i + 1] >= '1' && p[i + 1] <= '9') return false;
        ++i;
      } else if (c == '[') {
        auto end = bracket_end(p, i);
        if (end == std::string_view::npos) return false;
        i = end;
      } else if (c == '(') {
        ++open;
      } else if (c == ')') {
        if (open == 0) return false;
        --open;
      }
    }
    return open == 0;
  }
  regex_t re_;
};

}  // namespace

// A node of libsmartcols' filter grammar: every operator takes expressions, so
// `(A == 1) == true` parses as in scols.
struct Filter::Node {
  enum Kind { Number, String, Boolean, Column, And, Or, Not, Cmp } kind;
  enum Op { Eq, Ne, Lt, Gt, Le, Ge, Match, NoMatch } op = Eq;
  std::unique_ptr<Node> a, b;
  long double number = 0;
  std::string text;
  bool boolean = false;
  int col = -1;
  int depth = 1;  // levels below and including this node
  std::unique_ptr<Regex> re;
};

namespace {

struct Token {
  enum Kind { Holder, Str, Num, Float, True, False, Op, LParen, RParen, End } kind;
  std::string text;   // operator spelling ("&&", "==", ...), holder name, string body
  long double value = 0;
};

bool is_id_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '%' || c == ':' || c == '/' ||
         c == '-';
}

// The name bison gives a token in "unexpected X" (scols strips the first "T_").
std::string token_name(const Token& t) {
  switch (t.kind) {
    case Token::Holder: return "HOLDER";
    case Token::Str: return "T_STRING";
    case Token::Num: return "T_NUMBER";
    case Token::Float: return "T_FLOAT";
    case Token::True: return "T_TRUE";
    case Token::False: return "T_FALSE";
    case Token::LParen: return "'('";
    case Token::RParen: return "')'";
    case Token::End: return "end of file";
    case Token::Op: break;
  }
  static const std::pair<const char*, const char*> names[] = {
      {"&&", "T_AND"}, {"||", "T_OR"}, {"!", "T_NEG"}, {"==", "T_EQ"}, {"!=", "T_NE"}, {"<", "T_LT"},
      {">", "T_GT"},   {"<=", "T_LE"}, {">=", "T_GE"}, {"=~", "T_REG"}, {"!~", "T_NREG"}};
  for (auto& [op, name] : names)
    if (t.text == op) return name;
  return t.text;
}

[[noreturn]] void syntax_error(const Token& t) {
  std::string m = "syntax error, unexpected " + token_name(t);
  if (auto p = m.find("T_"); p != std::string::npos) m.erase(p, 2);
  throw FilterError(m);
}

// strtosize() as the scanner uses it: K, M, ... are powers of 1024 (with or without "iB").
std::optional<long double> size_suffix(char c) {
  // Multiplied out rather than std::pow: powl was nsview's only symbol from libm, and not
  // loading libm saves every run ~300 KiB of RSS.
  static const char units[] = "KMGTPEZY";
  long double scale = 1;
  for (int i = 0; units[i]; ++i) {
    scale *= 1024;
    if (c == units[i]) return scale;
  }
  return std::nullopt;
}

// The scanner of libsmartcols' filter: ids [a-zA-Z][a-zA-Z_.%:/-0-9]*, integers with an
// optional size suffix, N.N floats, '...' and "..." strings without escapes, keywords in
// lower or upper case.
std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      ++i;
      continue;
    }
    if (c == '(') { out.push_back({Token::LParen, "(", 0}); ++i; continue; }
    if (c == ')') { out.push_back({Token::RParen, ")", 0}); ++i; continue; }
    if (c == '"' || c == '\'') {
      auto end = s.find_first_of(std::string(1, c) + "\n", i + 1);
      if (end == std::string_view::npos || s[end] != c)
        throw FilterError("syntax error, unexpected '" + std::string(1, c) + "'");
      out.push_back({Token::Str, std::string(s.substr(i + 1, end - i - 1)), 0});
      i = end + 1;
      continue;
    }
    static const char* ops[] = {"==", "!=", "<=", ">=", "=~", "!~", "&&", "||", "<", ">", "!"};
    bool matched = false;
    for (const char* op : ops) {
      std::string_view o(op);
      if (s.substr(i, o.size()) == o) {
        out.push_back({Token::Op, std::string(o), 0});
        i += o.size();
        matched = true;
        break;
      }
    }
    if (matched) continue;
    if (std::isdigit(static_cast<unsigned char>(c))) {
      std::size_t start = i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      if (i + 1 < s.size() && s[i] == '.' && std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
        ++i;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
        std::string f(s.substr(start, i - start));
        out.push_back({Token::Float, f, std::strtold(f.c_str(), nullptr)});
        continue;
      }
      std::string digits(s.substr(start, i - start));
      long double v = std::strtold(digits.c_str(), nullptr);
      if (i < s.size())
        if (auto mult = size_suffix(s[i])) {
          ++i;
          if (s.substr(i, 2) == "iB") i += 2;
          v *= *mult;
          if (v > 18446744073709551615.0L)
            throw FilterError("\"" + std::string(s.substr(start, i - start)) + "\" number too large");
        }
      out.push_back({Token::Num, std::string(s.substr(start, i - start)), v});
      continue;
    }
    if (std::isalpha(static_cast<unsigned char>(c))) {
      std::size_t start = i;
      while (i < s.size() && is_id_char(s[i])) ++i;
      std::string w(s.substr(start, i - start));
      static const std::pair<const char*, const char*> words[] = {
          {"and", "&&"}, {"AND", "&&"}, {"or", "||"}, {"OR", "||"}, {"not", "!"}, {"NOT", "!"},
          {"eq", "=="},  {"EQ", "=="},  {"ne", "!="}, {"NE", "!="}, {"lt", "<"},  {"LT", "<"},
          {"gt", ">"},   {"GT", ">"},   {"le", "<="}, {"LE", "<="}, {"ge", ">="}, {"GE", ">="}};
      bool word = false;
      for (auto& [k, v] : words)
        if (w == k) {
          out.push_back({Token::Op, v, 0});
          word = true;
          break;
        }
      if (word) continue;
      if (w == "true" || w == "TRUE") out.push_back({Token::True, w, 0});
      else if (w == "false" || w == "FALSE") out.push_back({Token::False, w, 0});
      else out.push_back({Token::Holder, w, 0});
      continue;
    }
    throw FilterError(std::string("syntax error, unexpected '") + c + "'");
  }
  out.push_back({Token::End, "", 0});
  return out;
}

// Precedence as scols' bison grammar: && and || share the lowest level (left to right),
// comparisons and ! share the one above.
class Parser {
 public:
  Parser(std::vector<Token> toks, const std::vector<Column>& cols, std::vector<int>& used,
         std::vector<std::string>& unknown)
      : t_(std::move(toks)), cols_(cols), used_(used), unknown_(unknown) {}

  std::unique_ptr<Filter::Node> parse() {
    auto n = parse_logic();
    if (peek().kind != Token::End) syntax_error(peek());
    return n;
  }

 private:
  using NodeP = std::unique_ptr<Filter::Node>;
  const Token& peek() const { return t_[i_]; }
  bool is_op(const char* op) const { return peek().kind == Token::Op && peek().text == op; }
  NodeP make(Filter::Node::Kind k, NodeP a = nullptr, NodeP b = nullptr) {
    auto n = std::make_unique<Filter::Node>();
    n->kind = k;
    n->a = std::move(a);
    n->b = std::move(b);
    n->depth = 1 + std::max(n->a ? n->a->depth : 0, n->b ? n->b->depth : 0);
    if (n->depth > kMaxDepth) too_deep();
    return n;
  }
  NodeP parse_logic() {
    auto n = parse_cmp();
    for (;;) {
      if (is_op("&&")) {
        ++i_;
        n = make(Filter::Node::And, std::move(n), parse_cmp());
      } else if (is_op("||")) {
        ++i_;
        n = make(Filter::Node::Or, std::move(n), parse_cmp());
      } else {
        return n;
      }
    }
  }
  NodeP parse_cmp() {
    auto n = parse_unary();
    static const std::pair<const char*, Filter::Node::Op> ops[] = {
        {"==", Filter::Node::Eq}, {"!=", Filter::Node::Ne}, {"<", Filter::Node::Lt},
        {">", Filter::Node::Gt},  {"<=", Filter::Node::Le}, {">=", Filter::Node::Ge},
        {"=~", Filter::Node::Match}, {"!~", Filter::Node::NoMatch}};
    for (;;) {
      bool found = false;
      for (auto& [s, op] : ops) {
        if (!is_op(s)) continue;
        ++i_;
        auto c = make(Filter::Node::Cmp, std::move(n), parse_unary());
        c->op = op;
        if (op == Filter::Node::Match || op == Filter::Node::NoMatch) {
          if (c->b->kind != Filter::Node::String) throw FilterError("regular expression must be a string");
          c->re = std::make_unique<Regex>(c->b->text);
        }
        n = std::move(c);
        found = true;
        break;
      }
      if (!found) return n;
    }
  }
  [[noreturn]] static void too_deep() {
    throw FilterError("expression nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)");
  }
  // Counts the parser's recursion: '(' and '!' recurse without making a node each.
  struct Nesting {
    explicit Nesting(int& d) : d_(d) {
      if (++d_ > kMaxDepth) too_deep();
    }
    ~Nesting() { --d_; }
    int& d_;
  };
  NodeP parse_unary() {
    Nesting guard(nesting_);
    if (is_op("!")) {
      ++i_;
      return make(Filter::Node::Not, parse_unary());
    }
    const Token& tk = peek();
    switch (tk.kind) {
      case Token::LParen: {
        ++i_;
        auto n = parse_logic();
        if (peek().kind != Token::RParen) syntax_error(peek());
        ++i_;
        return n;
      }
      case Token::Num:
      case Token::Float: {
        auto n = make(Filter::Node::Number);
        n->number = tk.value;
        ++i_;
        return n;
      }
      case Token::Str: {
        auto n = make(Filter::Node::String);
        n->text = tk.text;
        ++i_;
        return n;
      }
      case Token::True:
      case Token::False: {
        auto n = make(Filter::Node::Boolean);
        n->boolean = tk.kind == Token::True;
        ++i_;
        return n;
      }
      case Token::Holder: {
        auto n = make(Filter::Node::Column);
        n->col = column(tk.text);
        ++i_;
        return n;
      }
      default: syntax_error(tk);
    }
  }
  int column(const std::string& name) {
    for (std::size_t c = 0; c < cols_.size(); ++c) {
      const auto& cn = cols_[c].name;
      if (cn.size() == name.size() &&
          std::equal(cn.begin(), cn.end(), name.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
          })) {
        if (std::find(used_.begin(), used_.end(), static_cast<int>(c)) == used_.end())
          used_.push_back(static_cast<int>(c));
        return static_cast<int>(c);
      }
    }
    if (std::find(unknown_.begin(), unknown_.end(), name) == unknown_.end()) unknown_.push_back(name);
    return -1;
  }

  std::vector<Token> t_;
  std::size_t i_ = 0;
  int nesting_ = 0;
  const std::vector<Column>& cols_;
  std::vector<int>& used_;
  std::vector<std::string>& unknown_;
};

// A value during evaluation: unknown, a number, a string or a boolean.
struct Value {
  enum Kind { None, Num, Str, Bool } kind = None;
  long double num = 0;
  std::string str;
  bool b = false;
};

// A cell as a number: digits with an optional fraction and size suffix (top shows "1.5M").
std::optional<long double> cell_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  long double d = std::strtold(s.c_str(), &end);
  if (end == s.c_str()) return std::nullopt;
  std::string_view rest(end);
  if (rest.empty()) return d;
  if (auto m = size_suffix(rest[0]); m && (rest.size() == 1 || rest.substr(1) == "iB" || rest.substr(1) == "B"))
    return d * *m;
  if (rest == "B" || rest == "%") return d;
  return std::nullopt;
}

// A number as the integer text a regex sees. Beyond long long (a cell "1e999") the cast
// would be undefined behaviour: printf's rounding ("inf", "nan", all digits) instead.
std::string integer_text(long double v) {
  if (v > -9.2e18L && v < 9.2e18L) return std::to_string(static_cast<long long>(v));
  char buf[8192];
  std::snprintf(buf, sizeof buf, "%.0Lf", v);
  return buf;
}

bool truthy(const Value& v) {
  switch (v.kind) {
    case Value::None: return false;
    case Value::Num: return v.num != 0;
    case Value::Str: return !v.str.empty() && v.str != "0";
    case Value::Bool: return v.b;
  }
  return false;
}

Value eval(const Filter::Node& n, const std::vector<Cell>& row, const std::vector<Column>& cols);

bool compare(const Filter::Node& n, const std::vector<Cell>& row, const std::vector<Column>& cols) {
  using N = Filter::Node;
  Value l = eval(*n.a, row, cols), r = eval(*n.b, row, cols);
  if (n.op == N::Match || n.op == N::NoMatch) {
    bool m = l.kind == Value::Str && n.re->search(l.str);
    if (l.kind == Value::Num) m = n.re->search(integer_text(l.num));
    return n.op == N::Match ? m : !m;
  }
  int cmp;
  // One side a number: the other is read as one (a size suffix counts), so NPROCS > 1K
  // and MEM > 1M compare quantities, never text.
  auto as_num = [](const Value& v) -> std::optional<long double> {
    if (v.kind == Value::Num) return v.num;
    if (v.kind == Value::Str) return cell_number(v.str);
    if (v.kind == Value::Bool) return v.b ? 1 : 0;
    return std::nullopt;
  };
  if (l.kind == Value::None || r.kind == Value::None) {
    // Unknown equals only unknown or empty; it is never ordered.
    bool le = l.kind == Value::None || (l.kind == Value::Str && l.str.empty());
    bool re = r.kind == Value::None || (r.kind == Value::Str && r.str.empty());
    if (n.op == N::Eq) return le && re;
    if (n.op == N::Ne) return !(le && re);
    return false;
  }
  if (l.kind == Value::Num || r.kind == Value::Num) {
    auto ln = as_num(l), rn = as_num(r);
    if (!ln || !rn) return n.op == N::Ne;
    cmp = *ln < *rn ? -1 : (*ln > *rn ? 1 : 0);
  } else if (l.kind == Value::Bool || r.kind == Value::Bool) {
    bool lb = truthy(l), rb = truthy(r);
    cmp = lb == rb ? 0 : (lb ? 1 : -1);
  } else {
    int c = l.str.compare(r.str);
    cmp = c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  switch (n.op) {
    case N::Eq: return cmp == 0;
    case N::Ne: return cmp != 0;
    case N::Lt: return cmp < 0;
    case N::Gt: return cmp > 0;
    case N::Le: return cmp <= 0;
    case N::Ge: return cmp >= 0;
    default: return false;
  }
}

Value eval(const Filter::Node& n, const std::vector<Cell>& row, const std::vector<Column>& cols) {
  using N = Filter::Node;
  Value v;
  switch (n.kind) {
    case N::Number: v.kind = Value::Num; v.num = n.number; return v;
    case N::String: v.kind = Value::Str; v.str = n.text; return v;
    case N::Boolean: v.kind = Value::Bool; v.b = n.boolean; return v;
    case N::Column: {
      if (n.col < 0 || static_cast<std::size_t>(n.col) >= row.size() || !row[n.col]) return v;
      const std::string& s = row[n.col].val();
      const Column& c = cols[n.col];
      if (c.json == JsonType::number && !s.empty()) {
        if (auto d = cell_number(s)) {
          v.kind = Value::Num;
          v.num = *d;
          return v;
        }
      }
      if (c.json == JsonType::boolean) {
        v.kind = Value::Bool;
        v.b = !(s.empty() || s[0] == '0' || s[0] == 'n' || s[0] == 'N' || s == "false");
        return v;
      }
      v.kind = Value::Str;
      v.str = s;
      return v;
    }
    case N::And: v.kind = Value::Bool; v.b = truthy(eval(*n.a, row, cols)) && truthy(eval(*n.b, row, cols)); return v;
    case N::Or: v.kind = Value::Bool; v.b = truthy(eval(*n.a, row, cols)) || truthy(eval(*n.b, row, cols)); return v;
    case N::Not: v.kind = Value::Bool; v.b = !truthy(eval(*n.a, row, cols)); return v;
    case N::Cmp: v.kind = Value::Bool; v.b = compare(n, row, cols); return v;
  }
  return v;
}

}  // namespace

Filter::Filter() = default;
Filter::~Filter() = default;
Filter::Filter(Filter&&) noexcept = default;
Filter& Filter::operator=(Filter&&) noexcept = default;

Filter Filter::parse(std::string_view expr, const std::vector<Column>& columns) {
  Filter f;
  f.columns_ = &columns;
  Parser p(tokenize(expr), columns, f.used_, f.unknown_);
  f.root_ = p.parse();
  return f;
}

bool Filter::matches(const std::vector<Cell>& row) const {
  return !root_ || truthy(eval(*root_, row, *columns_));
}

}  // namespace nsview
