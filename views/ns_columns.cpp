#include "ns_columns.hpp"

#include <string>

#include "nsinspect/container_lookup.hpp"
#include "nsinspect/scan.hpp"

namespace nsview {

using nsinspect::HolderKind;
using nsinspect::Namespace;

const std::vector<Column>& ns_columns() {
  static const std::vector<Column> cols = [] {
    std::vector<Column> v = {
      {"NS", "namespace identifier (inode number)", JsonType::number, true, false},
      {"TYPE", "kind of namespace", JsonType::string, false, false},
      {"PATH", "path to the namespace", JsonType::string, false, false},
      {"NPROCS", "number of processes in the namespace", JsonType::number, true, false},
      {"PID", "lowest PID in the namespace", JsonType::number, true, false},
      {"PPID", "PPID of the PID", JsonType::number, true, false},
      {"COMMAND", "command line of the PID", JsonType::string, false, true},
      {"UID", "UID of the PID", JsonType::number, true, false},
      {"USER", "username of the PID", JsonType::string, false, false},
      {"NETNSID", "namespace ID as used by network subsystem", JsonType::string, true, false},
      {"NSFS", "nsfs mountpoint (usually used network subsystem)", JsonType::string, false, false, true},
      {"PNS", "parent namespace identifier (inode number)", JsonType::number, true, false},
      {"ONS", "owner namespace identifier (inode number)", JsonType::number, true, false},
      {"HOLDERS", "what keeps it alive besides processes: thread, fd, socket, bind mount, ancestor", JsonType::string, false, true, true},
      {"NHOLDERS", "how many HOLDERS: threads, fds, sockets, bind mounts", JsonType::number, true, false},
      {"OLDEST", "PID of the oldest process (earliest start; robust to PID reuse)", JsonType::number, true, false},
      {"PIDLIST", "all PIDs in the namespace (PIDS is a count of tasks in top and tree)", JsonType::number_list, false, true},
      {"CGROUP", "cgroup of the PID (unified hierarchy, else name=systemd, else the first)", JsonType::string, false, true},
      {"OWNERUID", "user namespaces: UID of the creator (NS_GET_OWNER_UID)", JsonType::number, true, false},
      {"HIDDEN", "known only as an ancestor or owner of other namespaces", JsonType::boolean, false, false},
      {"CONTAINER", "the container or pod/NAME using it; host for the initial namespaces", JsonType::string, false, true},
    };
    // lsns's width hints (libsmartcols widens a column to its hint, see Column::width_hint).
    // What each column reads beyond list's preset (nsinspect::kFindAllNamespaces).
    using namespace nsinspect;
    for (auto& c : v) {
      if (c.name == "COMMAND") c.needs = src_cmdline;
      if (c.name == "USER") c.needs = src_users;
      if (c.name == "NETNSID") c.needs = src_netnsid;
      if (c.name == "CGROUP") c.needs = src_cgroups;
      if (c.name == "CONTAINER") c.needs = src_containers;
      if (c.name == "NPROCS" || c.name == "NHOLDERS") c.unit = Unit::count;
      else if (c.json == JsonType::number || c.json == JsonType::number_list) c.unit = Unit::id;
      if (c.name == "NS" || c.name == "PNS" || c.name == "ONS") c.width_hint = 10;
      if (c.name == "TYPE" || c.name == "NPROCS" || c.name == "PID" || c.name == "PPID") c.width_hint = 5;
    }
    return v;
  }();
  return cols;
}

namespace {

std::string join(const std::vector<std::string>& parts, char sep) {
  std::string s;
  for (const auto& p : parts) {
    if (!s.empty()) s.push_back(sep);
    s += p;
  }
  return s;
}

// The uid a row without a process shows (lsns 2.42 shows the namespace's NS_GET_OWNER_UID):
// a user namespace's creator, else the creator of the user namespace that owns it. lsns
// shows 0 for the latter (the ioctl answers only for user namespaces); unknown stays unknown.
std::optional<uid_t> owner_uid(const nsinspect::Snapshot& snap, const Namespace& ns) {
  if (ns.type == nsinspect::NsType::user) return ns.owner_uid;
  if (!ns.owner) return std::nullopt;
  const Namespace* o = snap.ns(*ns.owner);
  return o ? o->owner_uid : std::nullopt;
}

}  // namespace

Cell ns_cell(const NsCellContext& ctx, const Namespace& ns, NsColumn col, const nsinspect::Process* proc) {
  const nsinspect::Process* p = proc ? proc : ns.lowest_pid ? ctx.snap.process(*ns.lowest_pid) : nullptr;
  const char sep = ctx.nowrap ? ',' : '\n';
  // Members exist that could not be read, and the lowest of them is unknown: what lsns
  // takes from the lowest pid is unknown, not empty.
  if (!p && ns.members_partial) {
    switch (col) {
      case NS_PATH: case NS_PID: case NS_PPID: case NS_COMMAND: case NS_UID: case NS_USER: case NS_CGROUP:
        return unknown_cell();
      default: break;
    }
  }
  const auto& st = ctx.snap.stats;
  switch (col) {
    case NS_NS: return std::to_string(ns.inode);
    case NS_TYPE: return std::string(nsinspect::ns_type_name(ns.type));
    case NS_PATH:
      if (!p) return std::nullopt;
      return "/proc/" + std::to_string(p->pid) + "/ns/" + std::string(nsinspect::ns_type_name(ns.type));
    case NS_NPROCS: return partial_cell(std::to_string(ns.nprocs()), ns.members_partial);
    case NS_PID: return p ? Cell(std::to_string(p->pid)) : std::nullopt;
    case NS_PPID: return p ? Cell(std::to_string(p->ppid)) : std::nullopt;
    case NS_COMMAND:
      if (p && (p->unreadable & nsinspect::kUnreadCmdline)) return unknown_cell();  // not comm as if it were
      return p ? Cell(p->command()) : std::nullopt;
    case NS_UID:
    case NS_USER: {
      auto uid = p ? p->uid : owner_uid(ctx.snap, ns);
      if (!uid) return std::nullopt;
      if (col == NS_UID) return std::to_string(*uid);
      return ctx.snap.user_name(*uid).value_or(std::to_string(*uid));
    }
    case NS_NETNSID:
      if (ns.type != nsinspect::NsType::net || !ns.netnsid) return std::nullopt;
      return *ns.netnsid < 0 ? std::string("unassigned") : std::to_string(*ns.netnsid);
    case NS_NSFS: {
      std::vector<std::string> paths;
      for (const auto& h : ns.holders)
        if (h.kind == HolderKind::bind_mount && h.mnt_ns == ctx.self_mnt_ns) paths.push_back(h.path.str());
      if (paths.empty()) return std::nullopt;
      return join(paths, sep);
    }
    case NS_PNS:
      if (!ns.inspected) return std::nullopt;
      return std::to_string(ns.parent.value_or(0));
    case NS_ONS:
      if (!ns.inspected) return std::nullopt;
      return std::to_string(ns.owner.value_or(0));
    case NS_HOLDERS: {
      std::vector<std::string> parts;
      for (const auto& h : ns.holders) {
        std::string pid = std::to_string(h.pid);
        switch (h.kind) {
          case HolderKind::thread: parts.push_back("thread:" + pid + "/" + std::to_string(h.number)); break;
          case HolderKind::fd: parts.push_back("fd:" + pid + "/" + std::to_string(h.number)); break;
          case HolderKind::socket: parts.push_back("socket:" + pid + "/" + std::to_string(h.number)); break;
          case HolderKind::bind_mount:
            parts.push_back("bind:" + h.path.str() +
                            (h.mnt_ns == ctx.self_mnt_ns ? std::string() : "@mnt:[" + std::to_string(h.mnt_ns) + "]"));
            break;
          case HolderKind::pid_for_children:
          case HolderKind::time_for_children:
            parts.push_back(std::string(nsinspect::holder_kind_name(h.kind)) + ":" + pid);
            break;
        }
      }
      if (ns.hidden) parts.push_back(ns.children.empty() && ns.owned.empty() ? "unknown" : "ancestor");
      // Threads and fds of processes that could not be read may hold it too.
      const bool partial = ns.members_partial || st.holders_partial();
      if (parts.empty()) return partial ? unknown_cell() : Cell();
      return partial_cell(join(parts, sep), partial);
    }
    case NS_NHOLDERS: {
      // Threads, fds, sockets and bind mounts (not ancestry); a lower bound when members or
      // their fds were unreadable - the TUI's column of the same name.
      return partial_cell(std::to_string(ns.holders.size()), ns.members_partial || st.holders_partial());
    }
    case NS_OLDEST:
      if (!ns.oldest_pid) return ns.members_partial ? unknown_cell() : Cell();
      return std::to_string(*ns.oldest_pid);
    case NS_PIDS: {
      if (ns.pids.empty()) return ns.members_partial ? unknown_cell() : Cell();
      std::string s;
      for (pid_t x : ns.pids) {
        if (!s.empty()) s.push_back(',');
        s += std::to_string(x);
      }
      return partial_cell(s, ns.members_partial);
    }
    case NS_CGROUP: {
      if (!p) return std::nullopt;
      if (p->unreadable & nsinspect::kUnreadCgroup) return unknown_cell();
      return p->cgroup.empty() ? Cell() : Cell(p->cgroup);
    }
    case NS_OWNERUID: return ns.owner_uid ? Cell(std::to_string(*ns.owner_uid)) : std::nullopt;
    case NS_HIDDEN:
      if (ns.hidden && ns.members_partial) return unknown_cell();  // unreadable processes may be members
      return std::string(ns.hidden ? "true" : "false");
    case NS_CONTAINER: {
      std::string label = nsinspect::ns_owner_label(ctx.snap, ns.inode);
      return label.empty() ? Cell() : Cell(label);
    }
    case NS_COLUMN_COUNT: break;
  }
  return std::nullopt;
}

}  // namespace nsview
