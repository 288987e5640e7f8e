// The Sampler on private copies of the fixture trees (v2 host, and a hybrid v1 tree built
// from the v1 fixture files): counters edited between two samples with an injected clock
// give exactly the expected rates; the first sample and a recreated cgroup give unknown.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <stdlib.h>
#include <unistd.h>

#include "nsinspect/sampler.hpp"
#include "fixture_files.hpp"

using namespace nsinspect;

namespace {

using nsview::test::put;
using nsview::test::sh;
using nsview::test::TempDir;

const UsageRow* row(const UsageSample& s, const std::string& id) {
  for (const auto& r : s.rows)
    if (r.id == id) return &r;
  return nullptr;
}

}  // namespace

TEST_CASE("sampler names and groups", "[sampler]") {
  CHECK(usage_group_name(UsageGroup::ns) == "namespace");
  CHECK(parse_usage_group("pod") == UsageGroup::pod);
  CHECK(parse_usage_group("namespace") == UsageGroup::ns);
  CHECK_FALSE(parse_usage_group("ns"));
  SamplerOptions o;
  o.group = UsageGroup::process;
  Sampler s(o);
  CHECK(s.scan_options().usage);
  CHECK_FALSE(s.scan_options().cgroup_tree);
  o.group = UsageGroup::cgroup;
  CHECK_FALSE(Sampler(o).scan_options().cgroup_tree);  // it walks the hierarchies itself
  CHECK_FALSE(Sampler(o).scan_options().namespaces);
  CHECK_FALSE(Sampler(o).scan_options().usage);
  // No row shows a command line: none is read for every process (monitors' are read by
  // container identification itself).
  for (auto g : {UsageGroup::container, UsageGroup::pod, UsageGroup::cgroup, UsageGroup::ns, UsageGroup::process}) {
    o.group = g;
    CHECK_FALSE(Sampler(o).scan_options().cmdline);
  }
}

