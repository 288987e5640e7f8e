// Limits kept between reads until a write changes them. A limit file (memory.max,
// cpu.cfs_quota_us, pids.max, ...) changes only when someone writes it, and a write to a
// cgroup file, as to any file, raises IN_MODIFY on an inotify watch of its directory (from any
// mount of the hierarchy, also /host/sys/fs/cgroup in a container). A controller enabled or
// disabled in v2 creates or removes the files: IN_CREATE / IN_DELETE. So a reader that
// watches a cgroup's directories can keep the limits it read there and read them again only
// after such an event: at 100 containers on a v1 host, 5 of about 17 preads per container.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "discovery/fs_util.hpp"

namespace nsinspect::detail {

class LimitWatch {
 public:
  using Handle = std::size_t;
  // budget: the most watches this instance holds. The user's inotify watches are shared with
  // root's daemons (systemd, kubelet, the engines), and nsview's cgroup walker takes a quarter
  // of them: an eighth.
  explicit LimitWatch(std::size_t budget = static_cast<std::size_t>(inotify_max_user_watches() / 8));

  // Watches directory dirfd for the handle; the watch descriptor, or -1 when it cannot
  // (no inotify, out of the watch budget, the directory is gone).
  int add(int dirfd, Handle h);
  // The handle no longer uses the watch; the last user removes it.
  void remove(int wd, Handle h);
  struct Dropped {
    Handle handle;
    int wd;
  };
  // Applies the events queued since the last call, at most every 10 ms (a read of an inotify
  // fd): `changed` gets each handle whose limits may have changed, `dropped` each watch the
  // kernel removed (its directory is gone). A limit written less than 10 ms before a read may
  // therefore show at the next read, as if that read had come 10 ms earlier.
  void poll(std::vector<Handle>& changed, std::vector<Dropped>& dropped);

 private:
  // Returns false when the event cannot change a limit (a write to another file).
  static bool may_change_limits(uint32_t mask, const char* name, uint32_t len);
  Fd inotify_;
  std::unordered_map<int, std::vector<Handle>> users_;  // wd -> handles
  std::size_t budget_ = 0;  // watches this instance may hold
  bool full_ = false;        // ENOSPC seen: add no more
  int64_t last_poll_ms_ = -1;  // CLOCK_MONOTONIC_COARSE
};

}  // namespace nsinspect::detail
