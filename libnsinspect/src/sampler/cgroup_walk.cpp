#include "sampler/cgroup_walk.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <dirent.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroups/cgroups_internal.hpp"

namespace nsinspect::detail {

namespace {
// A child directory made, removed or renamed; the directory itself removed or renamed.
constexpr uint32_t kWatchMask = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF |
                                IN_ONLYDIR;
}  // namespace

CgroupWalker::CgroupWalker(bool watch) : inotify_(watch ? inotify_init1(IN_NONBLOCK | IN_CLOEXEC) : -1) {
  // Watches count against the user's fs.inotify.max_user_watches, which root's daemons
  // share: take at most a quarter of it.
  long max_watches = inotify_max_user_watches();
  watch_budget_ = static_cast<std::size_t>(std::max(max_watches / 4, 0L));
}

void CgroupWalker::begin() {
  ++gen_;
  if (!inotify_) return;
  alignas(inotify_event) char events[8192];
  for (;;) {
    ssize_t n = ::read(inotify_.get(), events, sizeof events);
    if (n <= 0) break;  // EAGAIN: nothing more
    for (ssize_t off = 0; off < n;) {
      auto* e = reinterpret_cast<const inotify_event*>(events + off);
      off += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
      if (e->mask & IN_Q_OVERFLOW) {  // events were lost: list everything again
        for (auto& [path, d] : dirs_) d.listed = false;
        continue;
      }
      auto w = watched_.find(e->wd);
      if (w == watched_.end()) continue;
      auto d = dirs_.find(w->second);
      if (e->mask & IN_IGNORED) {  // the directory is gone (or unwatched): the kernel dropped the watch
        if (d != dirs_.end()) d->second.wd = -1;
        watched_.erase(w);
      }
      if (d != dirs_.end()) d->second.listed = false;
    }
  }
}

void CgroupWalker::drop_fd(Dir& d) {
  if (!d.fd) return;
  d.fd.reset();
  --kept_fds_;
}

CgroupWalker::Dir& CgroupWalker::dir(const std::string& fs_path, uint64_t inode) {
  auto [it, inserted] = dirs_.try_emplace(fs_path);
  Dir& d = it->second;
  if (!inserted && d.inode != inode) {  // recreated under the same name
    forget(d, fs_path);
    d = Dir{};
  }
  d.inode = inode;
  d.gen = gen_;
  return d;
}

void CgroupWalker::forget(Dir& d, const std::string& fs_path) {
  drop_fd(d);
  if (d.wd < 0) return;
  // A renamed directory keeps its watch (same inode, same wd) under its new path: only the
  // path the watch belongs to removes it.
  auto w = watched_.find(d.wd);
  if (w != watched_.end() && w->second == fs_path) {
    inotify_rm_watch(inotify_.get(), d.wd);
    watched_.erase(w);
  }
  d.wd = -1;
}

// Lists the subdirectories of d. The watch is added before the listing, so a change after
// the listing is reported. Returns false when the directory is gone.
bool CgroupWalker::list(Dir& d, const std::string& fs_path) {
  if (inotify_ && d.wd < 0 && !watches_full_ && watched_.size() < watch_budget_) {
    int wd = inotify_add_watch(inotify_.get(), fs_path.c_str(), kWatchMask);
    if (wd >= 0) {
      d.wd = wd;
      watched_[wd] = fs_path;  // a renamed directory's watch moves to the new path
    } else if (errno == ENOSPC) {
      watches_full_ = true;  // out of watches (fs.inotify.max_user_watches): list on every walk
    } else if (is_vanished(errno) || errno == ENOTDIR) {
      return false;
    }
  }
  if (d.fd && ::lseek(d.fd.get(), 0, SEEK_SET) != 0) drop_fd(d);
  Fd temp;
  int fd = d.fd.get();
  if (fd < 0) {
    temp = open_dir_at(AT_FDCWD, fs_path.c_str());
    if (!temp) return false;  // removed meanwhile: no subtree
    fd = temp.get();
  }
  ++listings_;
  d.kids.clear();
  for (;;) {
    long n = syscall(SYS_getdents64, fd, buf_.data(), buf_.size());
    if (n <= 0) break;
    // kernfs fills the buffer while entries fit: a short read is the end of the directory.
    const bool last = n < static_cast<long>(buf_.size()) - 512;
    for (long off = 0; off < n;) {
      auto* e = reinterpret_cast<struct dirent64*>(buf_.data() + off);
      off += e->d_reclen;
      if (e->d_type != DT_DIR || e->d_name[0] == '.') continue;  // cgroup names never start with '.'
      d.kids.push_back({e->d_name, e->d_ino});
    }
    if (last) break;
  }
  d.listed = d.wd >= 0;
  // A watched directory is listed again only after a change: no fd to keep. An unwatched
  // one is listed on every walk: keep its fd while the budget lasts.
  if (d.wd >= 0) drop_fd(d);
  else if (temp && static_cast<long>(kept_fds_) < budget_) {
    d.fd = std::move(temp);
    ++kept_fds_;
  }
  return true;
}

void CgroupWalker::walk_dir(const std::string& fs_path, std::size_t self, int max_depth,
                            std::vector<WalkedCgroup>& out) {
  Dir& d = dirs_.at(fs_path);  // made by the caller; element references survive rehashing
  if (!d.listed && !list(d, fs_path)) return;
  const int depth = out[self].depth + 1;
  for (std::size_t k = 0; k < d.kids.size(); ++k) {
    const Kid& kid = d.kids[k];
    const std::string& base = out[self].path;
    std::size_t idx = out.size();
    out.push_back({(base == "/" ? std::string() : base) + "/" + kid.name, kid.inode, self, depth});
    if (max_depth >= 0 && depth >= max_depth) continue;
    std::string child = fs_path + "/" + kid.name;
    dir(child, kid.inode);
    walk_dir(child, idx, max_depth, out);
  }
}

std::vector<WalkedCgroup> CgroupWalker::walk(const CgroupHierarchy& h, const std::string& root,
                                             const std::string& from, int max_depth) {
  if (budget_ < 0) {
    rlimit rl;
    budget_ = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ? static_cast<long>(rl.rlim_cur / 4) : 4096;
  }
  std::vector<WalkedCgroup> out;
  auto rel = cgroup_dir_in_mount(h, from);
  if (!rel) return out;
  std::string fs_path = cgroup_mount_dir(root, h) + "/" + *rel;
  while (fs_path.size() > 1 && fs_path.back() == '/') fs_path.pop_back();
  struct stat st;
  if (::stat(fs_path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return out;
  out.push_back({from, static_cast<uint64_t>(st.st_ino), CgroupNode::kNone, 0});
  dir(fs_path, static_cast<uint64_t>(st.st_ino));
  if (max_depth != 0) walk_dir(fs_path, 0, max_depth, out);
  return out;
}

void CgroupWalker::end() {
  // Directories not reached this round (removed, or now below the depth) are forgotten.
  for (auto it = dirs_.begin(); it != dirs_.end();) {
    if (it->second.gen == gen_) {
      ++it;
      continue;
    }
    forget(it->second, it->first);
    it = dirs_.erase(it);
  }
}

}  // namespace nsinspect::detail
