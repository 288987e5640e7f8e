#include "filter.hpp"

#include <cctype>
#include <cstdlib>
#include <regex>

namespace nsview {

struct Filter::Node {
  enum Kind { And, Or, Not, Cmp, Truthy } kind;
  enum Op { Eq, Ne, Lt, Gt, Le, Ge, Match, NoMatch } op = Eq;
  std::unique_ptr<Node> a, b;
  // Operands of Cmp / Truthy: a column index or a literal.
  int lcol = -1, rcol = -1;
  std::string llit, rlit;
  std::regex re;
};

namespace {

struct Token {
  enum Kind { Ident, Str, Num, Op, LParen, RParen, End } kind;
  std::string text;
  std::size_t pos;
};

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  auto fail = [&](const std::string& what) {
    throw FilterError(what + " at position " + std::to_string(i + 1));
  };
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    std::size_t start = i;
    if (c == '(') { out.push_back({Token::LParen, "(", i++}); continue; }
    if (c == ')') { out.push_back({Token::RParen, ")", i++}); continue; }
    if (c == '"' || c == '\'') {
      std::string v;
      ++i;
      while (i < s.size() && s[i] != c) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        v.push_back(s[i++]);
      }
      if (i >= s.size()) fail("unterminated string");
      ++i;
      out.push_back({Token::Str, v, start});
      continue;
    }
    static const char* ops[] = {"==", "!=", "<=", ">=", "=~", "!~", "&&", "||", "<", ">", "!", "="};
    bool matched = false;
    for (const char* op : ops) {
      std::string_view o(op);
      if (s.substr(i, o.size()) == o) {
        out.push_back({Token::Op, std::string(o == "=" ? "==" : o), i});
        i += o.size();
        matched = true;
        break;
      }
    }
    if (matched) continue;
    if (std::isdigit(static_cast<unsigned char>(c)) || (c == '-' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      ++i;
      while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
      out.push_back({Token::Num, std::string(s.substr(start, i - start)), start});
      continue;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' || s[i] == '-')) ++i;
      std::string w(s.substr(start, i - start));
      std::string lw;
      for (char ch : w) lw.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
      static const std::pair<const char*, const char*> words[] = {
          {"and", "&&"}, {"or", "||"}, {"not", "!"}, {"eq", "=="}, {"ne", "!="},
          {"lt", "<"},   {"gt", ">"},  {"le", "<="}, {"ge", ">="}};
      bool word = false;
      for (auto& [k, v] : words)
        if (lw == k) {
          out.push_back({Token::Op, v, start});
          word = true;
          break;
        }
      if (!word) out.push_back({Token::Ident, w, start});
      continue;
    }
    fail(std::string("unexpected '") + c + "'");
  }
  out.push_back({Token::End, "", s.size()});
  return out;
}

class Parser {
 public:
  Parser(std::vector<Token> toks, const std::vector<Column>& cols, std::vector<int>& used)
      : t_(std::move(toks)), cols_(cols), used_(used) {}

  std::unique_ptr<Filter::Node> parse() {
    auto n = parse_or();
    if (peek().kind != Token::End) fail("unexpected '" + peek().text + "'");
    return n;
  }

