// Thin wrappers over *at() system calls: every fd is O_CLOEXEC, errors come back as errno.
#pragma once

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <unistd.h>

namespace nsinspect::detail {

// An owned file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

inline Fd open_dir_at(int dirfd, const char* path) {
  return Fd(::openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

// Reads a whole file into out (reusing its capacity). Returns 0 or an errno value.
// one_record: the file is produced in one piece (/proc/PID/stat, status, cgroup, cmdline:
// single_open or a loop up to the caller's count), so a read shorter than the buffer is the
// end and the read that would only return 0 is saved. Multi-record seq_files (mountinfo)
// return short reads before the end and must not set it.
inline int read_file_at(int dirfd, const char* path, std::string& out, bool one_record = false) {
  out.clear();
  int fd = ::openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return errno;
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return e;
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (one_record && static_cast<std::size_t>(n) < sizeof buf) break;
  }
  ::close(fd);
  return 0;
}

// readlinkat into out. Returns 0 or an errno value.
inline int readlink_at(int dirfd, const char* path, std::string& out) {
  char buf[4096];
  ssize_t n = ::readlinkat(dirfd, path, buf, sizeof buf);
  if (n < 0) return errno;
  out.assign(buf, static_cast<std::size_t>(n));
  return 0;
}

// fs.inotify.max_user_watches: the watches every process of this user shares (root's
// daemons: systemd, kubelet, the engines). 8192, the kernel's old default, when unreadable.
inline long inotify_max_user_watches() {
  std::string text;
  if (read_file_at(AT_FDCWD, "/proc/sys/fs/inotify/max_user_watches", text, true) != 0) return 8192;
  char* end = nullptr;
  long n = std::strtol(text.c_str(), &end, 10);
  return end != text.c_str() && n >= 0 ? n : 8192;
}

// Errors that mean "the process or cgroup went away while we looked": normal, silent.
inline bool is_vanished(int err) { return err == ENOENT || err == ESRCH || err == ENODEV; }

}  // namespace nsinspect::detail
