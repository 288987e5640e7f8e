// scan(options, memo): what a rescan keeps from the one before must be what the kernel
// still says, checked against readlink and the mounts the test makes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <unistd.h>

#include "nsfixtures.hpp"
#include "nsinspect/scan.hpp"
#include "run.hpp"

using namespace nsinspect;
using namespace testsupport;

namespace {

ScanOptions memo_options() {
  ScanOptions o = scan_options_for(src_namespaces | src_bind_mounts | src_cgroups);
  o.uid_leaders_only = true;
  return o;
}

bool has_bind_holder(const Snapshot& s, NsInode ns, const std::string& path, NsInode mnt_ns) {
  const Namespace* n = s.ns(ns);
  if (!n) return false;
  return std::any_of(n->holders.begin(), n->holders.end(), [&](const Holder& h) {
    return h.kind == HolderKind::bind_mount && std::string(h.path) == path && h.mnt_ns == mnt_ns;
  });
}

// Every namespace link of pid as scanned equals the kernel's.
void check_links(const Snapshot& s, pid_t pid) {
  const Process* p = s.process(pid);
  REQUIRE(p);
  for (auto t : kAllNsTypes) {
    INFO("pid " << pid << " " << ns_type_name(t));
    CHECK(p->ns_of(t).value_or(0) == ns_inode(pid, std::string(ns_type_name(t))));
  }
}

}  // namespace

TEST_CASE("scan with a memo keeps a settled process's links and reads again one that exec'd into new namespaces",
          "[scan][memo][kernel]") {
  Child settled(std::vector<std::string>{"sleep", "1000"});
  // sh for 3 s, then unshare (a new name) enters a new UTS namespace and execs sleep.
  Child changes("sleep 3; exec unshare --uts sleep 1000");
  sleep_ms(2300);  // both settled (two seconds old) when the first scan reads them
  ScanMemo memo;
  auto first = scan(memo_options(), memo);
  CHECK(first.stats.processes_reused == 0);
  check_links(first, settled.pid());
  REQUIRE(first.process(changes.pid()));
  CHECK(first.process(changes.pid())->comm == "sh");
  const uint64_t host_uts = ns_inode(getpid(), "uts");
  REQUIRE(Child::wait_for([&] { return ns_inode(changes.pid(), "uts") != host_uts && ns_inode(changes.pid(), "uts"); }));
  REQUIRE(Child::wait_for([&] { return sh_out("cat /proc/" + std::to_string(changes.pid()) + "/comm") == "sleep"; }));

  auto second = scan(memo_options(), memo);
  // Most of the node's processes were kept, and these two are right either way.
  CHECK(second.stats.processes_reused > second.processes.size() / 2);
  check_links(second, settled.pid());
  check_links(second, changes.pid());
  CHECK(second.process(changes.pid())->ns_of(NsType::uts) != host_uts);
  const Namespace* uts = second.ns(ns_inode(changes.pid(), "uts"));
  REQUIRE(uts);
  CHECK(uts->pids == std::vector<pid_t>{changes.pid()});

  // After forget() nothing is kept.
  memo.forget();
  auto third = scan(memo_options(), memo);
  CHECK(third.stats.processes_reused == 0);
  CHECK(third.stats.mount_lists_reused == 0);
  check_links(third, changes.pid());
}

TEST_CASE("scan with a memo sees nsfs bind mounts made and removed since, in the host's and another mount namespace",
          "[scan][memo][kernel]") {
  // A mount namespace of the test's own, whose mounts do not propagate to the host's.
  Child priv("exec unshare --mount --propagation private sleep 1000");
  REQUIRE(Child::wait_for([&] { return ns_inode(priv.pid(), "mnt") != ns_inode(getpid(), "mnt"); }));
  const std::string ppid = std::to_string(priv.pid());
  const NsInode host_mnt = ns_inode(getpid(), "mnt"), priv_mnt = ns_inode(priv.pid(), "mnt");
  ScanMemo memo;
  auto first = scan(memo_options(), memo);
  CHECK(first.stats.mount_lists_reused == 0);

  // An unchanged node: every mount namespace's list is kept (where listmount is allowed).
  auto again = scan(memo_options(), memo);
  const bool listmount = again.stats.mount_lists_reused > 0;
  if (!listmount) WARN("listmount(2) unavailable or refused: every mountinfo was read");

  const std::string name = unique_name("memo");
  REQUIRE(sh("ip netns add " + name).status == 0);
  Cleanup del("ip netns del " + name + " 2>/dev/null");
  const std::string target = "/tmp/" + unique_name("memo-uts");
  REQUIRE(sh("touch " + target).status == 0);
  Cleanup rm("rm -f " + target);
  // In the private namespace only: the child's UTS namespace bound onto a file.
  REQUIRE(sh("nsenter -t " + ppid + " -m mount --bind /proc/" + ppid + "/ns/uts " + target).status == 0);
  const NsInode netns = path_inode("/run/netns/" + name), uts = ns_inode(priv.pid(), "uts");

  auto made = scan(memo_options(), memo);
  CHECK(has_bind_holder(made, netns, "/run/netns/" + name, host_mnt));
  CHECK(has_bind_holder(made, uts, target, priv_mnt));
  CHECK_FALSE(has_bind_holder(made, uts, target, host_mnt));
  if (listmount) CHECK(made.stats.mount_lists_reused + 2 <= again.stats.mount_lists_reused);

  REQUIRE(sh("ip netns del " + name).status == 0);
  REQUIRE(sh("nsenter -t " + ppid + " -m umount " + target).status == 0);
  auto removed = scan(memo_options(), memo);
  CHECK_FALSE(removed.ns(netns));
  CHECK_FALSE(has_bind_holder(removed, uts, target, priv_mnt));
  // Against a scan without a memo: the same namespaces and holders.
  auto full = scan(memo_options());
  std::vector<std::pair<NsInode, std::size_t>> a, b;
  for (auto& n : removed.namespaces) a.emplace_back(n.inode, n.holders.size());
  for (auto& n : full.namespaces) b.emplace_back(n.inode, n.holders.size());
  CHECK(a == b);
}
