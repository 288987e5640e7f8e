// Cgroups: the layout of the node's hierarchies (v1, hybrid, unified), the cgroup tree of
// each hierarchy with its member processes, and readings (cpu, memory, io, pids, pressure)
// normalised over v1 and v2. The tree is built without reading any stat file; a
// CgroupReader fetches only the fields a view asks for and keeps directory fds open so
// that a sampler can read the same cgroups again cheaply.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>
#include <sys/types.h>

#include "nsinspect/procfs.hpp"

namespace nsinspect {

enum class CgroupMode : uint8_t { none, v1, hybrid, unified };
std::string_view cgroup_mode_name(CgroupMode m);

// One mounted hierarchy.
struct CgroupHierarchy {
  int id = 0;                            // hierarchy ID in /proc/PID/cgroup (0 for v2)
  bool v2 = false;
  std::vector<std::string> controllers;  // v1: from mount options ("cpu", "name=systemd");
                                         // v2: the root's cgroup.controllers
  std::string name;                      // "cpu", "cpu,cpuacct", "name=systemd", "unified"
  std::string mount_point;               // as in mountinfo (without the scan root)
  std::string mount_root;                // mountinfo root as the scanner sees it ("/", "/..")
  // Host path of the scanner's cgroup-namespace root in this hierarchy: "/" on the host.
  // Paths seen through a cgroup namespace ("/../x") are translated against it.
  std::string ns_root = "/";
  bool ns_root_known = true;             // false: inside a cgroupns whose root was not found
  bool has(std::string_view controller) const;
};

struct CgroupLayout {
  CgroupMode mode = CgroupMode::none;
  std::vector<CgroupHierarchy> hierarchies;  // v1 ones by ascending id, then the v2 one
  int primary = -1;  // index: the unified hierarchy, else name=systemd, else cpu; -1 none
  // The scanner's mount table it was detected from, when the scan root is "/" (null otherwise):
  // inspect uses it as the host's when nsview shares init's mount namespace and root, instead
  // of formatting the node's hundreds of mounts a second time.
  std::shared_ptr<const std::vector<procfs::MountInfo>> scanner_mounts;

