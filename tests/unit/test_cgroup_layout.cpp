// Layout detection from mountinfo + /proc/self/cgroup: v1, hybrid, unified, merged
// controllers, a cgroup namespace's "/.." roots; host path translation; primary path.
#include <catch2/catch.hpp>

#include "nsinspect/cgroups.hpp"
#include "run.hpp"

using namespace nsinspect;

namespace {
std::string fixture(const std::string& name) { return testsupport::fixture_text(name); }
CgroupLayout layout_of(const std::string& mi, const std::string& cg, const std::string& ctl = "") {
  return detect_cgroup_layout(procfs::parse_mountinfo(mi), procfs::parse_cgroup(cg), ctl);
}
}  // namespace

TEST_CASE("hybrid layout of this machine: separate cpu and cpuacct, unified without controllers", "[cgroup][layout]") {
  auto l = layout_of(fixture("cgroup-v1/mountinfo-hybrid"), fixture("cgroup-v1/self-cgroup-hybrid"), "hugetlb\n");
  CHECK(l.mode == CgroupMode::hybrid);
  REQUIRE(l.hierarchies.size() == 10);
  int cpu = l.index_of_controller("cpu");
  int acct = l.index_of_controller("cpuacct");
  REQUIRE(cpu >= 0);
  REQUIRE(acct >= 0);
  CHECK(cpu != acct);
  CHECK(l.hierarchies[cpu].mount_point == "/sys/fs/cgroup/cpu");
  CHECK(l.hierarchies[cpu].id == 1);
  CHECK(l.hierarchies[acct].id == 2);
  CHECK(l.hierarchies[l.index_of_name("systemd")].id == 9);
  CHECK(l.hierarchies[l.index_of_controller("memory")].mount_point == "/sys/fs/cgroup/memory");
  REQUIRE(l.unified());
  CHECK(l.unified()->mount_point == "/sys/fs/cgroup/unified");
  CHECK(l.unified()->controllers == std::vector<std::string>{"hugetlb"});
  CHECK(l.primary == l.index_of_name("unified"));
  CHECK(l.index_of_name("hugetlb") == l.index_of_name("unified"));  // v2 has it enabled
  // Primary path: the unified line, though a v1 line differs.
  auto lines = procfs::parse_cgroup("4:memory:/a/b\n1:cpu:/c\n9:name=systemd:/s\n0::/u\n");
  CHECK(primary_cgroup_path(l, lines) == "/u");
}

TEST_CASE("v1-only layout: primary is name=systemd, else cpu", "[cgroup][layout]") {
  auto l = layout_of(fixture("cgroup-v1/mountinfo-v1"), fixture("cgroup-v1/self-cgroup-v1"));
  CHECK(l.mode == CgroupMode::v1);
  CHECK_FALSE(l.unified());
  CHECK(l.hierarchies[l.primary].name == "name=systemd");
  auto lines = procfs::parse_cgroup("9:name=systemd:/system.slice/x.service\n1:cpu:/c\n");
  CHECK(primary_cgroup_path(l, lines) == "/system.slice/x.service");
  // Without the systemd hierarchy: cpu.
  std::string mi = "31 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
                   "34 30 0:31 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";
  auto m = layout_of(mi, "3:memory:/m\n2:cpu,cpuacct:/k\n");
  REQUIRE(m.hierarchies.size() == 2);
  CHECK(m.hierarchies[m.primary].name == "cpu,cpuacct");
  CHECK(m.index_of_controller("cpuacct") == m.index_of_controller("cpu"));  // one mount, both
  CHECK(m.hierarchies[m.index_of_name("cpuacct")].id == 2);
  CHECK(primary_cgroup_path(m, procfs::parse_cgroup("3:memory:/m\n2:cpu,cpuacct:/k\n")) == "/k");
}

TEST_CASE("a v1 hierarchy whose id /proc/self/cgroup does not give is never the v2 line's", "[cgroup][layout]") {
  // Found by fuzzing: the unknown id is 0, the v2 line's, so "0::/u" was read as the
  // primary (name=systemd) path of a v1 host.
  std::string mi = "30 25 0:26 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd\n"
                   "31 25 0:27 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n";
  auto l = layout_of(mi, "2:cpu:/c\n");
  REQUIRE(l.primary >= 0);
  CHECK(l.hierarchies[l.primary].name == "name=systemd");
  CHECK(l.hierarchies[l.primary].id == 0);  // unknown
  CHECK(l.index_of_id(0) == -1);
  CHECK(primary_cgroup_path(l, procfs::parse_cgroup("0::/u\n2:cpu:/c\n")).empty());
}

TEST_CASE("unified layout of the v2 fixture host", "[cgroup][layout]") {
  auto l = layout_of(fixture("cgroup-v2-host/proc/self/mountinfo"), fixture("cgroup-v2-host/proc/self/cgroup"),
                     fixture("cgroup-v2-host/sys/fs/cgroup/cgroup.controllers"));
  CHECK(l.mode == CgroupMode::unified);
  REQUIRE(l.hierarchies.size() == 1);
  CHECK(l.hierarchies[0].v2);
  CHECK(l.hierarchies[0].has("memory"));
  CHECK(l.index_of_controller("cpu") == 0);
  CHECK(l.primary == 0);
}

TEST_CASE("a cgroup namespace: '/..' mount roots and host paths", "[cgroup][layout]") {
  // As seen by a process in a cgroup namespace rooted at /a/b (pids) and /a (cgroup2).
  std::string mi = "38 30 0:35 /../.. /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n"
                   "40 30 0:37 /.. /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n";
  auto l = layout_of(mi, "8:pids:/\n0::/\n");
  for (const auto& h : l.hierarchies) CHECK_FALSE(h.ns_root_known);
  CHECK(cgroup_host_path("/a/b", "/../c") == "/a/c");
  CHECK(cgroup_host_path("/a/b", "/") == "/a/b");
  CHECK(cgroup_host_path("/a/b", "/x/./y") == "/a/b/x/y");
  CHECK(cgroup_host_path("/a", "/../../..") == "/");  // never above the root
  CHECK(cgroup_host_path("/", "/") == "/");
}
