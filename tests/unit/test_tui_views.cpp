// The TUI's view builders and detail pane on a hand-made snapshot and usage sample: a pod
// with an infra container and a member, a lone container, host processes.
#include <catch2/catch.hpp>

#include "detail.hpp"
#include "views.hpp"

using namespace nsinspect;
using namespace nsview::tui;

namespace {

// Namespace inodes: host (1xx), the pod's shared ones (2xx), web's own (3xx), lone's (4xx).
enum : NsInode { kMnt1 = 4026531841, kNet1, kPid1, kUts1, kIpc1, kUser1, kCg1, kTime1,
                 kNet2 = 4026532200, kUts2, kIpc2, kMnt3 = 4026532300, kPid3, kMntI, kPidI, kNet4 = 4026532400 };

const std::string kWeb(64, 'a'), kPod(64, 'b'), kInfra(64, 'c'), kLone(64, 'd');

std::array<NsInode, kNsTypeCount> ns(NsInode mnt, NsInode net, NsInode pid, NsInode uts, NsInode ipc) {
  return {mnt, net, pid, uts, ipc, kUser1, kCg1, kTime1};
}

// A container's namespaces are optionals, a process's are inodes with 0 for unknown.
std::array<std::optional<NsInode>, kNsTypeCount> optionals(const std::array<NsInode, kNsTypeCount>& n) {
  std::array<std::optional<NsInode>, kNsTypeCount> o;
  for (std::size_t i = 0; i < kNsTypeCount; ++i) o[i] = n[i];
  return o;
}

Process proc(pid_t pid, pid_t ppid, const std::string& comm, std::array<NsInode, kNsTypeCount> n) {
  Process p;
  p.pid = pid;
  p.ppid = ppid;
  p.comm = comm;
  p.cmdline = {comm, "--flag"};
  p.uid = 0;
  p.ns = n;
  return p;
}

Snapshot snapshot() {
  Snapshot s;
  auto host = ns(kMnt1, kNet1, kPid1, kUts1, kIpc1);
  auto web = ns(kMnt3, kNet2, kPid3, kUts2, kIpc2);
  auto infra = ns(kMntI, kNet2, kPidI, kUts2, kIpc2);
  auto lone = ns(kMnt1, kNet4, kPid1, kUts1, kIpc1);
  s.processes = {proc(1, 0, "init", host),     proc(100, 1, "conmon", host), proc(101, 100, "sleep", web),
                 proc(102, 101, "sh", web),    proc(103, 100, "catatonit", infra), proc(104, 1, "lonely", lone)};
  s.user_names[0] = "root";
  for (auto& p : s.processes) p.cgroup = p.pid == 101 || p.pid == 102 ? "/libpod_parent/web" : "/";
  std::map<NsInode, std::pair<NsType, std::vector<pid_t>>> nss;
  for (const auto& p : s.processes)
    for (auto t : kAllNsTypes) {
      auto& e = nss[*p.ns_of(t)];
      e.first = t;
      e.second.push_back(p.pid);
    }
  for (auto& [inode, e] : nss) {
    Namespace n;
    n.inode = inode;
    n.type = e.first;
    n.pids = e.second;
    n.lowest_pid = e.second.front();
    n.inspected = true;
    if (n.type == NsType::user) n.owner_uid = 0;
    else n.owner = kUser1;
    if (inode == kNet4) n.holders.push_back({HolderKind::bind_mount, 1, -1, "/run/netns/x", kMnt1});
    s.namespaces.push_back(n);
  }
  Container w;
  w.id = kWeb;
  w.name = "web";
  w.engine = "podman";
  w.runtime = "runc";
  w.init_pid = 101;
  w.pids = {101, 102};
  w.pod = PodRef{kPod, "mypod", ""};
  w.image = "localhost/bb:latest";
  w.namespaces = optionals(web);
  w.cgroup = "/libpod_parent/" + kPod + "/libpod-" + kWeb;
  Container i = w;
  i.id = kInfra;
  i.name = "bbbbbbbbbbbb-infra";
  i.infra = true;
  i.init_pid = 103;
  i.pids = {103};
  i.namespaces = optionals(infra);
  Container l;
  l.id = kLone;
  l.name = "lone";
  l.engine = "podman";
  l.init_pid = 104;
  l.pids = {104};
  l.namespaces = optionals(lone);
  s.containers = {w, i, l};
  Pod p;
  p.id = kPod;
  p.name = "mypod";
  p.engine = "podman";
  p.infra_container = kInfra;
  p.containers = {kInfra, kWeb};
  s.pods = {p};
  s.reindex();
  return s;
}

UsageSample usage() {
  UsageSample u;
  u.group = UsageGroup::container;
  UsageRow w;
  w.id = kWeb;
  w.cpu_pct = 12.5;
  w.mem_bytes = 1048576;
  w.mem_limit = Limit::of(4194304);
  w.mem_pct = 25;
  w.pids = 2;
  w.pids_limit = Limit::unlimited();
  UsageRow i;
  i.id = kInfra;
  i.cpu_pct = 0.5;
  i.mem_bytes = 524288;
  i.pids = 1;
  u.rows = {w, i};  // lone: no reading yet
  return u;
}

std::vector<std::string> column(const BuiltView& v, std::size_t c) {
  std::vector<std::string> out;
  for (const auto& r : v.rows) out.push_back(nsview::cell_text(r.cells.at(c)));
  return out;
}

bool has_line(const std::vector<std::string>& lines, const std::string& l) {
  return std::find(lines.begin(), lines.end(), l) != lines.end();
}

}  // namespace

