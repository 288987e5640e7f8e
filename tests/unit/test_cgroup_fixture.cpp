// A pure cgroup v2 host, from a fixture tree (this machine is hybrid): scan() with --root,
// the tree and membership, and every normalised reading against the fixture files.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "nsinspect/cgroups.hpp"
#include "nsinspect/json.hpp"
#include "nsinspect/scan.hpp"
#include "discovery/fs_util.hpp"
#include "fixture_files.hpp"

using namespace nsinspect;

namespace {
Snapshot fixture_snapshot() {
  ScanOptions o;
  o.root = std::string(NSVIEW_FIXTURES) + "/cgroup-v2-host";
  o.sockets = o.fds = o.bind_mounts = o.netnsid = o.hierarchy = o.containers = false;
  return scan(o);
}
}  // namespace

TEST_CASE("v2 fixture host: layout, tree, members, primary paths", "[cgroup][fixture]") {
  auto s = fixture_snapshot();
  const auto& ct = s.cgroup_tree;
  CHECK(ct.layout.mode == CgroupMode::unified);
  REQUIRE(ct.trees.size() == 1);
  const auto* t = ct.primary();
  REQUIRE(t);
  CHECK(t->nodes.size() == 8);
  CHECK(t->nodes[0].path == "/");
  const auto* nginx = t->find("/system.slice/nginx.service");
  REQUIRE(nginx);
  CHECK(nginx->pids == std::vector<pid_t>{812});
  CHECK(nginx->name() == "nginx.service");
  const auto* sys = t->find("/system.slice");
  REQUIRE(sys);
  REQUIRE(sys->children.size() == 2);
  CHECK(t->nodes[sys->children[0]].path == "/system.slice/empty.service");  // sorted by name
  CHECK(t->find("/user.slice/user-1000.slice/session-3.scope")->pids == std::vector<pid_t>{1400, 1401});
  REQUIRE(s.process(812));
  CHECK(s.process(812)->cgroup == "/system.slice/nginx.service");
  CHECK(s.process(1)->cgroup == "/init.scope");
  auto j = to_json(s);
  CHECK(j["cgroups"]["mode"] == "unified");
  CHECK(j["cgroups"]["hierarchies"][0]["cgroups"].size() == 8);
}

TEST_CASE("v2 fixture host: readings of every field, unknown distinct from zero", "[cgroup][fixture]") {
  auto s = fixture_snapshot();
  CgroupReader r(s.cgroup_tree.layout, s.root);
  auto h = r.open("/system.slice/nginx.service");
  auto rd = r.read(h, kCgAll);
  CHECK(rd.cpu_usage_ns == 2500000000u);
  CHECK(rd.cpu_user_ns == 1500000000u);
  CHECK(rd.cpu_system_ns == 1000000000u);
  CHECK(rd.cpu_periods == 40u);
  CHECK(rd.cpu_throttled_periods == 5u);
  CHECK(rd.cpu_throttled_ns == 120000000u);
  CHECK(rd.cpu_quota_us == Limit::of(50000));
  CHECK(rd.cpu_period_us == 100000u);
  CHECK(rd.cpu_weight == 100u);
  CHECK_FALSE(rd.cpu_shares);
  CHECK(rd.memory_current == 73400320u);
  CHECK(rd.memory_limit == Limit::of(536870912));
  CHECK(rd.memory_high.is_unlimited());
  CHECK(rd.swap_current == 4096u);
  CHECK(rd.oom_kills == 1u);
  REQUIRE(rd.memory_stat.size() == 5);
  CHECK(rd.memory_stat[0] == std::pair<std::string, uint64_t>{"anon", 41943040});
  CHECK(rd.io_read_bytes == 1049600u);
  CHECK(rd.io_write_bytes == 2097152u);
  CHECK(rd.io_read_ios == 11u);
  CHECK(rd.pids_current == 3u);
  CHECK(rd.pids_limit == Limit::of(64));
  REQUIRE(rd.memory_pressure.some);
  CHECK(rd.memory_pressure.some->avg10 == Approx(1.5));
  CHECK(rd.memory_pressure.full->total_us == 123u);
  CHECK(rd.populated == true);
  CHECK(rd.frozen == false);
  CHECK(rd.nr_descendants == 0u);
  CHECK_FALSE(r.vanished(h));

  // Only what is asked for is read.
  auto only = r.read(h, kCgPids);
  CHECK(only.pids_current == 3u);
  CHECK_FALSE(only.memory_current);
  CHECK_FALSE(only.cpu_usage_ns);
  // The fine bits read one file each (a new reader: nothing kept open yet).
  CgroupReader fine(s.cgroup_tree.layout, s.root);
  auto fh = fine.open("/system.slice/nginx.service");
  auto cur = fine.read(fh, kCgMemoryCurrent | kCgPidsCurrent | kCgCpuUsage);
  CHECK(cur.memory_current == 73400320u);
  CHECK_FALSE(cur.memory_limit.known());
  CHECK_FALSE(cur.swap_current);
  CHECK_FALSE(cur.oom_kills);
  CHECK(cur.pids_current == 3u);
  CHECK_FALSE(cur.pids_limit.known());
  CHECK(cur.cpu_usage_ns == 2500000000u);
  CHECK(fine.open_files() == 3);  // memory.current, pids.current, cpu.stat

  // The root has no memory.current or pids files: unknown, not zero; io.stat empty = 0.
  auto root = r.read(r.open("/"), kCgAll);
  CHECK(root.cpu_usage_ns == 90000000000u);
  CHECK_FALSE(root.memory_current);
  CHECK_FALSE(root.memory_limit.known());
  CHECK_FALSE(root.pids_current);
  CHECK(root.nr_dying_descendants == 1u);
  auto sess = r.read(r.open("/user.slice/user-1000.slice/session-3.scope"), kCgAll);
  CHECK(sess.io_read_bytes == 0u);
  CHECK(sess.cpu_quota_us.is_unlimited());
  CHECK(sess.memory_limit.is_unlimited());
  CHECK(sess.pids_limit.is_unlimited());
  CHECK(sess.oom_kills == 0u);

  // A cgroup that does not exist: everything unknown, vanished.
  auto gone = r.open("/system.slice/missing.service");
  CHECK(r.vanished(gone));
  CHECK_FALSE(r.read(gone, kCgAll).cpu_usage_ns);

  // Per-process handle: the process's own path.
  auto ph = r.open(s.process(812)->cgroups);
  CHECK(r.read(ph, kCgMemory).memory_current == 73400320u);
}

