// Which namespaces to enter, opened up front, then entered in nsenter's two passes: pass 1
// everything but the user namespace with errors ignored (one setns through the pidfd: atomic),
// pass 2 whatever is left with errors reported. Entering a user namespace to gain privilege
// makes pass 1 fail and pass 2 do it all (user first); dropping privilege enters it last.
#include <cstring>
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "discovery/nsfs.hpp"
#include "enter/enter_impl.hpp"

namespace nsinspect::enter::impl {

namespace {

std::string link_name(NsType t) { return "ns/" + std::string(ns_type_name(t)); }

// setns() accepts a pidfd since Linux 5.8.
bool kernel_has_pidfd_setns() {
  struct utsname u;
  if (uname(&u) != 0) return false;
  int major = 0, minor = 0;
  if (std::sscanf(u.release, "%d.%d", &major, &minor) != 2) return false;
  return major > 5 || (major == 5 && minor >= 8);
}

std::optional<ino_t> stat_inode(int dirfd, const std::string& path) {
  struct stat st;
  if (fstatat(dirfd, path.c_str(), &st, 0) != 0) return std::nullopt;
  return st.st_ino;
}

const Pinned& need_process(const Target& target, const char* why) {
  if (!target.process) fail(why);
  return *target.process;
}

}  // namespace

Fd open_ns_file(const std::string& file, NsType type) {
  if (!file.empty() && file[0] == ':') {
    // nsenter 2.42's =:NSID: a namespace by its 64-bit id (NS_GET_ID, Linux 6.18+).
    const std::string idstr = file.substr(1);
    const NumArg id = parse_ul_unsigned(idstr);
    if (id.error) fail("failed to parse nsid: " + idstr);
    bool handle_failed = false;
    Fd fd = detail::open_ns_by_id(static_cast<uint64_t>(id.value), ns_type_clone_flag(type), &handle_failed);
    if (!fd) {
      if (handle_failed) fail_errno("failed to fill namespace file handle", errno);
      fail_errno("cannot open namespace of id " + std::to_string(static_cast<uint64_t>(id.value)), errno);
    }
    return fd;
  }
  Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) fail_errno("cannot open " + file, errno);
  return fd;
}

}  // namespace nsinspect::enter::impl

