#include "table.hpp"

#include "cells.hpp"
#include "json_writer.hpp"

#include <cstdlib>
#include <new>


#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <sys/ioctl.h>
#include <unistd.h>

namespace nsview {

std::string Column::json_key() const {
  if (!key.empty()) return key;
  std::string k = name;
  for (auto& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::replace(k.begin(), k.end(), '-', '_');
  return k;
}

uint32_t needs_of(const std::vector<Column>& table, const std::vector<int>& columns) {
  uint32_t n = 0;
  for (int c : columns)
    if (c >= 0 && static_cast<std::size_t>(c) < table.size()) n |= table[static_cast<std::size_t>(c)].needs;
  return n;
}

JsonFormat json_format_from_env() {
  const char* e = std::getenv("LIBSMARTCOLS_JSON");
  if (e && !std::strcmp(e, "compact")) return JsonFormat::compact;
  if (e && !std::strcmp(e, "lines")) return JsonFormat::lines;
  return JsonFormat::pretty;
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
  std::vector<std::string> cont;  // tree art on a row's continuation lines (multi-line cells)
};

Ordered tree_order(const Table& t, bool ascii) {
  Ordered o;
  const std::size_t n = t.rows.size();
  if (t.parent.empty()) {
    for (std::size_t i = 0; i < n; ++i) o.order.push_back(static_cast<int>(i));
    o.prefix.assign(n, "");
    o.cont.assign(n, "");
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
  o.cont.assign(n, "");
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
    // As libsmartcols: the lines below a row's first carry its children's lead, and a bar
    // when it has children.
    o.cont[it.row] = child_lead + (k.empty() ? "" : bar);
    for (std::size_t j = k.size(); j-- > 0;) stack.push_back({k[j], child_lead, j + 1 == k.size(), false});
  }
  return o;
}

// JSON in libsmartcols' layout (its ul_jsonwrt), written as it goes: no document in memory.
// pretty: 3-space indent, "key": value, "},{" between array objects; compact: the same on
// one line without blanks; lines: one top-level row object per line, no wrapper. Keys are
// lower case, in column order (a column given twice is written twice, as lsns does).
class ScolsJson {
 public:
  ScolsJson(std::FILE* out, JsonFormat f) : out_(out), fmt_(f) {}

  void open(const char* name, char type) {  // type: '{' or '['
    print_name(name);
    if (fmt_ == JsonFormat::pretty) put(name ? (type == '{' ? ": {\n" : ": [\n") : (type == '{' ? "{\n" : "[\n"));
    else put(name ? (type == '{' ? ":{" : ":[") : (type == '{' ? "{" : "["));
    ++indent_;
    after_close_ = false;
  }
  void close(char type) {  // type: '}' or ']'
    --indent_;
    if (fmt_ == JsonFormat::pretty) {
      std::fputc('\n', out_);
      put_indent();
    }
    std::fputc(type, out_);
    if (fmt_ != JsonFormat::lines && type == '}' && indent_ == 0) std::fputc('\n', out_);
    after_close_ = true;
  }
  // A value: raw text (numbers, true/false/null) or a quoted string; name null in arrays.
  void value_raw(const char* name, std::string_view text) {
    value_open(name);
    if (text.empty()) put("null");
    else std::fwrite(text.data(), 1, text.size(), out_);
    after_close_ = true;
  }
  void value_string(const char* name, std::string_view text) {
    value_open(name);
    if (text.empty()) put("null");
    else write_json_string(out_, text);
    after_close_ = true;
  }

 private:
  void put(const char* s) { std::fputs(s, out_); }
  void put_indent() {
    for (int i = 0; i < indent_; ++i) put("   ");
  }
  void print_name(const char* name) {
    if (after_close_) {
      if (fmt_ == JsonFormat::lines) put(indent_ == 0 ? "\n" : ",");
      else if (fmt_ == JsonFormat::pretty) put(name ? ",\n" : ",");
      else put(",");
    }
    if (fmt_ == JsonFormat::pretty && (name || !after_close_)) put_indent();
    if (name) write_json_string(out_, name);  // keys: json_key(), lower case as libsmartcols'
  }
  void value_open(const char* name) {
    print_name(name);
    if (fmt_ == JsonFormat::pretty) put(name ? ": " : " ");
    else if (name) put(":");
  }
  std::FILE* out_;
  JsonFormat fmt_;
  int indent_ = 0;
  bool after_close_ = false;
};

bool is_json_number(std::string_view v) {
  if (v.empty()) return false;
  std::size_t i = v[0] == '-' ? 1 : 0;
  if (i == v.size()) return false;
  bool dot = false;
  for (; i < v.size(); ++i) {
    if (v[i] == '.' && !dot) dot = true;
    else if (!std::isdigit(static_cast<unsigned char>(v[i]))) return false;
  }
  return v.back() != '.';
}

void json_cell(ScolsJson& w, const Column& c, const Cell& v) {
  const std::string key = c.json_key();
  if (!v) return w.value_raw(key.c_str(), "");
  const std::string& d = v.val();
  switch (c.json) {
    case JsonType::number:
      // A number column's text goes out as is; text that is no number (never expected)
      // stays a string so that the JSON stays valid.
      if (d.empty() || is_json_number(d)) return w.value_raw(key.c_str(), d);
      break;
    case JsonType::boolean: {
      bool t = !(d.empty() || d[0] == '0' || d[0] == 'n' || d[0] == 'N' || d == "false");
      return w.value_raw(key.c_str(), t ? "true" : "false");
    }
    case JsonType::number_list: {
      if (d.empty()) return w.value_raw(key.c_str(), "");
      w.open(key.c_str(), '[');
      std::size_t start = 0;
      while (start <= d.size()) {
        auto comma = d.find(',', start);
        std::string_view part(d.data() + start, (comma == std::string::npos ? d.size() : comma) - start);
        if (is_json_number(part)) w.value_raw(nullptr, part);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      return w.close(']');
    }
    case JsonType::string: break;
  }
  if (is_valid_utf8(d)) return w.value_string(key.c_str(), d);
  // Not UTF-8: U+FFFD per bad byte, and the exact bytes in KEY_raw (docs/json.md).
  w.value_string(key.c_str(), replace_invalid_utf8(d));
  w.value_string((key + "_raw").c_str(), escape_invalid_utf8(d));
}

void json_rows(ScolsJson& w, const Table& t, const std::vector<std::vector<int>>& kids, const std::vector<int>& rows) {
  std::vector<Cell> made;
  for (int r : rows) {
    if (t.row_source) made = t.row_source(static_cast<std::size_t>(r));
    const std::vector<Cell>& cells = t.row_source ? made : t.rows[r];
    w.open(nullptr, '{');
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      const Cell& cell = cells[c];
      json_cell(w, t.columns[c], cell);
      // A lower bound (docs/list.md): the value, and a flag beside it.
      if (cell.partial) w.value_raw((t.columns[c].json_key() + "_partial").c_str(), "true");
    }
    if (!kids.empty() && !kids[r].empty()) {
      w.open("children", '[');
      json_rows(w, t, kids, kids[r]);
      w.close(']');
    }
    w.close('}');
  }
}

void render_json(const Table& t, const RenderOptions& o, std::FILE* out) {
  const std::size_t n = t.row_count();
  std::vector<std::vector<int>> kids;
  std::vector<int> roots;
  if (t.parent.empty()) {
    for (std::size_t i = 0; i < n; ++i) roots.push_back(static_cast<int>(i));
  } else {
    kids.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      int p = t.parent[i];
      if (p >= 0 && static_cast<std::size_t>(p) < n) kids[p].push_back(static_cast<int>(i));
      else roots.push_back(static_cast<int>(i));
    }
  }
  ScolsJson w(out, o.json_format);
  if (o.json_format == JsonFormat::lines) {
    // JSON Lines: the row objects alone, one a line; nothing for no rows.
    json_rows(w, t, kids, roots);
    if (n) std::fputc('\n', out);
    return;
  }
  w.open(nullptr, '{');
  w.open(o.json_name.c_str(), '[');
  json_rows(w, t, kids, roots);
  w.close(']');
  if (t.rows_partial) w.value_raw((o.json_name + "_partial").c_str(), "true");  // rows may be missing
  w.close('}');
}

}  // namespace

