// The state of one TUI view, without a terminal: rows (a forest), sort order, filter,
// selection and scroll. Refreshing replaces the rows and keeps the selection on the same
// object (by its stable id). Drawing code only reads lines() and the selection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cells.hpp"

namespace nsview::tui {

enum class ObjectKind : uint8_t { none, container, pod, ns, cgroup, process };

struct ColumnSpec {
  std::string name;
  int width = 8;       // columns on screen; flexible columns use it as their minimum
  bool right = false;  // numbers
  bool flex = false;   // shares the width left over by the fixed columns
};

enum class RowStyle : uint8_t { plain, group, ns, cgroup, process, dim };

// The views layer's cell: text as shown, the value behind it (numeric columns sort by it,
// unknown last), unknown and partial marks.
using Cell = nsview::Cell;

struct Row {
  std::string id;       // stable across refreshes: "c:ID", "pod:ID", "ns:INODE", "cg:PATH", "p:PID"
  ObjectKind kind = ObjectKind::none;
  std::string key;      // the object's own key: container id, inode, cgroup path, pid
  int parent = -1;      // index of the parent row, -1 for a root
  std::string mark;     // drawn after the first column's text (namespace changes, tags)
  RowStyle style = RowStyle::plain;
  std::vector<Cell> cells;  // one per column; cells[0] is the tree column
  std::string search;   // what `/` matches: names, ids, inodes, cgroup paths (any case)
};

struct Line {
  std::size_t row;     // index into rows()
  std::string prefix;  // tree lines drawn before the first cell
};

class TableModel {
 public:
  void set_columns(std::vector<ColumnSpec> columns);
  const std::vector<ColumnSpec>& columns() const { return columns_; }
  // Replaces the rows (parents before children); the selection follows its id.
  void set_rows(std::vector<Row> rows);
  const std::vector<Row>& rows() const { return rows_; }

  // Sort column: -1 keeps the builder's order (the tree as built); siblings are sorted, so
  // a tree stays a tree. Numbers sort by value, unknown last; text case-insensitively.
  void set_sort(int column, bool descending);
  void sort_next(int delta);  // < and >: -1 .. columns-1, wrapping
  void invert_sort() { set_sort(sort_, !desc_); }
  int sort_column() const { return sort_; }
  bool sort_descending() const { return desc_; }

  // Case-insensitive substring of Row::search; matching rows are shown with their ancestors.
  void set_filter(std::string text);
  const std::string& filter() const { return filter_; }

  void set_ascii(bool ascii);  // tree lines: "|-" instead of box drawing

  const std::vector<Line>& lines() const { return lines_; }
  // The selected line (index into lines()), nullopt when nothing is shown.
  std::optional<std::size_t> cursor() const;
  const Row* selected() const;
  const std::string& selected_id() const { return selected_id_; }
  void select_id(const std::string& id);  // if shown
  void move(int delta);                    // arrows, page keys (clamped)
  void home();
  void end();
  // The first line to draw in a body of `height` lines so that the cursor is visible.
  std::size_t scroll_top(std::size_t height);

 private:
  void rebuild();
  bool less(std::size_t a, std::size_t b) const;

  std::vector<ColumnSpec> columns_;
  std::vector<Row> rows_;
  std::vector<Line> lines_;
  int sort_ = -1;
  bool desc_ = false;
  std::string filter_;
  bool ascii_ = false;
  std::string selected_id_;
  std::size_t cursor_ = 0;
  std::size_t top_ = 0;
};

// Screen widths of the columns for a line of `total` columns (one space between columns):
// fixed columns keep their width, flexible ones share what is left (the first 2/3 of it); when that is below
// their minimum, columns are dropped from the right (width 0; the first column stays).
std::vector<int> column_widths(const std::vector<ColumnSpec>& columns, int total);

// Lower-case ASCII copy (filters and text sort keys).
std::string lower(std::string s);
// Terminal columns of UTF-8 text (one per code point: names, tree glyphs).
std::size_t text_width(const std::string& s);
// Cut or pad to exactly `width` columns (cut text ends in '~' to say so).
std::string fit(const std::string& s, std::size_t width, bool right = false);

}  // namespace nsview::tui
