// cgroup v1 and v2 file formats: cpu.stat, memory.stat, io.stat, *.pressure, cpu.max,
// limits, blkio.*, cgroup.events, freezer.state; /proc/stat's btime.
#include "fuzz_input.hpp"
#include "nsinspect/cgroups.hpp"
#include "nsinspect/container_sources.hpp"

using namespace nsinspect;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string_view in = fuzz::text(data, size);
  for (const auto& [k, v] : cgparse::flat_keyed(in)) FUZZ_REQUIRE(!k.empty());
  for (const char* key : {"usage_usec", "oom_kill", "populated", "frozen", "nr_descendants", "user"})
    (void)cgparse::key(in, key);
  (void)cgparse::single(in);
  (void)cgparse::limit_v2(in);
  auto cpu = cgparse::cpu_max(in);
  FUZZ_REQUIRE(!(cpu.quota_us.is_unlimited() && cpu.quota_us.get()));
  (void)cgparse::io_stat(in);
  auto two = fuzz::parts(in, 2);
  (void)cgparse::blkio_v1(two[0], two[1]);
  (void)cgparse::blkio_v1(in, in);
  auto p = cgparse::pressure(in);
  for (const auto* line : {&p.some, &p.full})
    if (*line) FUZZ_REQUIRE((*line)->avg10 == (*line)->avg10);  // a number, not NaN
  (void)cgparse::memory_limit_v1(in);
  (void)cgparse::quota_v1(in);
  (void)containers::parse_frozen(in);
  (void)containers::parse_btime(in);
  return 0;
}