TEST_CASE("sampler on a v2 fixture: exact rates, first sample unknown, recreated cgroup starts again", "[sampler][fixture]") {
  TempDir d;
  sh("cp -a " + std::string(NSVIEW_FIXTURES) + "/cgroup-v2-host/. " + d.path);
  double clock = 100.0;
  SamplerOptions o;
  o.group = UsageGroup::cgroup;
  o.root = d.path;
  o.clock = [&] { return clock; };
  Sampler sampler(o);

  auto first = sampler.sample();
  CHECK(first.interval_s == 0);
  CHECK(first.group == UsageGroup::cgroup);
  REQUIRE(first.rows.size() == 8);
  // Tree order: parents before children, depth-first by name.
  CHECK(first.rows[0].id == "/");
  CHECK(first.rows[0].depth == 0);
  CHECK(first.rows[1].id == "/init.scope");
  CHECK(first.rows[2].id == "/system.slice");
  CHECK(first.rows[3].id == "/system.slice/empty.service");
  CHECK(first.rows[3].depth == 2);
  CHECK(first.rows[4].id == "/system.slice/nginx.service");
  const UsageRow* n1 = row(first, "/system.slice/nginx.service");
  REQUIRE(n1);
  CHECK_FALSE(n1->cpu_pct);
  CHECK_FALSE(n1->io_read_bps);
  CHECK_FALSE(n1->throttled_pct);
  CHECK_FALSE(n1->oom_kills);
  CHECK(n1->mem_bytes == 73400320u);
  CHECK(n1->mem_limit == Limit::of(536870912));
  CHECK(*n1->mem_pct == Approx(100.0 * 73400320 / 536870912));
  CHECK(n1->pids == 3u);
  CHECK(n1->pids_limit == Limit::of(64));
  CHECK(n1->nprocs == 1);
  REQUIRE(n1->psi_mem_some);
  CHECK(*n1->psi_mem_some == Approx(1.5));

  const std::string nginx = d.path + "/sys/fs/cgroup/system.slice/nginx.service";
  put(nginx + "/cpu.stat",
      "usage_usec 4000000\nuser_usec 2500000\nsystem_usec 1500000\nnr_periods 60\nnr_throttled 10\n"
      "throttled_usec 220000\nnr_bursts 0\nburst_usec 0\n");
  put(nginx + "/io.stat",
      "8:0 rbytes=1049600 wbytes=2101248 rios=11 wios=21 dbytes=0 dios=0\n"
      "253:0 rbytes=1024 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n");
  put(nginx + "/memory.events", "low 0\nhigh 0\nmax 2\noom 3\noom_kill 3\noom_group_kill 0\n");
  put(nginx + "/memory.current", "83886080\n");
  clock = 102.0;
  auto second = sampler.sample();
  CHECK(second.interval_s == Approx(2.0));
  const UsageRow* n2 = row(second, "/system.slice/nginx.service");
  REQUIRE(n2);
  REQUIRE(n2->cpu_pct);
  CHECK(*n2->cpu_pct == Approx(75.0));         // 1.5 s of cpu in 2 s
  REQUIRE(n2->throttled_pct);
  CHECK(*n2->throttled_pct == Approx(25.0));   // 5 of 20 periods
  CHECK(n2->oom_kills == 2u);
  REQUIRE(n2->io_read_bps);
  CHECK(*n2->io_read_bps == Approx(512.0));    // 1024 bytes in 2 s
  CHECK(*n2->io_write_bps == Approx(2048.0));  // 4096 bytes in 2 s
  CHECK(n2->mem_bytes == 83886080u);
  // Unchanged counters: a known 0, not unknown.
  const UsageRow* sess = row(second, "/user.slice/user-1000.slice/session-3.scope");
  REQUIRE(sess);
  REQUIRE(sess->cpu_pct);
  CHECK(*sess->cpu_pct == 0.0);

  // Recreated under the same path: a new directory inode, no delta across the two.
  sh("mv " + nginx + " " + nginx + ".old && cp -a " + nginx + ".old " + nginx + " && rm -rf " + nginx + ".old");
  put(nginx + "/cpu.stat", "usage_usec 9000000\nnr_periods 90\nnr_throttled 10\nthrottled_usec 0\n");
  clock = 104.0;
  auto third = sampler.sample();
  const UsageRow* n3 = row(third, "/system.slice/nginx.service");
  REQUIRE(n3);
  CHECK_FALSE(n3->cpu_pct);
  CHECK_FALSE(n3->throttled_pct);
  CHECK_FALSE(n3->oom_kills);
  CHECK(n3->mem_bytes == 83886080u);
  // ... and the next sample rates against the new cgroup.
  put(nginx + "/cpu.stat", "usage_usec 9500000\nnr_periods 100\nnr_throttled 10\nthrottled_usec 0\n");
  clock = 105.0;
  auto fourth = sampler.sample();
  const UsageRow* n4 = row(fourth, "/system.slice/nginx.service");
  REQUIRE(n4);
  REQUIRE(n4->cpu_pct);
  CHECK(*n4->cpu_pct == Approx(50.0));
  CHECK(*n4->throttled_pct == Approx(0.0));

  // A removed cgroup disappears without error; depth and root limit the tree.
  sh("rm -rf " + d.path + "/sys/fs/cgroup/system.slice/empty.service");
  clock = 106.0;
  auto fifth = sampler.sample();
  CHECK_FALSE(row(fifth, "/system.slice/empty.service"));
  CHECK(fifth.rows.size() == 7);
  SamplerOptions o2 = o;
  o2.cgroup_root = "/system.slice";
  o2.cgroup_depth = 0;
  auto only = Sampler(o2).sample();
  REQUIRE(only.rows.size() == 1);
  CHECK(only.rows[0].id == "/system.slice");
}

