// cgroup v1 files -> normalised readings.
#include <unistd.h>

#include "cgroups/readings_internal.hpp"

namespace nsinspect::detail {

void read_v1(CgSource s, CgFiles& f, CgroupReadings& r) {
  switch (s) {
    case CgSource::v1_cpuacct:
      if ((f.want & kCgCpuUsage) && f.read("cpuacct.usage")) r.cpu_usage_ns = cgparse::single(f.buf);
      if ((f.want & kCgCpuTimes) && f.read("cpuacct.stat")) {
        // USER_HZ ticks.
        static const uint64_t hz = static_cast<uint64_t>(sysconf(_SC_CLK_TCK));
        if (auto u = cgparse::key(f.buf, "user")) r.cpu_user_ns = *u * (1000000000ull / hz);
        if (auto v = cgparse::key(f.buf, "system")) r.cpu_system_ns = *v * (1000000000ull / hz);
      }
      return;
    case CgSource::v1_cpu_stat:
      if (!f.read("cpu.stat")) return;
      r.cpu_periods = cgparse::key(f.buf, "nr_periods");
      r.cpu_throttled_periods = cgparse::key(f.buf, "nr_throttled");
      r.cpu_throttled_ns = cgparse::key(f.buf, "throttled_time");  // already ns in v1
      return;
    case CgSource::v1_cpu_limits:
      if (f.read("cpu.cfs_quota_us")) r.cpu_quota_us = cgparse::quota_v1(f.buf);
      if (f.read("cpu.cfs_period_us")) r.cpu_period_us = cgparse::single(f.buf);
      if (f.read("cpu.shares")) r.cpu_shares = cgparse::single(f.buf);
      return;
    case CgSource::v1_memory: {
      // memsw counts memory + swap: swap alone is the difference, so it needs the usage too.
      if ((f.want & (kCgMemoryCurrent | kCgSwap)) && f.read("memory.usage_in_bytes"))
        r.memory_current = cgparse::single(f.buf);
      if ((f.want & kCgMemoryLimits) && f.read("memory.limit_in_bytes")) r.memory_limit = cgparse::memory_limit_v1(f.buf);
      if ((f.want & kCgMemoryEvents) && f.read("memory.oom_control")) r.oom_kills = cgparse::key(f.buf, "oom_kill");
      if ((f.want & kCgSwap) && r.memory_current && f.read("memory.memsw.usage_in_bytes"))
        if (auto both = cgparse::single(f.buf))
          r.swap_current = *both > *r.memory_current ? *both - *r.memory_current : 0;
      return;
    }
    case CgSource::v1_memory_stat:
      read_memory_stat(f, r);
      return;
    case CgSource::v1_blkio: {
      // The throttle files count every I/O; the CFQ/BFQ ones only exist with those schedulers.
      std::string bytes;
      bool have = f.read("blkio.throttle.io_service_bytes");
      if (!have) have = f.read("blkio.io_service_bytes");
      if (!have) return;
      bytes = f.buf;
      const bool ios = (f.want & kCgIoOps) && (f.read("blkio.throttle.io_serviced") || f.read("blkio.io_serviced"));
      set_io(cgparse::blkio_v1(bytes, ios ? std::string_view(f.buf) : std::string_view()), r);
      return;
    }
    case CgSource::v1_pids:
      read_pids(f, r);
      return;
    case CgSource::procs:
    case CgSource::v1_procs: {
      // A v1 cgroup.procs kept open shows the pid list the kernel loaded for that file
      // until a second after its last read: it is kept open only when reads are further apart.
      if (!f.read("cgroup.procs", false, s == CgSource::procs || f.pid_lists_expired)) return;
      uint64_t n = 0;
      for (char ch : f.buf) n += ch == '\n';
      r.nprocs = n;
      return;
    }
    default:
      return;
  }
}

}  // namespace nsinspect::detail
