// The snapshot graph: one immutable picture of namespaces and processes built by scan().
// Views (list, tree, ps, top, the TUI, JSON) only read it.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>
#include <sys/types.h>

#include "nsinspect/cgroups.hpp"
#include "nsinspect/containers.hpp"
#include "nsinspect/procfs.hpp"
#include "nsinspect/types.hpp"

namespace nsinspect {

// Files of a process that could not be read for lack of permission (EACCES/EPERM): the
// value stays unknown. A process that exits during the scan is not "unreadable": it is
// simply absent, silently.
enum Unreadable : uint8_t {
  kUnreadNs = 1 << 0,       // /proc/PID/ns/* (the ptrace access check: other users' processes)
  kUnreadStatus = 1 << 1,   // /proc/PID/status (NSpid, VmRSS)
  kUnreadCmdline = 1 << 2,  // /proc/PID/cmdline (command() falls back to comm)
  kUnreadCgroup = 1 << 3,   // /proc/PID/cgroup
  kUnreadIo = 1 << 4,       // /proc/PID/io (read with ScanOptions::usage)
  kUnreadFds = 1 << 5,      // /proc/PID/fd (nsfs fds and sockets it holds)
};

// A process's /proc/PID/cgroup lines, read-only. Processes with the same lines share one copy:
// 4,000 processes in 10 v1 hierarchies held 6 MiB of identical lines, a third of list's peak.
class CgroupLines {
 public:
  using Lines = std::vector<procfs::CgroupLine>;
  CgroupLines() = default;
  CgroupLines(Lines lines) : p_(std::make_shared<const Lines>(std::move(lines))) {}
  CgroupLines(std::shared_ptr<const Lines> p) : p_(std::move(p)) {}
  const Lines& get() const { return p_ ? *p_ : none(); }
  operator const Lines&() const { return get(); }
  Lines::const_iterator begin() const { return get().begin(); }
  Lines::const_iterator end() const { return get().end(); }
  bool empty() const { return get().empty(); }
  std::size_t size() const { return get().size(); }
  const procfs::CgroupLine& operator[](std::size_t i) const { return get()[i]; }
  const procfs::CgroupLine& front() const { return get().front(); }
  const procfs::CgroupLine& back() const { return get().back(); }
  const std::shared_ptr<const Lines>& shared() const { return p_; }

 private:
  static const Lines& none() {
    static const Lines empty;
    return empty;
  }
  std::shared_ptr<const Lines> p_;
};

struct Process {
  // Fields ordered by size: a node's scan holds one of these per process (list at 4,000
  // processes: 296 bytes each, 0.45 MiB less than with optionals in declaration order).
  pid_t pid = 0;  // in the scanner's pid namespace
  pid_t ppid = 0;
  std::optional<uid_t> uid;          // owner of /proc/PID (effective uid), lsns's UID
  uint64_t start_time = 0;           // clock ticks after boot
  int64_t threads = 1;
  char state = '?';
  bool kernel_thread = false;        // PF_KTHREAD: no fds, no cmdline
  uint8_t unreadable = 0;            // Unreadable bits: what was denied
  std::string comm;
  std::vector<std::string> cmdline;  // empty for kernel threads or when unreadable
  std::vector<pid_t> nspid;          // its pid in each nested pid namespace, outermost first
  // Namespace of each type, 0 when it could not be read (permission, exited): no nsfs inode is
  // 0, and an optional would double the array. Read it through ns_of().
  std::array<NsInode, kNsTypeCount> ns{};
  NsInode pid_for_children = 0, time_for_children = 0;  // likewise 0 when unknown
  CgroupLines cgroups;                       // paths translated to host paths
  std::string cgroup;                        // primary cgroup path (CgroupLayout::primary)
  // Usage (read only with ScanOptions::usage): stat utime+stime, status VmRSS, io bytes.
  std::optional<uint64_t> cpu_ticks;         // clock ticks (USER_HZ) in user + system mode
  std::optional<uint64_t> rss_bytes;
  std::optional<uint64_t> io_read_bytes, io_write_bytes;  // /proc/PID/io read_bytes/write_bytes

