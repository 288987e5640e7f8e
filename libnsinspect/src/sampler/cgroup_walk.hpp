// A lean walk of one cgroup hierarchy for the sampler, run on every refresh: getdents64 on
// directory fds kept open between walks (rewound, not reopened; reopened when the entry's
// inode changes, i.e. the cgroup was recreated), inodes from the parent's entries (kernfs
// reports them there), no sorting, no stat.
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
  // The cgroups of hierarchy h from host path `from` down to max_depth levels below it (-1:
  // all), parents before children. Empty when `from` does not exist there.
  std::vector<WalkedCgroup> walk(const CgroupHierarchy& h, const std::string& root, const std::string& from,
                                 int max_depth);
  std::size_t open_dirs() const { return dirs_.size(); }

 private:
  struct Dir {
    Fd fd;
    uint64_t inode = 0;
    uint64_t gen = 0;
  };
  void walk_dir(int dirfd, std::size_t self, int max_depth, std::vector<WalkedCgroup>& out);
  int dir_fd(int parentfd, const std::string& name, const std::string& path, uint64_t inode, Fd& temp);
  std::unordered_map<std::string, Dir> dirs_;  // path -> kept-open directory
  uint64_t gen_ = 0;
  long budget_ = -1;  // directories that may stay open (a quarter of the fd limit)
  std::vector<char> buf_ = std::vector<char>(32768);
};

}  // namespace nsinspect::detail