TEST_CASE("sampler on a hybrid v1 fixture: exact rates from cpuacct, cpu.stat, memory, blkio, pids", "[sampler][fixture]") {
  TempDir d;
  const std::string fx = std::string(NSVIEW_FIXTURES) + "/cgroup-v1";
  const std::string cg = d.path + "/sys/fs/cgroup";
  sh("mkdir -p " + d.path + "/proc/self");
  sh("cp " + fx + "/mountinfo-hybrid " + d.path + "/proc/self/mountinfo && cp " + fx + "/self-cgroup-hybrid " +
     d.path + "/proc/self/cgroup");
  for (std::string h : {"cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids", "systemd", "unified"})
    sh("mkdir -p " + cg + "/" + h + "/app && touch " + cg + "/" + h + "/app/cgroup.procs " + cg + "/" + h + "/cgroup.procs");
  sh("cp " + fx + "/cpu.stat " + fx + "/cpu.cfs_quota_us " + fx + "/cpu.cfs_period_us " + cg + "/cpu/app/");
  sh("cp " + fx + "/cpuacct.usage " + fx + "/cpuacct.stat " + cg + "/cpuacct/app/");
  sh("cp " + fx + "/memory.usage_in_bytes " + fx + "/memory.limit_in_bytes " + fx + "/memory.oom_control " + cg + "/memory/app/");
  sh("cp " + fx + "/blkio.throttle.io_service_bytes " + fx + "/blkio.throttle.io_serviced " + cg + "/blkio/app/");
  sh("cp " + fx + "/pids.current " + fx + "/pids.max " + cg + "/pids/app/");

  double clock = 10.0;
  SamplerOptions o;
  o.group = UsageGroup::cgroup;
  o.root = d.path;
  o.clock = [&] { return clock; };
  Sampler sampler(o);
  auto first = sampler.sample();
  REQUIRE(first.rows.size() == 2);
  CHECK(first.rows[0].id == "/");
  const UsageRow* a1 = row(first, "/app");
  REQUIRE(a1);
  CHECK(a1->depth == 1);
  CHECK_FALSE(a1->cpu_pct);
  CHECK(a1->mem_bytes == 52428800u);
  CHECK(a1->mem_limit == Limit::of(268435456));
  CHECK(*a1->mem_pct == Approx(19.53125));
  CHECK(a1->pids == 12u);
  CHECK(a1->pids_limit.is_unlimited());
  CHECK_FALSE(a1->psi_cpu_some);  // no pressure files in v1

  put(cg + "/cpuacct/app/cpuacct.usage", "1237567890123\n");
  put(cg + "/cpu/app/cpu.stat", "nr_periods 220\nnr_throttled 32\nthrottled_time 950000000\n");
  put(cg + "/memory/app/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 5\n");
  put(cg + "/blkio/app/blkio.throttle.io_service_bytes",
      "8:16 Read 14336\n8:16 Write 12288\n8:16 Total 26624\n8:0 Read 1000\n8:0 Write 0\n8:0 Total 1000\nTotal 27624\n");
  clock = 12.0;
  auto second = sampler.sample();
  const UsageRow* a2 = row(second, "/app");
  REQUIRE(a2);
  REQUIRE(a2->cpu_pct);
  CHECK(*a2->cpu_pct == Approx(150.0));  // 3 s of cpu in 2 s: one and a half cores
  CHECK(*a2->throttled_pct == Approx(25.0));
  CHECK(a2->oom_kills == 2u);
  CHECK(*a2->io_read_bps == Approx(5120.0));
  CHECK(*a2->io_write_bps == Approx(2048.0));

  // Fine fields (what `top` asks for its default cgroup columns): only their files are read,
  // the rest stays unknown, and the cpu hierarchy (throttling only) is not walked at all.
  SamplerOptions fine = o;
  fine.fields = kCgCpuUsage | kCgMemoryCurrent | kCgPidsCurrent;
  Sampler lean(fine);
  lean.sample();
  put(cg + "/cpuacct/app/cpuacct.usage", "1238567890123\n");
  clock = 14.0;
  auto l2 = lean.sample();
  const UsageRow* a3 = row(l2, "/app");
  REQUIRE(a3);
  REQUIRE(a3->cpu_pct);
  CHECK(*a3->cpu_pct == Approx(50.0));  // 1 s of cpu in 2 s
  CHECK(a3->mem_bytes == 52428800u);
  CHECK(a3->pids == 12u);
  CHECK_FALSE(a3->mem_limit.known());
  CHECK_FALSE(a3->mem_pct);
  CHECK_FALSE(a3->pids_limit.known());
  CHECK_FALSE(a3->throttled_pct);
  CHECK_FALSE(a3->oom_kills);
  CHECK_FALSE(a3->io_read_bps);
  // A cgroup only in the cpu hierarchy supplies none of these fields: no row.
  sh("mkdir " + cg + "/cpu/only-cpu && touch " + cg + "/cpu/only-cpu/cgroup.procs && cp " + fx + "/cpu.stat " + cg +
     "/cpu/only-cpu/");
  auto lean3 = lean.sample(), full3 = sampler.sample();
  CHECK_FALSE(row(lean3, "/only-cpu"));
  CHECK(row(full3, "/only-cpu"));  // the full sampler reads cpu.stat there
}