std::string render_to_string(const Table& t, const RenderOptions& o) {
  char* buf = nullptr;
  std::size_t len = 0;
  std::FILE* f = open_memstream(&buf, &len);
  if (!f) throw std::bad_alloc();
  render(t, o, f);
  std::fclose(f);
  std::string s(buf, len);
  std::free(buf);
  return s;
}

void render(const Table& t, const RenderOptions& o, std::FILE* out) {
  if (o.json) return render_json(t, o, out);
  if (t.row_source) {
    Table all = t;
    all.row_source = nullptr;
    for (std::size_t r = 0; r < t.source_rows; ++r) all.rows.push_back(t.row_source(r));
    return render(all, o, out);
  }
  // libsmartcols prints nothing at all for a table without rows.
  if (o.scols && t.rows.empty()) return;
  const std::size_t ncol = t.columns.size();
  Ordered ord = tree_order(t, o.ascii || o.raw ? o.ascii : false);
  // Cell text per displayed row (tree prefix added; multi-line split).
  std::vector<std::vector<std::vector<std::string>>> cells;
  cells.reserve(ord.order.size());
  // Tree views: where a row's tree text starts and its mark begins (bytes), for colour.
  struct Paint {
    std::size_t text_at = 0, mark_at = std::string::npos;
  };
  std::vector<Paint> paint(ord.order.size());
  for (int r : ord.order) {
    std::vector<std::vector<std::string>> row(ncol);
    for (std::size_t c = 0; c < ncol; ++c) {
      // Values are made terminal-safe here, the one place text reaches the screen; raw
      // output escapes its own way below.
      const Cell& cell = t.rows[r][c];
      std::string v = cell_text(cell);
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
      if (static_cast<int>(c) == t.tree_column) {
        Paint& p = paint[cells.size()];
        p.text_at = ord.prefix[r].size();
        row[c][0] = ord.prefix[r] + row[c][0];
        if (static_cast<std::size_t>(r) < t.tree_mark.size() && !t.tree_mark[r].empty()) {
          row[c][0] += ' ';
          p.mark_at = row[c][0].size();
          row[c][0] += o.raw ? t.tree_mark[r] : safe_text(t.tree_mark[r]);
        }
      }
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
    // libsmartcols sizes a column for its header also when headings are off.
    if (o.headings || o.scols) width[c] = display_width(t.columns[c].name);
    std::size_t data = 0;
    const bool capped = t.tree_cap && static_cast<int>(c) == t.tree_column;
    for (auto& row : cells)
      for (auto& l : row[c]) {
        const std::size_t w = display_width(l);
        if (!capped || w <= t.tree_cap) data = std::max(data, w);
      }
    // libsmartcols: the header is the minimum; text at least that wide gets the width hint.
    const std::size_t hint = t.columns[c].width_hint > 0 ? static_cast<std::size_t>(t.columns[c].width_hint) : 0;
    if (data >= width[c] && o.scols && hint > data && width[c] < hint) width[c] = hint;
    else width[c] = std::max(width[c], data);
  }
  if (o.truncate && o.width > 0) {
    std::size_t total = ncol ? ncol - 1 : 0;
    for (auto w : width) total += w;
    // Shrink truncatable columns, widest first, down to their header, until the table fits.
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
  // libsmartcols cuts without a mark; nsview's other views mark the cut.
  const char* mark = o.scols ? "" : cut_mark(!o.ascii && locale_is_utf8());
  // One output line. cont: a continuation line of a multi-line row (tree art for the tree
  // column's empty cell).
  // The colours of a tree view's row: its text, then its mark (the tree lines stay plain).
  auto painted = [&](const std::string& v, std::size_t i) {
    const Paint& p = paint[i];
    const char* tc = i < ord.order.size() && static_cast<std::size_t>(ord.order[i]) < t.tree_color.size()
                         ? t.tree_color[ord.order[i]] : nullptr;
    const std::size_t text_end = std::min(p.mark_at == std::string::npos ? v.size() : p.mark_at - 1, v.size());
    std::string s = v.substr(0, p.text_at);
    std::string text = v.substr(p.text_at, text_end - p.text_at);
    s += tc && *tc && !text.empty() ? std::string(tc) + text + "\033[0m" : text;
    if (p.mark_at != std::string::npos && p.mark_at <= v.size()) {
      s += ' ';
      std::string m = v.substr(p.mark_at);
      s += t.mark_color && !m.empty() ? std::string(t.mark_color) + m + "\033[0m" : m;
    }
    return s;
  };
  // row: the displayed row's index for a first line of a tree view, else npos.
  auto emit = [&](auto get, bool header, const std::string* cont, std::size_t row = std::string::npos) {
    std::string s;
    if (header) s += bold;
    for (std::size_t c = 0; c < ncol; ++c) {
      std::string v = get(c);
      const bool tree = static_cast<int>(c) == t.tree_column;
      if (v.empty() && cont && tree) v = *cont;
      bool cut = false;
      if (display_width(v) > width[c] && !(tree && t.tree_cap)) {
        v = truncate_to_width(v, width[c], mark);
        cut = true;
      }
      std::size_t pad = width[c] - std::min(width[c], display_width(v));
      if (tree && o.color && !cut && row != std::string::npos && !paint.empty()) v = painted(v, row);
      bool last = c + 1 == ncol;
      // A tree column is left-aligned whatever its type, so that the lines join up.
      if (t.columns[c].right && static_cast<int>(c) != t.tree_column) {
        if (!v.empty() || !last) s.append(pad, ' ');
        s += v;
      } else {
        s += v;
        if (!last) s.append(pad, ' ');
      }
      if (!last) s.push_back(' ');
    }
    if (header) s += reset;
    if (!o.scols)
      while (!s.empty() && s.back() == ' ') s.pop_back();
    s.push_back('\n');
    std::fputs(s.c_str(), out);
  };
  if (o.headings) emit([&](std::size_t c) { return t.columns[c].name; }, true, nullptr);
  for (std::size_t i = 0; i < cells.size(); ++i) {
    auto& row = cells[i];
    std::size_t lines = 1;
    for (auto& c : row) lines = std::max(lines, c.size());
    for (std::size_t l = 0; l < lines; ++l)
      emit([&](std::size_t c) { return l < row[c].size() ? row[c][l] : std::string(); }, false,
           l ? &ord.cont[ord.order[i]] : nullptr, l ? std::string::npos : i);
  }
}

}  // namespace nsview
