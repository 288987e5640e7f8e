// Real cgroups in this machine's v1 hierarchies and its unified tree: made by the test,
// a child moved in, checked through scan() and CgroupReader against the cgroup files,
// then removed (RAII, also when a check fails). Only cgroups named nsview-test-<pid>-* are touched.
#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "nsinspect/cgroups.hpp"
#include "nsinspect/scan.hpp"
#include "cgroups.hpp"
#include "run.hpp"

using namespace nsinspect;
using namespace testsupport;

namespace {

const std::string& kCg = kCgroupRoot;

uint64_t file_number(const std::string& path) { return std::stoull(slurp(path)); }

void move_in(const std::string& dir, pid_t pid) {
  REQUIRE(sh("echo " + std::to_string(pid) + " > " + dir + "/cgroup.procs").status == 0);
}

ScanOptions light() {
  ScanOptions o;
  o.sockets = o.fds = o.bind_mounts = o.netnsid = o.hierarchy = o.containers = false;
  return o;
}

}  // namespace

TEST_CASE("cgroups made in v1 hierarchies and the unified tree: tree, membership, readings", "[cgroup][integration]") {
  REQUIRE(is_root());
  const std::string name = "nsview-test-" + std::to_string(getpid()) + "-a";
  const std::vector<std::string> hier = {"pids", "memory", "cpu", "cpuacct", "unified"};
  std::vector<std::string> dirs;
  for (const auto& h : hier) dirs.push_back(kCg + "/" + h + "/" + name);
  TestCgroups cgs(dirs);
  Child c({helper_path("touch_mem"), "50"});
  REQUIRE(c.read_line() == "ready");
  for (const auto& d : dirs) move_in(d, c.pid());

  auto snap = scan(light());
  const auto& ct = snap.cgroup_tree;
  CHECK(ct.layout.mode == CgroupMode::hybrid);
  const std::string path = "/" + name;
  for (const auto& h : hier) {
    const auto* t = ct.by_name(h);
    REQUIRE(t);
    const auto* n = t->find(path);
    REQUIRE(n);
    CHECK(n->pids == std::vector<pid_t>{c.pid()});
    // Ground truth: the cgroup's own cgroup.procs.
    CHECK(std::stoi(slurp(kCg + "/" + h + "/" + name + "/cgroup.procs")) == c.pid());
  }
  const Process* p = snap.process(c.pid());
  REQUIRE(p);
  CHECK(p->cgroup == path);  // primary: the unified hierarchy
  CHECK(ct.primary() == ct.by_name("unified"));
  // Per-hierarchy paths agree with /proc/PID/cgroup.
  auto truth = procfs::parse_cgroup(slurp("/proc/" + std::to_string(c.pid()) + "/cgroup"));
  REQUIRE(truth.size() == p->cgroups.size());
  for (std::size_t i = 0; i < truth.size(); ++i) CHECK(truth[i].path == p->cgroups[i].path);

  CgroupReader r(ct.layout);
  auto h = r.open(path);
  auto before = r.read(h, kCgAll);
  CHECK(before.pids_current == 1u);
  CHECK(before.pids_current == file_number(kCg + "/pids/" + name + "/pids.current"));
  CHECK(before.pids_limit.is_unlimited());
  CHECK(before.memory_limit.is_unlimited());
  CHECK(before.cpu_quota_us.is_unlimited());
  CHECK(before.cpu_shares == file_number(kCg + "/cpu/" + name + "/cpu.shares"));
  REQUIRE(before.cpu_usage_ns);
  CHECK(*before.cpu_usage_ns <= file_number(kCg + "/cpuacct/" + name + "/cpuacct.usage"));
  CHECK(before.cpu_periods);           // v1 cpu.stat
  CHECK(before.populated == true);     // unified cgroup.events
  CHECK(before.cpu_pressure.some);     // unified cpu.pressure exists without controllers
  CHECK_FALSE(before.io_read_bytes);   // no blkio cgroup made: unknown, not zero
  REQUIRE(before.memory_current);

  ::kill(c.pid(), SIGUSR1);
  REQUIRE(c.read_line() == "touched");
  auto after = r.read(h, kCgMemory | kCgPids);
  REQUIRE(after.memory_current);
  double grew = static_cast<double>(*after.memory_current - *before.memory_current) / (1 << 20);
  INFO("memory grew by " << grew << " MiB");
  CHECK(grew >= 49.0);
  CHECK(grew <= 56.0);
  uint64_t file = file_number(kCg + "/memory/" + name + "/memory.usage_in_bytes");
  CHECK(std::llabs(static_cast<long long>(file) - static_cast<long long>(*after.memory_current)) < (2 << 20));
  CHECK(after.oom_kills == 0u);
  CHECK_FALSE(after.cpu_usage_ns);  // not asked for
  // One kept-open directory per supplying hierarchy: pids, memory, cpu, cpuacct, unified
  // (blkio supplies io but the test made no blkio cgroup).
  CHECK(r.open_dirfds() == 5);
  CHECK(r.open_files() > 10);  // kept for the next read
  r.close(h);
  CHECK(r.open_files() == 0);
  CHECK(r.open_dirfds() == 0);
}