  const CgroupHierarchy* unified() const;
  int index_of_id(int hierarchy_id) const;         // -1 if not mounted
  // The hierarchy that holds a controller: the v2 one if it has it enabled, else a v1 one.
  int index_of_controller(std::string_view controller) const;
  // By name as users type it: "cpu", "memory", "systemd" / "name=systemd", "unified" / "v2".
  int index_of_name(std::string_view name) const;
};

// Detects the layout from the scanner's parsed mountinfo and its /proc/self/cgroup lines.
// v2_controllers is the text of the unified root's cgroup.controllers ("" if unknown).
CgroupLayout detect_cgroup_layout(const std::vector<procfs::MountInfo>& mounts,
                                  const std::vector<procfs::CgroupLine>& self,
                                  std::string_view v2_controllers = {});

// A live scan under a root other than "/" (`--root /host` in a container) reads the
// scanner's own mountinfo: its mount points are paths in the scanner's mount namespace and
// already carry the root ("/host/sys/fs/cgroup/memory"). Keeps the mounts at or below root
// with root taken off (the readers prefix it again) and drops the rest, such as the
// container's own /sys/fs/cgroup, which shows only its own cgroup.
std::vector<procfs::MountInfo> mounts_below_root(std::vector<procfs::MountInfo> mounts, std::string_view root);

// Joins a path seen through a cgroup namespace to the host path of that namespace's root
// and normalises "." and "..": ("/a/b", "/../c") -> "/a/c". Never climbs above "/".
std::string cgroup_host_path(std::string_view ns_root, std::string_view seen);

// A process's primary path from its /proc/PID/cgroup lines (the layout's rule); "" if none.
std::string primary_cgroup_path(const CgroupLayout& layout,
                                const std::vector<procfs::CgroupLine>& lines);

struct CgroupNode {
  std::string path;                   // host path in its hierarchy; "/" for the root
  std::size_t parent = kNone;         // index in the hierarchy's nodes; kNone for the root
  std::vector<std::size_t> children;  // by name
  std::vector<pid_t> pids;            // member processes (scanned pids), ascending
  uint64_t inode = 0;                 // directory inode: tells a recreated cgroup from the old
  static constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  std::string_view name() const;      // last component; "/" for the root
};

struct CgroupHierarchyTree {
  std::size_t hierarchy = 0;          // index into CgroupLayout::hierarchies
  bool denied = false;                // its mount could not be opened (EACCES/EPERM): nodes empty
  std::vector<CgroupNode> nodes;      // nodes[0] is the root; parents before children
  std::unordered_map<std::string, std::size_t> index;  // path -> node
  const CgroupNode* find(std::string_view path) const;
  std::optional<std::size_t> find_index(std::string_view path) const;
};

struct CgroupTree {
  CgroupLayout layout;
  std::vector<CgroupHierarchyTree> trees;  // one per layout hierarchy, same order
  const CgroupHierarchyTree* primary() const;
  const CgroupHierarchyTree* by_name(std::string_view name) const;
  std::size_t size() const;  // cgroups in all hierarchies
};

// --- Readings -------------------------------------------------------------------------

// A limit: unknown (no file), unlimited ("max", v1 -1 or the "unlimited" sentinel), or a value.
struct Limit {
  enum class Kind : uint8_t { unknown, unlimited, value };
  Kind kind = Kind::unknown;
  uint64_t value = 0;
  static Limit unlimited() { return {Kind::unlimited, 0}; }
  static Limit of(uint64_t v) { return {Kind::value, v}; }
  bool known() const { return kind != Kind::unknown; }
  bool is_unlimited() const { return kind == Kind::unlimited; }
  std::optional<uint64_t> get() const { return kind == Kind::value ? std::optional(value) : std::nullopt; }
  bool operator==(const Limit&) const = default;
};

struct PressureLine {
  double avg10 = 0, avg60 = 0, avg300 = 0;  // percent
  uint64_t total_us = 0;
};
struct Pressure {
  std::optional<PressureLine> some, full;
};

// What a reader fetches; or them together. The fine bits map to single files, so a view
// that shows only usage opens only the usage files (a refresh of 1,000 v1 cgroups for
// `top`'s default columns is 4 files per cgroup instead of 11).
enum CgroupField : unsigned {
  kCgCpuUsage = 1u << 0,       // usage (v2 cpu.stat also gives user/system)
  kCgCpuTimes = 1u << 1,       // user and system split (v1 cpuacct.stat)
  kCgCpuThrottle = 1u << 2,    // periods, throttled periods and time
  kCgCpuLimits = 1u << 3,      // quota/period, weight/shares
  kCgMemoryCurrent = 1u << 4,  // current
  kCgMemoryLimits = 1u << 5,   // limit, high
  kCgMemoryEvents = 1u << 6,   // oom kills
  kCgSwap = 1u << 7,           // swap in use
  kCgMemoryStat = 1u << 8,     // memory.stat key/values
  kCgIoBytes = 1u << 9,        // read/write bytes
  kCgIoOps = 1u << 15,         // read/write ios (v1: a second file, blkio io_serviced)
  kCgPidsCurrent = 1u << 10,   // current
  kCgPidsLimit = 1u << 11,     // limit
  kCgPressure = 1u << 12,      // cpu/memory/io pressure (v2 only)
  kCgState = 1u << 13,         // cgroup.stat, cgroup.events (v2 only)
  kCgAll = ((1u << 14) - 1) | kCgIoOps,
  kCgProcs = 1u << 14,         // number of processes (cgroup.procs lines); not in kCgAll
  // Groups, as views name them.
  kCgCpu = kCgCpuUsage | kCgCpuTimes | kCgCpuThrottle,
  kCgMemory = kCgMemoryCurrent | kCgMemoryLimits | kCgMemoryEvents | kCgSwap,
  kCgPids = kCgPidsCurrent | kCgPidsLimit,
  kCgIo = kCgIoBytes | kCgIoOps,
};

// Readings normalised over v1 and v2; nullopt / Limit::unknown means "not known", never 0.
struct CgroupReadings {
  std::optional<uint64_t> cpu_usage_ns, cpu_user_ns, cpu_system_ns;
  std::optional<uint64_t> cpu_periods, cpu_throttled_periods, cpu_throttled_ns;
  Limit cpu_quota_us;                       // per period; unlimited = no quota
  std::optional<uint64_t> cpu_period_us;
  std::optional<uint64_t> cpu_weight;       // v2 cpu.weight (1..10000)
  std::optional<uint64_t> cpu_shares;       // v1 cpu.shares

  std::optional<uint64_t> memory_current;   // bytes
  Limit memory_limit;                       // memory.max / memory.limit_in_bytes
  Limit memory_high;                        // v2 only
  std::optional<uint64_t> swap_current;
  std::optional<uint64_t> oom_kills;
  std::vector<std::pair<std::string, uint64_t>> memory_stat;  // with kCgMemoryStat

  std::optional<uint64_t> io_read_bytes, io_write_bytes, io_read_ios, io_write_ios;

  std::optional<uint64_t> pids_current;
  Limit pids_limit;

  Pressure cpu_pressure, memory_pressure, io_pressure;

  std::optional<uint64_t> nr_descendants, nr_dying_descendants;
  std::optional<bool> populated, frozen;
  // With kCgProcs: processes in the cgroup, from the pids controller's hierarchy (else the
  // unified one).
  std::optional<uint64_t> nprocs;

