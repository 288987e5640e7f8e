// Live usage: successive samples of the node grouped by container, pod, cgroup, namespace or
// process, with rates computed against the previous sample. Used by `nsview top` and the TUI.
//
// Contract:
// - A rate (cpu %, io bytes/s, throttled %, oom kills since the previous sample) needs two
//   readings of the same object; on the first sample of a row it is nullopt ("-"), never 0.
// - A cgroup removed and recreated under the same path (a new directory inode) starts again:
//   no delta is ever computed across the two.
// - Rows that vanish between samples disappear without error.
// - Only the cgroup files the requested fields need are read; directory fds stay open between
//   samples and buffers are reused (CgroupReader).
// - The cgroup group lists a directory again only after inotify reported a cgroup made,
//   removed or renamed in it (SamplerOptions::watch_cgroups).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>
#include <sys/types.h>

#include "nsinspect/cgroups.hpp"
#include "nsinspect/scan.hpp"
#include "nsinspect/snapshot.hpp"
#include "nsinspect/types.hpp"

namespace nsinspect {

enum class UsageGroup : uint8_t { container, pod, cgroup, ns, process };
std::string_view usage_group_name(UsageGroup g);                 // "container", ..., "namespace"
std::optional<UsageGroup> parse_usage_group(std::string_view s);  // accepts those names

struct UsageRow {
  // Identity, stable across samples: container id, pod id, cgroup path, "net:4026531840", pid.
  std::string id;
  std::string name;        // container name, pod name, cgroup path, "net:[4026531840]", comm
  std::string cgroup;      // primary cgroup host path ("" for namespace rows)
  std::string container;   // container name, "" when none
  std::string pod;         // pod name, "" when none
  std::string engine;      // container/pod rows: "podman", "cri-o", ...
  pid_t pid = 0;           // process: itself; container: init; namespace: lowest pid; else 0
  int depth = 0;           // cgroup rows: depth below the sampled root (root = 0)
  std::size_t nprocs = 0;  // processes counted in the row
  // The row sums over members some of which could not be read (namespace group as a
  // non-root user): nprocs, cpu, memory, io and pids are lower bounds.
  bool partial = false;

  std::optional<double> cpu_pct;      // 100 = one core busy for the whole interval
  std::optional<uint64_t> mem_bytes;  // cgroup memory.current / usage; processes: RSS sum
  Limit mem_limit;
  std::optional<double> mem_pct;      // of mem_limit, when it is a value
  std::optional<double> io_read_bps, io_write_bps;
  std::optional<uint64_t> pids;
  Limit pids_limit;
  std::optional<double> throttled_pct;  // share of cpu periods throttled in the interval
  std::optional<uint64_t> oom_kills;    // since the previous sample
  // Pressure avg10 (percent), where the kernel has it (cgroup v2).
  std::optional<double> psi_cpu_some, psi_cpu_full, psi_mem_some, psi_mem_full,
      psi_io_some, psi_io_full;

  // The kernel's cumulative counters behind the rates, and levels that need memory.stat,
  // as read this sample (cgroup-based rows; unknown when not read). For exporters that want
  // counters, not rates (`nsview serve`): nanoseconds, bytes, microseconds of stall.
  struct Totals {
    std::optional<uint64_t> cpu_ns, cpu_periods, cpu_throttled_periods, cpu_throttled_ns;
    std::optional<uint64_t> oom_kills, io_read_bytes, io_write_bytes;
    // memory minus inactive file pages (cAdvisor's working set), with kCgMemoryStat
    std::optional<uint64_t> mem_working_set;
    std::optional<uint64_t> psi_cpu_some_us, psi_cpu_full_us, psi_mem_some_us, psi_mem_full_us,
        psi_io_some_us, psi_io_full_us;
  };
  Totals totals;

