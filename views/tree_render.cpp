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

struct Line {
  std::string prefix, label, mark;
  Style style;
  const Row* row;
  std::map<std::string, std::string> cells;  // the selected columns' text, made safe
};

bool shown(const Row& r, int level, int depth) { return depth < 0 || r.member || level <= depth; }

void flatten(const Row& r, const std::string& prefix, const std::string& own, int level, const Options& o,
             std::vector<Line>& out) {
  // Names, cgroup paths and commands are hostile: made terminal-safe before they are measured.
  out.push_back({own, safe_text(r.label), safe_text(mark_text(r)), r.style, &r, {}});
  for (const auto& c : o.columns)
    if (auto it = r.cells.find(c); it != r.cells.end()) out.back().cells[c] = safe_text(cell_text(it->second));
  std::vector<const Row*> kids;
  for (const auto& c : r.children)
    if (shown(c, c.member ? level : level + 1, o.depth)) kids.push_back(&c);
  const char* tee = o.ascii ? "|-" : "\u251c\u2500";
  const char* elbow = o.ascii ? "`-" : "\u2514\u2500";
  const char* bar = o.ascii ? "| " : "\u2502 ";
  for (std::size_t i = 0; i < kids.size(); ++i) {
    bool last = i + 1 == kids.size();
    flatten(*kids[i], prefix + (last ? "  " : bar), prefix + (last ? elbow : tee),
            kids[i]->member ? level : level + 1, o, out);
  }
}

const char* color_of(Style s) {
  switch (s) {
    case Style::ns: return "\033[1;34m";
    case Style::cgroup: return "\033[1m";
    case Style::mark: return "\033[33m";
    default: return "";
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

void render_text(const std::vector<Row>& roots, const Options& o, std::FILE* out) {
  std::vector<Line> lines;
  for (const auto& r : roots) flatten(r, "", "", 0, o, lines);
  // Widths: the tree column, then each selected column (the last one is not padded).
  std::size_t tw = o.headings ? display_width(o.label_header) : 0;
  // Rows without cells (a cgroup's member processes) may run past the column; the rest
  // align, up to a cap beyond which a long row pushes only its own cells right.
  constexpr std::size_t kMaxTree = 72;
  for (const auto& l : lines)
    if (!l.row->cells.empty())
      tw = std::max(tw, std::min(kMaxTree, display_width(l.prefix) + display_width(l.label) +
                                               (l.mark.empty() ? 0 : 1 + display_width(l.mark))));
  std::vector<std::size_t> w(o.columns.size(), 0);
  for (std::size_t i = 0; i < o.columns.size(); ++i) {
    w[i] = o.headings ? o.columns[i].size() : 0;
    for (const auto& l : lines)
      if (auto it = l.cells.find(o.columns[i]); it != l.cells.end()) w[i] = std::max(w[i], display_width(it->second));
  }
  auto right = [&](const std::string& col) {
    const Column* c = column_of(col, o);
    return c && c->right;
  };
  auto emit_cells = [&](auto get) {
    std::string s;
    for (std::size_t i = 0; i < o.columns.size(); ++i) {
      std::string t = get(i);
      bool last = i + 1 == o.columns.size();
      std::size_t pad = w[i] > display_width(t) ? w[i] - display_width(t) : 0;
      s += "  ";
      if (right(o.columns[i])) s += std::string(pad, ' ') + t;
      else s += last ? t : t + std::string(pad, ' ');
    }
    return s;
  };
  if (o.headings) {
    std::string h = o.label_header + std::string(tw - display_width(o.label_header), ' ');
    h += emit_cells([&](std::size_t i) { return o.columns[i]; });
    while (!h.empty() && h.back() == ' ') h.pop_back();
    std::fprintf(out, "%s\n", h.c_str());
  }
  for (const auto& l : lines) {
    std::size_t used = display_width(l.prefix) + display_width(l.label) + (l.mark.empty() ? 0 : 1 + display_width(l.mark));
    std::string s = l.prefix;
    if (o.color && *color_of(l.style)) s += std::string(color_of(l.style)) + l.label + "\033[0m";
    else s += l.label;
    if (!l.mark.empty()) s += " " + (o.color ? std::string(color_of(Style::mark)) + l.mark + "\033[0m" : l.mark);
    s += std::string(tw > used ? tw - used : 0, ' ');
    s += emit_cells([&](std::size_t i) {
      auto it = l.cells.find(o.columns[i]);
      return it == l.cells.end() ? std::string() : it->second;
    });
    while (!s.empty() && s.back() == ' ') s.pop_back();
    std::fprintf(out, "%s\n", s.c_str());
  }
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
