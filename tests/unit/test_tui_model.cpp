// TableModel: tree flattening, sorting, filtering and a selection that follows its object.
#include <catch2/catch.hpp>

#include "table_model.hpp"
#include "text.hpp"

using namespace nsview::tui;

namespace {

Row row(std::string id, int parent, std::string name, std::optional<double> num) {
  Row r;
  r.id = id;
  r.key = id;
  r.parent = parent;
  r.cells = {nsview::text_cell(name),
             nsview::number_cell(num ? std::optional<uint64_t>(static_cast<uint64_t>(*num)) : std::nullopt)};
  r.search = name + " " + id;
  return r;
}

// a
// ├─b (cpu 5)
// │ └─d (cpu 1)
// └─c (cpu 9)
// e (cpu unknown)
std::vector<Row> forest() {
  return {row("a", -1, "alpha", 3), row("b", 0, "bravo", 5), row("d", 1, "delta", 1), row("c", 0, "charlie", 9),
          row("e", -1, "echo", std::nullopt)};
}

std::vector<std::string> shown(const TableModel& m) {
  std::vector<std::string> out;
  for (const auto& l : m.lines()) out.push_back(l.prefix + nsview::cell_text(m.rows()[l.row].cells[0]));
  return out;
}

TableModel model() {
  TableModel m;
  m.set_columns({{"NAME", 10, false, true}, {"CPU", 5, true}});
  m.set_ascii(true);
  m.set_rows(forest());
  return m;
}

}  // namespace

TEST_CASE("tui model: a forest flattens with tree lines in build order", "[tui]") {
  TableModel m = model();
  CHECK(shown(m) == std::vector<std::string>{"alpha", "|-bravo", "| `-delta", "`-charlie", "echo"});
  m.set_ascii(false);
  CHECK(m.lines()[1].prefix == "\u251c\u2500");
  CHECK(m.lines()[2].prefix == "\u2502 \u2514\u2500");
  REQUIRE(m.selected());
  CHECK(m.selected()->id == "a");
}

TEST_CASE("tui model: sorting orders siblings, numbers descending first, unknown last", "[tui]") {
  TableModel m = model();
  m.sort_next(+1);  // NAME, ascending
  CHECK(m.sort_column() == 0);
  CHECK_FALSE(m.sort_descending());
  CHECK(shown(m) == std::vector<std::string>{"alpha", "|-bravo", "| `-delta", "`-charlie", "echo"});
  m.invert_sort();
  CHECK(shown(m) == std::vector<std::string>{"echo", "alpha", "|-charlie", "`-bravo", "  `-delta"});
  m.sort_next(+1);  // CPU, descending by default
  CHECK(m.sort_column() == 1);
  CHECK(m.sort_descending());
  CHECK(shown(m) == std::vector<std::string>{"alpha", "|-charlie", "`-bravo", "  `-delta", "echo"});
  m.invert_sort();  // ascending: the unknown still last
  CHECK(shown(m) == std::vector<std::string>{"alpha", "|-bravo", "| `-delta", "`-charlie", "echo"});
  m.sort_next(+1);  // wraps to the build order
  CHECK(m.sort_column() == -1);
  m.sort_next(-1);
  CHECK(m.sort_column() == 1);
}

TEST_CASE("tui model: the filter keeps matches and their ancestors, case-insensitive", "[tui]") {
  TableModel m = model();
  m.set_filter("DELTA");
  CHECK(shown(m) == std::vector<std::string>{"alpha", "`-bravo", "  `-delta"});
  m.set_filter("e");  // delta, charlie, echo match; alpha and bravo are their ancestors
  CHECK(shown(m) == std::vector<std::string>{"alpha", "|-bravo", "| `-delta", "`-charlie", "echo"});
  m.set_filter("nothing-like-this");
  CHECK(m.lines().empty());
  CHECK_FALSE(m.selected());
  CHECK_FALSE(m.cursor());
  m.set_filter("");
  CHECK(m.lines().size() == 5);
}