// A private copy of the pure-v2 fixture host on /tmp, removed at the end of the test (also
// when a REQUIRE fails), and its snapshot: for tests that change the fixture's files.
struct FixtureCopy {
  nsview::test::TempDir made{"nsview-cgfix"};
  const std::string& dir = made.path;
  Snapshot snapshot;
  FixtureCopy() {
    nsview::test::sh("cp -a " + std::string(NSVIEW_FIXTURES) + "/cgroup-v2-host/. " + dir);
    ScanOptions o;
    o.root = dir;
    o.sockets = o.fds = o.bind_mounts = o.netnsid = o.hierarchy = o.containers = false;
    snapshot = scan(o);
  }
};

TEST_CASE("a warm read sees new file contents (kept-open files are read again)", "[cgroup][fixture]") {
  // A private copy of the fixture host, so its files can change between reads.
  FixtureCopy fx;
  const std::string& dir = fx.dir;
  CgroupReader r(fx.snapshot.cgroup_tree.layout, dir);
  auto h = r.open("/system.slice/nginx.service");
  CHECK(r.read(h, kCgPids).pids_current == 3u);
  CHECK(r.open_files() == 2);  // pids.current, pids.max kept open
  const std::string file = dir + "/sys/fs/cgroup/system.slice/nginx.service/pids.current";
  {
    FILE* f = std::fopen(file.c_str(), "r+");  // same inode, new text, as a cgroup file changes
    REQUIRE(f);
    std::fputs("17\n", f);
    std::fclose(f);
  }
  CHECK(r.read(h, kCgPids).pids_current == 17u);
  CHECK(r.open_files() == 2);  // no new opens
}

TEST_CASE("kept limits (v2 names): a write to memory.max, memory.high, cpu.max, cpu.weight or pids.max shows", "[cgroup][fixture]") {
  // The fixture copy is on /tmp, whose writes raise inotify events as cgroupfs's do.
  FixtureCopy fx;
  const std::string& dir = fx.dir;
  CgroupReader r(fx.snapshot.cgroup_tree.layout, dir);
  r.set_keep_limits(true);
  auto h = r.open("/system.slice/nginx.service");
  const std::string cg = dir + "/sys/fs/cgroup/system.slice/nginx.service/";
  auto put = [&](const std::string& file, const char* text) {
    FILE* f = std::fopen((cg + file).c_str(), "w");
    REQUIRE(f);
    std::fputs(text, f);
    std::fclose(f);
    usleep(20000);  // a write shows at a read 10 ms or more after it
  };
  auto a = r.read(h, kCgAll);
  CHECK(a.memory_limit.value == 536870912u);
  CHECK(a.memory_high.is_unlimited());
  CHECK(a.cpu_quota_us.value == 50000u);
  CHECK(a.pids_limit.value == 64u);
  CHECK(r.kept_limits() == 1);
  // A file that is no limit: the limits stay kept, the file is read.
  put("memory.current", "1234\n");
  a = r.read(h, kCgAll);
  CHECK(a.memory_current == 1234u);
  CHECK(a.memory_limit.value == 536870912u);
  CHECK(r.kept_limits() == 1);
  put("memory.max", "1048576\n");
  CHECK(r.read(h, kCgAll).memory_limit.value == 1048576u);
  put("memory.high", "524288\n");
  CHECK(r.read(h, kCgAll).memory_high.value == 524288u);
  put("cpu.max", "max 100000\n");
  CHECK(r.read(h, kCgAll).cpu_quota_us.is_unlimited());
  put("cpu.weight", "250\n");
  CHECK(r.read(h, kCgAll).cpu_weight == 250u);
  put("pids.max", "max\n");
  CHECK(r.read(h, kCgAll).pids_limit.is_unlimited());
  CHECK(r.kept_limits() == 1);
}