 private:
  using NodeP = std::unique_ptr<Filter::Node>;
  const Token& peek() const { return t_[i_]; }
  const Token& next() { return t_[i_++]; }
  bool accept_op(const char* op) {
    if (peek().kind == Token::Op && peek().text == op) {
      ++i_;
      return true;
    }
    return false;
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw FilterError(what + " at position " + std::to_string(peek().pos + 1));
  }
  NodeP make(Filter::Node::Kind k, NodeP a = nullptr, NodeP b = nullptr) {
    auto n = std::make_unique<Filter::Node>();
    n->kind = k;
    n->a = std::move(a);
    n->b = std::move(b);
    return n;
  }
  NodeP parse_or() {
    auto n = parse_and();
    while (accept_op("||")) n = make(Filter::Node::Or, std::move(n), parse_and());
    return n;
  }
  NodeP parse_and() {
    auto n = parse_not();
    while (accept_op("&&")) n = make(Filter::Node::And, std::move(n), parse_not());
    return n;
  }
  NodeP parse_not() {
    if (accept_op("!")) return make(Filter::Node::Not, parse_not());
    return parse_primary();
  }
  // An operand: sets either col or lit.
  void operand(int& col, std::string& lit) {
    const Token& tk = peek();
    if (tk.kind == Token::Ident) {
      col = column(tk.text);
      ++i_;
    } else if (tk.kind == Token::Str || tk.kind == Token::Num) {
      lit = tk.text;
      ++i_;
    } else {
      fail(tk.kind == Token::End ? "expression ends too early" : "expected a column, string or number, not '" + tk.text + "'");
    }
  }
  int column(const std::string& name) {
    for (std::size_t c = 0; c < cols_.size(); ++c) {
      const auto& cn = cols_[c].name;
      if (cn.size() == name.size() &&
          std::equal(cn.begin(), cn.end(), name.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
          })) {
        used_.push_back(static_cast<int>(c));
        return static_cast<int>(c);
      }
    }
    fail("unknown column '" + name + "'");
  }
  NodeP parse_primary() {
    if (peek().kind == Token::LParen) {
      ++i_;
      auto n = parse_or();
      if (peek().kind != Token::RParen) fail("missing ')'");
      ++i_;
      return n;
    }
    auto n = make(Filter::Node::Cmp);
    operand(n->lcol, n->llit);
    static const std::pair<const char*, Filter::Node::Op> ops[] = {
        {"==", Filter::Node::Eq}, {"!=", Filter::Node::Ne}, {"<", Filter::Node::Lt},
        {">", Filter::Node::Gt},  {"<=", Filter::Node::Le}, {">=", Filter::Node::Ge},
        {"=~", Filter::Node::Match}, {"!~", Filter::Node::NoMatch}};
    if (peek().kind == Token::Op) {
      for (auto& [s, op] : ops)
        if (peek().text == s) {
          ++i_;
          n->op = op;
          operand(n->rcol, n->rlit);
          if (op == Filter::Node::Match || op == Filter::Node::NoMatch) {
            if (n->rcol >= 0) fail("the right side of =~ must be a string");
            try {
              n->re = std::regex(n->rlit, std::regex::extended);
            } catch (const std::regex_error&) {
              fail("invalid regular expression '" + n->rlit + "'");
            }
          }
          return n;
        }
    }
    if (n->lcol < 0) fail("a literal alone is not a condition");
    n->kind = Filter::Node::Truthy;
    return n;
  }

  std::vector<Token> t_;
  std::size_t i_ = 0;
  const std::vector<Column>& cols_;
  std::vector<int>& used_;
};

std::optional<double> as_number(const std::optional<std::string>& s) {
  if (!s || s->empty()) return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(s->c_str(), &end);
  if (!end || *end != '\0') return std::nullopt;
  return d;
}

bool eval(const Filter::Node& n, const std::vector<Cell>& row) {
  using N = Filter::Node;
  switch (n.kind) {
    case N::And: return eval(*n.a, row) && eval(*n.b, row);
    case N::Or: return eval(*n.a, row) || eval(*n.b, row);
    case N::Not: return !eval(*n.a, row);
    case N::Truthy: {
      const Cell& v = row[n.lcol];
      return v && !v->empty() && *v != "0";
    }
    case N::Cmp: break;
  }
  Cell l = n.lcol >= 0 ? row[n.lcol] : Cell(n.llit);
  Cell r = n.rcol >= 0 ? row[n.rcol] : Cell(n.rlit);
  if (n.op == N::Match || n.op == N::NoMatch) {
    bool m = l && std::regex_search(*l, n.re);
    return n.op == N::Match ? m : !m;
  }
  auto ln = as_number(l), rn = as_number(r);
  int cmp;
  if (ln && rn) {
    cmp = *ln < *rn ? -1 : (*ln > *rn ? 1 : 0);
  } else {
    // Unknown values only ever equal unknown/empty.
    std::string ls = l.value_or(""), rs = r.value_or("");
    if (n.op != N::Eq && n.op != N::Ne && (!l || !r)) return false;
    cmp = ls.compare(rs);
    cmp = cmp < 0 ? -1 : (cmp > 0 ? 1 : 0);
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

}  // namespace

Filter::Filter() = default;
Filter::~Filter() = default;
Filter::Filter(Filter&&) noexcept = default;
Filter& Filter::operator=(Filter&&) noexcept = default;

Filter Filter::parse(std::string_view expr, const std::vector<Column>& columns) {
  Filter f;
  Parser p(tokenize(expr), columns, f.used_);
  f.root_ = p.parse();
  return f;
}

bool Filter::matches(const std::vector<Cell>& row) const { return !root_ || eval(*root_, row); }

}  // namespace nsview
