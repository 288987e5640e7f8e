#include "columns_catalog.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "ns_columns.hpp"
#include "ps_columns.hpp"
#include "top_view.hpp"
#include "tree_model.hpp"

namespace nsview {

std::vector<ColumnSet> view_column_sets() {
  return {{"list", ns_columns()},
          {"top", top::columns()},
          {"tree pid, tree user", tree::ns_columns()},
          {"tree proc", tree::proc_columns()},
          {"tree cgroup", tree::cgroup_columns()},
          {"ps", ps_columns()},
          {"ps --pods", ps_pod_columns()}};
}

std::string_view unit_name(Unit u) {
  switch (u) {
    case Unit::text: return "text";
    case Unit::id: return "id";
    case Unit::count: return "count";
    case Unit::bytes: return "bytes";
    case Unit::bytes_per_s: return "bytes/s";
    case Unit::percent: return "percent";
    case Unit::seconds: return "seconds";
    case Unit::limit: return "limit";
    case Unit::cores: return "cores";
    case Unit::age: return "age";
  }
  return "?";
}

namespace {
// '|' would end a table cell.
std::string cell(const std::string& s) {
  std::string o;
  for (char c : s) o += c == '|' ? std::string("\\|") : std::string(1, c);
  return o;
}
}  // namespace

std::string columns_reference(const std::vector<ColumnSet>& sets) {
  std::string md =
      "# Columns\n\n"
      "Generated from the column tables in views/ and tui/views.cpp: do not edit. A unit test\n"
      "checks that this file matches them, and that a name has one unit and one JSON key\n"
      "wherever it appears (the TUI writes no column JSON; its detail pane's usage is top's row);\n"
      "after changing a column, rewrite it with\n"
      "`NSVIEW_UPDATE_DOCS=1 build/tests/nsview_unit_tests '[columns]'`.\n\n"
      "Units: **id** names something (pid, uid, inode); **count** is how many; **bytes** and\n"
      "**bytes/s** are shown as 512B, 1.5K, 2.0M, ... in text and as plain numbers in JSON;\n"
      "**percent** is of one core (CPU), of a limit (MEMPCT) or of a period; **limit** is bytes or\n"
      "a count, or `max` for none; **age** is a time before now. In every view `-` (JSON null)\n"
      "is a value that could not be read and `N+` (JSON `KEY_partial`) a lower bound over partly\n"
      "readable data.\n\n"
      "## By name\n\n"
      "| Column | Unit | JSON key | Where | Meaning |\n|---|---|---|---|---|\n";
  struct Use {
    Unit unit;
    std::string key;
    std::vector<std::string> views;
    std::vector<std::string> helps;
  };
  std::map<std::string, Use> by_name;
  for (const auto& s : sets)
    for (const auto& c : s.columns) {
      auto [it, fresh] = by_name.try_emplace(c.name, Use{c.unit, c.json_key(), {}, {}});
      it->second.views.push_back(s.view);
      if (!c.help.empty() &&
          std::find(it->second.helps.begin(), it->second.helps.end(), c.help) == it->second.helps.end())
        it->second.helps.push_back(c.help);
    }
  for (const auto& [name, u] : by_name) {
    std::string where, meaning;
    for (const auto& v : u.views) where += (where.empty() ? "" : ", ") + v;
    for (const auto& h : u.helps) meaning += (meaning.empty() ? "" : "; ") + h;
    md += "| " + cell(name) + " | " + std::string(unit_name(u.unit)) + " | " + cell(u.key) + " | " + cell(where) + " | " + cell(meaning) + " |\n";
  }
  md += "\n## By view\n";
  for (const auto& s : sets) {
    md += "\n### " + s.view + "\n\n";
    std::string names;
    for (const auto& c : s.columns) names += (names.empty() ? "" : ", ") + c.name;
    md += names + "\n";
  }
  return md;
}

}  // namespace nsview
