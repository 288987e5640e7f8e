// nsview top's view: cells, sorting with unknown last, the JSON Lines object and its nulls.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "filter.hpp"
#include "format.hpp"
#include "top_view.hpp"

using namespace nsview::top;
using nsinspect::Limit;
using nsinspect::UsageGroup;
using nsinspect::UsageRow;

namespace {
UsageRow make(const std::string& id, std::optional<double> cpu, std::optional<uint64_t> mem) {
  UsageRow r;
  r.id = r.name = r.cgroup = id;
  r.cpu_pct = cpu;
  r.mem_bytes = mem;
  return r;
}
}  // namespace

TEST_CASE("top view: cells for people and for filters", "[top]") {
  UsageRow r = make("/a", 12.345, 1536);
  r.mem_limit = Limit::unlimited();
  r.pids_limit = Limit::of(64);
  auto text = [&](int c) { return nsview::cell_text(cell(r, c)); };
  CHECK(text(T_CPU) == "12.3");
  CHECK(text(T_MEM) == "1.5K");
  CHECK(text(T_MEMLIMIT) == "max");
  CHECK(text(T_IOR) == "-");
  CHECK(text(T_POD) == "-");
  // The values behind the text: what -Q compares and numeric columns sort by.
  CHECK(cell(r, T_MEM).val() == "1536");
  CHECK(cell(r, T_CPU).val() == "12.345");
  CHECK(cell(r, T_IOR).unknown);
  CHECK(cell(r, T_PIDSLIMIT).val() == "64");
  CHECK(cell(r, T_MEMLIMIT).val() == "max");
  CHECK(nsview::format_bytes(100.0 * (1 << 20)) == "100.0M");
  CHECK(nsview::format_bytes(1023) == "1023B");
  CHECK(column_index("psi-cpu") == T_PSI_CPU);
  CHECK(column_index("nope") == -1);
  CHECK(parse_columns("+OOM", UsageGroup::cgroup).back() == T_OOM);
  CHECK_THROWS_AS(parse_columns("CPU,NOPE", UsageGroup::cgroup), std::invalid_argument);
  // The filter language over raw cells.
  auto f = nsview::Filter::parse("CPU > 10 && MEM >= 1536", columns());
  std::vector<nsview::Cell> cells(columns().size());
  for (int c : f.used_columns()) cells[static_cast<std::size_t>(c)] = cell(r, c);
  CHECK(f.matches(cells));
}

TEST_CASE("top view: sort high to low, unknown last, reverse", "[top]") {
  UsageRow a = make("/a", 5.0, 10), b = make("/b", std::nullopt, 30), c = make("/c", 50.0, 20);
  std::vector<const UsageRow*> rows{&a, &b, &c};
  sort_rows(rows, T_CPU, false);
  CHECK(rows[0] == &c);
  CHECK(rows[1] == &a);
  CHECK(rows[2] == &b);
  sort_rows(rows, T_CPU, true);
  CHECK(rows[0] == &a);
  CHECK(rows[2] == &b);  // unknown stays last
  sort_rows(rows, T_NAME, false);
  CHECK(rows[0] == &a);
  CHECK(rows[2] == &c);
}

TEST_CASE("top view: a JSON Lines object with nulls for unknown and max for unlimited", "[top]") {
  nsinspect::UsageSample s;
  s.time = 1764280000.5;
  s.interval_s = 0;
  s.group = UsageGroup::cgroup;
  UsageRow r = make("/x", std::nullopt, 4096);
  r.depth = 1;
  r.nprocs = 2;
  r.mem_limit = Limit::unlimited();
  r.pids = 3;
  s.rows.push_back(r);
  std::vector<const UsageRow*> rows{&s.rows[0]};
  std::string line = json_line(s, rows);
  CHECK(line.find('\n') == std::string::npos);
  auto j = nlohmann::json::parse(line);
  CHECK(j["time"] == 1764280000.5);
  CHECK(j["interval_s"] == 0.0);
  CHECK(j["group"] == "cgroup");
  REQUIRE(j["rows"].size() == 1);
  const auto& o = j["rows"][0];
  CHECK(o["id"] == "/x");
  CHECK(o["cgroup"] == "/x");
  CHECK(o["container"].is_null());
  CHECK(o["pod"].is_null());
  CHECK(o["pid"].is_null());
  CHECK(o["depth"] == 1);
  CHECK(o["nprocs"] == 2);
  CHECK(o["cpu_pct"].is_null());
  CHECK(o["mem_bytes"] == 4096);
  CHECK(o["mem_limit_bytes"] == "max");
  CHECK(o["mem_pct"].is_null());
  CHECK(o["pids_current"] == 3);
  CHECK(o["pids_limit"].is_null());
  for (const char* k : {"io_read_bps", "io_write_bps", "throttled_pct", "oom_kills", "psi_cpu_some", "psi_mem_some", "psi_io_some"})
    CHECK(o[k].is_null());
  // Non-cgroup rows have no depth key.
  s.group = UsageGroup::process;
  CHECK_FALSE(nlohmann::json::parse(json_line(s, rows))["rows"][0].contains("depth"));
}
