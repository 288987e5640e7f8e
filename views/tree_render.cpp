// Draws tree rows: box lines (UTF-8, or ASCII), aligned columns, optional colour; or JSON.
#include <algorithm>
#include <cctype>
#include <cstdio>

#include <fmt/format.h>

#include "text.hpp"
#include "tree_model.hpp"

namespace nsview::tree {

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

const char* color_of(Style s) {
  switch (s) {
    case Style::ns: return "\033[1;34m";
    case Style::cgroup: return "\033[1m";
    case Style::mark: return "\033[33m";
    default: return "";
  }
}

bool shown(const Row& r, int level, int depth) { return depth < 0 || r.member || level <= depth; }

// Appends r and its shown descendants to t as tree rows under parent.
void add_rows(const Row& r, int parent, int level, const Options& o, Table& t) {
  const int idx = static_cast<int>(t.rows.size());
  std::vector<Cell> cells{Cell(r.label)};
  for (const auto& c : o.columns) {
    auto it = r.cells.find(c);
    cells.push_back(it == r.cells.end() ? Cell() : it->second);
  }
  t.rows.push_back(std::move(cells));
  t.parent.push_back(parent);
  t.tree_mark.push_back(mark_text(r));
  t.tree_color.push_back(color_of(r.style));
  for (const auto& c : r.children) {
    const int l = c.member ? level : level + 1;
    if (shown(c, l, o.depth)) add_rows(c, idx, l, o, t);
  }
}

// A selected column of the kind's table (its JSON key and type are the same in every view).
const Column* column_of(const std::string& col, const Options& o) {
  if (o.table)
    for (const auto& c : *o.table)
      if (c.name == col) return &c;
  return nullptr;
}

nlohmann::json to_json_row(const Row& r, int level, const Options& o) {
  nlohmann::json j = r.json;
  for (const auto& c : o.columns) {
    auto it = r.cells.find(c);
    if (it == r.cells.end()) continue;
    const Column* col = column_of(c, o);
    const std::string key = col ? col->json_key() : lower(c);
    j[key] = cell_json(it->second, col ? col->json : JsonType::string);
    if (it->second.partial && !j[key].is_null()) j[key + "_partial"] = true;
  }
  nlohmann::json kids = nlohmann::json::array();
  for (const auto& c : r.children) {
    if (c.member) continue;  // members are listed in the group's own keys ("pids", "processes")
    int l = level + 1;
    if (shown(c, l, o.depth)) kids.push_back(to_json_row(c, l, o));
  }
  if (!kids.empty()) j["children"] = kids;
  return j;
}

}  // namespace

// Drawn by the one table renderer: the tree column carries the box lines, each row's mark
// and colour; names and commands are made terminal-safe there.
void render_text(const std::vector<Row>& roots, const Options& o, std::FILE* out) {
  Table t;
  t.columns.push_back(view_column(o.label_header, Unit::text, ""));
  for (const auto& c : o.columns) {
    const Column* col = column_of(c, o);
    t.columns.push_back(col ? *col : view_column(c, Unit::text, ""));
  }
  t.tree_column = 0;
  t.tree_cap = 72;  // a cgroup's member command lines run on past it
  t.mark_color = "\033[33m";
  for (const auto& r : roots) add_rows(r, -1, 0, o, t);
  RenderOptions ro;
  ro.headings = o.headings;
  ro.color = o.color;
  ro.ascii = o.ascii;
  ro.truncate = false;
  render(t, ro, out);
}

nlohmann::json render_json(const std::vector<Row>& roots, const Options& o) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& r : roots) arr.push_back(to_json_row(r, 0, o));
  return arr;
}

std::string mark_text(const Row& r, bool with_cgroup) {
  std::string s;
  for (const auto& m : r.marks)
    if (with_cgroup || m.kind != MarkKind::cgroup) s += (s.empty() ? "" : " ") + m.text;
  return s;
}

}  // namespace nsview::tree
