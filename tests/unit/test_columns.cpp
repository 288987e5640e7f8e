// One vocabulary: a column name means one quantity in one unit in every view, and
// docs/columns.md is what the column tables say.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "columns_catalog.hpp"
#include "views.hpp"

using namespace nsview;

namespace {

// The TUI's views, their names and units taken from the same names elsewhere; a name
// nothing else has is the TUI's tree column.
std::vector<ColumnSet> all_sets() {
  auto sets = view_column_sets();
  std::map<std::string, Column> known;
  for (const auto& s : sets)
    for (const auto& c : s.columns) known.emplace(c.name, c);
  using tui::ViewId;
  const std::pair<ViewId, const char*> views[] = {{ViewId::containers, "tui: containers"},
                                                  {ViewId::namespaces, "tui: namespaces"},
                                                  {ViewId::cgroups, "tui: cgroups"},
                                                  {ViewId::processes, "tui: processes"}};
  for (auto [id, name] : views) {
    ColumnSet set{name, {}};
    for (const auto& spec : tui::view_columns(id)) {
      auto it = known.find(spec.name);
      set.columns.push_back(it != known.end() ? it->second
                                              : view_column(spec.name, Unit::text, "the tree: each row's object and its tags"));
    }
    sets.push_back(std::move(set));
  }
  return sets;
}

}  // namespace

TEST_CASE("a column name has one unit in every view, and numbers align right everywhere", "[columns]") {
  std::map<std::string, std::pair<Unit, std::string>> first;
  for (const auto& s : all_sets())
    for (const auto& c : s.columns) {
      auto [it, fresh] = first.try_emplace(c.name, c.unit, s.view);
      INFO(c.name << " in " << s.view << " is " << unit_name(c.unit) << ", in " << it->second.second << " "
                  << unit_name(it->second.first));
      CHECK(it->second.first == c.unit);
    }
  // One JSON type per name too: PID is a number in list -J, so it is one in ps -J and tree -J.
  std::map<std::string, std::pair<JsonType, std::string>> types;
  for (const auto& s : all_sets())
    for (const auto& c : s.columns) {
      if (s.view.rfind("tui:", 0) == 0) continue;  // the TUI writes no column JSON
      auto [it, fresh] = types.try_emplace(c.name, c.json, s.view);
      INFO(c.name << " in " << s.view << " has JSON type " << static_cast<int>(c.json) << ", in " << it->second.second
                  << " " << static_cast<int>(it->second.first));
      CHECK(it->second.first == c.json);
    }
  // Names that once meant two things.
  CHECK(first.at("CPU").first == Unit::percent);
  CHECK(first.at("CPUTIME").first == Unit::seconds);
  CHECK(first.at("THROTTLED").first == Unit::percent);
  CHECK(first.at("NTHROTTLED").first == Unit::count);
  CHECK(first.count("PATH") == 1);  // lsns's namespace path only; a cgroup's path is CGROUP
  CHECK(first.count("HOLDERS") == 1);  // list's text; the TUI's count is NHOLDERS
  CHECK(first.count("PSI") == 0);

  // One JSON key per name: a script reads the same key from top -J and tree -J.
  std::map<std::string, std::pair<std::string, std::string>> keys;
  std::map<std::string, std::string> names_of_key;
  for (const auto& s : all_sets()) {
    if (s.view.rfind("tui:", 0) == 0) continue;  // the TUI writes no column JSON
    for (const auto& c : s.columns) {
      auto [it, fresh] = keys.try_emplace(c.name, c.json_key(), s.view);
      INFO(c.name << " in " << s.view << " has key " << c.json_key() << ", in " << it->second.second << " "
                  << it->second.first);
      CHECK(it->second.first == c.json_key());
      auto [kt, kfresh] = names_of_key.try_emplace(c.json_key(), c.name);
      INFO("key " << c.json_key() << " is " << c.name << " in " << s.view << " and " << kt->second << " elsewhere");
      CHECK(kt->second == c.name);
    }
  }
  CHECK(keys.at("MEM").first == "mem_bytes");
  CHECK(keys.at("PIDS").first == "pids_current");  // "pids" is a list of pids in dump and tree
  CHECK(keys.at("OOMKILLS").first != keys.at("OOM").first);  // since creation vs since the last sample

  for (auto id : {tui::ViewId::containers, tui::ViewId::namespaces, tui::ViewId::cgroups, tui::ViewId::processes}) {
    const auto& specs = tui::view_columns(id);
    for (std::size_t i = 1; i < specs.size(); ++i) {
      INFO("tui column " << specs[i].name);
      REQUIRE(first.count(specs[i].name) == 1);
      CHECK(specs[i].right == (first.at(specs[i].name).first != Unit::text));
    }
  }
}

TEST_CASE("docs/columns.md is generated from the column tables", "[columns]") {
  const std::string want = columns_reference(all_sets());
  const std::string path = std::string(NSVIEW_SOURCE_DIR) + "/docs/columns.md";
  if (std::getenv("NSVIEW_UPDATE_DOCS")) std::ofstream(path) << want;
  std::ifstream in(path);
  std::stringstream have;
  have << in.rdbuf();
  CHECK(have.str() == want);
}