namespace nsinspect::enter {

std::optional<std::string> ns_file_error(const std::string& file, NsType type) {
  try {
    impl::open_ns_file(file, type);
  } catch (const Error& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

std::optional<std::string> dir_open_error(const std::string& dir) {
  impl::Fd fd(::open(dir.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd) return std::nullopt;
  return "cannot open " + dir + ": " + std::strerror(errno);
}

}  // namespace nsinspect::enter

namespace nsinspect::enter::impl {

NsSlot& slot(NsPlan& plan, NsType t) {
  for (auto& s : plan)
    if (s.type == t) return s;
  return plan[0];  // unreachable: every type has a slot
}

int enabled_flags(const NsPlan& plan) {
  int flags = 0;
  for (const auto& s : plan)
    if (s.enabled) flags |= ns_type_clone_flag(s.type);
  return flags;
}

int prepare_namespaces(const Request& req, Target& target, NsPlan& plan) {
  for (std::size_t i = 0; i < kNsTypeCount; ++i) plan[i].type = kEnterOrder[i];

  bool any_flag = req.net_socket.has_value() || req.user_parent;
  for (NsType t : kAllNsTypes) {
    const NsChoice& c = req.ns[index_of(t)];
    if (!c.enabled) continue;
    any_flag = true;
    NsSlot& s = slot(plan, t);
    s.enabled = true;
    if (!c.file) continue;
    s.fd = open_ns_file(*c.file, t);
  }

  if (target.ns_type) {
    // A namespace target: that namespace alone; nothing else has a process to come from.
    NsSlot& s = slot(plan, *target.ns_type);
    for (const auto& o : plan)
      if (o.enabled && !o.fd && o.type != *target.ns_type)
        fail("the target is a " + std::string(ns_type_name(*target.ns_type)) +
             " namespace with no process: cannot enter its " + std::string(ns_type_name(o.type)) + " namespace");
    if (req.net_socket || req.user_parent) fail("-N and --user-parent need a target process");
    s.enabled = true;
    if (!s.fd) s.fd = std::move(target.ns_fd);
  }

  const bool all = req.all || ((target.is_container || req.all_unless_picked) && !any_flag);
  if (all && !target.ns_type) {
    for (auto& s : plan) {
      if (s.enabled) continue;
      auto mine = stat_inode(AT_FDCWD, "/proc/self/" + link_name(s.type));
      if (!mine) continue;  // the kernel lacks this type
      // setns() refuses to re-enter the caller's own user namespace.
      if (s.type == NsType::user) {
        // With no target nsenter looks at pid 0 (and says so); the message is kept.
        if (!target.process) fail_errno("stat of /proc/0/ns/user failed", ENOENT);
        const Pinned& p = *target.process;
        auto theirs = stat_inode(p.dir.get(), link_name(s.type));
        if (!theirs) fail_errno("stat of /proc/" + std::to_string(p.pid) + "/ns/user failed", errno);
        if (*theirs == *mine) continue;
      }
      s.enabled = true;
    }
  }

  bool need_target = req.net_socket || req.user_parent;
  for (const auto& s : plan) need_target |= (s.enabled && !s.fd);
  int pidfd = -1;
  if (need_target) {
    const Pinned& p = need_process(target, "no target PID specified");
    if (p.pidfd && kernel_has_pidfd_setns()) pidfd = p.pidfd.get();
    if (pidfd < 0)
      for (auto& s : plan) {
        if (!s.enabled || s.fd) continue;
        s.fd.reset(::openat(p.dir.get(), link_name(s.type).c_str(), O_RDONLY | O_CLOEXEC));
        if (!s.fd) fail_errno("cannot open /proc/" + std::to_string(p.pid) + "/" + link_name(s.type), errno);
      }
  }
  return pidfd;
}

void finish_namespaces(const Request& req, Target& target, NsPlan& plan) {
  if (req.user_parent) {
    // The parent of the target's user namespace (or of a given one): NS_GET_USERNS of it.
    NsSlot& u = slot(plan, NsType::user);
    Fd own;
    int from = u.fd.get();
    if (from < 0) {
      own.reset(::openat(target.process->dir.get(), "ns/user", O_RDONLY | O_CLOEXEC));
      if (!own) fail_errno("cannot open /proc/" + std::to_string(target.process->pid) + "/ns/user", errno);
      from = own.get();
    }
    Fd parent = detail::ns_get_userns(from);
    if (!parent) fail_errno("failed to open parent namespace", errno);
    u.fd = std::move(parent);
    u.enabled = true;
  }

  if (req.net_socket) {
    const Pinned& p = *target.process;
    Fd local;
    int pfd = p.pidfd.get();
    if (pfd < 0) {
      local.reset(detail::pidfd_open(p.pid));
      if (!local) fail_errno("failed to pidfd_open() for " + std::to_string(p.pid), errno);
      pfd = local.get();
    }
    // nsenter's messages name the descriptors by number.
    Fd sock(detail::pidfd_getfd(pfd, *req.net_socket));
    if (!sock) fail_errno("pidfd_getfd(" + std::to_string(pfd) + ", " + std::to_string(*req.net_socket) + ")", errno);
    Fd netns = detail::socket_netns(sock.get());
    if (!netns) fail_errno("ioctl(" + std::to_string(sock.get()) + ", SIOCGSKNS)", errno);
    NsSlot& n = slot(plan, NsType::net);
    n.fd = std::move(netns);
    n.enabled = true;
  }

  if (enabled_flags(plan) == 0) fail("no namespace specified");
  if (target.process) check_alive(*target.process);
}

int enter_namespaces(NsPlan& plan, int pidfd) {
  auto pass = [&](int mask, bool report) {
    if (pidfd >= 0) {
      int flags = 0;
      for (const auto& s : plan)
        if (s.enabled && !s.fd && (ns_type_clone_flag(s.type) & mask)) flags |= ns_type_clone_flag(s.type);
      if (flags && setns(pidfd, flags) == 0) {
        for (auto& s : plan)
          if (ns_type_clone_flag(s.type) & flags) s.enabled = false;
      } else if (flags && report) {
        fail_errno("reassociate to namespaces failed", errno);
      }
    }
    for (auto& s : plan) {
      if (!s.enabled || !s.fd || !(ns_type_clone_flag(s.type) & mask)) continue;
      if (setns(s.fd.get(), ns_type_clone_flag(s.type)) == 0) {
        s.enabled = false;
        s.fd.reset();
      } else if (report) {
        fail_errno("reassociate to namespace '" + link_name(s.type) + "' failed", errno);
      }
    }
  };
  pass(enabled_flags(plan) & ~CLONE_NEWUSER, false);
  int left = enabled_flags(plan);
  if (left) pass(left, true);
  return left;
}

}  // namespace nsinspect::enter::impl
