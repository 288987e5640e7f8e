// Root directory, working directory, environment and cgroup of the target: opened before
// any namespace is entered (the paths mean what the caller sees), applied afterwards.
// A working directory never ends up outside the entered root.
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "enter/enter_impl.hpp"

namespace nsinspect::enter::impl {

namespace {

// Not O_DIRECTORY, as nsenter: a file that is no directory fails later, in fchdir().
Fd open_dir(int dirfd, const std::string& path, const std::string& shown) {
  Fd fd(::openat(dirfd, path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) fail_errno("cannot open " + shown, errno);
  return fd;
}

// `what` is the file of /proc/PID nsenter would open ("root", "cwd", ...).
const Pinned& need_process(const Target& t, const char* what) {
  if (!t.process) fail(std::string("neither filename nor target pid supplied for ") + what);
  return *t.process;
}

std::string proc_path(const Pinned& p, const char* what) {
  return "/proc/" + std::to_string(p.pid) + "/" + what;
}

// The kernel marks a working directory outside the process's root "(unreachable)"; glibc
// turns that into ENOENT.
bool cwd_inside_root() {
  char buf[PATH_MAX];
  if (!::getcwd(buf, sizeof buf)) return errno != ENOENT;
  return buf[0] == '/';
}

}  // namespace

FsPlan prepare_fs(const Request& req, const Target& target) {
  FsPlan fs;
  if (req.root_target) {
    const Pinned& p = need_process(target, "root");
    fs.root = open_dir(p.dir.get(), "root", proc_path(p, "root"));
  } else if (req.root_dir) {
    fs.root = open_dir(AT_FDCWD, *req.root_dir, *req.root_dir);
  }
  if (req.wd_target) {
    const Pinned& p = need_process(target, "cwd");
    fs.wd = open_dir(p.dir.get(), "cwd", proc_path(p, "cwd"));
  } else if (req.wd_dir) {
    fs.wd = open_dir(AT_FDCWD, *req.wd_dir, *req.wd_dir);
  }
  fs.wdns = req.wdns;
  if (fs.root && !fs.wd && !fs.wdns) {
    char buf[PATH_MAX];
    if (::getcwd(buf, sizeof buf)) fs.old_cwd = buf;
  }
  if (req.env) {
    const Pinned& p = need_process(target, "environ");
    std::string env;
    if (int err = detail::read_file_at(p.dir.get(), "environ", env)) fail_errno("failed to get environment variables", err);
    fs.environ = std::move(env);
  }
  // -S/-G follow read the owner of /proc/PID (plan_credentials); nsenter opens it here.
  if (req.uid.kind == IdChoice::Kind::follow || req.gid.kind == IdChoice::Kind::follow) need_process(target, "");
  if (req.join_cgroup) {
    const Pinned& p = need_process(target, "cgroup");
    std::string cg, mi;
    if (int err = detail::read_file_at(p.dir.get(), "cgroup", cg)) fail_errno("failed to get cgroup path", err);
    if (int err = detail::read_file_at(AT_FDCWD, "/proc/self/mountinfo", mi)) fail_errno("cannot read mountinfo", err);
    auto paths = cgroup_procs_paths(cg, mi);
    if (paths.empty()) fail("--join-cgroup: none of the target's cgroup hierarchies is mounted here");
    for (const auto& path : paths) {
      Fd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
      if (!fd) fail_errno("failed to open cgroup.procs", errno);  // nsenter's words
      fs.cgroup_procs.push_back(std::move(fd));
    }
  }
  return fs;
}

void apply_root_and_cwd(FsPlan& fs, bool mnt_entered) {
  const bool new_root = fs.root || mnt_entered;
  if (fs.root) {
    if (fchdir(fs.root.get()) != 0) fail_errno("change directory by root file descriptor failed", errno);
    if (chroot(".") != 0) fail_errno("chroot failed", errno);
    if (chdir("/") != 0) fail_errno("cannot change directory to /", errno);
    fs.root.reset();
  }
  if (fs.wdns) {
    // After chroot or entering a mount namespace the process's root is the entered one, so
    // a plain open stays inside it; a relative path is from the working directory there.
    Fd wd(::open(fs.wdns->c_str(), O_RDONLY | O_CLOEXEC));
    if (!wd) fail_errno("cannot open current working directory", errno);  // nsenter's words
    if (fchdir(wd.get()) != 0) fail_errno("change directory by working directory file descriptor failed", errno);
  } else if (fs.wd) {
    if (fchdir(fs.wd.get()) != 0) fail_errno("change directory by working directory file descriptor failed", errno);
    fs.wd.reset();
    if (new_root && !cwd_inside_root()) fail("the working directory is outside the entered root");
  } else if (!fs.old_cwd.empty()) {
    // nsenter keeps the caller's directory, outside the new root; look the same path up
    // inside it instead, else stay at its top.
    Fd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (Fd wd = open_in_root(root.get(), fs.old_cwd, O_RDONLY | O_DIRECTORY)) {
      if (fchdir(wd.get()) != 0 && chdir("/") != 0) fail_errno("cannot change directory to /", errno);
    }
  }
}

void apply_env(FsPlan& fs) {
  if (!fs.environ) return;
  clearenv();
  std::string_view rest = *fs.environ;
  while (!rest.empty()) {
    auto end = rest.find('\0');
    std::string_view entry = rest.substr(0, end);
    auto eq = entry.find('=');
    if (eq != std::string_view::npos && eq > 0)
      setenv(std::string(entry.substr(0, eq)).c_str(), std::string(entry.substr(eq + 1)).c_str(), 1);
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  fs.environ.reset();
}

void join_cgroups(FsPlan& fs) {
  const std::string pid = std::to_string(getpid());
  for (auto& fd : fs.cgroup_procs)
    if (::write(fd.get(), pid.data(), pid.size()) != static_cast<ssize_t>(pid.size()))
      fail_errno("write cgroup.procs failed", errno);
  fs.cgroup_procs.clear();
}

}  // namespace nsinspect::enter::impl
