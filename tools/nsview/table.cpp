#include "table.hpp"

#include "json_writer.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <sys/ioctl.h>
#include <unistd.h>

namespace nsview {

std::string Column::json_key() const {
  std::string k = name;
  for (auto& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::replace(k.begin(), k.end(), '-', '_');
  return k;
}

bool want_color(int fd) {
  const char* nc = std::getenv("NO_COLOR");
  if (nc && *nc) return false;
  const char* term = std::getenv("TERM");
  if (term && std::strcmp(term, "dumb") == 0) return false;
  return isatty(fd);
}

int terminal_width(int fd) {
  if (!isatty(fd)) return 0;
  struct winsize ws;
  if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* c = std::getenv("COLUMNS")) return std::atoi(c);
  return 80;
}

namespace {

// Raw output escapes what would break "one field per blank": blanks, backslash,
// control and non-ASCII bytes, as \xNN (libsmartcols' convention).
std::string raw_escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c <= 0x20 || c >= 0x7f || c == '\\') {
      char b[5];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      out += b;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> v;
  std::size_t start = 0;
  for (;;) {
    auto nl = s.find('\n', start);
    v.push_back(s.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) return v;
    start = nl + 1;
  }
}

// Rows in display order (a parent, then its children depth first) with tree prefixes.
struct Ordered {
  std::vector<int> order;
  std::vector<std::string> prefix;
};

Ordered tree_order(const Table& t, bool ascii) {
  Ordered o;
  const std::size_t n = t.rows.size();
  if (t.parent.empty()) {
    for (std::size_t i = 0; i < n; ++i) o.order.push_back(static_cast<int>(i));
    o.prefix.assign(n, "");
    return o;
  }
  std::vector<std::vector<int>> kids(n);
  std::vector<int> roots;
  for (std::size_t i = 0; i < n; ++i) {
    int p = t.parent[i];
    if (p >= 0 && static_cast<std::size_t>(p) < n) kids[p].push_back(static_cast<int>(i));
    else roots.push_back(static_cast<int>(i));
  }
  const char* tee = ascii ? "|-" : "\u251c\u2500";
  const char* ell = ascii ? "`-" : "\u2514\u2500";
  const char* bar = ascii ? "| " : "\u2502 ";
  o.prefix.assign(n, "");
  // Iterative DFS: (row, indent string for its children).
  struct Item {
    int row;
    std::string lead;
    bool last;
    bool root;
  };
  std::vector<Item> stack;
  for (auto it = roots.rbegin(); it != roots.rend(); ++it) stack.push_back({*it, "", true, true});
  while (!stack.empty()) {
    Item it = stack.back();
    stack.pop_back();
    o.order.push_back(it.row);
    std::string child_lead;
    if (it.root) {
      o.prefix[it.row] = "";
      child_lead = "";
    } else {
      o.prefix[it.row] = it.lead + (it.last ? ell : tee);
      child_lead = it.lead + (it.last ? "  " : bar);
    }
    auto& k = kids[it.row];
    for (std::size_t j = k.size(); j-- > 0;) stack.push_back({k[j], child_lead, j + 1 == k.size(), false});
  }
  return o;
}

nlohmann::json cell_json(const Column& c, const Cell& v) {
  if (!v) return nullptr;
  switch (c.json) {
    case JsonType::number: {
      if (v->empty()) return nullptr;
      char* end = nullptr;
      if ((*v)[0] == '-') {
        long long x = std::strtoll(v->c_str(), &end, 10);
        if (end && *end == '\0') return x;
      } else {
        unsigned long long x = std::strtoull(v->c_str(), &end, 10);
        if (end && *end == '\0') return x;
      }
      char* dend = nullptr;
      double d = std::strtod(v->c_str(), &dend);
      if (dend && *dend == '\0') return d;
      return *v;
    }
    case JsonType::number_list: {
      nlohmann::json a = nlohmann::json::array();
      std::size_t start = 0;
      while (start < v->size()) {
        auto comma = v->find(',', start);
        auto part = v->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!part.empty()) a.push_back(std::strtoll(part.c_str(), nullptr, 10));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      return a;
    }
    case JsonType::boolean:
      return *v == "1" || *v == "true" || *v == "yes";
    case JsonType::string:
      return *v;
  }
  return *v;
}

void render_json(const Table& t, const RenderOptions& o, std::FILE* out) {
  const std::size_t n = t.rows.size();
  std::vector<nlohmann::json> objs(n);
  for (std::size_t i = 0; i < n; ++i) {
    nlohmann::json obj = nlohmann::json::object();
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      const Cell& v = t.rows[i][c];
      obj[t.columns[c].json_key()] = cell_json(t.columns[c], v);
      if (v.partial) obj[t.columns[c].json_key() + "_partial"] = true;
    }
    objs[i] = std::move(obj);
  }
  nlohmann::json top = nlohmann::json::array();
  if (t.parent.empty()) {
    for (auto& o2 : objs) top.push_back(std::move(o2));
  } else {
    // Children first (deepest rows are complete before they are moved into their parent).
    Ordered ord = tree_order(t, true);
    std::vector<int> depth(n, 0);
    for (int r : ord.order)
      if (t.parent[r] >= 0) depth[r] = depth[t.parent[r]] + 1;
    std::vector<int> by_depth = ord.order;
    std::stable_sort(by_depth.begin(), by_depth.end(), [&](int a, int b) { return depth[a] > depth[b]; });
    std::vector<std::vector<int>> kids(n);
    for (int r : ord.order)
      if (t.parent[r] >= 0) kids[t.parent[r]].push_back(r);
    for (int r : by_depth)
      if (!kids[r].empty()) {
        nlohmann::json ch = nlohmann::json::array();
        for (int k : kids[r]) ch.push_back(std::move(objs[k]));
        objs[r]["children"] = std::move(ch);
      }
    for (int r : ord.order)
      if (t.parent[r] < 0) top.push_back(std::move(objs[r]));
  }
  nlohmann::json doc = {{o.json_name, std::move(top)}};
  if (t.rows_partial) doc[o.json_name + "_partial"] = true;
  write_json(out, doc, 3);
}

}  // namespace

