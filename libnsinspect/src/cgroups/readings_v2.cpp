// cgroup v2 files -> normalised readings.
#include "cgroups/readings_internal.hpp"

namespace nsinspect::detail {

void read_memory_stat(CgFiles& f, CgroupReadings& r) {
  if (!f.read("memory.stat")) {
    r.memory_stat.clear();
    return;
  }
  // Readings are reused from cgroup to cgroup: the keys (most longer than a short string) are
  // written over in place, not allocated again for each of ~40 lines of each cgroup.
  std::size_t n = 0;
  for (auto& [k, v] : cgparse::flat_keyed(f.buf)) {
    if (n < r.memory_stat.size()) {
      r.memory_stat[n].first.assign(k);
      r.memory_stat[n].second = v;
    } else {
      r.memory_stat.emplace_back(std::string(k), v);
    }
    ++n;
  }
  r.memory_stat.resize(n);
}

void read_pids(CgFiles& f, CgroupReadings& r) {
  if ((f.want & kCgPidsCurrent) && f.read("pids.current")) r.pids_current = cgparse::single(f.buf);
  if ((f.want & kCgPidsLimit) && f.read("pids.max")) r.pids_limit = cgparse::limit_v2(f.buf);  // "max" in v1 too
}

void set_io(const cgparse::IoTotals& t, CgroupReadings& r) {
  r.io_read_bytes = t.rbytes;
  r.io_write_bytes = t.wbytes;
  r.io_read_ios = t.rios;
  r.io_write_ios = t.wios;
}

void read_v2(CgSource s, CgFiles& f, CgroupReadings& r) {
  switch (s) {
    case CgSource::v2_cpu:
    case CgSource::v2_cpu_usage:
      if (!f.read("cpu.stat")) return;
      for (auto& [k, v] : cgparse::flat_keyed(f.buf)) {
        if (k == "usage_usec") r.cpu_usage_ns = v * 1000;
        else if (k == "user_usec") r.cpu_user_ns = v * 1000;
        else if (k == "system_usec") r.cpu_system_ns = v * 1000;
        else if (s == CgSource::v2_cpu_usage) continue;
        else if (k == "nr_periods") r.cpu_periods = v;
        else if (k == "nr_throttled") r.cpu_throttled_periods = v;
        else if (k == "throttled_usec") r.cpu_throttled_ns = v * 1000;
      }
      return;
    case CgSource::v2_cpu_limits:
      if (f.read("cpu.max")) {
        auto m = cgparse::cpu_max(f.buf);
        r.cpu_quota_us = m.quota_us;
        r.cpu_period_us = m.period_us;
      }
      if (f.read("cpu.weight")) r.cpu_weight = cgparse::single(f.buf);
      return;
    case CgSource::v2_memory:
      if ((f.want & kCgMemoryCurrent) && f.read("memory.current")) r.memory_current = cgparse::single(f.buf);
      if ((f.want & kCgMemoryLimits) && f.read("memory.max")) r.memory_limit = cgparse::limit_v2(f.buf);
      if ((f.want & kCgMemoryLimits) && f.read("memory.high")) r.memory_high = cgparse::limit_v2(f.buf);
      if ((f.want & kCgSwap) && f.read("memory.swap.current")) r.swap_current = cgparse::single(f.buf);
      if ((f.want & kCgMemoryEvents) && f.read("memory.events")) r.oom_kills = cgparse::key(f.buf, "oom_kill");
      return;
    case CgSource::v2_memory_stat:
      read_memory_stat(f, r);
      return;
    case CgSource::v2_io:
      if (f.read("io.stat")) set_io(cgparse::io_stat(f.buf), r);
      return;
    case CgSource::v2_pids:
      read_pids(f, r);
      return;
    case CgSource::v2_pressure:
      if (f.read("cpu.pressure")) r.cpu_pressure = cgparse::pressure(f.buf);
      if (f.read("memory.pressure")) r.memory_pressure = cgparse::pressure(f.buf);
      if (f.read("io.pressure")) r.io_pressure = cgparse::pressure(f.buf);
      return;
    case CgSource::v2_state:
      if (f.read("cgroup.stat")) {
        r.nr_descendants = cgparse::key(f.buf, "nr_descendants");
        r.nr_dying_descendants = cgparse::key(f.buf, "nr_dying_descendants");
      }
      if (f.read("cgroup.events")) {
        if (auto v = cgparse::key(f.buf, "populated")) r.populated = *v != 0;
        if (auto v = cgparse::key(f.buf, "frozen")) r.frozen = *v != 0;
      }
      return;
    default:
      return;
  }
}

}  // namespace nsinspect::detail