TEST_CASE("sampler on the proc fixture: process and namespace groups from stat, status and io", "[sampler][fixture]") {
  TempDir d;
  sh("cp -a " + std::string(NSVIEW_FIXTURES) + "/proc-host/. " + d.path);
  const std::string p400 = d.path + "/proc/400";
  put(p400 + "/io", "rchar: 10\nwchar: 10\nsyscr: 1\nsyscw: 1\nread_bytes: 4096\nwrite_bytes: 0\ncancelled_write_bytes: 0\n");
  const long hz = sysconf(_SC_CLK_TCK);
  double clock = 50.0;
  SamplerOptions o;
  o.root = d.path;
  o.clock = [&] { return clock; };
  o.group = UsageGroup::process;
  Sampler procs(o);
  o.group = UsageGroup::ns;
  o.ns_type = NsType::pid;
  Sampler nss(o);
  auto p1 = procs.sample();
  auto n1 = nss.sample();
  REQUIRE(p1.rows.size() == 3);
  const UsageRow* r400 = row(p1, "400");
  REQUIRE(r400);
  CHECK(r400->name == "sleep");
  CHECK(r400->pid == 400);
  CHECK_FALSE(r400->cpu_pct);
  CHECK(r400->pids == 1u);
  const UsageRow* ns400 = row(n1, "pid:4026532300");
  REQUIRE(ns400);
  CHECK(ns400->name == "pid:[4026532300]");
  CHECK(ns400->nprocs == 1);
  CHECK(ns400->pid == 400);
  CHECK_FALSE(ns400->cpu_pct);

  // utime 7 -> 7 + hz, stime 3 -> 3 + hz: two seconds of cpu in four seconds = 50%.
  put(p400 + "/stat", "400 (sleep) S 300 400 400 0 -1 4194560 100 0 0 0 " + std::to_string(7 + hz) + " " +
                          std::to_string(3 + hz) + " 0 0 20 0 1 0 400 1000000 250 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n");
  put(p400 + "/io", "rchar: 10\nwchar: 10\nsyscr: 1\nsyscw: 1\nread_bytes: 12288\nwrite_bytes: 4096\ncancelled_write_bytes: 0\n");
  clock = 54.0;
  auto p2 = procs.sample();
  auto n2 = nss.sample();
  r400 = row(p2, "400");
  REQUIRE(r400);
  REQUIRE(r400->cpu_pct);
  CHECK(*r400->cpu_pct == Approx(50.0));
  REQUIRE(r400->io_read_bps);
  CHECK(*r400->io_read_bps == Approx(2048.0));
  CHECK(*r400->io_write_bps == Approx(1024.0));
  const UsageRow* r1 = row(p2, "1");
  REQUIRE(r1);
  REQUIRE(r1->cpu_pct);
  CHECK(*r1->cpu_pct == 0.0);
  CHECK_FALSE(r1->io_read_bps);  // no io file: unknown
  ns400 = row(n2, "pid:4026532300");
  REQUIRE(ns400);
  REQUIRE(ns400->cpu_pct);
  CHECK(*ns400->cpu_pct == Approx(50.0));
  CHECK(*ns400->io_read_bps == Approx(2048.0));

  // The same pid with a new start time is a new process: no delta.
  put(p400 + "/stat", "400 (sleep) S 300 400 400 0 -1 4194560 100 0 0 0 900 900 0 0 20 0 1 0 999 1000000 250 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n");
  clock = 56.0;
  auto p3 = procs.sample();
  REQUIRE(row(p3, "400"));
  CHECK_FALSE(row(p3, "400")->cpu_pct);
}

