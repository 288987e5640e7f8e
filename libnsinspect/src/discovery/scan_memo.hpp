// What scan(options, memo) keeps between scans: private to the scan.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "nsinspect/scan.hpp"

namespace nsinspect {

struct ScanMemo::Impl {
  std::string root;      // the options it was filled under: another root starts afresh

  struct Proc {
    uint64_t start_time = 0;
    std::string comm;
    std::array<NsInode, kNsTypeCount> ns{};
    NsInode pid_for_children = 0, time_for_children = 0;
  };
  std::unordered_map<pid_t, Proc> procs;  // only processes whose links may be kept

  struct MountNs {
    pid_t pid = 0;        // whose mountinfo was read (paths are relative to its root)
    uint64_t id = 0;      // the namespace's 64-bit id
    std::vector<uint64_t> mounts;  // its mount ids then, ascending
    std::string nsfs_lines;        // its mountinfo's nsfs lines then
  };
  std::unordered_map<NsInode, MountNs> mount_ns;  // by the namespace's inode
  bool listmount = true;  // false once the kernel lacked or refused it: read every mountinfo

  const Proc* known(pid_t pid, uint64_t start_time, std::string_view comm) const {
    auto it = procs.find(pid);
    if (it == procs.end() || it->second.start_time != start_time || it->second.comm != comm) return nullptr;
    return &it->second;
  }
};

}  // namespace nsinspect
