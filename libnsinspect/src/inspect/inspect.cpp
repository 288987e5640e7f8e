// Reads what `nsview inspect` shows for a set of processes: their security context, the mount
// table of the first, its network namespace, the bundle's config.json; then judges the Pod
// Security Standards. Only the target's processes and namespaces are read.
#include <algorithm>
#include <charconv>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <unordered_map>

#include "discovery/fs_util.hpp"
#include "discovery/nsfs.hpp"
#include "inspect/netlink.hpp"
#include "nsinspect/inspect.hpp"
#include "nsinspect/procfs.hpp"
#include "procfs/parse_util.hpp"

#ifndef SYS_lsm_list_modules
#define SYS_lsm_list_modules 461  // Linux 6.8, the same number on every architecture
#endif

namespace nsinspect::inspect {

using detail::Fd;
using detail::read_file_at;

namespace {

std::string trim_nl(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\0')) s.pop_back();
  return s;
}

std::string proc_path(const std::string& root, pid_t pid) {
  return (root == "/" ? std::string() : root) + "/proc/" + std::to_string(pid);
}

// The active LSMs: lsm_list_modules (Linux 6.8) names them exactly without securityfs; older
// kernels, /sys/kernel/security/lsm. nullopt when neither answers.
std::optional<std::vector<std::string>> active_lsms(const std::string& root) {
  uint64_t ids[32];
  uint32_t size = sizeof ids;
  long n = syscall(SYS_lsm_list_modules, ids, &size, 0);
  if (n >= 0) {
    static const std::unordered_map<uint64_t, std::string> names = {
        {100, "capability"}, {101, "selinux"}, {102, "smack"},    {103, "tomoyo"}, {104, "apparmor"},
        {105, "yama"},       {106, "loadpin"}, {107, "safesetid"}, {108, "lockdown"}, {109, "bpf"},
        {110, "landlock"},   {111, "ima"},     {112, "evm"},      {113, "ipe"}};
    std::vector<std::string> out;
    for (long i = 0; i < n && i < 32; ++i) {
      auto it = names.find(ids[i]);
      out.push_back(it != names.end() ? it->second : "lsm" + std::to_string(ids[i]));
    }
    return out;
  }
  std::string text;
  if (read_file_at(AT_FDCWD, ((root == "/" ? std::string() : root) + "/sys/kernel/security/lsm").c_str(), text) == 0)
    return parse_lsm_list(text);
  return std::nullopt;
}

std::optional<NsInode> ns_link(int dirfd, NsType t) {
  std::string link;
  if (detail::readlink_at(dirfd, ("ns/" + std::string(ns_type_name(t))).c_str(), link) != 0) return std::nullopt;
  auto l = procfs::parse_ns_link(link);
  return l ? std::optional<NsInode>(l->inode) : std::nullopt;
}

ProcessSecurity read_process(int dirfd, pid_t pid, const InspectTarget& target,
                             const std::optional<std::vector<std::string>>& lsms) {
  ProcessSecurity p;
  p.pid = pid;
  std::string text;
  if (read_file_at(dirfd, "comm", text) == 0) p.comm = trim_nl(text);
  int err = read_file_at(dirfd, "status", text, true);
  if (err == 0) p.status = parse_security_status(text);
  else if (detail::is_vanished(err)) p.vanished = true;
  else p.status_unknown = true;
  if (read_file_at(dirfd, "uid_map", text) == 0) p.uid_map = parse_id_map(text);
  if (read_file_at(dirfd, "gid_map", text) == 0) p.gid_map = parse_id_map(text);
  p.userns = ns_link(dirfd, NsType::user);
  const auto& init_user = target.initial_ns[index_of(NsType::user)];
  p.in_initial_userns = (p.userns && init_user && *p.userns == *init_user) || (p.uid_map && identity_map(*p.uid_map));
  auto inside = [](const std::optional<std::array<uint32_t, 4>>& ids, const std::optional<std::vector<IdMapEntry>>& map)
      -> std::optional<std::array<uint32_t, 4>> {
    if (!ids || !map) return std::nullopt;
    std::array<uint32_t, 4> out{};
    for (std::size_t i = 0; i < 4; ++i) {
      auto v = map_in(*map, (*ids)[i]);
      if (!v) return std::nullopt;
      out[i] = *v;
    }
    return out;
  };
  p.uids_inside = inside(p.status.uids, p.uid_map);
  p.gids_inside = inside(p.status.gids, p.gid_map);

  if (lsms) {
    auto labelling = labelling_lsms(*lsms);
    if (labelling.empty()) {
      p.lsm_none = true;
    } else {
      p.lsm_none = false;
      p.lsm = labelling.front();
      // The LSM's own attr directory (Linux 5.1) when the label is not the shared one's.
      std::string own = "attr/" + p.lsm + "/current";
      if (read_file_at(dirfd, own.c_str(), text) == 0 || read_file_at(dirfd, "attr/current", text) == 0)
        p.lsm_label = trim_nl(text);
    }
  }
  return p;
}

// The cgroup v1 devices controller's allow list for the process, when that hierarchy is
// mounted (cgroup v2's device filter is a BPF program: not readable as a list).
std::optional<std::string> devices_list(int dirfd, const std::vector<procfs::MountInfo>& host, const std::string& root) {
  std::string text;
  if (read_file_at(dirfd, "cgroup", text, true) != 0) return std::nullopt;
  for (const auto& line : procfs::parse_cgroup(text)) {
    if (std::find(line.controllers.begin(), line.controllers.end(), "devices") == line.controllers.end()) continue;
    for (const auto& m : host) {
      if (m.fstype != "cgroup" || m.super_options.find("devices") == std::string::npos) continue;
      if (!line.path.starts_with(m.root)) continue;
      std::string rel = m.root == "/" ? line.path : line.path.substr(m.root.size());
      std::string path = (root == "/" ? std::string() : root) + m.mount_point + rel + "/devices.list";
      if (read_file_at(AT_FDCWD, path.c_str(), text) == 0) return trim_nl(text);
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// socket inode -> (pid, comm) for the listeners, from the fds of the target's processes.
void own_listeners(std::vector<Listener>& ls, const std::vector<ProcessSecurity>& procs, const std::string& root) {
  if (ls.empty()) return;
  std::unordered_map<uint64_t, Listener*> by_inode;
  for (auto& l : ls) by_inode.emplace(l.inode, &l);
  for (const auto& p : procs) {
    Fd fddir = detail::open_dir_at(AT_FDCWD, (proc_path(root, p.pid) + "/fd").c_str());
    if (!fddir) continue;
    DIR* d = fdopendir(fddir.release());
    if (!d) continue;
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] == '.') continue;
      std::string link;
      if (detail::readlink_at(dirfd(d), e->d_name, link) != 0) continue;
      auto ino = procfs::parse_socket_link(link);
      if (!ino) continue;
      auto it = by_inode.find(*ino);
      if (it != by_inode.end() && !it->second->pid) {
        it->second->pid = p.pid;
        it->second->comm = p.comm;
      }
    }
    closedir(d);
  }
}

void read_network(Inspection& in, int dirfd, const InspectTarget& target, const InspectOptions& opt) {
  Network& net = in.network;
  net.netns = ns_link(dirfd, NsType::net);
  if (net.netns) net.host = target.initial_ns[index_of(NsType::net)] == net.netns;
  std::string text;
  bool any = false;
  // As root, TCP listeners from sock_diag inside the namespace (the same list as
  // /proc/PID/net/tcp without walking the node's every connection bucket).
  std::optional<std::vector<Listener>> tcp4, tcp6;
  if (opt.netlink) {
    Fd nsfd(::openat(dirfd, "ns/net", O_RDONLY | O_CLOEXEC));
    Fd diag = nsfd ? impl::netlink_socket_in(nsfd.get(), NETLINK_SOCK_DIAG) : Fd();
    if (diag) tcp4 = impl::tcp_listeners(diag.get(), AF_INET);
    if (tcp4) tcp6 = impl::tcp_listeners(diag.get(), AF_INET6);
    if (!tcp6) tcp4.reset();
  }
  for (std::string proto : {"tcp", "tcp6", "udp", "udp6"}) {
    std::optional<std::vector<Listener>>& diag = proto == "tcp" ? tcp4 : tcp6;
    if (proto.starts_with("tcp") && diag) {
      any = true;
      net.listeners.insert(net.listeners.end(), diag->begin(), diag->end());
      continue;
    }
    if (read_file_at(dirfd, ("net/" + proto).c_str(), text) != 0) continue;
    any = true;
    auto ls = parse_proc_net_sockets(text, proto);
    net.listeners.insert(net.listeners.end(), ls.begin(), ls.end());
  }
  net.listeners_unknown = !any;
  own_listeners(net.listeners, in.processes, opt.root);

  if (opt.netlink) {
    Fd nsfd(::openat(dirfd, "ns/net", O_RDONLY | O_CLOEXEC));
    Fd sock = nsfd ? impl::netlink_socket_in(nsfd.get()) : Fd();
    std::optional<impl::LinkDump> d = sock ? impl::dump(sock.get()) : std::nullopt;
    if (d) {
      net.partial = false;
      net.interfaces = std::move(d->interfaces);
      net.routes = std::move(d->routes);
      // The host side of each veth: in our network namespace (the host's, when nsview runs
      // there), the link whose peer is this interface and whose peer namespace is this one.
      bool any_peer = std::any_of(net.interfaces.begin(), net.interfaces.end(),
                                  [](const Interface& i) { return i.peer_ifindex && i.link_netnsid; });
      bool we_are_host = [&] {
        std::string link;
        if (detail::readlink_at(AT_FDCWD, "/proc/self/ns/net", link) != 0) return false;
        auto l = procfs::parse_ns_link(link);
        return l && target.initial_ns[index_of(NsType::net)] == l->inode;
      }();
      if (any_peer && we_are_host && !net.host) {
        Fd host_sock(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
        detail::NetnsidQuery q;
        auto nsid = q.query(nsfd.get());
        // Each peer by its ifindex, and its bridge by the master's: not a dump of the node's
        // links (a hundred veths on a busy node), which said the same at ten times the cost.
        if (host_sock && nsid && *nsid >= 0)
          for (auto& i : net.interfaces) {
            if (!i.peer_ifindex || !i.link_netnsid || !i.ifindex) continue;
            int master = 0, unused = 0;
            auto hi = impl::link(host_sock.get(), *i.peer_ifindex, master);
            if (!hi || hi->peer_ifindex != i.ifindex || hi->link_netnsid != *nsid) continue;
            i.host_peer = hi->name;
            if (master)
              if (auto m = impl::link(host_sock.get(), master, unused)) i.host_peer_master = m->name;
          }
      }
      return;
    }
  }
  // Unprivileged: names and IPv4 routes from /proc/PID/net.
  if (read_file_at(dirfd, "net/dev", text) == 0)
    for (auto& name : parse_proc_net_dev(text)) {
      Interface i;
      i.name = std::move(name);
      net.interfaces.push_back(std::move(i));
    }
  if (read_file_at(dirfd, "net/route", text) == 0) net.routes = parse_proc_net_route(text);
}

// Whether the scanner's mount table (/proc/self/mountinfo) is what /proc/1/mountinfo shows:
// their first mounts are the same mount (mount ids are unique across namespaces, so this is
// init's mount namespace) shown at the same place (mountinfo shows paths from the reader's root
// and leaves out what is outside it, so a reader with another root shows another first mount).
// Only the first line of init's is read: the kernel formats a busy node's hundreds of mounts
// (overlay options, paths) only as far as the read asks.
bool same_mounts_as_init(const std::vector<procfs::MountInfo>& scanner) {
  if (scanner.empty()) return false;
  Fd fd(::open("/proc/1/mountinfo", O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd) return false;
  char buf[1024];
  ssize_t n;
  do n = ::read(fd.get(), buf, sizeof buf);
  while (n < 0 && errno == EINTR);
  if (n <= 0) return false;
  std::string_view head(buf, static_cast<std::size_t>(n));
  auto nl = head.find('\n');
  if (nl == std::string_view::npos) return false;
  auto first = procfs::parse_mountinfo(head.substr(0, nl + 1));
  const auto& mine = scanner.front();
  return first.size() == 1 && first[0].mount_id == mine.mount_id && first[0].parent_id == mine.parent_id &&
         first[0].root == mine.root && first[0].mount_point == mine.mount_point;
}

}  // namespace

std::array<std::optional<NsInode>, kNsTypeCount> initial_namespaces(const std::string& root) {
  std::array<std::optional<NsInode>, kNsTypeCount> out{};
  // Init's, else kthreadd's (a kernel thread is always in the initial namespaces; init's
  // links may be refused even to root: a sandbox's or VM's init). No other process is read:
  // another readable one (our own, unprivileged) may be in a container.
  for (pid_t pid : {1, 2}) {
    Fd dir = detail::open_dir_at(AT_FDCWD, proc_path(root, pid).c_str());
    if (!dir) continue;
    std::string text;
    if (pid == 2) {
      auto st = read_file_at(dir.get(), "stat", text, true) == 0 ? procfs::parse_stat(text) : std::nullopt;
      if (!st || !(st->flags & 0x00200000)) break;  // PF_KTHREAD
    }
    bool all = true;
    for (auto t : kAllNsTypes) {
      if (!out[index_of(t)]) out[index_of(t)] = ns_link(dir.get(), t);
      all = all && out[index_of(t)];
    }
    if (all) break;
  }
  return out;
}

Inspection inspect(const InspectTarget& target, const InspectOptions& opt) {
  Inspection in;
  in.container_id = target.container_id;
  in.container_name = target.container_name;
  in.engine = target.engine;
  in.pod_name = target.pod_name;
  in.bundle = target.bundle;
  in.lsm_active = active_lsms(opt.root);
  in.privileged_reader = geteuid() == 0;
  std::string text;
  const std::string pfx = opt.root == "/" ? std::string() : opt.root;
  if (read_file_at(AT_FDCWD, (pfx + "/proc/sys/kernel/cap_last_cap").c_str(), text) == 0) {
    unsigned v = 0;
    auto t = trim_nl(text);
    if (std::from_chars(t.data(), t.data() + t.size(), v).ec == std::errc()) in.cap_last_cap = v;
  }

  if (read_file_at(AT_FDCWD, (pfx + "/proc/1/status").c_str(), text, true) == 0)
    in.host_bounding = parse_security_status(text).caps.bounding;

  Fd first;
  for (pid_t pid : target.pids) {
    Fd dir = detail::open_dir_at(AT_FDCWD, proc_path(opt.root, pid).c_str());
    if (!dir) continue;  // vanished
    ProcessSecurity p = read_process(dir.get(), pid, target, in.lsm_active);
    if (p.vanished) continue;
    if (target.user_namespaces && p.userns && p.status.uids && p.status.caps.effective)
      p.caps_elsewhere = caps_in_other_userns(*p.userns, (*p.status.uids)[1], *p.status.caps.effective,
                                              *target.user_namespaces);
    in.processes.push_back(std::move(p));
    if (!first) first = std::move(dir);
  }
  if (!first) return in;
  in.target_pid = in.processes.front().pid;

  for (auto t : kAllNsTypes) {
    auto mine = ns_link(first.get(), t);
    auto host = target.initial_ns[index_of(t)];
    if (mine && host) in.host_ns[index_of(t)] = *mine == *host;
  }

  std::vector<procfs::MountInfo> mounts, host;
  if (read_file_at(first.get(), "mountinfo", text) == 0) mounts = procfs::parse_mountinfo(text);
  else in.mounts_unknown = true;
  const std::vector<procfs::MountInfo>* host_mounts = &host;
  if (target.scanner_mounts && opt.root == "/" && same_mounts_as_init(*target.scanner_mounts)) host_mounts = target.scanner_mounts.get();
  else if (read_file_at(AT_FDCWD, (pfx + "/proc/1/mountinfo").c_str(), text) == 0) host = procfs::parse_mountinfo(text);
  else in.host_mounts_unknown = true;
  if (!in.mounts_unknown) {
    in.mount_security = mount_security(mounts);
    in.volumes = classify_mounts(mounts, *host_mounts);
  }
  in.devices_cgroup = devices_list(first.get(), *host_mounts, opt.root);

  if (opt.network) read_network(in, first.get(), target, opt);

  if (!target.bundle.empty() && read_file_at(AT_FDCWD, (pfx + target.bundle + "/config.json").c_str(), text) == 0)
    in.declared = parse_declared(text);
  if (in.declared && in.declared->masked_paths && !in.mounts_unknown) {
    Fd croot(::openat(first.get(), "root", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (croot) {
      std::vector<std::string> missing;
      const auto& masked = in.mount_security.masked_paths;
      for (const auto& m : *in.declared->masked_paths) {
        if (std::find(masked.begin(), masked.end(), m) != masked.end()) continue;
        struct stat st;
        std::string rel = m.starts_with("/") ? m.substr(1) : m;
        // Through the container's root: a path that does not exist there needs no mask.
        if (fstatat(croot.get(), rel.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) missing.push_back(m);
      }
      in.masks_missing = std::move(missing);
    }
  }

  in.controls = judge_pss(in);
  return in;
}

}  // namespace nsinspect::inspect
