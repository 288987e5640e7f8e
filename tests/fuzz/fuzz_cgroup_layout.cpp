// The cgroup layout from mountinfo and /proc/self/cgroup, a process's primary path, host
// paths through a cgroup namespace, and enter -c's cgroup.procs paths.
// Input: MOUNTINFO \0 CGROUP-LINES \0 CGROUP.CONTROLLERS \0 PATH
#include "fuzz_input.hpp"
#include "nsinspect/cgroups.hpp"
#include "nsinspect/enter.hpp"

using namespace nsinspect;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  auto p = fuzz::parts(fuzz::text(data, size), 4);
  auto mounts = procfs::parse_mountinfo(p[0]);
  auto self = procfs::parse_cgroup(p[1]);
  CgroupLayout layout = detect_cgroup_layout(mounts, self, p[2]);
  FUZZ_REQUIRE(layout.primary < static_cast<int>(layout.hierarchies.size()));
  for (const auto& h : layout.hierarchies) {
    // A v1 hierarchy /proc/self/cgroup does not list has id 0: unknown, never found by id.
    int i = layout.index_of_id(h.id);
    if (h.v2 || h.id != 0) FUZZ_REQUIRE(i >= 0 && layout.hierarchies[i].id == h.id);
    else FUZZ_REQUIRE(i < 0 || layout.hierarchies[i].v2);
    (void)layout.index_of_name(h.name);
    for (const auto& c : h.controllers) (void)layout.index_of_controller(c);
  }
  (void)layout.index_of_name(p[3]);
  (void)layout.index_of_controller(p[3]);
  std::string primary = primary_cgroup_path(layout, self);
  if (layout.primary >= 0 && !layout.hierarchies[layout.primary].v2 && layout.hierarchies[layout.primary].id == 0)
    FUZZ_REQUIRE(primary.empty());
  std::string host = cgroup_host_path(p[3], p[1]);
  FUZZ_REQUIRE(!host.empty() && host.front() == '/');
  FUZZ_REQUIRE(host.find("/../") == std::string::npos && host.find("/./") == std::string::npos);
  for (const auto& path : enter::cgroup_procs_paths(p[1], p[0])) FUZZ_REQUIRE(path.size() >= 12);
  return 0;
}
