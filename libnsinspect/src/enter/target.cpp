// Target resolution and pinning: a pid, a container (through a snapshot), or a namespace with
// no process (an nsfs path, or an inode found through whatever holds it).
#include <cstring>
#include <fcntl.h>
#include <linux/openat2.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "discovery/nsfs.hpp"
#include "enter/enter_impl.hpp"
#include "nsinspect/procfs.hpp"
#include "nsinspect/scan.hpp"

namespace nsinspect::enter::impl {

void fail(const std::string& what, int code) { throw Error(what, code); }

namespace {
// A target string that names nothing nsview can find (no such container, no namespace with
// that inode): for a -t target nsenter's own message replaces nsview's.
struct NotFound : Error {
  using Error::Error;
};
[[noreturn]] void not_found(const std::string& what) { throw NotFound(what); }
}  // namespace

void fail_errno(const std::string& what, int err, int code) {
  throw Error(what + ": " + std::strerror(err), code);
}

Fd open_in_root(int dirfd, const std::string& path, int flags) {
  struct open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT;
  long fd = syscall(SYS_openat2, dirfd, path.c_str(), &how, sizeof how);
  if (fd >= 0) return Fd(static_cast<int>(fd));
  if (errno != ENOSYS) return Fd();
  // Old kernels: a relative open beneath dirfd; ".." and absolute symlinks are not confined,
  // which is why callers use this after chroot only, or for paths they do not follow.
  std::string rel = path;
  while (!rel.empty() && rel.front() == '/') rel.erase(0, 1);
  return Fd(::openat(dirfd, rel.empty() ? "." : rel.c_str(), flags | O_CLOEXEC));
}

namespace {

std::string pid_str(pid_t pid) { return std::to_string(pid); }

std::string read_comm(int dirfd) {
  std::string s;
  if (detail::read_file_at(dirfd, "comm", s) != 0) return {};
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

// Opens one path that should be the namespace `inode`; valid only if it really is.
Fd open_checked(int dirfd, const std::string& path, NsType type, NsInode inode) {
  Fd fd(::openat(dirfd, path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd && detail::fd_inode(fd.get()) == inode && detail::ns_get_type(fd.get()) == type) return fd;
  return Fd();
}

// A namespace known only by its inode: open it through a member or anything holding it.
Fd open_ns_by_inode(const Snapshot& snap, const Namespace& ns) {
  const std::string t(ns_type_name(ns.type));
  for (pid_t pid : ns.pids)
    if (Fd fd = open_checked(AT_FDCWD, "/proc/" + pid_str(pid) + "/ns/" + t, ns.type, ns.inode)) return fd;
  for (const auto& h : ns.holders) {
    const std::string proc = "/proc/" + pid_str(h.pid);
    Fd fd;
    switch (h.kind) {
      case HolderKind::thread:
        fd = open_checked(AT_FDCWD, proc + "/task/" + std::to_string(h.number) + "/ns/" + t, ns.type, ns.inode);
        break;
      case HolderKind::fd:
        fd = open_checked(AT_FDCWD, proc + "/fd/" + std::to_string(h.number), ns.type, ns.inode);
        break;
      case HolderKind::pid_for_children:
      case HolderKind::time_for_children:
        fd = open_checked(AT_FDCWD, proc + "/ns/" + t + "_for_children", ns.type, ns.inode);
        break;
      case HolderKind::bind_mount: {
        // The mount point as its own mount namespace sees it, never leaving that root.
        Fd root(::open((proc + "/root").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!root) break;
        Fd f = open_in_root(root.get(), h.path.str(), O_RDONLY);
        if (f && detail::fd_inode(f.get()) == ns.inode && detail::ns_get_type(f.get()) == ns.type)
          fd = std::move(f);
        break;
      }
      case HolderKind::socket: {
        Fd pidfd(detail::pidfd_open(h.pid));
        if (!pidfd) break;
        Fd sock(detail::pidfd_getfd(pidfd.get(), h.number));
        if (!sock) break;
        Fd n = detail::socket_netns(sock.get());
        if (n && detail::fd_inode(n.get()) == ns.inode) fd = std::move(n);
        break;
      }
    }
    if (fd) return fd;
  }
  (void)snap;
  return Fd();
}

std::string short_id(const std::string& id) { return id.substr(0, 12); }

std::string describe(const Container& c) {
  std::string s = "container " + (c.name.empty() ? short_id(c.id) : c.name + " (" + short_id(c.id) + ")");
  if (c.pod) s += " in pod " + (c.pod->name.empty() ? short_id(c.pod->id) : c.pod->name);
  return s;
}

Target resolve_container(const TargetSpec& spec) {
  ScanOptions o;
  o.threads = o.fds = o.sockets = o.bind_mounts = o.netnsid = o.hierarchy = false;
  Snapshot snap = scan(o);
  ContainerMatch m = find_container(snap, spec.text);
  if (!m.candidates.empty()) {
    std::string list;
    for (const Container* c : m.candidates)
      list += (list.empty() ? "" : ", ") + (c->containerd_namespace.empty() ? "" : c->containerd_namespace + "/") +
              short_id(c->id) + (c->name.empty() ? "" : " (" + c->name + ")");
    fail("'" + spec.text + "' is ambiguous: " + list);
  }
  if (!m.container) not_found("no such process, container or namespace: " + spec.text);
  const Container& c = *m.container;
  if (!c.init_pid) fail(describe(c) + " has no known process");
  std::optional<uint64_t> start = c.start_time;
  if (!start)
    if (const Process* p = snap.process(*c.init_pid)) start = p->start_time;
  Target t;
  t.process = pin_process(*c.init_pid, std::nullopt, start);
  t.where = describe(c);
  t.is_container = true;
  return t;
}

Target resolve_namespace(const TargetSpec& spec) {
  Target t;
  if (spec.kind == TargetSpec::Kind::ns_path) {
    t.ns_fd.reset(::open(spec.text.c_str(), O_RDONLY | O_CLOEXEC));
    if (!t.ns_fd) fail_errno("cannot open " + spec.text, errno);
    t.ns_type = detail::ns_get_type(t.ns_fd.get());
    if (!t.ns_type) fail(spec.text + " is not a namespace file");
    t.ns_inode = detail::fd_inode(t.ns_fd.get()).value_or(0);
    t.where = std::string(ns_type_name(*t.ns_type)) + ":[" + std::to_string(t.ns_inode) + "] (" + spec.text + ")";
    return t;
  }
  ScanOptions o;
  o.cmdline = o.status = o.cgroups = o.containers = o.netnsid = o.users = o.hierarchy = false;
  Snapshot snap = scan(o);
  const Namespace* ns = snap.ns(spec.inode);
  if (!ns || (ns->pids.empty() && ns->holders.empty()))
    not_found("no namespace with inode " + std::to_string(spec.inode) + " is held by anything visible");
  if (spec.type && *spec.type != ns->type)
    fail(spec.text + ": namespace " + std::to_string(spec.inode) + " is a " +
         std::string(ns_type_name(ns->type)) + " namespace");
  t.ns_fd = open_ns_by_inode(snap, *ns);
  if (!t.ns_fd) fail("cannot open namespace " + std::to_string(spec.inode) + " through any of its holders");
  t.ns_type = ns->type;
  t.ns_inode = ns->inode;
  t.where = std::string(ns_type_name(ns->type)) + ":[" + std::to_string(ns->inode) + "]";
  return t;
}

}  // namespace

Pinned pin_process(pid_t pid, std::optional<uint64_t> pidfd_inode, std::optional<uint64_t> expected_start) {
  if (auto p = try_pin_process(pid, pidfd_inode, expected_start)) return std::move(*p);
  fail("no process with pid " + pid_str(pid));
}

std::optional<Pinned> try_pin_process(pid_t pid, std::optional<uint64_t> pidfd_inode,
                                      std::optional<uint64_t> expected_start) {
  Pinned p;
  p.pid = pid;
  p.pidfd.reset(detail::pidfd_open(pid));
  if (!p.pidfd) {
    if (errno == ESRCH) return std::nullopt;
    // ENOSYS (old kernel) or EINVAL (a thread id): pin through /proc/PID alone.
  }
  if (pidfd_inode) {
    if (!p.pidfd) fail_errno("cannot open a pidfd for " + pid_str(pid), errno);
    if (detail::fd_inode(p.pidfd.get()) != *pidfd_inode)
      fail("process " + pid_str(pid) + " is not the one with pidfd inode " + std::to_string(*pidfd_inode));
  }
  p.dir = detail::open_dir_at(AT_FDCWD, ("/proc/" + pid_str(pid)).c_str());
  if (!p.dir) {
    if (detail::is_vanished(errno)) return std::nullopt;
    fail_errno("cannot open /proc/" + pid_str(pid), errno);
  }
  if (expected_start) {
    std::string text;
    std::optional<procfs::Stat> st;
    if (detail::read_file_at(p.dir.get(), "stat", text) == 0) st = procfs::parse_stat(text);
    if (!st || st->start_time != *expected_start) fail("process " + pid_str(pid) + " has exited");
  }
  if (!alive(p)) return std::nullopt;
  return p;
}

bool alive(const Pinned& p) {
  if (p.pidfd) return !(syscall(SYS_pidfd_send_signal, p.pidfd.get(), 0, nullptr, 0) != 0 && errno == ESRCH);
  struct stat st;
  return fstatat(p.dir.get(), "stat", &st, 0) == 0;
}

void check_alive(const Pinned& p) {
  if (!alive(p)) fail("process " + pid_str(p.pid) + " has exited");
}

namespace {

// A process target given with -t, as nsenter reads it.
Target resolve_pid(const Request& req, const PidArg& a) {
  Target t;
  if (a.pidfd_inode)
    if (auto msg = pidfd_inode_error(a.pid, a.pidfd_inode)) fail(*msg);
  std::optional<uint64_t> ino;
  if (a.pidfd_inode) ino = a.pidfd_inode;
  t.process = try_pin_process(a.pid, ino);
  if (!t.process) {
    if (auto msg = missing_process_error(req, a.pid)) fail(*msg);
    return t;  // nothing of the process is needed (every namespace from a file)
  }
  std::string comm = read_comm(t.process->dir.get());
  t.where = "process " + pid_str(a.pid) + (comm.empty() ? "" : " (" + comm + ")");
  return t;
}

}  // namespace

}  // namespace nsinspect::enter::impl

namespace nsinspect::enter {

// The pidfd of PID must have that inode (nsenter's ul_get_valid_pidfd_or_err).
std::optional<std::string> pidfd_inode_error(pid_t pid, uint64_t pidfd_inode) {
  impl::Fd pidfd(detail::pidfd_open(pid));
  int err = pidfd ? 0 : errno;
  if (pidfd && detail::fd_inode(pidfd.get()) != pidfd_inode) err = ESRCH;
  if (!err) return std::nullopt;
  return "failed to obtain a valid file descriptor for PID " + std::to_string(pid) + ": " + std::strerror(err);
}

}  // namespace nsinspect::enter

namespace nsinspect::enter::impl {

Target resolve_target(const Request& req) {
  if (req.target.empty()) return Target{};
  if (req.target_from_t) {
    // nsenter's grammar first; nsview's extra targets for what it does not take as a pid
    // (and for numbers no pid can reach, which are namespace inodes).
    const PidArg a = parse_pid_arg(req.target);
    if (!a.error && (a.pid <= static_cast<pid_t>(kPidMaxLimit) || a.pidfd_inode)) return resolve_pid(req, a);
    auto spec = parse_target(req.target);
    try {
      if (!spec || spec->kind == TargetSpec::Kind::pid) throw NotFound("");
      if (spec->kind == TargetSpec::Kind::container) return resolve_container(*spec);
      return resolve_namespace(*spec);
    } catch (const NotFound&) {
      if (a.error) fail(pid_arg_error(req.target, a.error));
      if (auto msg = missing_process_error(req, a.pid)) fail(*msg);
      return Target{};
    }
  }
  auto spec = parse_target(req.target);
  if (!spec) fail("invalid target '" + req.target + "'");
  if (req.target_is_ns && (spec->kind == TargetSpec::Kind::pid || spec->kind == TargetSpec::Kind::container))
    fail("--ns wants TYPE:[INODE], an inode or the path of a namespace file, not '" + req.target + "'");
  switch (spec->kind) {
    case TargetSpec::Kind::pid: {
      Target t;
      t.process = pin_process(spec->pid, spec->pidfd_inode);
      std::string comm = read_comm(t.process->dir.get());
      t.where = "process " + pid_str(spec->pid) + (comm.empty() ? "" : " (" + comm + ")");
      return t;
    }
    case TargetSpec::Kind::ns_inode:
    case TargetSpec::Kind::ns_path:
      return resolve_namespace(*spec);
    case TargetSpec::Kind::container:
      return resolve_container(*spec);
  }
  fail("invalid target '" + req.target + "'");
}

}  // namespace nsinspect::enter::impl
