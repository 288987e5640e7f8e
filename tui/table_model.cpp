// TableModel: filter, sort and flatten the row forest; keep the selection on its object.
#include "table_model.hpp"

#include "text.hpp"

#include <algorithm>
#include <cctype>

namespace nsview::tui {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::size_t text_width(const std::string& s) { return display_width(s); }

std::string fit(const std::string& s, std::size_t width, bool right) {
  std::string out = truncate_to_width(s, width, cut_mark(locale_is_utf8()));
  std::size_t w = display_width(out);
  std::string pad(width > w ? width - w : 0, ' ');
  return right ? pad + out : out + pad;
}

std::vector<int> column_widths(const std::vector<ColumnSpec>& columns, int total) {
  std::vector<int> w(columns.size(), 0);
  for (std::size_t shown = columns.size(); shown > 0; --shown) {
    int need = 0;
    std::vector<std::size_t> flex;
    for (std::size_t i = 0; i < shown; ++i) {
      need += columns[i].width + (i ? 1 : 0);
      if (columns[i].flex) flex.push_back(i);
    }
    if (need > total && shown > 1) continue;
    int left = std::max(0, total - need);
    const int extra = left;
    for (std::size_t i = 0; i < shown; ++i) w[i] = columns[i].width;
    // The first column (names, the tree) takes 2/3 of the extra when others are flexible too.
    for (std::size_t k = 0; k < flex.size(); ++k) {
      int share = (k == 0 && flex[k] == 0 && flex.size() > 1) ? extra * 2 / 3
                                                              : left / static_cast<int>(flex.size() - k);
      w[flex[k]] += share;
      left -= share;
    }
    if (shown == 1) w[0] = std::max(1, total);
    break;
  }
  return w;
}

void TableModel::set_columns(std::vector<ColumnSpec> columns) {
  columns_ = std::move(columns);
  if (sort_ >= static_cast<int>(columns_.size())) sort_ = -1;
}

void TableModel::set_rows(std::vector<Row> rows) {
  // What is drawn is made terminal-safe once, here: names and commands are hostile.
  for (auto& r : rows) {
    for (auto& c : r.cells)
      if (c && !is_safe_text(*c, locale_is_utf8())) *c = safe_text(*c);
    if (!is_safe_text(r.mark, locale_is_utf8())) r.mark = safe_text(r.mark);
  }
  rows_ = std::move(rows);
  rebuild();
}

void TableModel::set_sort(int column, bool descending) {
  sort_ = std::clamp(column, -1, static_cast<int>(columns_.size()) - 1);
  desc_ = descending;
  rebuild();
}

void TableModel::sort_next(int delta) {
  int n = static_cast<int>(columns_.size()) + 1;  // positions -1 .. size-1
  int pos = ((sort_ + 1 + delta) % n + n) % n;
  // Numbers are most useful largest first (htop's CPU%); text A to Z.
  int col = pos - 1;
  set_sort(col, col >= 0 && columns_[static_cast<std::size_t>(col)].right);
}

void TableModel::set_filter(std::string text) {
  filter_ = std::move(text);
  rebuild();
}

void TableModel::set_ascii(bool ascii) {
  ascii_ = ascii;
  rebuild();
}

bool TableModel::less(std::size_t a, std::size_t b) const {
  auto col = static_cast<std::size_t>(sort_);
  const Row& ra = rows_[a];
  const Row& rb = rows_[b];
  if (col >= ra.cells.size() || col >= rb.cells.size()) return ra.cells.size() < rb.cells.size();
  const Cell& ca = ra.cells[col];
  const Cell& cb = rb.cells[col];
  if (columns_[col].right) {
    // Unknown values go last whichever the direction.
    auto na = cell_number(ca), nb = cell_number(cb);
    if (!na || !nb) return na.has_value() && !nb.has_value();
    if (*na != *nb) return desc_ ? *na > *nb : *na < *nb;
    return false;
  }
  bool ua = !ca || ca.unknown, ub = !cb || cb.unknown;
  if (ua || ub) return !ua && ub;
  int c = lower(*ca).compare(lower(*cb));
  return desc_ ? c > 0 : c < 0;
}

void TableModel::rebuild() {
  const std::size_t n = rows_.size();
  std::vector<std::vector<std::size_t>> kids(n);
  std::vector<std::size_t> roots;
  auto parent_of = [&](std::size_t i) -> int {
    int p = rows_[i].parent;
    return p >= 0 && static_cast<std::size_t>(p) < i ? p : -1;  // parents come first
  };
  for (std::size_t i = 0; i < n; ++i) {
    int p = parent_of(i);
    (p < 0 ? roots : kids[static_cast<std::size_t>(p)]).push_back(i);
  }
  // A row is shown when it or a descendant matches the filter.
  std::vector<char> shown(n, filter_.empty() ? 1 : 0);
  if (!filter_.empty()) {
    std::string f = lower(filter_);
    for (std::size_t i = n; i-- > 0;) {
      if (!shown[i] && lower(rows_[i].search).find(f) != std::string::npos) shown[i] = 1;
      int p = parent_of(i);
      if (shown[i] && p >= 0) shown[static_cast<std::size_t>(p)] = 1;
    }
  }
  if (sort_ >= 0) {
    auto cmp = [this](std::size_t a, std::size_t b) { return less(a, b); };
    std::stable_sort(roots.begin(), roots.end(), cmp);
    for (auto& k : kids) std::stable_sort(k.begin(), k.end(), cmp);
  }
  const char* tee = ascii_ ? "|-" : "\u251c\u2500";
  const char* elbow = ascii_ ? "`-" : "\u2514\u2500";
  const char* bar = ascii_ ? "| " : "\u2502 ";
  lines_.clear();
  // Iterative depth-first walk: deep process trees must not exhaust the stack.
  struct Frame {
    std::size_t row;
    std::string own, cont;  // prefix of this row, prefix carried to its children
  };
  std::vector<Frame> stack;
  auto push_children = [&](const std::vector<std::size_t>& list, const std::string& cont, bool top) {
    std::vector<std::size_t> vis;
    for (auto k : list)
      if (shown[k]) vis.push_back(k);
    for (std::size_t j = vis.size(); j-- > 0;) {
      bool last = j + 1 == vis.size();
      if (top) stack.push_back({vis[j], "", ""});
      else stack.push_back({vis[j], cont + (last ? elbow : tee), cont + (last ? "  " : bar)});
    }
  };
  push_children(roots, "", true);
  while (!stack.empty()) {
    Frame f = std::move(stack.back());
    stack.pop_back();
    lines_.push_back({f.row, f.own});
    push_children(kids[f.row], f.cont, false);
  }
  // The selection follows its object; if it is gone, the cursor stays where it was.
  bool found = false;
  if (!selected_id_.empty())
    for (std::size_t i = 0; i < lines_.size(); ++i)
      if (rows_[lines_[i].row].id == selected_id_) {
        cursor_ = i;
        found = true;
        break;
      }
  if (!found) {
    cursor_ = lines_.empty() ? 0 : std::min(cursor_, lines_.size() - 1);
    selected_id_ = lines_.empty() ? std::string() : rows_[lines_[cursor_].row].id;
  }
}

std::optional<std::size_t> TableModel::cursor() const {
  if (lines_.empty()) return std::nullopt;
  return cursor_;
}

const Row* TableModel::selected() const {
  if (lines_.empty()) return nullptr;
  return &rows_[lines_[cursor_].row];
}

void TableModel::select_id(const std::string& id) {
  for (std::size_t i = 0; i < lines_.size(); ++i)
    if (rows_[lines_[i].row].id == id) {
      cursor_ = i;
      selected_id_ = id;
      return;
    }
}

void TableModel::move(int delta) {
  if (lines_.empty()) return;
  long c = static_cast<long>(cursor_) + delta;
  cursor_ = static_cast<std::size_t>(std::clamp(c, 0L, static_cast<long>(lines_.size()) - 1));
  selected_id_ = rows_[lines_[cursor_].row].id;
}

void TableModel::home() { move(-static_cast<int>(lines_.size())); }
void TableModel::end() { move(static_cast<int>(lines_.size())); }

std::size_t TableModel::scroll_top(std::size_t height) {
  if (height == 0 || lines_.empty()) return top_ = 0;
  if (cursor_ < top_) top_ = cursor_;
  if (cursor_ >= top_ + height) top_ = cursor_ - height + 1;
  // No empty space below the last line when the list shrank.
  if (lines_.size() >= height) top_ = std::min(top_, lines_.size() - height);
  else top_ = 0;
  return top_;
}

}  // namespace nsview::tui
