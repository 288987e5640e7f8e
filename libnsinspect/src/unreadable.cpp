// What a scan could not read, in one line, with the reason (the front-ends' warning).
#include <cstdlib>
#include <string>
#include <unistd.h>

#include "privilege.hpp"
#include "nsinspect/snapshot.hpp"

namespace nsinspect {

namespace {

std::string reason() {
  if (detail::have_sys_ptrace()) return "permission denied despite CAP_SYS_PTRACE: a security module or another user namespace";
  if (geteuid() != 0) return "not root: run as root or with CAP_SYS_PTRACE";
  return "no CAP_SYS_PTRACE: run with it (e.g. podman --cap-add SYS_PTRACE, or --privileged)";
}

}  // namespace

std::string unreadable_summary(const ScanStats& st) {
  if (!st.refused()) return {};
  const std::size_t all = st.processes_seen + st.processes_denied;
  std::string parts;
  // The first count says "of N processes"; the ones after it read as "of the same".
  auto add = [&](std::size_t n, const char* what, const char* after = "") {
    if (!n) return;
    parts += parts.empty() ? "" : ", ";
    parts += what + std::to_string(n) + (parts.find(" processes") == std::string::npos
                                             ? " of " + std::to_string(all) + " processes" : std::string()) + after;
  };
  add(st.processes_denied, "", " at all");
  add(st.ns_denied, "the namespaces of ");
  add(st.fds_denied, "the open files of ");
  add(st.io_denied, "the I/O counters of ");
  add(st.status_denied, "the status of ");
  add(st.cmdline_denied, "the command line of ");
  add(st.cgroup_denied, "the cgroups of ");
  if (!st.cgroup_hierarchies_denied.empty()) {
    std::string names;
    for (const auto& n : st.cgroup_hierarchies_denied) names += (names.empty() ? "" : " ") + n;
    parts += (parts.empty() ? "" : ", ") + std::string("the cgroup hierarchies ") + names;
  }
  if (st.engine_files_denied)
    parts += (parts.empty() ? "" : ", ") + std::to_string(st.engine_files_denied) + " container engine files";
  return "could not read " + parts + " (" + reason() + ")";
}

}  // namespace nsinspect
