// scan(): read a live system (or a tree shaped like one) into a Snapshot.
#pragma once

#include <string>

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

// Never throws for vanished processes or unreadable files; throws std::runtime_error only
// when root/proc itself cannot be opened.
Snapshot scan(const ScanOptions& options = {});

}  // namespace nsinspect