void render(const Table& t, const RenderOptions& o, std::FILE* out) {
  if (o.json) return render_json(t, o, out);
  const std::size_t ncol = t.columns.size();
  Ordered ord = tree_order(t, o.ascii || o.raw ? o.ascii : false);
  // Cell text per displayed row (tree prefix added; multi-line split).
  std::vector<std::vector<std::vector<std::string>>> cells;
  cells.reserve(ord.order.size());
  for (int r : ord.order) {
    std::vector<std::vector<std::string>> row(ncol);
    for (std::size_t c = 0; c < ncol; ++c) {
      // Values are made terminal-safe here, the one place text reaches the screen; raw
      // output escapes its own way below.
      const Cell& cell = t.rows[r][c];
      std::string v = cell.unknown ? "-" : cell.value_or("");
      if (cell.partial && !cell.unknown) v += "+";
      if (t.columns[c].wrap) {
        row[c] = split_lines(v);
        if (!o.wrap || o.raw) {
          for (std::size_t l = 1; l < row[c].size(); ++l) row[c][0] += "," + row[c][l];
          row[c].resize(1);
        }
      } else {
        row[c] = {v};
      }
      if (!o.raw)
        for (auto& l : row[c]) l = safe_text(l);
      if (static_cast<int>(c) == t.tree_column) row[c][0] = ord.prefix[r] + row[c][0];
    }
    cells.push_back(std::move(row));
  }
  if (o.raw) {
    auto line = [&](auto get) {
      std::string s;
      for (std::size_t c = 0; c < ncol; ++c) {
        if (c) s.push_back(' ');
        s += raw_escape(get(c));
      }
      s.push_back('\n');
      std::fputs(s.c_str(), out);
    };
    if (o.headings) line([&](std::size_t c) { return t.columns[c].name; });
    for (auto& row : cells) line([&](std::size_t c) { return row[c][0]; });
    return;
  }
  std::vector<std::size_t> width(ncol, 0);
  for (std::size_t c = 0; c < ncol; ++c) {
    if (o.headings) width[c] = display_width(t.columns[c].name);
    for (auto& row : cells)
      for (auto& l : row[c]) width[c] = std::max(width[c], display_width(l));
  }
  if (o.truncate && o.width > 0) {
    std::size_t total = ncol ? ncol - 1 : 0;
    for (auto w : width) total += w;
    // Shrink truncatable columns, widest first, until the table fits.
    while (total > static_cast<std::size_t>(o.width)) {
      std::size_t best = ncol;
      for (std::size_t c = 0; c < ncol; ++c)
        if (t.columns[c].trunc && width[c] > display_width(t.columns[c].name) &&
            (best == ncol || width[c] > width[best]))
          best = c;
      if (best == ncol) break;
      std::size_t cut = std::min(total - static_cast<std::size_t>(o.width), width[best] - display_width(t.columns[best].name));
      width[best] -= cut;
      total -= cut;
    }
  }
  const char* bold = o.color ? "\033[1m" : "";
  const char* reset = o.color ? "\033[0m" : "";
  auto emit = [&](auto get, bool header) {
    std::string s;
    if (header) s += bold;
    for (std::size_t c = 0; c < ncol; ++c) {
      std::string v = get(c);
      if (display_width(v) > width[c]) v = truncate_to_width(v, width[c], "\u2026");
      std::size_t pad = width[c] - std::min(width[c], display_width(v));
      bool last = c + 1 == ncol;
      if (c) s.push_back(' ');
      // A tree column is left-aligned whatever its type, so that the lines join up.
      if (t.columns[c].right && static_cast<int>(c) != t.tree_column) {
        s.append(pad, ' ');
        s += v;
      } else {
        s += v;
        if (!last) s.append(pad, ' ');
      }
    }
    if (header) s += reset;
    while (!s.empty() && s.back() == ' ') s.pop_back();
    s.push_back('\n');
    std::fputs(s.c_str(), out);
  };
  if (o.headings) emit([&](std::size_t c) { return t.columns[c].name; }, true);
  for (auto& row : cells) {
    std::size_t lines = 1;
    for (auto& c : row) lines = std::max(lines, c.size());
    for (std::size_t l = 0; l < lines; ++l)
      emit([&](std::size_t c) { return l < row[c].size() ? row[c][l] : std::string(); }, false);
  }
}

}  // namespace nsview
