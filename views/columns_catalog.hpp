// Every view's columns in one place, for docs/columns.md and for the check that a column
// name means one quantity in one unit wherever it appears.
#pragma once

#include <string>
#include <vector>

#include "table.hpp"

namespace nsview {

struct ColumnSet {
  std::string view;  // "list", "tree cgroup", "tui: containers", ...
  std::vector<Column> columns;
};

// list, top, tree pid|user, tree proc, tree cgroup, ps, ps --pods. (The TUI's views are
// added by whoever can see them: tui/ sits above this layer.)
std::vector<ColumnSet> view_column_sets();

std::string_view unit_name(Unit u);

// docs/columns.md: every name with its unit and where it is used, then each view's columns.
std::string columns_reference(const std::vector<ColumnSet>& sets);

}  // namespace nsview
