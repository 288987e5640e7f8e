#include "nsinspect/snapshot.hpp"

#include "nsinspect/container_lookup.hpp"

namespace nsinspect {

std::string Process::command() const {
  if (cmdline.empty()) return comm;
  std::string s;
  for (const auto& a : cmdline) {
    if (!s.empty()) s.push_back(' ');
    s += a;
  }
  return s;
}

std::string_view holder_kind_name(HolderKind k) {
  switch (k) {
    case HolderKind::thread: return "thread";
    case HolderKind::fd: return "fd";
    case HolderKind::socket: return "socket";
    case HolderKind::bind_mount: return "bind";
    case HolderKind::pid_for_children: return "pid_for_children";
    case HolderKind::time_for_children: return "time_for_children";
  }
  return "?";
}

const Process* Snapshot::process(pid_t pid) const {
  auto it = pid_index.find(pid);
  return it == pid_index.end() ? nullptr : &processes[it->second];
}

const Namespace* Snapshot::ns(NsInode inode) const {
  auto it = ns_index.find(inode);
  return it == ns_index.end() ? nullptr : &namespaces[it->second];
}

std::optional<std::string> Snapshot::user_name(uid_t uid) const {
  auto it = user_names.find(uid);
  if (it == user_names.end()) return std::nullopt;
  return it->second;
}

std::optional<NsInode> Snapshot::initial_ns(NsType t) const {
  // Only init (pid 1 of the pid namespace /proc shows) and kernel threads (which live in the
  // initial namespaces) tell. The lowest readable pid does not: without CAP_SYS_PTRACE in a
  // container it is a container's own process, which must not be called the host's. Some
  // supervisors' pid 1 is unreadable even to root; kthreadd (pid 2) then tells.
  std::optional<NsInode> cur;
  for (const auto& p : processes) {
    if (p.pid != 1 && !p.kernel_thread) continue;
    if ((cur = p.ns_of(t))) break;
  }
  if (!cur || (t != NsType::user && t != NsType::pid)) return cur;
  // pid and user: the root of the hierarchy that holds it.
  for (int guard = 0; guard < 64; ++guard) {
    const Namespace* n = ns(*cur);
    if (!n || !n->parent || !ns(*n->parent)) return cur;
    cur = n->parent;
  }
  return cur;
}

void Snapshot::reindex() {
  pid_index.clear();
  ns_index.clear();
  pid_index.reserve(processes.size());
  ns_index.reserve(namespaces.size());
  for (std::size_t i = 0; i < processes.size(); ++i) pid_index.emplace(processes[i].pid, i);
  for (std::size_t i = 0; i < namespaces.size(); ++i) ns_index.emplace(namespaces[i].inode, i);
  index_containers(*this);
}

}  // namespace nsinspect
