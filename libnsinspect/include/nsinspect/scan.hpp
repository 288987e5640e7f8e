// scan(): read a live system (or a tree shaped like one) into a Snapshot.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>
#include <sys/types.h>

#include "nsinspect/snapshot.hpp"

namespace nsinspect {

// Every discovery source can be switched off; a view turns off what it does not show.
struct ScanOptions {
  std::string root = "/";        // read root + "/proc", root + "/etc/passwd"
  bool cmdline = true;           // /proc/PID/cmdline
  bool cmdline_leaders_only = false;  // ...only for each namespace's lowest pid (what list shows)
  bool uid_leaders_only = false;      // Process::uid only for each namespace's lowest pid
  bool status = true;            // /proc/PID/status: NSpid chain
  bool cgroups = true;           // /proc/PID/cgroup lines
  bool cgroup_tree = true;       // walk every hierarchy into Snapshot::cgroup_tree (needs cgroups)
  bool threads = true;           // /proc/PID/task/*/ns/* for processes with more than one thread
  bool fds = true;               // nsfs file descriptors in /proc/PID/fd
  bool sockets = true;           // network namespace of every socket (pidfd_getfd + SIOCGSKNS)
  bool bind_mounts = true;       // nsfs mounts in the mountinfo of every mount namespace
  bool hierarchy = true;         // NS_GET_PARENT / NS_GET_USERNS / NS_GET_OWNER_UID, hidden ancestors
  bool netnsid = true;           // RTM_GETNSID over netlink
  bool users = true;             // uid -> name from root/etc/passwd
  bool containers = true;        // identify containers and pods (needs cgroups)
  bool namespaces = true;        // /proc/PID/ns/* links (off: Process::ns stays unknown, no Namespace)
  bool usage = false;            // Process cpu_ticks, rss_bytes (status), io bytes (/proc/PID/io)
};

// What two readers need together: every source either needs, leader-only reads only when
// both are content with them. The TUI merges a view's needs with its sampler's this way.
// A new ScanOptions field must be merged here (it will not compile until it is).
ScanOptions merge(ScanOptions a, const ScanOptions& b);

// The sources of ScanOptions as flags, so that what a view reads can be the union of what
// its columns need (each column of the views layer names its sources). Leader-only reads
// and the root are the view's choice, set on the ScanOptions afterwards.
enum Source : uint32_t {
  src_cmdline = 1u << 0,
  src_status = 1u << 1,
  src_cgroups = 1u << 2,
  src_cgroup_tree = 1u << 3,
  src_threads = 1u << 4,
  src_fds = 1u << 5,
  src_sockets = 1u << 6,
  src_bind_mounts = 1u << 7,
  src_hierarchy = 1u << 8,
  src_netnsid = 1u << 9,
  src_users = 1u << 10,
  src_containers = 1u << 11,
  src_namespaces = 1u << 12,
  src_usage = 1u << 13,
};
using Sources = uint32_t;

// Presets: what a kind of view reads before any column adds to it.
// Every namespace a process, thread, fd, socket or bind mount holds (list, the TUI's
// namespaces), with the ancestors nobody holds.
inline constexpr Sources kFindAllNamespaces =
    src_namespaces | src_threads | src_fds | src_sockets | src_bind_mounts | src_hierarchy;
// Containers and pods of every engine (ps, the TUI's containers): found from cgroups.
inline constexpr Sources kFindContainers = src_cgroups | src_containers;

// ScanOptions that read exactly the given sources (containers imply cgroups, which they are
// found from), from `root`.
ScanOptions scan_options_for(Sources sources, std::string root = "/");

// Never throws for vanished processes or unreadable files; throws std::runtime_error only
// when root/proc itself cannot be opened.
Snapshot scan(const ScanOptions& options = {});

// What a scan keeps for the next scan with the same options (a sampler's rescans), so that
// what cannot have changed since is not read again. One per sequence of scans; not shared
// between threads.
class ScanMemo {
 public:
  ScanMemo();
  ~ScanMemo();
  ScanMemo(ScanMemo&&) noexcept;
  ScanMemo& operator=(ScanMemo&&) noexcept;
  // The next scan reads everything again (see scan(options, memo)).
  void forget();

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// scan() that takes from the memo what the scan that filled it read, where it cannot have
// changed, and fills it for the next:
// - A process seen then with the same pid, start time and name (comm), at least two seconds
//   after it started, keeps the namespace links read then. Only the process itself changes
//   them (setns, unshare), and tools do so right after they start and before they exec
//   (unshare, nsenter, ip netns exec, runc init): inside that window, or under a new name.
//   A long-running process that calls setns(2) keeps its old links until forget().
// - A mount namespace whose mount ids (listmount(2), Linux 6.11+) are the ones it had then
//   keeps its nsfs bind mounts without its mountinfo being read: mount ids are never reused.
//   (A mount moved elsewhere keeps its id: its new path shows after forget().)
//   Where listmount is missing or refused, every mountinfo is read, as scan() does.
// Counted in ScanStats::processes_reused and mount_lists_reused.
Snapshot scan(const ScanOptions& options, ScanMemo& memo);

// The same reads for the listed processes only (ROOT/proc is not listed): a snapshot of part
// of the node, for a question about a few processes already known by pid. Pids that do not
// exist are skipped as vanished ones are.
Snapshot scan_pids(const ScanOptions& options, std::vector<pid_t> pids);

}  // namespace nsinspect
