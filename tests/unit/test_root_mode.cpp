// `--root /host` in a container: the scanner's own mountinfo already carries the root
// (mounts_below_root), the capability check from CapEff, and "host" claimed only when pid 1
// or a kernel thread was read (Snapshot::initial_ns).
#include <catch2/catch.hpp>

#include "nsinspect/capabilities.hpp"
#include "nsinspect/cgroups.hpp"
#include "nsinspect/snapshot.hpp"

using namespace nsinspect;

namespace {
// A podman container's mountinfo on this (hybrid) machine with the host's /sys/fs/cgroup
// mounted at /host/sys/fs/cgroup: its own cgroup mounts show only its own cgroup.
const char* kContainerMountinfo =
    "99 98 0:45 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
    "102 98 0:21 / /host/proc ro,relatime - proc proc rw\n"
    "109 101 0:49 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw,mode=755\n"
    "110 109 0:29 /libpod_parent/libpod-07 /sys/fs/cgroup/cpu ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,cpu\n"
    "113 109 0:32 /libpod_parent/libpod-07 /sys/fs/cgroup/memory ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,memory\n"
    "118 109 0:37 /libpod_parent/libpod-07 /sys/fs/cgroup/systemd ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,name=systemd\n"
    "119 98 0:28 / /host/sys/fs/cgroup ro,relatime - tmpfs tmpfs rw,mode=755\n"
    "120 119 0:29 / /host/sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "123 119 0:32 / /host/sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "150 119 0:37 / /host/sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "151 119 0:38 / /host/sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
    "152 98 0:60 / /hostile/sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n";
const char* kSelfCgroup =
    "9:name=systemd:/libpod_parent/libpod-07\n4:memory:/libpod_parent/libpod-07\n"
    "1:cpu:/libpod_parent/libpod-07\n8:pids:/libpod_parent/libpod-07\n0::/libpod_parent/libpod-07\n";
}  // namespace

TEST_CASE("mounts_below_root: a container's view of the host's cgroup mounts", "[cgroup][layout][root]") {
  auto all = procfs::parse_mountinfo(kContainerMountinfo);
  for (const char* root : {"/host", "/host/"}) {
    INFO(root);
    auto kept = mounts_below_root(all, root);
    std::vector<std::string> points;
    for (const auto& m : kept) points.push_back(m.mount_point);
    // The container's own /sys/fs/cgroup and /hostile are not below /host.
    CHECK(points == std::vector<std::string>{"/proc", "/sys/fs/cgroup", "/sys/fs/cgroup/cpu", "/sys/fs/cgroup/memory",
                                             "/sys/fs/cgroup/systemd", "/sys/fs/cgroup/unified"});
    auto l = detect_cgroup_layout(kept, procfs::parse_cgroup(kSelfCgroup));
    CHECK(l.mode == CgroupMode::hybrid);
    REQUIRE(l.index_of_controller("memory") >= 0);
    const auto& mem = l.hierarchies[static_cast<std::size_t>(l.index_of_controller("memory"))];
    CHECK(mem.mount_point == "/sys/fs/cgroup/memory");  // the reader prefixes /host once
    CHECK(mem.mount_root == "/");
    CHECK(mem.id == 4);
    CHECK(l.index_of_controller("pids") < 0);
  }
  // "/" keeps everything, as a scan of the host itself.
  CHECK(mounts_below_root(all, "/").size() == all.size());
  // Without the filter the layout picked /host/... and the reader made it /host/host/...
  auto unfiltered = detect_cgroup_layout(all, procfs::parse_cgroup(kSelfCgroup));
  CHECK(unfiltered.hierarchies[static_cast<std::size_t>(unfiltered.index_of_controller("memory"))].mount_point ==
        "/host/sys/fs/cgroup/memory");
}

TEST_CASE("capabilities: CapEff parsed, gaps named with what they hide", "[capabilities][root]") {
  CHECK(parse_cap_eff("Name:\tx\nCapInh:\t0000000000000000\nCapEff:\t000001fffeffffff\nCapBnd:\t0\n") ==
        0x000001fffeffffffULL);
  CHECK_FALSE(parse_cap_eff("Name:\tx\n"));
  CHECK_FALSE(parse_cap_eff("CapEff:\tzz\n"));
  // podman's default set: CHOWN DAC_OVERRIDE FOWNER FSETID KILL NET_BIND_SERVICE SETFCAP
  // SETGID SETPCAP SETUID SYS_CHROOT.
  const uint64_t podman_default = 0x00000000800405fbULL;
  auto gaps = capability_gaps(podman_default);
  REQUIRE(gaps.size() == 1);
  CHECK(gaps[0].name == "CAP_SYS_PTRACE");  // DAC_OVERRIDE covers DAC_READ_SEARCH
  CHECK(capability_summary(gaps).rfind("no CAP_SYS_PTRACE (hides the namespaces", 0) == 0);
  auto none = capability_gaps(0);
  REQUIRE(none.size() == 2);
  CHECK(none[1].name == "CAP_DAC_READ_SEARCH");
  CHECK(capability_gaps(0, true).back().name == "CAP_SYS_ADMIN");
  // The DaemonSet's set: SYS_PTRACE and DAC_READ_SEARCH only.
  CHECK(capability_gaps((1ULL << 19) | (1ULL << 2)).empty());
  CHECK(capability_gaps((1ULL << 19) | (1ULL << 2), true).size() == 1);
  CHECK(capability_summary({}).empty());
}

TEST_CASE("initial_ns: pid 1 or a kernel thread, never the lowest readable pid", "[snapshot][root]") {
  auto proc = [](pid_t pid, std::optional<NsInode> net, bool kthread = false) {
    Process p;
    p.pid = pid;
    p.kernel_thread = kthread;
    p.ns[index_of(NsType::net)] = net.value_or(0);  // 0: unreadable
    return p;
  };
  Snapshot s;
  // A container without CAP_SYS_PTRACE: pid 1 and kthreadd unreadable, its own process read.
  s.processes = {proc(1, std::nullopt), proc(2, std::nullopt, true), proc(4242, 4026532300)};
  s.reindex();
  CHECK_FALSE(s.initial_ns(NsType::net));
  // A supervisor's pid 1 that even root cannot read: kthreadd tells.
  s.processes = {proc(1, std::nullopt), proc(2, 4026531840, true), proc(4242, 4026532300)};
  s.reindex();
  CHECK(s.initial_ns(NsType::net) == 4026531840u);
  s.processes = {proc(1, 4026531833), proc(2, 4026531840, true)};
  s.reindex();
  CHECK(s.initial_ns(NsType::net) == 4026531833u);
  // hidepid: pid 1 absent, no kernel thread: unknown.
  s.processes = {proc(4242, 4026532300)};
  s.reindex();
  CHECK_FALSE(s.initial_ns(NsType::net));
}