TEST_CASE("a cgroup removed while being read is unknown, never an error", "[cgroup][integration]") {
  REQUIRE(is_root());
  const std::string name = "nsview-test-" + std::to_string(getpid()) + "-gone";
  std::vector<std::string> dirs = {kCg + "/pids/" + name, kCg + "/memory/" + name, kCg + "/unified/" + name};
  TestCgroups cgs(dirs);
  auto layout = scan(light()).cgroup_tree.layout;
  CgroupReader r(layout);
  auto h = r.open("/" + name);
  auto live = r.read(h, kCgAll);
  CHECK(live.pids_current == 0u);
  CHECK(live.memory_current);
  CHECK_FALSE(r.vanished(h));
  for (const auto& d : dirs) REQUIRE(sh("rmdir " + d).status == 0);
  CgroupReadings dead;
  REQUIRE_NOTHROW(r.read(h, kCgAll, dead));
  CHECK_FALSE(dead.pids_current);
  CHECK_FALSE(dead.memory_current);
  CHECK_FALSE(dead.memory_limit.known());
  CHECK_FALSE(dead.populated);
  CHECK(r.vanished(h));

  // Cgroups made and removed in a loop while the tree is walked: no throw, no half nodes.
  Cleanup rm("rmdir " + dirs[0] + "-x 2>/dev/null; true");  // runs after churn is killed
  Child churn("while :; do mkdir " + dirs[0] + "-x 2>/dev/null; rmdir " + dirs[0] + "-x 2>/dev/null; done");
  for (int i = 0; i < 20; ++i) {
    Snapshot s;
    REQUIRE_NOTHROW(s = scan(light()));
    const auto* t = s.cgroup_tree.by_name("pids");
    REQUIRE(t);
    REQUIRE(t->find("/"));
    CHECK_FALSE(t->find("/" + name));  // removed above
  }
}

