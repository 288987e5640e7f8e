// Cgroup file parsers on real v1 files (tests/fixtures/cgroup-v1, copied from this machine
// or written in the kernel's documented formats) and v2 text.
#include <catch2/catch.hpp>

#include "nsinspect/cgroups.hpp"
#include "run.hpp"

using namespace nsinspect;

namespace {
std::string fixture(const std::string& name) { return testsupport::fixture_text(name); }
}  // namespace

TEST_CASE("v1 limits: the unlimited sentinel and -1 are no limit", "[cgroup][parse]") {
  CHECK(cgparse::memory_limit_v1(fixture("cgroup-v1/memory.limit_in_bytes.unlimited")).is_unlimited());
  CHECK(cgparse::memory_limit_v1("9223372036854771712\n").is_unlimited());
  CHECK(cgparse::memory_limit_v1(fixture("cgroup-v1/memory.limit_in_bytes")) == Limit::of(268435456));
  CHECK_FALSE(cgparse::memory_limit_v1("").known());
  CHECK(cgparse::quota_v1(fixture("cgroup-v1/cpu.cfs_quota_us.unlimited")).is_unlimited());
  CHECK(cgparse::quota_v1(fixture("cgroup-v1/cpu.cfs_quota_us")) == Limit::of(50000));
  CHECK(cgparse::single(fixture("cgroup-v1/cpu.cfs_period_us")) == 100000u);
  CHECK(cgparse::single(fixture("cgroup-v1/cpuacct.usage")) == 1234567890123u);
  CHECK(cgparse::limit_v2(fixture("cgroup-v1/pids.max")).is_unlimited());
}

TEST_CASE("v1 keyed files: cpu.stat, cpuacct.stat, oom_control, memory.stat", "[cgroup][parse]") {
  auto cs = fixture("cgroup-v1/cpu.stat");
  CHECK(cgparse::key(cs, "nr_periods") == 120u);
  CHECK(cgparse::key(cs, "nr_throttled") == 7u);
  CHECK(cgparse::key(cs, "throttled_time") == 350000000u);
  CHECK_FALSE(cgparse::key(cs, "nr_period"));  // a prefix of a key is not the key
  auto acct = fixture("cgroup-v1/cpuacct.stat");
  CHECK(cgparse::key(acct, "user"));
  CHECK(cgparse::key(acct, "system"));
  CHECK(cgparse::key(fixture("cgroup-v1/memory.oom_control"), "oom_kill") == 3u);
  auto mtext = fixture("cgroup-v1/memory.stat");
  auto ms = cgparse::flat_keyed(mtext);  // views into mtext
  REQUIRE(ms.size() == 12);
  CHECK(ms[0].first == "cache");
  CHECK(ms[0].second == 9412608u);
}

TEST_CASE("v1 blkio sums Read and Write over devices - Total-only means zero", "[cgroup][parse]") {
  auto t = cgparse::blkio_v1(fixture("cgroup-v1/blkio.throttle.io_service_bytes"),
                             fixture("cgroup-v1/blkio.throttle.io_serviced"));
  CHECK(t.rbytes == 5096u);
  CHECK(t.wbytes == 8192u);
  CHECK(t.rios == 1u);
  CHECK(t.wios == 2u);
  auto e = cgparse::blkio_v1(fixture("cgroup-v1/blkio.empty"), "");
  CHECK(e.rbytes == 0u);
  CHECK_FALSE(e.rios);  // no file text: unknown, not zero
}

TEST_CASE("v2 cpu.max, io.stat, pressure", "[cgroup][parse]") {
  auto m = cgparse::cpu_max("max 100000\n");
  CHECK(m.quota_us.is_unlimited());
  CHECK(m.period_us == 100000u);
  m = cgparse::cpu_max("50000 100000\n");
  CHECK(m.quota_us == Limit::of(50000));
  auto io = cgparse::io_stat("8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n"
                             "8:16 rbytes=5 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n");
  CHECK(io.rbytes == 15u);
  CHECK(io.wbytes == 20u);
  CHECK(io.rios == 2u);
  CHECK(cgparse::io_stat("").rbytes == 0u);  // no I/O yet: known zero
  auto p = cgparse::pressure("some avg10=1.50 avg60=0.75 avg300=0.20 total=987654\n"
                             "full avg10=0.50 avg60=0.25 avg300=0.10 total=123\n");
  REQUIRE(p.some);
  REQUIRE(p.full);
  CHECK(p.some->avg10 == Approx(1.5));
  CHECK(p.some->total_us == 987654u);
  CHECK(p.full->avg300 == Approx(0.1));
  CHECK_FALSE(cgparse::pressure("garbage\n").some);
  CHECK(cgparse::limit_v2("max\n").is_unlimited());
  CHECK(cgparse::limit_v2("64\n") == Limit::of(64));
  CHECK_FALSE(cgparse::limit_v2("x").known());
}