TEST_CASE("sampler: containers rescan /proc when a container-shaped cgroup comes or goes, not for other cgroups", "[sampler][fixture]") {
  TempDir d;
  sh("cp -a " + std::string(NSVIEW_FIXTURES) + "/cgroup-v2-host/. " + d.path);
  const std::string cg = d.path + "/sys/fs/cgroup";
  double clock = 100.0;
  SamplerOptions o;
  o.group = UsageGroup::container;
  o.root = d.path;
  o.clock = [&] { return clock; };
  o.rescan_seconds = 1000;  // no timed rescan in this test until the clock says so
  Sampler sampler(o);
  auto first = sampler.sample();
  REQUIRE(first.snapshot);
  CHECK(first.rows.empty());
  CHECK(sampler.sample().snapshot == first.snapshot);  // nothing changed: the same scan

  // A cron job's cgroup with a process in it: no container, no scan.
  put(cg + "/system.slice/cron-job.service/cgroup.procs", "1500\n");
  put(d.path + "/proc/1500/stat", "1500 (backup) S 1 1500 1500 0 -1 4194560 0 0 0 0 1 1 0 0 20 0 1 0 5000 0 0\n");
  put(d.path + "/proc/1500/cmdline", std::string("backup\0", 7));
  put(d.path + "/proc/1500/cgroup", "0::/system.slice/cron-job.service\n");
  clock += 1;
  auto job = sampler.sample();
  CHECK(job.snapshot == first.snapshot);
  sh("rm -rf " + cg + "/system.slice/cron-job.service " + d.path + "/proc/1500");
  clock += 1;
  CHECK(sampler.sample().snapshot == first.snapshot);

  // A docker container's cgroup: scanned at once, and its row is there.
  const std::string id(64, 'a');
  const std::string scope = "/system.slice/docker-" + id + ".scope";
  put(cg + scope + "/cgroup.procs", "1600\n");
  put(cg + scope + "/memory.current", "4096\n");
  put(cg + scope + "/cpu.stat", "usage_usec 1000000\n");
  put(d.path + "/proc/1600/stat", "1600 (nginx) S 1 1600 1600 0 -1 4194560 0 0 0 0 1 1 0 0 20 0 1 0 6000 0 0\n");
  put(d.path + "/proc/1600/cmdline", std::string("nginx\0", 6));
  put(d.path + "/proc/1600/cgroup", "0::" + scope + "\n");
  clock += 1;
  auto started = sampler.sample();
  CHECK(started.snapshot != first.snapshot);
  REQUIRE(started.rows.size() == 1);
  CHECK(started.rows[0].id == id);
  CHECK(started.rows[0].cgroup == scope);
  CHECK(started.rows[0].mem_bytes == 4096u);
  CHECK_FALSE(started.rows[0].cpu_pct);  // a first sample has no rate
  put(cg + scope + "/cpu.stat", "usage_usec 1500000\n");
  clock += 1;
  auto rated = sampler.sample();
  CHECK(rated.snapshot == started.snapshot);
  REQUIRE(rated.rows.size() == 1);
  REQUIRE(rated.rows[0].cpu_pct);
  CHECK(*rated.rows[0].cpu_pct == Approx(50.0));  // 0.5 s in 1 s

  // Its cgroup recreated under the same path (a restart keeps the id): a new history, no
  // delta across the two (that would be 750%), and the next sample rates the new cgroup.
  sh("mv " + cg + scope + " " + cg + scope + ".old && cp -a " + cg + scope + ".old " + cg + scope + " && rm -rf " + cg +
     scope + ".old");
  put(cg + scope + "/cpu.stat", "usage_usec 9000000\n");
  clock += 1;
  auto restarted = sampler.sample();
  REQUIRE(restarted.rows.size() == 1);
  CHECK_FALSE(restarted.rows[0].cpu_pct);
  put(cg + scope + "/cpu.stat", "usage_usec 9250000\n");
  clock += 1;
  auto after = sampler.sample();
  REQUIRE(after.rows.size() == 1);
  REQUIRE(after.rows[0].cpu_pct);
  CHECK(*after.rows[0].cpu_pct == Approx(25.0));

  // It ends: its cgroup goes, the next sample scans and the row is gone.
  sh("rm -rf " + cg + scope + " " + d.path + "/proc/1600");
  clock += 1;
  auto ended = sampler.sample();
  CHECK(ended.snapshot != started.snapshot);
  CHECK(ended.rows.empty());

  // The timed rescan still comes.
  clock += 1000;
  CHECK(sampler.sample().snapshot != ended.snapshot);
}
