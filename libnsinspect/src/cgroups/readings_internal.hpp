// Per-controller file readers used by CgroupReader: each reads a few files of one cgroup
// directory (a kept-open dirfd) into CgroupReadings. A missing file leaves a field unknown.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "discovery/fs_util.hpp"
#include "nsinspect/cgroups.hpp"

namespace nsinspect::detail {

// Open files of one cgroup directory, kept for the next read: cgroup files regenerate
// their text on pread at offset 0, so a warm read costs one pread per file.
using FileCache = std::vector<std::pair<const char*, Fd>>;

// The buffer is reused across files and reads; `gone` is set when a file read failed
// with ENOENT/ENODEV (a removed cgroup looks like that). Files are opened once and cached
// while `budget` (fds the reader may still keep) lasts.
struct CgFiles {
  int dirfd;
  std::string& buf;
  FileCache* cache = nullptr;
  long* budget = nullptr;
  unsigned want = kCgAll | kCgProcs;  // the fields asked for: only their files are read
  bool pid_lists_expired = false;     // v1 cgroup.procs may be read through a kept-open file
  bool gone = false;
  bool failed = false;  // a file could not be read for another reason (EMFILE, EACCES, ...)
  // true when buf holds the file. one_record: the file is one seq_file record (every stat and
  // limit file), so a short read is the end; cgroup.procs is a record per pid and returns a
  // page at a time.
  // keep_open=false: opened and closed on this read, never cached.
  bool read(const char* name, bool one_record = true, bool keep_open = true);
};

enum class CgSource : uint8_t {
  v2_cpu,          // cpu.stat with the cpu controller: usage, times, throttling
  v2_cpu_usage,    // cpu.stat core fields only (no cpu controller in the v2 tree)
  v2_cpu_limits,   // cpu.max, cpu.weight
  v2_memory, v2_memory_stat, v2_io, v2_pids, v2_pressure, v2_state,
  v1_cpuacct,      // cpuacct.usage (usage), cpuacct.stat (times)
  v1_cpu_stat,     // cpu.stat throttling
  v1_cpu_limits,   // cpu.cfs_quota_us, cpu.cfs_period_us, cpu.shares
  v1_memory, v1_memory_stat, v1_blkio, v1_pids,
  procs,           // cgroup.procs line count, v2 (read by read_v1)
  v1_procs,        // the same in v1, where an open file keeps serving the pid list it first
                   // loaded (the kernel keeps it while reads come within a second): reopened
};

void read_v2(CgSource s, CgFiles& f, CgroupReadings& r);
void read_v1(CgSource s, CgFiles& f, CgroupReadings& r);

// Files and field groups both versions share.
void read_memory_stat(CgFiles& f, CgroupReadings& r);  // memory.stat key/values
void read_pids(CgFiles& f, CgroupReadings& r);         // pids.current, pids.max (as wanted)
void set_io(const cgparse::IoTotals& t, CgroupReadings& r);

}  // namespace nsinspect::detail