  // lsns's COMMAND: the command line joined by spaces, else comm.
  std::string command() const;
  std::optional<NsInode> ns_of(NsType t) const {
    NsInode i = ns[index_of(t)];
    return i ? std::optional<NsInode>(i) : std::nullopt;
  }
};

// What keeps a namespace alive besides its member processes.
enum class HolderKind : uint8_t {
  thread,             // a thread whose namespace differs from its process's ("loose thread")
  fd,                 // an open nsfs file descriptor
  socket,             // a socket created in that network namespace
  bind_mount,         // an nsfs bind mount (e.g. /run/netns/NAME)
  pid_for_children,   // /proc/PID/ns/pid_for_children differs from ns/pid
  time_for_children,  // likewise for time
};
std::string_view holder_kind_name(HolderKind k);

// An immutable string shared by its copies. A node with N mount namespaces has N copies of
// each /run/netns/NAME mount: their holders share one path instead of N strings.
class SharedText {
 public:
  SharedText() = default;
  SharedText(std::string_view s) : p_(s.empty() ? nullptr : std::make_shared<const std::string>(s)) {}
  SharedText(const std::string& s) : SharedText(std::string_view(s)) {}
  SharedText(const char* s) : SharedText(std::string_view(s)) {}
  const std::string& str() const { return p_ ? *p_ : empty_string(); }
  operator const std::string&() const { return str(); }
  bool empty() const { return str().empty(); }
  bool operator==(const SharedText& o) const { return str() == o.str(); }

 private:
  static const std::string& empty_string() {
    static const std::string e;
    return e;
  }
  std::shared_ptr<const std::string> p_;
};

struct Holder {
  HolderKind kind;
  pid_t pid = 0;       // process holding it (for bind mounts: a process in that mount namespace)
  int number = -1;     // fd number or thread id
  SharedText path;     // bind mounts: mount point as seen in its mount namespace
  NsInode mnt_ns = 0;  // bind mounts: the mount namespace that has the mount
  bool operator==(const Holder&) const = default;
};

struct Namespace {
  NsType type = NsType::net;
  NsInode inode = 0;
  uint64_t dev = 0;                  // nsfs device, when the namespace could be opened
  std::optional<NsInode> parent;     // pid/user namespaces: NS_GET_PARENT
  std::optional<NsInode> owner;      // owning user namespace: NS_GET_USERNS
  std::optional<uid_t> owner_uid;    // user namespaces: NS_GET_OWNER_UID
  std::vector<NsInode> children;     // namespaces whose parent this is
  std::vector<NsInode> owned;        // user namespaces: namespaces this one owns
  std::vector<pid_t> pids;           // member processes, ascending
  std::vector<Holder> holders;       // threads, fds, sockets, bind mounts
  // net: >= 0 is the id, -1 "unassigned" (NETNSA_NSID_NOT_ASSIGNED); nullopt unknown.
  std::optional<int> netnsid;
  bool hidden = false;               // known only as an ancestor or owner of another namespace
  bool inspected = false;            // was opened and asked: a missing parent/owner means "none"
  // Processes whose link of this type could not be read may be members too: pids and
  // nprocs() are then a lower bound (shown as "N+"), and hidden is a guess.
  bool members_partial = false;
  // lsns's PID; nullopt also when an unreadable process with a lower pid may be a member.
  std::optional<pid_t> lowest_pid;
  // Earliest start time, then lowest pid (robust to pid reuse); nullopt also when an
  // unreadable process that started earlier may be a member.
  std::optional<pid_t> oldest_pid;

