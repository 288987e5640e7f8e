// A lean walk of one cgroup hierarchy for the sampler: getdents64 on fds opened relative to
// their parent, directory inodes from the parent's entries (kernfs reports them there), no
// sorting, no stat - it runs on every refresh.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nsinspect/cgroups.hpp"

namespace nsinspect::detail {

struct WalkedCgroup {
  std::string path;  // host path
  uint64_t inode = 0;
  std::size_t parent = CgroupNode::kNone;  // index in the walk
  int depth = 0;     // below the start
};

// The cgroups of hierarchy h from host path `from` down to max_depth levels below it (-1:
// all), parents before children. Empty when `from` does not exist there.
std::vector<WalkedCgroup> walk_cgroups(const CgroupHierarchy& h, const std::string& root, const std::string& from,
                                       int max_depth);

}  // namespace nsinspect::detail
