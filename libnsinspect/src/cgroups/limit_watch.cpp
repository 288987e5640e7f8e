#include "cgroups/limit_watch.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <sys/inotify.h>

namespace nsinspect::detail {

namespace {
// A file written, made or removed in the directory; the directory removed.
constexpr uint32_t kMask = IN_MODIFY | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_ONLYDIR;

// The files CgroupReader reads limits from (readings_v1.cpp, readings_v2.cpp).
constexpr std::string_view kLimitFiles[] = {
    "cpu.max", "cpu.weight", "cpu.cfs_quota_us", "cpu.cfs_period_us", "cpu.shares",
    "memory.max", "memory.high", "memory.limit_in_bytes", "pids.max",
};
}  // namespace

LimitWatch::LimitWatch(std::size_t budget) : inotify_(inotify_init1(IN_NONBLOCK | IN_CLOEXEC)), budget_(budget) {}

int LimitWatch::add(int dirfd, Handle h) {
  if (!inotify_ || full_ || dirfd < 0) return -1;
  // The open directory itself (not its path, which may name a newer cgroup by now).
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/fd/%d", dirfd);
  int wd = inotify_add_watch(inotify_.get(), path, kMask);
  if (wd < 0) {
    if (errno == ENOSPC) full_ = true;
    return -1;
  }
  // A directory already watched returns its wd and costs nothing; a new one only in budget.
  if (!users_.count(wd) && users_.size() >= budget_) {
    inotify_rm_watch(inotify_.get(), wd);
    return -1;
  }
  auto& hs = users_[wd];  // the same directory twice: the same wd
  if (std::find(hs.begin(), hs.end(), h) == hs.end()) hs.push_back(h);
  return wd;
}

void LimitWatch::remove(int wd, Handle h) {
  auto it = users_.find(wd);
  if (it == users_.end()) return;
  auto& hs = it->second;
  hs.erase(std::remove(hs.begin(), hs.end(), h), hs.end());
  if (!hs.empty()) return;
  inotify_rm_watch(inotify_.get(), wd);
  users_.erase(it);
}

bool LimitWatch::may_change_limits(uint32_t mask, const char* name, uint32_t len) {
  if (mask & IN_ISDIR) return false;  // a child cgroup made or removed
  if (!(mask & IN_MODIFY)) return true;  // a file made or removed (a v2 controller enabled)
  std::string_view n(name, strnlen(name, len));
  return std::find(std::begin(kLimitFiles), std::end(kLimitFiles), n) != std::end(kLimitFiles);
}

void LimitWatch::poll(std::vector<Handle>& changed, std::vector<Dropped>& dropped) {
  if (!inotify_ || users_.empty()) return;
  timespec now;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
  const int64_t ms = static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
  if (last_poll_ms_ >= 0 && ms - last_poll_ms_ < 10) return;
  last_poll_ms_ = ms;
  alignas(inotify_event) char buf[8192];
  for (;;) {
    ssize_t n = ::read(inotify_.get(), buf, sizeof buf);
    if (n <= 0) return;  // EAGAIN: nothing more
    for (ssize_t off = 0; off < n;) {
      const auto* e = reinterpret_cast<const inotify_event*>(buf + off);
      off += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
      if (e->mask & IN_Q_OVERFLOW) {  // events were lost: every limit may have changed
        for (const auto& [wd, hs] : users_) changed.insert(changed.end(), hs.begin(), hs.end());
        continue;
      }
      auto it = users_.find(e->wd);
      if (it == users_.end()) continue;
      if (e->mask & IN_IGNORED) {  // the directory is gone: the kernel dropped the watch
        for (Handle h : it->second) dropped.push_back({h, e->wd});
        users_.erase(it);
        continue;
      }
      if (may_change_limits(e->mask, e->name, e->len)) changed.insert(changed.end(), it->second.begin(), it->second.end());
    }
  }
}

}  // namespace nsinspect::detail
