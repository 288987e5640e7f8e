// Container identity from cgroup paths (every engine, both cgroup drivers) and container
// monitors from command lines. The input is used as a path, as /proc/PID/cgroup text
// (each line's path decoded) and as a NUL-separated argv.
#include "fuzz_input.hpp"
#include "nsinspect/container_sources.hpp"
#include "nsinspect/procfs.hpp"

using namespace nsinspect;
using namespace nsinspect::containers;

namespace {
void decode(std::string_view path) {
  auto m = decode_cgroup_path(path);
  if (!m) return;
  // A container or monitor always has an id; a pod match names its pod.
  if (m->role != CgroupRole::pod) FUZZ_REQUIRE(!m->id.empty());
  else FUZZ_REQUIRE(!m->pod_id.empty());
  if (m->qos) FUZZ_REQUIRE(m->kubernetes);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string_view in = fuzz::text(data, size);
  decode(in);
  for (const auto& line : procfs::parse_cgroup(in)) decode(line.path);
  FUZZ_REQUIRE(unescape_systemd(in).size() <= size);
  (void)is_hex_id(in);
  auto argv = procfs::parse_cmdline(in);
  if (auto m = parse_monitor_cmdline(argv)) FUZZ_REQUIRE(!m->kind.empty());
  return 0;
}