  // Rows read from cgroups: the hierarchy each kind of value came from ("cpuacct", "memory",
  // "unified", ...; "" when none supplied it).
  struct Sources {
    std::string cpu, memory, io, pids, pressure;
  };
  Sources sources;
  // Container rows: hierarchies where the container's process is in a cgroup that is not at
  // or below the container's own (systemd-nspawn on a hybrid host stays in the root's or its
  // launcher's v1 cpu and memory cgroups). Never read: such values are unknown, or come from
  // another hierarchy that holds the container (sources says which).
  struct Outside {
    std::string hierarchy;  // "cpu", "memory", ...
    std::string path;       // the process's cgroup there
  };
  std::vector<Outside> outside;
};

// Cgroup readings of one sample by cgroup path, read with `fields` (SamplerOptions::keep_readings).
struct CgroupReadingsByPath {
  unsigned fields = 0;
  std::unordered_map<std::string, CgroupReadings> by_path;
};

struct UsageSample {
  double time = 0;        // CLOCK_REALTIME seconds
  double interval_s = 0;  // since the previous sample; 0 on the first
  UsageGroup group = UsageGroup::container;
  std::vector<UsageRow> rows;  // cgroup group: tree order, parents before children
  std::shared_ptr<const Snapshot> snapshot;  // the scan the rows were built from
  // Container group with SamplerOptions::keep_readings: the readings of each row whose
  // cgroup was read in every hierarchy at that path (no Outside), for a cgroup-group sampler
  // of the same fields to take instead of reading the files again.
  std::shared_ptr<const CgroupReadingsByPath> readings;
};

struct SamplerOptions {
  UsageGroup group = UsageGroup::container;
  // Cgroup fields to read (the fine CgroupField bits: a view reads only what it shows).
  unsigned fields = kCgCpuUsage | kCgCpuThrottle | kCgMemoryCurrent | kCgMemoryLimits | kCgMemoryEvents | kCgIoBytes |
                    kCgPids | kCgPressure;
  std::string root = "/";         // like ScanOptions::root (a fixture tree in tests)
  std::string cgroup_root = "/";  // cgroup group: the subtree shown
  int cgroup_depth = -1;          // cgroup group: deepest level shown below cgroup_root; -1 all
  NsType ns_type = NsType::net;   // namespace group: which type
  // cgroup group: watch the walked directories with inotify (one instance, a watch per
  // directory) and list a directory again only after a cgroup was made, removed or renamed
  // in it. false, or inotify unavailable or out of watches: list every directory each time.
  bool watch_cgroups = true;
  // sample() in the container and pod groups rescans /proc when a cgroup of a container's,
  // its monitor's or a pod's shape came or went (other cgroups, a login session or a cron
  // job, change no row), when a container's cgroup.procs count changed or its cgroup vanished
  // at the previous sample (rows show it one sample late), and at the latest after
  // rescan_seconds (process counts, states and names come from the scan; so does
  // UsageSample::snapshot; so does a container whose cgroup has no known shape).
  static constexpr double kRescanSeconds = 5.0;
  double rescan_seconds = kRescanSeconds;
  // A scan keeps from the sampler's previous one what cannot have changed (see
  // scan(options, memo): namespace links of settled processes, unchanged mount lists); every
  // process's links and every mountinfo are read again at the latest after full_rescan_seconds.
  double full_rescan_seconds = 300;
  // What else the sampler's own scans should read (merged into scan_options()), so that a
  // caller that also shows the snapshot (`nsview serve`'s namespace counts) needs no second
  // scan: it reads UsageSample::snapshot.
  std::optional<ScanOptions> also_scan;
  // Container group: keep each row's readings in UsageSample::readings.
  bool keep_readings = false;
  // Monotonic seconds used for rates; empty = CLOCK_MONOTONIC (tests inject their own).
  std::function<double()> clock;
};

class Sampler {
 public:
  explicit Sampler(SamplerOptions options = {});
  ~Sampler();
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  // Scans what the group needs (scan_options()) and reads the usage. The cgroup, container
  // and pod groups keep the last scan while their cgroups stay the same (see kRescanSeconds).
  UsageSample sample();
  // Reads usage for a snapshot the caller already has (the TUI scans once for every view);
  // the snapshot must hold what scan_options() asks for.
  UsageSample sample(std::shared_ptr<const Snapshot> snapshot);
  // The same, in the cgroup group taking the rows whose path `same` read (another sampler's
  // sample of this moment, with keep_readings and the same fields) from it: `nsview serve`
  // reads a container's cgroup once for its container and its cgroup families.
  UsageSample sample(std::shared_ptr<const Snapshot> snapshot, const UsageSample& same);
  // The smallest scan that serves this sampler's group and fields.
  ScanOptions scan_options() const;
  const SamplerOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nsinspect
