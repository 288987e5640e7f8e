// A lean walk of the cgroup hierarchies for the sampler, run on every refresh. A directory
// is listed (getdents64) only when inotify said its subdirectories changed: cgroups appear
// and vanish only by mkdir/rmdir/rename, and the VFS reports those to a watch on the parent
// from any mount of the hierarchy. So a refresh of an unchanged tree reads one inotify fd
// and no directory. Without inotify, or past a quarter of fs.inotify.max_user_watches (the
// budget root's daemons share), the unwatched directories are listed on every walk through
// fds kept open between walks. Inodes come from the parent's
// entries (kernfs reports them there): a recreated cgroup has a new one.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "discovery/fs_util.hpp"
#include "nsinspect/cgroups.hpp"

namespace nsinspect::detail {

struct WalkedCgroup {
  std::string path;  // host path
  uint64_t inode = 0;
  std::size_t parent = CgroupNode::kNone;  // index in the walk
  int depth = 0;     // below the start
};

class CgroupWalker {
 public:
  explicit CgroupWalker(bool watch = true);
  // A round of walks: begin() applies what inotify reported since the last round; walk()
  // once per hierarchy; end() forgets the directories no walk of the round reached.
  void begin();
  // The cgroups of hierarchy h from host path `from` down to max_depth levels below it (-1:
  // all), parents before children. Empty when `from` does not exist there.
  std::vector<WalkedCgroup> walk(const CgroupHierarchy& h, const std::string& root, const std::string& from,
                                 int max_depth);
  void end();

  std::size_t known_dirs() const { return dirs_.size(); }
  std::size_t open_dirs() const { return kept_fds_; }  // fds kept (unwatched directories only)
  std::size_t watched_dirs() const { return watched_.size(); }
  uint64_t listings() const { return listings_; }  // directories listed so far (for tests)

 private:
  struct Kid {
    std::string name;
    uint64_t inode;
  };
  struct Dir {
    uint64_t inode = 0;
    uint64_t gen = 0;    // last round that reached it
    int wd = -1;         // inotify watch; -1 none
    bool listed = false; // kids are current (always relisted when unwatched)
    Fd fd;               // kept only when unwatched
    std::vector<Kid> kids;
  };
  // The directory at a filesystem path, reset when the inode changed (a recreated cgroup).
  Dir& dir(const std::string& fs_path, uint64_t inode);
  bool list(Dir& d, const std::string& fs_path);
  void walk_dir(const std::string& fs_path, std::size_t self, int max_depth, std::vector<WalkedCgroup>& out);
  void forget(Dir& d, const std::string& fs_path);  // closes its fd, removes its watch
  void drop_fd(Dir& d);

  std::unordered_map<std::string, Dir> dirs_;     // filesystem path -> directory
  std::unordered_map<int, std::string> watched_;  // watch -> filesystem path
  Fd inotify_;
  bool watches_full_ = false;  // ENOSPC once: list the rest on every walk
  std::size_t watch_budget_ = 0;  // a quarter of fs.inotify.max_user_watches
  uint64_t gen_ = 0;
  uint64_t listings_ = 0;
  std::size_t kept_fds_ = 0;
  long budget_ = -1;  // unwatched directories whose fd may stay open (a quarter of the fd limit)
  std::vector<char> buf_ = std::vector<char>(32768);
};

}  // namespace nsinspect::detail