TEST_CASE("kept limits: a limit written while the inotify queue overflowed still shows", "[cgroup][fixture]") {
  FixtureCopy fx;
  CgroupReader r(fx.snapshot.cgroup_tree.layout, fx.dir);
  r.set_keep_limits(true);
  auto h = r.open("/system.slice/nginx.service");
  CHECK(r.read(h, kCgAll).memory_limit.value == 536870912u);
  CHECK(r.kept_limits() == 1);
  // More events than a queue holds (fs.inotify.max_queued_events), so the kernel drops the
  // limit's event and queues an overflow instead. Writes alternate between two files: an
  // event identical to the one before it is merged into it.
  long max_queued = 16384;
  if (FILE* f = std::fopen("/proc/sys/fs/inotify/max_queued_events", "re")) {
    REQUIRE(std::fscanf(f, "%ld", &max_queued) == 1);
    std::fclose(f);
  }
  const std::string cg = fx.dir + "/sys/fs/cgroup/system.slice/nginx.service/";
  nsinspect::detail::Fd cur(::open((cg + "memory.current").c_str(), O_WRONLY | O_CLOEXEC)),
      pids(::open((cg + "pids.current").c_str(), O_WRONLY | O_CLOEXEC));
  REQUIRE(cur);
  REQUIRE(pids);
  long written = 0;
  for (long i = 0; i <= max_queued; ++i) written += ::pwrite(i % 2 ? cur.get() : pids.get(), "1\n", 2, 0) == 2;
  REQUIRE(written == max_queued + 1);
  nsview::test::put(cg + "memory.max", "1048576\n");
  usleep(20000);  // a write shows at a read 10 ms or more after it
  CHECK(r.read(h, kCgAll).memory_limit.value == 1048576u);
  CHECK(r.kept_limits() == 1);  // kept again after that read
}

TEST_CASE("a v1 hierarchy of unknown id is never read at the v2 line's path", "[cgroup][fixture]") {
  // A v1 pids hierarchy that /proc/self/cgroup did not list has id 0, the v2 line's: a
  // process's "0::/u" was read in it, as if /u of the pids hierarchy were its cgroup.
  char tmpl[] = "/tmp/nsview-cgv1id-XXXXXX";
  REQUIRE(mkdtemp(tmpl));
  std::string dir = tmpl;
  struct Rm {
    std::string d;
    ~Rm() { (void)std::system(("rm -rf " + d).c_str()); }
  } rm{dir};
  REQUIRE(std::system(("mkdir -p " + dir + "/sys/fs/cgroup/pids/u " + dir + "/sys/fs/cgroup/unified/u && echo 5 > " +
                       dir + "/sys/fs/cgroup/pids/u/pids.current")
                          .c_str()) == 0);
  std::string mi = "30 25 0:26 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n"
                   "31 25 0:27 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n";
  auto layout = detect_cgroup_layout(procfs::parse_mountinfo(mi), procfs::parse_cgroup("0::/\n"), "");
  REQUIRE(layout.hierarchies.size() == 2);
  REQUIRE(layout.hierarchies[0].id == 0);  // not in /proc/self/cgroup
  CgroupReader r(layout, dir);
  auto h = r.open(procfs::parse_cgroup("0::/u\n"));
  CHECK_FALSE(r.read(h, kCgPidsCurrent).pids_current);
  // With its id known, the same hierarchy is read at the process's own line.
  layout.hierarchies[0].id = 4;
  CgroupReader known(layout, dir);
  auto k = known.open(procfs::parse_cgroup("4:pids:/u\n0::/u\n"));
  CHECK(known.read(k, kCgPidsCurrent).pids_current == 5u);
}
