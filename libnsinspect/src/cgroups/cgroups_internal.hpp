// Shared by the cgroup tree builder, the scan and the reader.
#pragma once

#include <optional>
#include <string>

#include "nsinspect/cgroups.hpp"
#include "nsinspect/snapshot.hpp"

namespace nsinspect::detail {

// Where a hierarchy is mounted below the scan root.
std::string cgroup_mount_dir(const std::string& root, const CgroupHierarchy& h);
// Subdirectory names of a directory, sorted.
std::vector<std::string> cgroup_subdirs(int dirfd);
// Host path of a hierarchy's mount root ("/" for a host mount).
std::string mount_root_host_path(const CgroupHierarchy& h);
// A host path's directory relative to the hierarchy's mount point ("." for the mount root);
// nullopt when the path lies outside what the mount shows.
std::optional<std::string> cgroup_dir_in_mount(const CgroupHierarchy& h, std::string_view host_path);
// Finds the host path of the scanner's cgroup-namespace root in hierarchies whose mount root
// is seen as "/..": the directory at that depth below the mount that holds self_pid.
void resolve_ns_roots(CgroupLayout& layout, const std::string& root, pid_t self_pid,
                      const std::vector<procfs::CgroupLine>& self_lines);
// Walks one hierarchy's directories (no stat files read).
CgroupHierarchyTree walk_cgroup_hierarchy(const CgroupLayout& layout, std::size_t index,
                                          const std::string& root);
// The scan's cgroup step: layout, host paths and primary path of every process, the tree.
// known: a layout an earlier scan of the same root detected (its mountinfo is not read again).
void build_cgroups(Snapshot& snap, const std::string& root, int proc_fd, bool tree,
                   const CgroupLayout* known = nullptr);

}  // namespace nsinspect::detail
