// The scan's cgroup step: the layout, host paths (also through a cgroup namespace) and the
// primary path of every process, the tree of every hierarchy with member processes attached
// through a path -> node hash map, so the work stays linear.
#include <linux/magic.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <unordered_map>

#include "cgroups/cgroups_internal.hpp"
#include "discovery/fs_util.hpp"
#include "procfs/parse_util.hpp"

namespace nsinspect::detail {

namespace {

bool procs_hold(int dirfd, const char* rel, pid_t pid, std::string& buf) {
  std::string file = std::string(rel) + "/cgroup.procs";
  if (read_file_at(dirfd, file.c_str(), buf) != 0) return false;
  bool found = false;
  for_each_line(buf, [&](std::string_view l) { found |= to_number<pid_t>(l) == pid; });
  return found;
}

}  // namespace

void resolve_ns_roots(CgroupLayout& layout, const std::string& root, pid_t self_pid,
                      const std::vector<procfs::CgroupLine>& self_lines) {
  std::string buf;
  for (auto& h : layout.hierarchies) {
    if (h.ns_root_known) continue;
    // Only "/../.." (the namespace root lies below the mount root) can be resolved.
    std::size_t depth = 0;
    bool pure = true;
    for (auto part : split(h.mount_root, '/')) {
      if (part.empty()) continue;
      if (part == "..") ++depth;
      else pure = false;
    }
    if (!pure || depth == 0 || self_pid <= 0) continue;
    std::string self_path;
    for (const auto& l : self_lines)
      if (h.v2 ? (l.hierarchy_id == 0 && l.controllers.empty()) : (h.id != 0 && l.hierarchy_id == h.id))
        self_path = l.path;
    if (self_path.empty() || self_path.find("..") != std::string::npos) continue;
    Fd mnt = open_dir_at(AT_FDCWD, cgroup_mount_dir(root, h).c_str());
    if (!mnt) continue;
    // Breadth-first down to `depth`; at that depth, look for self in <dir><self_path>.
    std::vector<std::string> level{""};
    for (std::size_t d = 0; d < depth; ++d) {
      std::vector<std::string> next;
      for (const auto& rel : level) {
        Fd dir = open_dir_at(mnt.get(), rel.empty() ? "." : rel.c_str());
        if (!dir) continue;
        for (auto& n : cgroup_subdirs(dir.get())) next.push_back(rel.empty() ? n : rel + "/" + n);
      }
      level = std::move(next);
    }
    for (const auto& rel : level) {
      std::string at = rel + (self_path == "/" ? std::string() : self_path);
      if (procs_hold(mnt.get(), at.c_str(), self_pid, buf)) {
        h.ns_root = cgroup_host_path("/", rel);
        h.ns_root_known = true;  // mount_root stays as seen; joined to ns_root it is "/"
        break;
      }
    }
  }
}

namespace {

// The node's hierarchies from the scanner's mountinfo and cgroup lines.
CgroupLayout detect_layout(const std::string& root, int proc_fd, pid_t self_pid) {
  std::string buf;
  std::vector<procfs::MountInfo> mounts;
  std::vector<procfs::CgroupLine> self;
  if (read_file_at(proc_fd, "self/mountinfo", buf) == 0) mounts = procfs::parse_mountinfo(buf);
  // A live /proc under another root is the scanner's own view (see mounts_below_root); a
  // fixture tree's mountinfo names paths inside the tree.
  struct statfs fs;
  if (root != "/" && fstatfs(proc_fd, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC)
    mounts = mounts_below_root(std::move(mounts), root);
  if (read_file_at(proc_fd, "self/cgroup", buf) == 0) self = procfs::parse_cgroup(buf);
  std::string controllers;
  for (const auto& m : mounts)
    if (m.fstype == "cgroup2") {
      std::string file = (root == "/" ? std::string() : root) + m.mount_point + "/cgroup.controllers";
      if (read_file_at(AT_FDCWD, file.c_str(), buf) == 0) controllers = buf;
      break;
    }
  CgroupLayout layout = detect_cgroup_layout(mounts, self, controllers);
  resolve_ns_roots(layout, root, self_pid, self);
  if (root == "/") layout.scanner_mounts = std::make_shared<const std::vector<procfs::MountInfo>>(std::move(mounts));
  return layout;
}

}  // namespace

void build_cgroups(Snapshot& snap, const std::string& root, int proc_fd, bool tree, const CgroupLayout* known) {
  CgroupLayout layout = known ? *known : detect_layout(root, proc_fd, snap.self_pid);

  // Hierarchy id -> layout index, then translate every line to a host path.
  std::unordered_map<int, std::size_t> by_id;
  for (std::size_t i = 0; i < layout.hierarchies.size(); ++i)
    if (!layout.hierarchies[i].v2 && layout.hierarchies[i].id != 0) by_id.emplace(layout.hierarchies[i].id, i);
  int v2 = layout.index_of_name("unified");
  auto hierarchy_of = [&](const procfs::CgroupLine& l) -> int {
    if (l.hierarchy_id == 0 && l.controllers.empty()) return v2;
    auto it = by_id.find(l.hierarchy_id);
    return it == by_id.end() ? -1 : static_cast<int>(it->second);
  };
  // The translation depends on the lines only, so shared lines are translated once (the map
  // keeps each original alive, so that its address cannot be reused by another).
  std::unordered_map<const CgroupLines::Lines*, std::pair<CgroupLines, CgroupLines>> translated;
  for (auto& p : snap.processes) {
    if (const auto& orig = p.cgroups.shared()) {
      auto it = translated.find(orig.get());
      if (it == translated.end()) {
        CgroupLines::Lines lines = *orig;
        for (auto& l : lines) {
          int hi = hierarchy_of(l);
          if (hi < 0) continue;
          const auto& h = layout.hierarchies[static_cast<std::size_t>(hi)];
          if (h.ns_root_known) l.path = cgroup_host_path(h.ns_root, l.path);
        }
        it = translated.emplace(orig.get(), std::make_pair(p.cgroups, CgroupLines(std::move(lines)))).first;
      }
      p.cgroups = it->second.second;
    }
    p.cgroup = primary_cgroup_path(layout, p.cgroups);
  }
  snap.cgroup_tree.layout = layout;
  if (!tree) return;
  auto& trees = snap.cgroup_tree.trees;
  for (std::size_t i = 0; i < layout.hierarchies.size(); ++i) {
    trees.push_back(walk_cgroup_hierarchy(layout, i, root));
    if (trees.back().denied) snap.stats.cgroup_hierarchies_denied.push_back(layout.hierarchies[i].name);
  }
  for (const auto& p : snap.processes)  // ascending pid, so each node's pids end up sorted
    for (const auto& l : p.cgroups) {
      int hi = hierarchy_of(l);
      if (hi < 0) continue;
      auto& t = trees[static_cast<std::size_t>(hi)];
      if (auto it = t.index.find(l.path); it != t.index.end()) t.nodes[it->second].pids.push_back(p.pid);
    }
}

}  // namespace nsinspect::detail
