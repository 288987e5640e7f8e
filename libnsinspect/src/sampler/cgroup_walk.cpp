#include "sampler/cgroup_walk.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroups/cgroups_internal.hpp"

namespace nsinspect::detail {

int CgroupWalker::dir_fd(int parentfd, const std::string& name, const std::string& path, uint64_t inode, Fd& temp) {
  auto it = dirs_.find(path);
  if (it != dirs_.end() && it->second.inode == inode && ::lseek(it->second.fd.get(), 0, SEEK_SET) == 0) {
    it->second.gen = gen_;
    return it->second.fd.get();
  }
  Fd fd = open_dir_at(parentfd, name.c_str());
  if (!fd) return -1;  // removed meanwhile: no subtree
  if (it != dirs_.end()) {
    it->second = Dir{std::move(fd), inode, gen_};
    return it->second.fd.get();
  }
  if (static_cast<long>(dirs_.size()) >= budget_) {  // out of budget: open, walk, close
    temp = std::move(fd);
    return temp.get();
  }
  auto& d = dirs_[path];
  d = Dir{std::move(fd), inode, gen_};
  return d.fd.get();
}

void CgroupWalker::walk_dir(int dirfd, std::size_t self, int max_depth, std::vector<WalkedCgroup>& out) {
  struct Kid {
    std::string name;
    uint64_t inode;
  };
  std::vector<Kid> kids;
  for (;;) {
    long n = syscall(SYS_getdents64, dirfd, buf_.data(), buf_.size());
    if (n <= 0) break;
    // kernfs fills the buffer while entries fit: a short read is the end of the directory.
    const bool last = n < static_cast<long>(buf_.size()) - 512;
    for (long off = 0; off < n;) {
      auto* e = reinterpret_cast<struct dirent64*>(buf_.data() + off);
      off += e->d_reclen;
      if (e->d_type != DT_DIR || e->d_name[0] == '.') continue;  // cgroup names never start with '.'
      kids.push_back({e->d_name, e->d_ino});
    }
    if (last) break;
  }
  const int depth = out[self].depth + 1;
  for (auto& k : kids) {
    std::size_t idx = out.size();
    const std::string& base = out[self].path;
    out.push_back({(base == "/" ? std::string() : base) + "/" + k.name, k.inode, self, depth});
    if (max_depth >= 0 && depth >= max_depth) continue;
    Fd temp;
    int fd = dir_fd(dirfd, k.name, out[idx].path, k.inode, temp);
    if (fd >= 0) walk_dir(fd, idx, max_depth, out);
  }
}

std::vector<WalkedCgroup> CgroupWalker::walk(const CgroupHierarchy& h, const std::string& root,
                                             const std::string& from, int max_depth) {
  if (budget_ < 0) {
    rlimit rl;
    budget_ = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ? static_cast<long>(rl.rlim_cur / 4) : 4096;
  }
  ++gen_;
  std::vector<WalkedCgroup> out;
  auto rel = cgroup_dir_in_mount(h, from);
  if (rel) {
    Fd start = open_dir_at(AT_FDCWD, (cgroup_mount_dir(root, h) + "/" + *rel).c_str());
    struct stat st;
    if (start && fstat(start.get(), &st) == 0) {
      out.push_back({from, static_cast<uint64_t>(st.st_ino), CgroupNode::kNone, 0});
      if (max_depth != 0) walk_dir(start.get(), 0, max_depth, out);
    }
  }
  // Directories not reached this time (removed, or now below the depth) are closed.
  std::erase_if(dirs_, [&](const auto& kv) { return kv.second.gen != gen_; });
  return out;
}

}  // namespace nsinspect::detail
