// The cgroup tree of each hierarchy: directories walked once (no stat file read), member
// processes attached through a path -> node hash map, so the work is linear.
#include <algorithm>
#include <cstring>
#include <dirent.h>
#include <sys/stat.h>

#include "cgroups/cgroups_internal.hpp"
#include "discovery/fs_util.hpp"
#include "procfs/parse_util.hpp"

namespace nsinspect {

std::string_view CgroupNode::name() const {
  if (path == "/") return path;
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string_view(path) : std::string_view(path).substr(slash + 1);
}

std::optional<std::size_t> CgroupHierarchyTree::find_index(std::string_view path) const {
  auto it = index.find(std::string(path));
  if (it == index.end()) return std::nullopt;
  return it->second;
}

const CgroupNode* CgroupHierarchyTree::find(std::string_view path) const {
  auto i = find_index(path);
  return i ? &nodes[*i] : nullptr;
}

const CgroupHierarchyTree* CgroupTree::primary() const {
  if (layout.primary < 0 || static_cast<std::size_t>(layout.primary) >= trees.size()) return nullptr;
  return &trees[static_cast<std::size_t>(layout.primary)];
}

const CgroupHierarchyTree* CgroupTree::by_name(std::string_view name) const {
  int i = layout.index_of_name(name);
  if (i < 0 || static_cast<std::size_t>(i) >= trees.size()) return nullptr;
  return &trees[static_cast<std::size_t>(i)];
}

std::size_t CgroupTree::size() const {
  std::size_t n = 0;
  for (const auto& t : trees) n += t.nodes.size();
  return n;
}

namespace detail {

std::string mount_root_host_path(const CgroupHierarchy& h) {
  if (!h.ns_root_known) return cgroup_host_path("/", h.mount_root);
  return cgroup_host_path(h.ns_root, h.mount_root);
}

std::optional<std::string> cgroup_dir_in_mount(const CgroupHierarchy& h, std::string_view host_path) {
  std::string base = mount_root_host_path(h);
  if (base == "/") {
    if (host_path.empty() || host_path.front() != '/') return std::nullopt;
    host_path.remove_prefix(1);
    return host_path.empty() ? std::string(".") : std::string(host_path);
  }
  if (host_path.substr(0, base.size()) != base) return std::nullopt;
  auto rest = host_path.substr(base.size());
  if (rest.empty()) return std::string(".");
  if (rest.front() != '/') return std::nullopt;
  return std::string(rest.substr(1));
}

namespace {

std::string mount_dir(const std::string& root, const CgroupHierarchy& h) {
  return (root == "/" ? std::string() : root) + h.mount_point;
}

// Subdirectory names of a directory, sorted.
std::vector<std::string> subdirs(int dirfd) {
  std::vector<std::string> names;
  int dup = ::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dup < 0) return names;
  DIR* d = fdopendir(dup);
  if (!d) {
    ::close(dup);
    return names;
  }
  while (struct dirent* e = readdir(d)) {
    if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2]))) continue;
    bool dir = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN) {
      struct stat st;
      dir = fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    }
    if (dir) names.emplace_back(e->d_name);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

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
      if (h.v2 ? (l.hierarchy_id == 0 && l.controllers.empty()) : l.hierarchy_id == h.id) self_path = l.path;
    if (self_path.empty() || self_path.find("..") != std::string::npos) continue;
    Fd mnt = open_dir_at(AT_FDCWD, mount_dir(root, h).c_str());
    if (!mnt) continue;
    // Breadth-first down to `depth`; at that depth, look for self in <dir><self_path>.
    std::vector<std::string> level{""};
    for (std::size_t d = 0; d < depth; ++d) {
      std::vector<std::string> next;
      for (const auto& rel : level) {
        Fd dir = open_dir_at(mnt.get(), rel.empty() ? "." : rel.c_str());
        if (!dir) continue;
        for (auto& n : subdirs(dir.get())) next.push_back(rel.empty() ? n : rel + "/" + n);
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

CgroupHierarchyTree walk_cgroup_hierarchy(const CgroupLayout& layout, std::size_t index,
                                          const std::string& root) {
  const CgroupHierarchy& h = layout.hierarchies[index];
  CgroupHierarchyTree t;
  t.hierarchy = index;
  Fd mnt = open_dir_at(AT_FDCWD, mount_dir(root, h).c_str());
  if (!mnt) return t;
  std::string base = mount_root_host_path(h);
  CgroupNode rootnode;
  rootnode.path = base;
  struct stat st;
  if (fstat(mnt.get(), &st) == 0) rootnode.inode = st.st_ino;
  t.nodes.push_back(std::move(rootnode));
  t.index.emplace(base, 0);
  // Breadth-first, so parents come before children; each directory opened relative to the
  // mount (a cgroup removed meanwhile simply disappears from the walk).
  for (std::size_t i = 0; i < t.nodes.size(); ++i) {
    std::string rel = *cgroup_dir_in_mount(h, t.nodes[i].path);
    Fd dir = open_dir_at(mnt.get(), rel.c_str());
    if (!dir) continue;
    if (i > 0 && fstat(dir.get(), &st) == 0) t.nodes[i].inode = st.st_ino;
    for (auto& name : subdirs(dir.get())) {
      CgroupNode n;
      n.path = (t.nodes[i].path == "/" ? std::string() : t.nodes[i].path) + "/" + name;
      n.parent = i;
      std::size_t idx = t.nodes.size();
      t.index.emplace(n.path, idx);
      t.nodes[i].children.push_back(idx);
      t.nodes.push_back(std::move(n));
    }
  }
  return t;
}

void build_cgroups(Snapshot& snap, const std::string& root, int proc_fd, bool tree) {
  std::string buf;
  std::vector<procfs::MountInfo> mounts;
  std::vector<procfs::CgroupLine> self;
  if (read_file_at(proc_fd, "self/mountinfo", buf) == 0) mounts = procfs::parse_mountinfo(buf);
  if (read_file_at(proc_fd, "self/cgroup", buf) == 0) self = procfs::parse_cgroup(buf);
  std::string controllers;
  for (const auto& m : mounts)
    if (m.fstype == "cgroup2") {
      std::string file = (root == "/" ? std::string() : root) + m.mount_point + "/cgroup.controllers";
      if (read_file_at(AT_FDCWD, file.c_str(), buf) == 0) controllers = buf;
      break;
    }
  CgroupLayout layout = detect_cgroup_layout(mounts, self, controllers);
  resolve_ns_roots(layout, root, root == "/" ? getpid() : 0, self);

  // Hierarchy id -> layout index, then translate every line to a host path.
  std::unordered_map<int, std::size_t> by_id;
  for (std::size_t i = 0; i < layout.hierarchies.size(); ++i)
    if (!layout.hierarchies[i].v2) by_id.emplace(layout.hierarchies[i].id, i);
  int v2 = layout.index_of_name("unified");
  auto hierarchy_of = [&](const procfs::CgroupLine& l) -> int {
    if (l.hierarchy_id == 0 && l.controllers.empty()) return v2;
    auto it = by_id.find(l.hierarchy_id);
    return it == by_id.end() ? -1 : static_cast<int>(it->second);
  };
  for (auto& p : snap.processes) {
    for (auto& l : p.cgroups) {
      int hi = hierarchy_of(l);
      if (hi < 0) continue;
      const auto& h = layout.hierarchies[static_cast<std::size_t>(hi)];
      if (h.ns_root_known) l.path = cgroup_host_path(h.ns_root, l.path);
    }
    p.cgroup = primary_cgroup_path(layout, p.cgroups);
  }
  snap.cgroup_tree.layout = layout;
  if (!tree) return;
  auto& trees = snap.cgroup_tree.trees;
  for (std::size_t i = 0; i < layout.hierarchies.size(); ++i) trees.push_back(walk_cgroup_hierarchy(layout, i, root));
  for (const auto& p : snap.processes)  // ascending pid, so each node's pids end up sorted
    for (const auto& l : p.cgroups) {
      int hi = hierarchy_of(l);
      if (hi < 0) continue;
      auto& t = trees[static_cast<std::size_t>(hi)];
      if (auto it = t.index.find(l.path); it != t.index.end()) t.nodes[it->second].pids.push_back(p.pid);
    }
}

}  // namespace detail
}  // namespace nsinspect
