// A container's usage is read only from cgroups at or below its own cgroup. A hybrid fixture
// node as this machine has it: a systemd-nspawn container moved by hand into
// machine.slice/machine-n1.scope of the systemd and unified hierarchies, whose v1 cpu,
// cpuacct, pids and blkio cgroups are the root and whose memory cgroup is its launcher's
// session; and an LXC container with a systemd guest whose init sits in init.scope below
// its own lxc.payload cgroup. The root and session files hold big numbers that must never
// show up in a container's row.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <stdlib.h>

#include "nsinspect/container_lookup.hpp"
#include "nsinspect/sampler.hpp"
#include "nsinspect/scan.hpp"
#include "fixture_files.hpp"

using namespace nsinspect;

namespace {

using nsview::test::put;
using nsview::test::sh;
using nsview::test::TempDir;

const std::vector<std::string> kV1 = {"cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids", "systemd"};
const std::string kScope = "/machine.slice/machine-n1.scope";

// /proc/PID/{stat,cmdline,cgroup}; cgroup: hierarchy name ("unified" for 0::) -> path.
void proc(const std::string& root, int pid, int ppid, const std::string& comm, const std::vector<std::string>& argv,
          const std::map<std::string, std::string>& cg, uint64_t start) {
  const std::string d = root + "/proc/" + std::to_string(pid);
  put(d + "/stat", std::to_string(pid) + " (" + comm + ") S " + std::to_string(ppid) + " " + std::to_string(pid) + " " +
                       std::to_string(pid) + " 0 -1 4194560 100 0 0 0 7 3 0 0 20 0 1 0 " + std::to_string(start) +
                       " 1000000 250 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n");
  std::string cmdline;
  for (const auto& a : argv) cmdline += a + '\0';
  put(d + "/cmdline", cmdline);
  std::string lines;
  for (std::size_t i = kV1.size(); i-- > 0;) {
    const std::string& h = kV1[i];
    lines += std::to_string(i + 1) + ":" + (h == "systemd" ? "name=systemd" : h) + ":" + cg.at(h) + "\n";
  }
  lines += "0::" + cg.at("unified") + "\n";
  put(d + "/cgroup", lines);
}

std::map<std::string, std::string> everywhere(const std::string& path) {
  std::map<std::string, std::string> m;
  for (const auto& h : kV1) m[h] = path;
  m["unified"] = path;
  return m;
}

// nspawn's payload and supervisor: moved only in name=systemd and the unified tree.
std::map<std::string, std::string> nspawn_cg(const std::string& leaf) {
  auto m = everywhere("/");
  m["memory"] = "/session-7.scope";
  m["systemd"] = m["unified"] = kScope + "/" + leaf;
  return m;
}

const UsageRow* row(const UsageSample& s, const std::string& id) {
  for (const auto& r : s.rows)
    if (r.id == id) return &r;
  return nullptr;
}

}  // namespace

