// The partial/unknown convention of every view (docs/list.md "Partial and unknown values"):
// text "N+" and "-", JSON the value with "<key>_partial": true beside it, or null; and the
// one warning's words.
#include <catch2/catch.hpp>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "table.hpp"
#include "top_view.hpp"
#include "unreadable_warning.hpp"

using namespace nsview;

namespace {
std::string rendered(const Table& t, const RenderOptions& o) { return render_to_string(t, o); }

Table partial_table() {
  Table t;
  t.columns = {{"NS", "", JsonType::number, true, false},
               {"NPROCS", "", JsonType::number, true, false},
               {"PID", "", JsonType::number, true, false},
               {"PIDS", "", JsonType::number_list, false, true},
               {"USER", "", JsonType::string, false, false}};
  t.rows = {{"10", partial_cell(std::string("3"), true), unknown_cell(), partial_cell(std::string("7,9"), true),
             unknown_cell()},
            {"11", partial_cell(std::string("1"), false), "4", "4", "root"}};
  return t;
}
}  // namespace

TEST_CASE("table: partial counts get +, unknown values -, in text", "[partial]") {
  RenderOptions o;
  CHECK(rendered(partial_table(), o) ==
        "NS NPROCS PID PIDS USER\n"
        "10     3+   - 7,9+ -\n"
        "11      1   4 4    root\n");
}

TEST_CASE("table: JSON keeps the value and flags it, unknown is null", "[partial]") {
  RenderOptions o;
  o.json = true;
  o.json_name = "namespaces";
  Table t = partial_table();
  t.rows_partial = true;
  auto j = nlohmann::json::parse(rendered(t, o));
  const auto& a = j["namespaces"][0];
  CHECK(a["nprocs"] == 3);
  CHECK(a["nprocs_partial"] == true);
  CHECK(a["pid"].is_null());
  CHECK_FALSE(a.contains("pid_partial"));
  CHECK(a["pids"] == nlohmann::json::array({7, 9}));
  CHECK(a["pids_partial"] == true);
  CHECK(a["user"].is_null());
  const auto& b = j["namespaces"][1];
  CHECK(b["nprocs"] == 1);
  CHECK_FALSE(b.contains("nprocs_partial"));  // absent when complete
  CHECK(j["namespaces_partial"] == true);
  t.rows_partial = false;
  CHECK_FALSE(nlohmann::json::parse(rendered(t, o)).contains("namespaces_partial"));
}

TEST_CASE("top: a partial row's sums are marked, its unknowns are not", "[partial]") {
  nsinspect::UsageRow r;
  r.id = "net:4026531833";
  r.name = "net:[4026531833]";
  r.nprocs = 1;
  r.cpu_pct = 0.5;
  r.mem_bytes = 2048;
  r.pids = 1;
  r.partial = true;  // r.pid stays 0: the lowest member is unknown
  using namespace nsview::top;
  auto text = [&](int c) { return nsview::cell_text(cell(r, c)); };
  CHECK(text(T_NPROCS) == "1+");
  CHECK(text(T_CPU) == "0.5+");
  CHECK(text(T_MEM) == "2.0K+");
  CHECK(text(T_IOR) == "-");
  CHECK(text(T_PID) == "-");
  CHECK(text(T_NAME) == "net:[4026531833]");
  CHECK(cell(r, T_NPROCS).val() == "1");  // filters compare the number
  auto j = row_json(r, nsinspect::UsageGroup::ns);
  CHECK(j["nprocs"] == 1);
  CHECK(j["nprocs_partial"] == true);
  CHECK(j["cpu_pct_partial"] == true);
  CHECK(j["mem_bytes_partial"] == true);
  CHECK(j["pids_current_partial"] == true);
  CHECK(j["io_read_bps"].is_null());
  CHECK_FALSE(j.contains("io_read_bps_partial"));
  CHECK(j["pid"].is_null());
  r.partial = false;
  CHECK(text(T_NPROCS) == "1");
  CHECK_FALSE(row_json(r, nsinspect::UsageGroup::ns).contains("nprocs_partial"));
}

TEST_CASE("the warning says what was refused, of how many, and is one line", "[partial]") {
  nsinspect::ScanStats st;
  st.processes_seen = 240;
  CHECK(nsinspect::unreadable_summary(st).empty());
  CHECK(unreadable_warning("nsview list", st).empty());
  st.permission_denied = 214;
  st.ns_denied = 214;
  st.fds_denied = 200;
  st.cgroup_hierarchies_denied = {"memory", "pids"};
  st.engine_files_denied = 3;
  st.ns_denied_lowest_pid[nsinspect::index_of(nsinspect::NsType::net)] = 1;
  CHECK(st.partial());
  CHECK(st.ns_partial(nsinspect::NsType::net));
  CHECK_FALSE(st.ns_partial(nsinspect::NsType::pid));
  std::string s = nsinspect::unreadable_summary(st);
  INFO(s);
  CHECK(s.rfind("could not read the namespaces of 214 of 240 processes, the open files of 200, "
                "the cgroup hierarchies memory pids, 3 container engine files (",
                0) == 0);
  CHECK(s.back() == ')');
  std::string w = unreadable_warning("nsview list", st);
  CHECK(w == "nsview list: warning: " + s + "; counts marked + are partial, '-' is unknown");
  CHECK(w.find('\n') == std::string::npos);
  // With CAP_SYS_PTRACE, what is still refused is an exception no privilege reads: recorded
  // (the summary), but no view is partial and nothing is warned.
  st.privileged = true;
  CHECK_FALSE(st.partial());
  CHECK_FALSE(st.ns_partial(nsinspect::NsType::net));
  CHECK(unreadable_warning("nsview list", st).empty());
  CHECK_FALSE(nsinspect::unreadable_summary(st).empty());
}