  std::size_t nprocs() const { return pids.size(); }
};

// What the scan saw, and what it could not read (see Unreadable). The counts are of
// processes; only reads the scan makes anyway are counted (no extra system calls).
struct ScanStats {
  std::size_t processes_seen = 0;
  std::size_t processes_vanished = 0;   // exited during the scan; normal
  // Taken from a ScanMemo instead of read (scan(options, memo)): processes whose namespace
  // links were kept, mount namespaces whose nsfs mounts were kept.
  std::size_t processes_reused = 0, mount_lists_reused = 0;
  std::size_t permission_denied = 0;    // some file of theirs unreadable (any Unreadable bit)
  std::size_t processes_denied = 0;     // /proc/PID itself or its stat unreadable: absent
  std::size_t ns_denied = 0;            // kUnreadNs
  std::size_t status_denied = 0, cmdline_denied = 0, cgroup_denied = 0, io_denied = 0, fds_denied = 0;
  // Per namespace type: the lowest pid and the earliest start time among processes whose
  // link of that type was denied. A namespace's lowest (oldest) member is certain only
  // below (before) these.
  std::array<std::optional<pid_t>, kNsTypeCount> ns_denied_lowest_pid{};
  std::array<std::optional<uint64_t>, kNsTypeCount> ns_denied_earliest_start{};
  std::vector<std::string> cgroup_hierarchies_denied;  // names of hierarchies that could not be opened
  std::size_t engine_files_denied = 0;  // container engine state/stores that could not be read
  // The scanner has CAP_SYS_PTRACE (asked only once something was refused). What it still
  // could not read is then an exception beyond any privilege (a VM's or a container
  // runtime's supervisor, a security module): recorded above and in dump, but views do not
  // mark counts partial for it nor warn, so root's output stays lsns's.
  bool privileged = false;
  double seconds = 0;

  // Whether anything at all was refused.
  bool refused() const {
    return permission_denied || processes_denied || !cgroup_hierarchies_denied.empty() || engine_files_denied;
  }
  // Whether views must mark what they show as partial (and warn): something was refused
  // for lack of privilege.
  bool partial() const { return !privileged && refused(); }
  // Whether a namespace of this type may have members the scan could not see.
  bool ns_partial(NsType t) const { return !privileged && ns_denied_lowest_pid[index_of(t)].has_value(); }
  // Whether namespaces may be missing altogether (used only by processes not read).
  bool namespaces_missing() const { return !privileged && (ns_denied || processes_denied || fds_denied); }
  // Whether threads' and fds' holds on namespaces may be missing.
  bool holders_partial() const { return !privileged && (ns_denied || fds_denied || processes_denied); }
  // Whether cgroup membership counts miss processes whose /proc/PID/cgroup was refused.
  bool cgroup_partial() const { return !privileged && (cgroup_denied || processes_denied); }
};

// One line saying what a scan could not read and why (not root, no CAP_SYS_PTRACE, ...),
// e.g. "could not read the namespaces of 214 of 240 processes (not root: run as root or
// with CAP_SYS_PTRACE)"; empty when nothing was refused. Every front-end words its warning
// from this (and warns only when ScanStats::partial()).
std::string unreadable_summary(const ScanStats& stats);

struct Snapshot {
  std::string root = "/";              // the root the scan read from
  pid_t self_pid = 0;                  // the scanning process (as seen in root/proc)
  std::vector<Process> processes;      // ascending pid
  std::vector<Namespace> namespaces;   // ascending inode
  std::unordered_map<uid_t, std::string> user_names;
  std::vector<Container> containers;   // filled when ScanOptions::containers is set
  std::vector<Pod> pods;
  CgroupTree cgroup_tree;              // layout always; trees when ScanOptions::cgroup_tree
  ContainerIndex container_index;      // filled by reindex(); see container_lookup.hpp
  ScanStats stats;

  const Process* process(pid_t pid) const;
  const Namespace* ns(NsInode inode) const;
  // The user name for a uid, if known.
  std::optional<std::string> user_name(uid_t uid) const;
  // The initial (host) namespace of a type: that of pid 1, else of a kernel thread (the root
  // of its hierarchy for pid/user). nullopt when neither could be read: never a guess.
  std::optional<NsInode> initial_ns(NsType t) const;

  // Indexes; filled by scan() and by reindex().
  std::unordered_map<pid_t, std::size_t> pid_index;
  std::unordered_map<NsInode, std::size_t> ns_index;
  void reindex();
};

}  // namespace nsinspect
