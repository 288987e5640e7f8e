// The cgroup tree of each hierarchy: directories walked once, no stat file read.
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

std::string cgroup_mount_dir(const std::string& root, const CgroupHierarchy& h) {
  return (root == "/" ? std::string() : root) + h.mount_point;
}

std::vector<std::string> cgroup_subdirs(int dirfd) {
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

CgroupHierarchyTree walk_cgroup_hierarchy(const CgroupLayout& layout, std::size_t index,
                                          const std::string& root) {
  const CgroupHierarchy& h = layout.hierarchies[index];
  CgroupHierarchyTree t;
  t.hierarchy = index;
  Fd mnt = open_dir_at(AT_FDCWD, cgroup_mount_dir(root, h).c_str());
  if (!mnt) {
    t.denied = errno == EACCES || errno == EPERM;
    return t;
  }
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
    for (auto& name : cgroup_subdirs(dir.get())) {
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

}  // namespace detail
}  // namespace nsinspect
