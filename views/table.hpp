// A column table rendered as aligned text, raw text, a tree or JSON - the one renderer
// every nsview view shares (in the spirit of libsmartcols, which lsns uses).
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "text.hpp"

namespace nsview {

enum class JsonType { string, number, number_list, boolean };

// What a column's values are, so that one name means one quantity in one unit in every view
// (docs/columns.md lists them; a unit test checks that no name has two kinds).
enum class Unit : uint8_t {
  text,         // names, paths, commands, states
  id,           // pid, uid, inode: a number that names something
  count,        // how many (NPROCS, PIDS)
  bytes,        // an amount of memory or data
  bytes_per_s,  // a rate of data
  percent,      // of a core, of a limit, of a period
  seconds,      // cpu time used
  limit,        // a bytes or count limit, or "max"
  cores,        // a cpu quota as a number of cores
  age,          // time since something happened ("5 minutes ago")
};

struct Column {
  std::string name;         // header, upper case
  std::string help;         // one line for --help / --list-columns
  JsonType json = JsonType::string;
  bool right = false;       // right-aligned (numbers)
  bool trunc = false;       // may be truncated to fit the terminal
  bool wrap = false;        // multi-valued: '\n' separates values (one line each)
  // libsmartcols' width hint: a column whose text is at least as wide as its header is
  // widened to this (lsns: NS 10, TYPE 5, NPROCS/PID/PPID 5, PNS/ONS 10).
  int width_hint = 0;
  Unit unit = Unit::text;
  // JSON key; empty: the lower-case name (libsmartcols' rule, which list keeps as lsns's
  // drop-in). One name has one key in every view (docs/columns.md, checked by a unit test).
  std::string key = {};
  // What must be read to fill it: nsinspect::Sources flags. A view's scan is its preset
  // merged with the needs of the columns it shows and filters on.
  uint32_t needs = 0;
  std::string json_key() const;
};

// A column of nsview's own (not lsns's): numbers of every kind right-aligned, text left.
inline Column view_column(std::string name, Unit unit, std::string help, JsonType json = JsonType::string,
                          std::string key = {}) {
  Column c;
  c.name = std::move(name);
  c.key = std::move(key);
  c.help = std::move(help);
  c.json = json;
  c.unit = unit;
  c.right = unit != Unit::text && unit != Unit::age;
  return c;
}

// c, needing the given nsinspect::Sources.
inline Column needing(Column c, uint32_t needs) {
  c.needs = needs;
  return c;
}

// The union of the needs of the given columns of a table.
uint32_t needs_of(const std::vector<Column>& table, const std::vector<int>& columns);

// nullopt: none -> "" in text, null in JSON. Two marks say what was not read (the
// convention of docs/list.md "Partial and unknown values"):
// - unknown: could not be read (permission) -> "-" in text, null in JSON, never 0 or a guess;
// - partial: a count or list over partly readable data, a lower bound -> "12+" in text, and
//   in JSON the value plus "<key>_partial": true beside it (absent when complete).
//
// The optional string is the text people read. `value` is the value behind it when that
// text is not the value itself (bytes shown as "1.5M" are 1572864), read by the column's
// JsonType: JSON, sorting and -Q filters use val(), never the rendered text. Cells are
// made by views/cells.hpp, so every view formats a quantity alike.
struct Cell : std::optional<std::string> {
  using std::optional<std::string>::optional;
  Cell(const std::optional<std::string>& v) : std::optional<std::string>(v) {}
  bool unknown = false;
  bool partial = false;
  std::string value;
  // The value: `value` if set, else the text ("" for none).
  const std::string& val() const {
    static const std::string none;
    return !value.empty() ? value : has_value() ? **this : none;
  }
};
inline Cell unknown_cell() {
  Cell c;
  c.unknown = true;
  return c;
}
inline Cell partial_cell(Cell c, bool partial) {
  c.partial = c.partial || partial;
  return c;
}

struct Table {
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;
  std::vector<int> parent;  // per row: index of its parent row, or -1; empty = no tree
  int tree_column = -1;     // column that carries the tree lines
  bool rows_partial = false;  // rows may be missing (unreadable): JSON adds "<name>_partial": true
  // Tree views (`nsview tree`): per row, a mark drawn after the tree column's text
  // (namespace changes, tags) and an SGR colour for that text (nullptr: none); the mark has
  // mark_color. tree_cap: the tree column is sized for texts up to this width; a longer one
  // (a cgroup's member command line) runs on and pushes only its own row's cells right.
  std::vector<std::string> tree_mark;
  std::vector<const char*> tree_color;
  const char* mark_color = nullptr;
  std::size_t tree_cap = 0;
  // Instead of rows: source_rows rows, each built when it is written. JSON streams them, so
  // list -J at thousands of namespaces never holds the table; text builds them all first
  // (column widths need every row).
  std::size_t source_rows = 0;
  std::function<std::vector<Cell>(std::size_t)> row_source;
  std::size_t row_count() const { return row_source ? source_rows : rows.size(); }
};

// LIBSMARTCOLS_JSON: pretty (default), compact (one line), lines (JSON Lines: one top-level
// row object per line, no wrapper).
enum class JsonFormat { pretty, compact, lines };
JsonFormat json_format_from_env();

struct RenderOptions {
  bool json = false;
  bool raw = false;
  bool headings = true;
  bool truncate = true;     // truncate trunc columns to the terminal width (tty only)
  bool wrap = true;         // multi-line cells on several lines; else joined with ','
  bool color = false;
  bool ascii = false;       // ASCII tree lines instead of UTF-8
  int width = 0;            // terminal width, 0 = unlimited
  std::string json_name = "rows";  // {"json_name": [...]}
  JsonFormat json_format = JsonFormat::pretty;
  // Text exactly as libsmartcols prints it (list, as a drop-in for lsns): nothing at all for
  // no rows, header widths count with -n too, cut text without a mark, and no trimming of
  // the separator before an empty last cell.
  bool scols = false;
};

void render(const Table& t, const RenderOptions& o, std::FILE* out);
// The same, as a string (a screen frame, tests).
std::string render_to_string(const Table& t, const RenderOptions& o);

// Whether to colour stdout: a terminal, and NO_COLOR unset.
bool want_color(int fd);
// The terminal's width, 0 when not a terminal.
int terminal_width(int fd);

}  // namespace nsview
