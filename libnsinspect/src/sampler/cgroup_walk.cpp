#include "sampler/cgroup_walk.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroups/cgroups_internal.hpp"
#include "discovery/fs_util.hpp"

namespace nsinspect::detail {

namespace {

void walk(int dirfd, std::size_t self, int max_depth, std::vector<WalkedCgroup>& out, std::vector<char>& buf) {
  struct Kid {
    std::string name;
    uint64_t inode;
  };
  std::vector<Kid> kids;
  for (;;) {
    long n = syscall(SYS_getdents64, dirfd, buf.data(), buf.size());
    if (n <= 0) break;
    for (long off = 0; off < n;) {
      auto* e = reinterpret_cast<struct dirent64*>(buf.data() + off);
      off += e->d_reclen;
      if (e->d_type != DT_DIR || e->d_name[0] == '.') continue;  // cgroup names never start with '.'
      kids.push_back({e->d_name, e->d_ino});
    }
  }
  const int depth = out[self].depth + 1;
  for (auto& k : kids) {
    std::size_t idx = out.size();
    const std::string& base = out[self].path;
    out.push_back({(base == "/" ? std::string() : base) + "/" + k.name, k.inode, self, depth});
    if (max_depth >= 0 && depth >= max_depth) continue;
    Fd child = open_dir_at(dirfd, k.name.c_str());
    if (child) walk(child.get(), idx, max_depth, out, buf);  // removed meanwhile: no subtree
  }
}

}  // namespace

std::vector<WalkedCgroup> walk_cgroups(const CgroupHierarchy& h, const std::string& root, const std::string& from,
                                       int max_depth) {
  std::vector<WalkedCgroup> out;
  auto rel = cgroup_dir_in_mount(h, from);
  if (!rel) return out;
  Fd start = open_dir_at(AT_FDCWD, (cgroup_mount_dir(root, h) + "/" + *rel).c_str());
  if (!start) return out;
  struct stat st;
  out.push_back({from, fstat(start.get(), &st) == 0 ? static_cast<uint64_t>(st.st_ino) : 0, CgroupNode::kNone, 0});
  if (max_depth != 0) {
    std::vector<char> buf(32768);
    walk(start.get(), 0, max_depth, out, buf);
  }
  return out;
}

}  // namespace nsinspect::detail