TEST_CASE("a process seen through a cgroup namespace: '/..' paths become host paths", "[cgroup][integration]") {
  REQUIRE(is_root());
  const std::string name = "nsview-test-" + std::to_string(getpid()) + "-ns";
  const std::string base = kCg + "/pids/" + name;
  TestCgroups cgs({base, base + "/a", base + "/b"});
  Child sib("exec sleep 1000");
  move_in(base + "/b", sib.pid());
  // Ground truth: inside a cgroup namespace rooted at /name/a the sibling shows as /../b.
  std::string seen = sh_out("echo $$ > " + base + "/a/cgroup.procs; exec unshare -C cat /proc/" +
                            std::to_string(sib.pid()) + "/cgroup");
  CHECK(seen.find("pids:/../b") != std::string::npos);
  // nsview run inside such a namespace reports host paths.
  auto res = sh("echo $$ > " + base + "/a/cgroup.procs; exec unshare -C " + nsview_bin() + " dump -J");
  REQUIRE(res.status == 0);
  auto j = nlohmann::json::parse(res.out);
  nlohmann::json pids_h;
  for (auto& h : j["cgroups"]["hierarchies"])
    if (h["name"] == "pids") pids_h = h;
  REQUIRE(pids_h.is_object());
  CHECK(pids_h["ns_root"] == "/" + name + "/a");
  CHECK(pids_h["mount_root"] == "/../..");  // as seen inside: the host mount is two levels up
  // The memory hierarchy: this test process's own cgroup is the namespace root there.
  std::string own_mem;
  for (auto& l : procfs::parse_cgroup(slurp("/proc/self/cgroup")))
    if (!l.controllers.empty() && l.controllers[0] == "memory") own_mem = l.path;
  for (auto& h : j["cgroups"]["hierarchies"])
    if (h["name"] == "memory") CHECK(h["ns_root"] == own_mem);
  bool found_sib = false;
  for (auto& p : j["processes"])
    if (p["pid"] == sib.pid())
      for (auto& l : p["cgroups"])
        if (l["controllers"] == std::vector<std::string>{"pids"}) {
          CHECK(l["path"] == "/" + name + "/b");
          found_sib = true;
        }
  CHECK(found_sib);
  bool node_b = false;
  for (auto& n : pids_h["cgroups"])
    if (n["path"] == "/" + name + "/b") {
      CHECK(n["pids"] == std::vector<pid_t>{sib.pid()});
      node_b = true;
    }
  CHECK(node_b);
}

TEST_CASE("cgroup.procs longer than a page is counted whole (it is read a page at a time)", "[cgroup][integration]") {
  REQUIRE(is_root());
  const std::string name = "nsview-test-" + std::to_string(getpid()) + "-many";
  const std::string dir = kCg + "/pids/" + name;
  TestCgroups cgs({dir});
  // The shell joins the cgroup, then its 1,000 children are born in it (6 bytes a pid or so:
  // well over the 4 KiB the kernel returns per read).
  Child many("echo $$ > " + dir + "/cgroup.procs; for i in $(seq 1000); do sleep 1000 & done; wait");
  REQUIRE(Child::wait_for([&] { return file_number(dir + "/pids.current") == 1001; }, 20000));
  const std::string procs = slurp(dir + "/cgroup.procs");
  REQUIRE(procs.size() > 4096);
  const auto lines = static_cast<uint64_t>(std::count(procs.begin(), procs.end(), '\n'));
  CHECK(lines == 1001);
  CgroupReader r(scan(light()).cgroup_tree.layout);
  auto h = r.open_in(static_cast<std::size_t>(r.layout().index_of_name("pids")), "/" + name);
  CHECK(r.read(h, kCgProcs).nprocs == lines);  // the first read opens the file
  CHECK(r.read(h, kCgProcs).nprocs == lines);  // later ones pread the kept-open fd
}

TEST_CASE("v1 cgroup.procs is read through a kept-open file only once the kernel's pid list expired", "[cgroup][integration]") {
  REQUIRE(is_root());
  const std::string name = "nsview-test-" + std::to_string(getpid()) + "-pidlist";
  const std::string dir = kCg + "/pids/" + name;
  TestCgroups cgs({dir});
  auto join = [&] { return "echo $$ > " + dir + "/cgroup.procs; exec sleep 1000"; };
  Child a(join());
  REQUIRE(Child::wait_for([&] { return file_number(dir + "/pids.current") == 1; }));
  CgroupReader r(scan(light()).cgroup_tree.layout);
  auto h = r.open_in(static_cast<std::size_t>(r.layout().index_of_name("pids")), "/" + name);
  r.set_pid_lists_expired(true);
  CHECK(r.read(h, kCgProcs).nprocs == 1);
  CHECK(r.open_files() == 1);  // kept open
  // Within a second the kernel would show a kept-open file the list it loaded for the read
  // above: a read close to the last one opens the file again, and sees the new process.
  Child b(join());
  REQUIRE(Child::wait_for([&] { return file_number(dir + "/pids.current") == 2; }));
  r.set_pid_lists_expired(false);
  CHECK(r.read(h, kCgProcs).nprocs == 2);
  // Two seconds later the list is gone: the kept-open file loads a new one.
  Child c(join());
  REQUIRE(Child::wait_for([&] { return file_number(dir + "/pids.current") == 3; }));
  sleep_ms(2100);
  r.set_pid_lists_expired(true);
  CHECK(r.read(h, kCgProcs).nprocs == 3);
  CHECK(r.open_files() == 1);
}