  // The hierarchy (an index into the layout) each kind of reading came from; -1: none.
  struct Sources {
    int cpu = -1, memory = -1, io = -1, pids = -1, pressure = -1;
  };
  Sources from;
};

// Reads cgroup files. Handles keep directory fds open between reads (one per hierarchy that
// supplies a field) and the files once read (a warm read is one pread per file), buffers are
// reused, and only the requested fields' files are read.
// Which hierarchy supplies a field: the v2 one if it has the controller enabled, else the
// v1 hierarchy of that controller (cpuacct for usage), as systemd-cgtop does.
class CgroupReader {
 public:
  // root: prefix of mount points (a host's / mounted elsewhere, or a fixture tree).
  // fields: what reads may ask for; handles open directories only in the hierarchies that
  // supply them.
  explicit CgroupReader(CgroupLayout layout, std::string root = "/", unsigned fields = kCgAll | kCgProcs);
  ~CgroupReader();
  CgroupReader(const CgroupReader&) = delete;
  CgroupReader& operator=(const CgroupReader&) = delete;

  using Handle = std::size_t;
  // The cgroup at the same path in every supplying hierarchy (systemd-cgtop's merge).
  Handle open(std::string_view path);
  // The cgroup of one process: its own path in each hierarchy.
  Handle open(const std::vector<procfs::CgroupLine>& lines);
  // The cgroup at a path of one hierarchy only (fields from other hierarchies stay unknown).
  Handle open_in(std::size_t hierarchy, std::string_view path);
  // A container's cgroup, read only where it is the container's: in each hierarchy where the
  // process's path (lines) is at or below `own`, the cgroup `own`; a hierarchy where it is not
  // (nspawn's v1 cpu and memory on a hybrid host: the root, its launcher's session) is
  // outside() and never read. own "" or "/": the process's own paths, like open(lines).
  Handle open_own(const std::vector<procfs::CgroupLine>& lines, std::string_view own);
  // For every handle: a field whose hierarchy is outside, or has no directory at the path
  // when the handle is opened, comes from another hierarchy that holds the cgroup if one
  // can supply it (cpu usage from the unified tree's cpu.stat, present even with no
  // controllers enabled), else stays unknown. CgroupReadings::from says which was read.

  struct Outside {
    std::size_t hierarchy;  // index into layout().hierarchies
    std::string path;       // the process's cgroup there, not the container's
  };
  // The hierarchies a read would have used that lie outside the handle's own cgroup.
  std::vector<Outside> outside(Handle h) const;
  void close(Handle h);

  // Fetches the fields; vanished cgroups and missing files leave them unknown.
  void read(Handle h, unsigned fields, CgroupReadings& out);
  // The caller says its last reads were at least 2 s ago. A v1 cgroup.procs file is then
  // read through a kept-open file (one pread), as v2's always is: reading an open one again
  // shows the pid list the kernel loaded for it until a second after its last read (on v1),
  // so reads closer together open the file each time (open, pread, close).
  void set_pid_lists_expired(bool expired);
  // Keeps each handle's limits (cpu quota, period, weight or shares; memory limit and high;
  // pids limit) from one read to the next until inotify reports a write to one of their files,
  // or a file made or removed, in the handle's directories. Samplers read the same cgroups
  // again and again, and limits change only when written. A write shows at the next read
  // that comes 10 ms or more after it. One inotify instance; a handle whose directories
  // cannot be watched reads its limits every time.
  void set_keep_limits(bool keep);
  CgroupReadings read(Handle h, unsigned fields) {
    CgroupReadings r;
    read(h, fields, r);
    return r;
  }
  // Whether every directory of the handle vanished (seen during a read or open). A handle
  // stays vanished: when the path reappears (a new CgroupNode::inode), open a new handle.
  bool vanished(Handle h) const;
  // Whether reads of these fields use the hierarchy (an index into layout().hierarchies).
  bool supplies(std::size_t hierarchy, unsigned fields) const;
  std::size_t open_dirfds() const;  // directories kept open
  std::size_t open_files() const;   // files kept open for pread (up to half the fd limit)
  std::size_t kept_limits() const;  // handles whose limits are kept (set_keep_limits)
  const CgroupLayout& layout() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Pure parsers of cgroup file text (they never open files).
namespace cgparse {

// "key value" lines (cpu.stat, memory.stat, cgroup.stat, cgroup.events, memory.events).
std::vector<std::pair<std::string_view, uint64_t>> flat_keyed(std::string_view text);
std::optional<uint64_t> key(std::string_view text, std::string_view name);
std::optional<uint64_t> single(std::string_view text);     // "123\n"
Limit limit_v2(std::string_view text);                      // "max" or a number
struct CpuMax {
  Limit quota_us;
  std::optional<uint64_t> period_us;
};
CpuMax cpu_max(std::string_view text);                      // "max 100000" / "50000 100000"
struct IoTotals {
  std::optional<uint64_t> rbytes, wbytes, rios, wios;
};
IoTotals io_stat(std::string_view text);                    // v2 io.stat, summed over devices
IoTotals blkio_v1(std::string_view bytes_text, std::string_view ios_text);  // v1 blkio.*
Pressure pressure(std::string_view text);
Limit memory_limit_v1(std::string_view text);               // the huge sentinel -> unlimited
Limit quota_v1(std::string_view text);                      // cfs_quota_us: -1 -> unlimited

}  // namespace cgparse

}  // namespace nsinspect