TEST_CASE("tui views: containers grouped by pod with live usage - a pod sums its members", "[tui]") {
  Snapshot s = snapshot();
  UsageSample u = usage();
  BuiltView v = build_containers(s, &u);
  REQUIRE(v.rows.size() == 4);
  CHECK(column(v, 0) == std::vector<std::string>{"pod/mypod", "bbbbbbbbbbbb-infra", "web", "lone"});
  CHECK(v.rows[0].kind == ObjectKind::pod);
  CHECK(v.rows[0].id == "pod:" + kPod);
  CHECK(v.rows[1].parent == 0);
  CHECK(v.rows[2].parent == 0);
  CHECK(v.rows[3].parent == -1);
  CHECK(v.rows[2].id == "c:" + kWeb);
  CHECK(column(v, 1)[2] == "aaaaaaaaaaaa");
  CHECK(column(v, 4) == std::vector<std::string>{"13.0", "0.5", "12.5", "-"});  // CPU
  CHECK(column(v, 5) == std::vector<std::string>{"1.5M", "512.0K", "1.0M", "-"});
  CHECK(column(v, 6)[2] == "25.0");
  CHECK(column(v, 7) == std::vector<std::string>{"3", "1", "2", "-"});
  CHECK(column(v, 8)[2] == "localhost/bb:latest");
  // Without a sample (or one of another group) every usage cell is unknown, not 0.
  UsageSample other = u;
  other.group = UsageGroup::cgroup;
  for (const BuiltView& w : {build_containers(s, nullptr), build_containers(s, &other)})
    CHECK(column(w, 4) == std::vector<std::string>{"-", "-", "-", "-"});

  // Sorting by CPU keeps the pod's members under it; the filter matches an image and a pid.
  TableModel m;
  m.set_columns(v.columns);
  m.set_rows(v.rows);
  m.set_sort(4, true);
  std::vector<std::string> order;
  for (const auto& l : m.lines()) order.push_back(nsview::cell_text(m.rows()[l.row].cells[0]));
  CHECK(order == std::vector<std::string>{"pod/mypod", "web", "bbbbbbbbbbbb-infra", "lone"});
  m.set_filter("104");
  REQUIRE(m.lines().size() == 1);
  CHECK(m.selected()->key == kLone);
}

TEST_CASE("tui views: namespaces by type with process counts, holders and container tags", "[tui]") {
  Snapshot s = snapshot();
  BuiltView v = build_namespaces(s, NsType::net);
  CHECK(column(v, 0) == std::vector<std::string>{"net 4026531842", "net 4026532200", "net 4026532400"});
  CHECK(column(v, 1) == std::vector<std::string>{"2", "3", "1"});  // NPROCS
  CHECK(column(v, 2) == std::vector<std::string>{"1", "101", "104"});  // lowest PID
  CHECK(column(v, 3) == std::vector<std::string>{"0", "0", "1"});  // HOLDERS
  CHECK(column(v, 4)[0] == "root");
  CHECK(column(v, 5)[0] == "init --flag");
  CHECK(v.rows[1].mark == "{pod/mypod}");
  CHECK(v.rows[2].mark == "{lone}");
  CHECK(v.rows[0].mark.empty());
  CHECK(v.rows[1].search.find("net:[4026532200]") != std::string::npos);

  // All types: the user namespace first, owning the rest (nothing is lost).
  BuiltView all = build_namespaces(s, std::nullopt);
  CHECK(all.rows.size() == s.namespaces.size());
  CHECK(nsview::cell_text(all.rows[0].cells[0]) == "user 4026531846");
}