TEST_CASE("sampler: a container's values never come from a cgroup outside its own (nspawn on a hybrid host, LXC with a systemd guest)",
          "[sampler][fixture][containers]") {
  TempDir d;
  const std::string fx = std::string(NSVIEW_FIXTURES) + "/cgroup-v1";
  const std::string cg = d.path + "/sys/fs/cgroup";
  sh("mkdir -p " + d.path + "/proc/self");
  sh("cp " + fx + "/mountinfo-hybrid " + d.path + "/proc/self/mountinfo && cp " + fx + "/self-cgroup-hybrid " +
     d.path + "/proc/self/cgroup");
  put(d.path + "/proc/stat", "cpu  1 2 3 4\nbtime 1795770000\nprocesses 900\n");
  proc(d.path, 1, 0, "init", {"/sbin/init"}, everywhere("/init.scope"), 1);
  proc(d.path, 700, 1, "systemd-nspawn",
       {"systemd-nspawn", "--register=no", "--keep-unit", "-D", "/tmp/r", "-M", "n1", "/bin/sleep", "300"},
       nspawn_cg("supervisor"), 20000);
  proc(d.path, 701, 700, "sleep", {"/bin/sleep", "300"}, nspawn_cg("payload"), 20010);
  // Another nspawn an instant after its start: its child in the payload has not exec'd yet.
  auto n2cg = nspawn_cg("supervisor");
  n2cg["systemd"] = n2cg["unified"] = "/machine.slice/machine-n2.scope/supervisor";
  proc(d.path, 710, 1, "systemd-nspawn", {"systemd-nspawn", "--register=no", "--keep-unit", "-D", "/tmp/r2", "-M", "n2", "/bin/sh"}, n2cg, 21000);
  n2cg["systemd"] = n2cg["unified"] = "/machine.slice/machine-n2.scope/payload";
  proc(d.path, 711, 710, "systemd-nspawn", {"systemd-nspawn", "--register=no", "--keep-unit", "-D", "/tmp/r2", "-M", "n2", "/bin/sh"}, n2cg, 21001);
  proc(d.path, 600, 1, "lxc-start", {"[lxc monitor] /var/lib/lxc web01"}, everywhere("/lxc.monitor.web01"), 30000);
  proc(d.path, 601, 600, "systemd", {"/sbin/init"}, everywhere("/lxc.payload.web01/init.scope"), 30010);
  proc(d.path, 602, 601, "sshd", {"sshd"}, everywhere("/lxc.payload.web01/system.slice/ssh.service"), 30500);

  // Every hierarchy's directories, each with cgroup.procs.
  for (const auto& h : kV1) sh("mkdir -p " + cg + "/" + h);
  sh("mkdir -p " + cg + "/unified");
  auto dir = [&](const std::string& h, const std::string& path) {
    const std::string p = cg + "/" + h + path;
    sh("mkdir -p " + p + " && touch " + p + "/cgroup.procs");
    return p;
  };
  for (const std::string h : {"systemd", "unified"})
    for (const std::string leaf : {"", "/payload", "/supervisor"}) dir(h, kScope + leaf);
  for (const auto& h : kV1) {
    dir(h, "/");
    for (const std::string p : {"/lxc.payload.web01", "/lxc.payload.web01/init.scope", "/lxc.payload.web01/system.slice",
                                "/lxc.payload.web01/system.slice/ssh.service", "/lxc.monitor.web01"})
      dir(h, p);
  }
  dir("memory", "/session-7.scope");
  // Someone else's numbers: the root's cpu (a busy host) and the launcher's session memory.
  put(cg + "/cpuacct/cpuacct.usage", "900000000000000\n");
  put(cg + "/pids/pids.current", "412\n");
  put(cg + "/memory/session-7.scope/memory.usage_in_bytes", "338690048\n");
  put(cg + "/memory/session-7.scope/memory.limit_in_bytes", "9223372036854771712\n");
  put(cg + "/blkio/blkio.throttle.io_service_bytes", "8:0 Read 999999\n8:0 Write 999999\nTotal 1999998\n");
  // The container's own: the unified tree's core cpu.stat and pressure.
  const std::string payload = cg + "/unified" + kScope + "/payload";
  put(payload + "/cpu.stat", "usage_usec 1000000\nuser_usec 600000\nsystem_usec 400000\n");
  put(payload + "/cpu.pressure", "some avg10=1.50 avg60=0.00 avg300=0.00 total=10\nfull avg10=0.50 avg60=0.00 avg300=0.00 total=5\n");
  // LXC: the whole container is lxc.payload.web01, not init's init.scope.
  const std::string web = cg + "/cpuacct/lxc.payload.web01";
  put(web + "/cpuacct.usage", "5000000000\n");
  put(web + "/init.scope/cpuacct.usage", "1000000000\n");
  put(cg + "/memory/lxc.payload.web01/memory.usage_in_bytes", "41943040\n");
  put(cg + "/memory/lxc.payload.web01/init.scope/memory.usage_in_bytes", "4194304\n");
  put(cg + "/pids/lxc.payload.web01/pids.current", "7\n");
  put(cg + "/pids/lxc.payload.web01/init.scope/pids.current", "1\n");

  ScanOptions so;
  so.root = d.path;
  so.threads = so.fds = so.sockets = so.bind_mounts = so.netnsid = false;
  Snapshot snap = scan(so);
  const Container* n1 = container_by_id(snap, "n1");
  REQUIRE(n1);
  CHECK(n1->engine == "nspawn");
  CHECK(n1->cgroup == kScope + "/payload");
  CHECK(n1->init_pid == 701);
  CHECK(n1->monitor_pid == 700);
  CHECK(n1->hostname == "n1");  // nspawn's default: the machine name
  const Container* n2 = container_by_id(snap, "n2");
  REQUIRE(n2);
  CHECK(n2->init_pid == 711);  // a member, not a second monitor
  CHECK(n2->monitor_pid == 710);
  CHECK(n2->pids == std::vector<pid_t>{711});
  const Container* web01 = container_by_id(snap, "web01");
  REQUIRE(web01);
  CHECK(web01->cgroup == "/lxc.payload.web01");
  CHECK(web01->monitor_pid == 600);  // "[lxc monitor] /var/lib/lxc web01": one argv string
  CHECK(web01->pids == std::vector<pid_t>{601, 602});

  double clock = 10.0;
  SamplerOptions o;
  o.group = UsageGroup::container;
  o.root = d.path;
  o.clock = [&] { return clock; };
  Sampler sampler(o);
  auto first = sampler.sample();
  const UsageRow* a = row(first, "n1");
  REQUIRE(a);
  CHECK(a->cgroup == kScope + "/payload");
  CHECK_FALSE(a->mem_bytes);  // the session's 323 MiB are not the container's
  CHECK_FALSE(a->mem_limit.known());
  CHECK_FALSE(a->pids);       // nor the root's 412 tasks
  CHECK(a->psi_cpu_some == Approx(1.5));  // pressure of its own unified cgroup
  CHECK(a->sources.cpu == "unified");
  CHECK(a->sources.memory.empty());
  CHECK(a->sources.pids.empty());
  CHECK(a->sources.io.empty());
  CHECK(a->sources.pressure == "unified");
  std::map<std::string, std::string> outside;
  for (const auto& x : a->outside) outside[x.hierarchy] = x.path;
  CHECK(outside == std::map<std::string, std::string>{{"blkio", "/"}, {"cpu", "/"}, {"cpuacct", "/"},
                                                      {"memory", "/session-7.scope"}, {"pids", "/"}});
  const UsageRow* w = row(first, "web01");
  REQUIRE(w);
  CHECK(w->mem_bytes == 41943040u);  // lxc.payload.web01, not init.scope's 4 MiB
  CHECK(w->pids == 7u);
  CHECK(w->sources.cpu == "cpuacct");
  CHECK(w->sources.memory == "memory");
  CHECK(w->outside.empty());

  // The root's cpu grows by 100 s, the container's unified usage by 0.5 s in 2 s: 25 %.
  put(cg + "/cpuacct/cpuacct.usage", "900100000000000\n");
  put(payload + "/cpu.stat", "usage_usec 1500000\nuser_usec 900000\nsystem_usec 600000\n");
  put(web + "/cpuacct.usage", "7000000000\n");
  put(web + "/init.scope/cpuacct.usage", "1000000000\n");
  clock = 12.0;
  auto second = sampler.sample();
  a = row(second, "n1");
  REQUIRE(a);
  REQUIRE(a->cpu_pct);
  CHECK(*a->cpu_pct == Approx(25.0));
  CHECK_FALSE(a->io_read_bps);
  CHECK_FALSE(a->throttled_pct);
  w = row(second, "web01");
  REQUIRE(w);
  REQUIRE(w->cpu_pct);
  CHECK(*w->cpu_pct == Approx(100.0));  // 2 s in 2 s, counted over the whole container

  // The cgroup group merges by path: the payload has no cpuacct directory, so its cpu comes
  // from the unified tree that holds it, and the row says so.
  SamplerOptions og = o;
  og.group = UsageGroup::cgroup;
  og.cgroup_root = kScope;
  Sampler cgs(og);
  auto g1 = cgs.sample();
  const UsageRow* gp = row(g1, kScope + "/payload");
  REQUIRE(gp);
  CHECK(gp->container == "n1");
  CHECK(gp->sources.cpu == "unified");
  CHECK_FALSE(gp->mem_bytes);
  put(payload + "/cpu.stat", "usage_usec 2500000\nuser_usec 1500000\nsystem_usec 1000000\n");
  clock = 14.0;
  auto g2 = cgs.sample();
  gp = row(g2, kScope + "/payload");
  REQUIRE(gp);
  REQUIRE(gp->cpu_pct);
  CHECK(*gp->cpu_pct == Approx(50.0));
}
