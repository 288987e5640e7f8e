// Rates from two readings of the same object: the pure arithmetic of the sampler.
#pragma once

#include <cstdint>
#include <optional>

#include "nsinspect/cgroups.hpp"
#include "nsinspect/sampler.hpp"

namespace nsinspect::detail {

// The cumulative counters a rate is computed from.
struct Counters {
  std::optional<uint64_t> cpu_ns, periods, throttled, oom_kills, io_read, io_write;
};

// Every counter, for what is done to each alike (a pod's sum over its members).
inline constexpr std::optional<uint64_t> Counters::*kCounterFields[] = {
    &Counters::cpu_ns, &Counters::periods, &Counters::throttled, &Counters::oom_kills, &Counters::io_read, &Counters::io_write};
// The totals that add up over a pod's members (pressure stall times do not: they overlap).
inline constexpr std::optional<uint64_t> UsageRow::Totals::*kSummedTotals[] = {
    &UsageRow::Totals::cpu_ns, &UsageRow::Totals::cpu_periods, &UsageRow::Totals::cpu_throttled_periods,
    &UsageRow::Totals::cpu_throttled_ns, &UsageRow::Totals::oom_kills, &UsageRow::Totals::io_read_bytes,
    &UsageRow::Totals::io_write_bytes, &UsageRow::Totals::mem_working_set};

Counters counters_of(const CgroupReadings& r);
// The instantaneous fields of a row (memory, pids, limits, pressure) from cgroup readings.
void fill_levels(UsageRow& row, const CgroupReadings& r);
// The rate fields of row from the previous and current counters, dt seconds apart; with no
// previous reading (prev == nullptr) or dt <= 0 they stay unknown.
void apply_rates(UsageRow& row, const Counters* prev, const Counters& now, double dt);
// a + b where both are known; else unknown (a partial sum would understate).
std::optional<uint64_t> add_known(std::optional<uint64_t> a, std::optional<uint64_t> b);

}  // namespace nsinspect::detail