TEST_CASE("tui model: the selection stays on its object across refreshes", "[tui]") {
  TableModel m = model();
  m.move(3);
  REQUIRE(m.selected());
  CHECK(m.selected()->id == "c");
  // A refresh where a new row comes before it and its cpu changed: still on c.
  auto rows = forest();
  rows.insert(rows.begin() + 1, row("x", 0, "xray", 50));
  for (auto& r : rows)
    if (r.parent >= 1) r.parent += 1;
  rows[4].cells[1] = nsview::number_cell(2);
  m.set_rows(rows);
  CHECK(m.selected()->id == "c");
  CHECK(*m.cursor() == 4);
  // Sorting moves the line, not the selection.
  m.set_sort(1, true);
  CHECK(m.selected()->id == "c");
  CHECK(shown(m)[*m.cursor()] == "`-charlie");
  // When the object goes away the cursor stays at its place, on the next object.
  auto fewer = forest();
  fewer.erase(fewer.begin() + 3);  // c
  m.set_sort(-1, false);
  m.select_id("c");
  std::size_t at = *m.cursor();
  m.set_rows(fewer);
  CHECK(*m.cursor() == std::min(at, m.lines().size() - 1));
  CHECK(m.selected()->id == "e");
}

TEST_CASE("tui model: moving and scrolling keep the cursor in the window", "[tui]") {
  TableModel m = model();
  m.end();
  CHECK(m.selected()->id == "e");
  CHECK(m.scroll_top(2) == 3);
  m.home();
  CHECK(m.scroll_top(2) == 0);
  m.move(-5);
  CHECK(m.selected()->id == "a");
  m.move(2);
  CHECK(m.scroll_top(2) == 1);
  CHECK(m.scroll_top(10) == 0);
}

TEST_CASE("tui model: fit cuts and pads by columns, counting UTF-8 code points", "[tui]") {
  // The truncation mark is the table renderer's: an ellipsis, or '~' without UTF-8.
  const std::string mark = nsview::locale_is_utf8() ? "\u2026" : "~";
  CHECK(fit("abc", 5) == "abc  ");
  CHECK(fit("abc", 5, true) == "  abc");
  CHECK(fit("abcdef", 4) == "abc" + mark);
  CHECK(fit("\u251c\u2500x", 3) == "\u251c\u2500x");
  CHECK(fit("\u251c\u2500xy", 3) == "\u251c\u2500" + mark);
  if (nsview::locale_is_utf8()) {  // wcwidth knows wide characters only in a UTF-8 locale
    CHECK(fit("\u4e2d\u6587ab", 5) == "\u4e2d\u6587" + mark);
    CHECK(fit("\u4e2d\u6587", 3) == "\u4e2d" + mark);
  }
  CHECK(text_width("\u2502 a") == 3);
  CHECK(fit("abc", 0).empty());
}

TEST_CASE("tui model: column widths share the rest among flexible columns and drop from the right", "[tui]") {
  std::vector<ColumnSpec> cols = {{"NAME", 10, false, true}, {"ID", 4}, {"CPU", 5, true}, {"CMD", 6, false, true}};
  // 10+1+4+1+5+1+6 = 28: 12 extra, 2/3 to NAME, the rest to CMD.
  CHECK(column_widths(cols, 40) == std::vector<int>{18, 4, 5, 10});
  CHECK(column_widths(cols, 28) == std::vector<int>{10, 4, 5, 6});
  // Too narrow for CMD: dropped, NAME takes the rest.
  CHECK(column_widths(cols, 25) == std::vector<int>{14, 4, 5, 0});
  CHECK(column_widths(cols, 12) == std::vector<int>{12, 0, 0, 0});
  CHECK(column_widths(cols, 5) == std::vector<int>{5, 0, 0, 0});
}