TEST_CASE("kept limits: a read after a write to a limit file shows the new limit", "[cgroup][integration]") {
  REQUIRE(is_root());
  const std::string name = "nsview-test-" + std::to_string(getpid()) + "-limits";
  const std::string cpu = kCg + "/cpu/" + name, mem = kCg + "/memory/" + name, pids = kCg + "/pids/" + name;
  TestCgroups cgs({cpu, mem, pids});
  auto write = [](const std::string& file, const std::string& value) {
    REQUIRE(sh("echo " + value + " > " + file).status == 0);
  };
  write(mem + "/memory.limit_in_bytes", "104857600");
  write(cpu + "/cpu.cfs_quota_us", "50000");
  write(pids + "/pids.max", "77");
  const auto layout = scan(light()).cgroup_tree.layout;
  CgroupReader kept(layout), fresh(layout);  // fresh reads every file every time
  kept.set_keep_limits(true);
  auto h = kept.open("/" + name), f = fresh.open("/" + name);
  // Every limit equals the file's and the reader that reads the files.
  auto same = [&](const char* when) {
    INFO(when);
    CgroupReadings a = kept.read(h, kCgAll), b = fresh.read(f, kCgAll);
    CHECK(a.memory_limit.value == file_number(mem + "/memory.limit_in_bytes"));
    CHECK(a.pids_limit.value == file_number(pids + "/pids.max"));
    const auto quota = std::stoll(slurp(cpu + "/cpu.cfs_quota_us"));
    CHECK(a.cpu_quota_us.is_unlimited() == (quota < 0));
    if (quota >= 0) CHECK(a.cpu_quota_us.value == static_cast<uint64_t>(quota));
    CHECK(a.cpu_period_us == file_number(cpu + "/cpu.cfs_period_us"));
    CHECK(a.cpu_shares == file_number(cpu + "/cpu.shares"));
    CHECK(a.memory_limit.kind == b.memory_limit.kind);
    CHECK(a.cpu_quota_us.kind == b.cpu_quota_us.kind);
    CHECK(a.pids_limit.kind == b.pids_limit.kind);
    CHECK(a.memory_current == b.memory_current);  // other fields are read as before
  };
  same("first read");
  CHECK(kept.kept_limits() == 1);
  same("kept");
  CHECK(kept.kept_limits() == 1);
  // A write shows at the next read 10 ms or more after it, in every hierarchy.
  for (auto [file, value] : {std::pair{mem + "/memory.limit_in_bytes", "209715200"},
                             std::pair{pids + "/pids.max", "88"}, std::pair{cpu + "/cpu.cfs_quota_us", "-1"},
                             std::pair{cpu + "/cpu.shares", "512"}, std::pair{cpu + "/cpu.cfs_period_us", "50000"}}) {
    write(file, value);
    sleep_ms(20);
    same(file.c_str());
    CHECK(kept.kept_limits() == 1);  // read again and kept again
  }
  // A write to a file that is no limit keeps them.
  write(mem + "/memory.force_empty", "0");
  sleep_ms(20);
  CHECK(kept.read(h, kCgAll).memory_limit.value == 209715200u);
  CHECK(kept.kept_limits() == 1);
  // A closed handle keeps nothing and watches nothing.
  kept.close(h);
  CHECK(kept.kept_limits() == 0);
}
