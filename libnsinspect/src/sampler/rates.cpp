#include "sampler/rates.hpp"

namespace nsinspect::detail {

namespace {
// A counter that went backwards was reset (a recreated object we could not tell apart):
// no delta then, rather than a huge one.
std::optional<uint64_t> delta(std::optional<uint64_t> before, std::optional<uint64_t> now) {
  if (!before || !now || *now < *before) return std::nullopt;
  return *now - *before;
}
}  // namespace

Counters counters_of(const CgroupReadings& r) {
  return {r.cpu_usage_ns, r.cpu_periods, r.cpu_throttled_periods, r.oom_kills, r.io_read_bytes, r.io_write_bytes};
}

void fill_levels(UsageRow& row, const CgroupReadings& r) {
  row.mem_bytes = r.memory_current;
  row.mem_limit = r.memory_limit;
  if (r.memory_current && r.memory_limit.get() && *r.memory_limit.get() > 0)
    row.mem_pct = 100.0 * static_cast<double>(*r.memory_current) / static_cast<double>(*r.memory_limit.get());
  row.pids = r.pids_current;
  row.pids_limit = r.pids_limit;
  auto& t = row.totals;
  // Each pressure line gives the row its avg10 and the totals its cumulative stall time.
  auto pressure = [](const std::optional<PressureLine>& l, std::optional<double>& avg10, std::optional<uint64_t>& total) {
    avg10 = l ? std::optional(l->avg10) : std::nullopt;
    total = l ? std::optional(l->total_us) : std::nullopt;
  };
  pressure(r.cpu_pressure.some, row.psi_cpu_some, t.psi_cpu_some_us);
  pressure(r.cpu_pressure.full, row.psi_cpu_full, t.psi_cpu_full_us);
  pressure(r.memory_pressure.some, row.psi_mem_some, t.psi_mem_some_us);
  pressure(r.memory_pressure.full, row.psi_mem_full, t.psi_mem_full_us);
  pressure(r.io_pressure.some, row.psi_io_some, t.psi_io_some_us);
  pressure(r.io_pressure.full, row.psi_io_full, t.psi_io_full_us);
  t.cpu_ns = r.cpu_usage_ns;
  t.cpu_periods = r.cpu_periods;
  t.cpu_throttled_periods = r.cpu_throttled_periods;
  t.cpu_throttled_ns = r.cpu_throttled_ns;
  t.oom_kills = r.oom_kills;
  t.io_read_bytes = r.io_read_bytes;
  t.io_write_bytes = r.io_write_bytes;
  // v2 names it inactive_file; v1's hierarchical total is total_inactive_file.
  t.mem_working_set.reset();
  if (r.memory_current)
    for (const auto& [k, v] : r.memory_stat)
      if (k == "total_inactive_file" || (k == "inactive_file" && !t.mem_working_set)) {
        t.mem_working_set = *r.memory_current > v ? *r.memory_current - v : 0;
        if (k == "total_inactive_file") break;
      }
}

void apply_rates(UsageRow& row, const Counters* prev, const Counters& now, double dt) {
  if (!prev || !(dt > 0)) return;
  if (auto d = delta(prev->cpu_ns, now.cpu_ns)) row.cpu_pct = static_cast<double>(*d) / (dt * 1e9) * 100.0;
  if (auto dp = delta(prev->periods, now.periods))
    if (auto dt_ = delta(prev->throttled, now.throttled))
      row.throttled_pct = *dp == 0 ? 0.0 : 100.0 * static_cast<double>(*dt_) / static_cast<double>(*dp);
  row.oom_kills = delta(prev->oom_kills, now.oom_kills);
  if (auto d = delta(prev->io_read, now.io_read)) row.io_read_bps = static_cast<double>(*d) / dt;
  if (auto d = delta(prev->io_write, now.io_write)) row.io_write_bps = static_cast<double>(*d) / dt;
}

std::optional<uint64_t> add_known(std::optional<uint64_t> a, std::optional<uint64_t> b) {
  if (!a || !b) return std::nullopt;
  return *a + *b;
}

}  // namespace nsinspect::detail