TEST_CASE("tui views: the process tree marks namespace changes and container starts", "[tui]") {
  Snapshot s = snapshot();
  UsageSample u;
  u.group = UsageGroup::process;
  UsageRow r;
  r.id = "101";
  r.cpu_pct = 3.25;
  u.rows = {r};
  BuiltView v = build_processes(s, &u, false);
  CHECK(column(v, 0) == std::vector<std::string>{"1 init", "100 conmon", "101 sleep", "102 sh", "103 catatonit",
                                                 "104 lonely"});
  std::vector<int> parents;
  for (const auto& row : v.rows) parents.push_back(row.parent);
  CHECK(parents == std::vector<int>{-1, 0, 1, 2, 1, 0});
  CHECK(v.rows[2].mark == "[+mnt,net,pid,uts,ipc] {web}");  // cg=/libpod_parent/web left out
  CHECK(v.rows[3].mark.empty());  // same namespaces and container as its parent
  CHECK(v.rows[4].mark == "[+mnt,net,pid,uts,ipc] {bbbbbbbbbbbb-infra}");
  CHECK(v.rows[5].mark == "[+net] {lone}");
  CHECK(column(v, 3)[2] == "3.2");  // 3.25 rounds to even
  CHECK(column(v, 3)[0] == "-");
  CHECK(v.rows[2].id == "p:101");
}

TEST_CASE("tui detail: a container's namespaces say who shares them - JSON, enter and kill targets", "[tui]") {
  Snapshot s = snapshot();
  UsageSample u = usage();
  auto lines = detail_lines(s, &u, ObjectKind::container, kWeb);
  REQUIRE(!lines.empty());
  CHECK(lines[0] == "Container web");
  CHECK(has_line(lines, "  id       " + kWeb));
  CHECK(has_line(lines, "  pod      pod/mypod (bbbbbbbbbbbb)"));
  CHECK(has_line(lines, "  net    4026532200   shared with bbbbbbbbbbbb-infra"));
  CHECK(has_line(lines, "  mnt    4026532300   only this container"));
  CHECK(has_line(lines, "  user   4026531846   shared with host, bbbbbbbbbbbb-infra, lone, 2 other processes"));
  CHECK(has_line(lines, "  cpu 12.5%   throttled -%   memory 1.0M of 4.0M (25.0%)"));
  CHECK(has_line(lines, "Processes (2):"));
  CHECK(has_line(lines, "      101  sleep --flag"));

  auto nl = detail_lines(s, nullptr, ObjectKind::ns, std::to_string(kNet4));
  CHECK(nl[0] == "Namespace net:[4026532400]");
  CHECK(has_line(nl, "  belongs to lone"));
  CHECK(has_line(nl, "  owner chain user:[4026531846] (uid root)"));
  CHECK(has_line(nl, "  bind pid 1 /run/netns/x"));
  CHECK(has_line(nl, "      104  lonely --flag"));
  CHECK(detail_lines(s, nullptr, ObjectKind::container, std::string(64, 'f')).empty());

  auto j = object_json(s, &u, ObjectKind::container, kWeb);
  CHECK(j["name"] == "web");
  CHECK(j["usage"]["cpu_pct"] == 12.5);
  CHECK(j["usage"]["pids_limit"] == "max");
  CHECK(object_json(s, &u, ObjectKind::process, "999").is_null());

  CHECK(enter_args(s, ObjectKind::container, kWeb) == std::vector<std::string>{"enter", kWeb});
  CHECK(enter_args(s, ObjectKind::pod, kPod) == std::vector<std::string>{"enter", kInfra});
  CHECK(enter_args(s, ObjectKind::process, "104") == std::vector<std::string>{"enter", "104"});
  CHECK(enter_args(s, ObjectKind::ns, std::to_string(kNet2)) ==
        std::vector<std::string>{"enter", "net:[4026532200]"});
  std::string why;
  CHECK(enter_args(s, ObjectKind::cgroup, "/x", &why).empty());
  CHECK(!why.empty());
  CHECK(signal_target(s, ObjectKind::container, kWeb) == 101);
  CHECK(signal_target(s, ObjectKind::process, "104") == 104);
  CHECK_FALSE(signal_target(s, ObjectKind::ns, std::to_string(kNet2)));
  CHECK(json_file_name(ObjectKind::cgroup, "/a/b") == "nsview-cgroup-a_b.json");
  CHECK(json_file_name(ObjectKind::cgroup, "/") == "nsview-cgroup-root.json");
  CHECK(signal_choices().front().name == std::string("TERM"));
}
