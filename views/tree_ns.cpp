// `nsview tree pid|user`: pid namespaces nested by parent, user namespaces nested by parent
// with the namespaces they own (like lsns --tree=parent / --tree=owner), with processes.
#include <algorithm>
#include <stdexcept>

#include "nsinspect/container_lookup.hpp"
#include "nsinspect/scan.hpp"
#include "tree_model.hpp"

namespace nsview::tree {

using namespace nsinspect;

const std::vector<Column>& ns_columns() {
  static const std::vector<Column> cols = {
      view_column("TYPE", Unit::text, "namespace type"),
      view_column("NPROCS", Unit::count, "number of processes in the namespace", JsonType::number),
      view_column("PID", Unit::id, "namespace: lowest pid; process: pid in the scanner's namespace", JsonType::number),
      view_column("UID", Unit::id, "namespace: uid of its lowest pid (as list); process: its uid", JsonType::number),
      needing(view_column("USER", Unit::text, "name of UID"), src_users),
      view_column("OWNERUID", Unit::id, "namespace: uid that made its user namespace (NS_GET_OWNER_UID)", JsonType::number),
      needing(view_column("COMMAND", Unit::text, "command line (of the lowest pid for a namespace)"), src_cmdline),
  };
  return cols;
}

namespace {

std::string pid_chain(const Process& p) {
  if (p.nspid.empty()) return std::to_string(p.pid);
  std::string s;
  for (auto n : p.nspid) s += (s.empty() ? "" : "/") + std::to_string(n);
  return s;
}

std::optional<uid_t> owner_uid_of(const Snapshot& s, const Namespace& n) {
  if (n.type == NsType::user) return n.owner_uid;
  if (n.owner)
    if (const Namespace* o = s.ns(*n.owner)) return o->owner_uid;
  return std::nullopt;
}

Cell uid_cell(std::optional<uid_t> u) { return number_cell(u ? std::optional<uint64_t>(*u) : std::nullopt); }
Cell user_cell(const Snapshot& s, std::optional<uid_t> u) {
  if (!u) return unknown_cell();
  auto name = s.user_name(*u);
  return text_cell(name ? *name : std::to_string(*u));
}

// A command line that was refused is unknown, not the comm shown as if it were the command.
Cell command_cell(const Process& p) {
  return (p.unreadable & kUnreadCmdline) ? unknown_cell() : text_cell(p.command());
}

Row process_row(const Snapshot& s, const Process& p) {
  Row r;
  r.label = pid_chain(p) + " " + p.comm;
  r.style = Style::process;
  r.member = true;
  r.cells["PID"] = number_cell(static_cast<uint64_t>(p.pid));
  r.cells["UID"] = uid_cell(p.uid);
  r.cells["USER"] = user_cell(s, p.uid);
  r.cells["COMMAND"] = command_cell(p);
  return r;
}

struct Builder {
  const Snapshot& s;
  NsType type;
  std::unordered_map<NsInode, bool> seen;  // guards against a cycle in bad data

  Row ns_row(const Namespace& n, bool with_procs, bool owned_too) {
    seen[n.inode] = true;
    Row r;
    r.label = std::to_string(n.inode);
    r.style = Style::ns;
    r.ref.ns = n.inode;
    if (n.hidden) r.marks.push_back({MarkKind::hidden, n.members_partial ? "(no readable member)" : "(hidden)"});
    std::string owner = ns_owner_label(s, n.inode);
    if (!owner.empty() && owner != "host") r.marks.push_back({MarkKind::container, "{" + owner + "}"});
    auto uid = owner_uid_of(s, n);
    const Process* lowest = n.lowest_pid ? s.process(*n.lowest_pid) : nullptr;
    r.cells["TYPE"] = text_cell(std::string(ns_type_name(n.type)));
    r.cells["NPROCS"] = partial_cell(number_cell(n.nprocs()), n.members_partial);
    r.cells["PID"] = n.lowest_pid ? number_cell(static_cast<uint64_t>(*n.lowest_pid)) : unknown_cell();
    // UID is a process's, as in list; the user namespace's maker is OWNERUID.
    if (lowest) {
      r.cells["UID"] = uid_cell(lowest->uid);
      r.cells["USER"] = user_cell(s, lowest->uid);
    } else {
      r.cells["UID"] = r.cells["USER"] = unknown_cell();
    }
    r.cells["OWNERUID"] = uid_cell(uid);
    r.cells["COMMAND"] = lowest ? command_cell(*lowest) : text_cell(std::string());
    r.json = {{"ns", n.inode}, {"type", ns_type_name(n.type)}, {"parent", n.parent ? nlohmann::json(*n.parent) : nlohmann::json(nullptr)},
              {"owner", n.owner ? nlohmann::json(*n.owner) : nlohmann::json(nullptr)},
              {"owneruid", uid ? nlohmann::json(*uid) : nlohmann::json(nullptr)},
              {"hidden", n.hidden && n.members_partial ? nlohmann::json(nullptr) : nlohmann::json(n.hidden)},
              {"container", owner.empty() ? nlohmann::json(nullptr) : nlohmann::json(owner)}};
    if (with_procs) {
      nlohmann::json procs = nlohmann::json::array();
      for (pid_t pid : n.pids)
        if (const Process* p = s.process(pid)) {
          r.children.push_back(process_row(s, *p));
          procs.push_back({{"pid", p->pid}, {"nspid", p->nspid}, {"comm", p->comm},
                           {"uid", p->uid ? nlohmann::json(*p->uid) : nlohmann::json(nullptr)}});
        }
      r.json["processes"] = procs;
      if (n.members_partial) r.json["processes_partial"] = true;  // unreadable ones may be members
    }
    if (owned_too) {
      std::vector<NsInode> owned;
      for (auto o : n.owned)
        if (const Namespace* m = s.ns(o); m && m->type != NsType::user) owned.push_back(o);
      std::sort(owned.begin(), owned.end());
      for (auto o : owned) r.children.push_back(ns_row(*s.ns(o), false, false));
    }
    std::vector<NsInode> kids = n.children;
    std::sort(kids.begin(), kids.end());
    for (auto c : kids)
      if (const Namespace* m = s.ns(c); m && m->type == type && !seen.count(c))
        r.children.push_back(ns_row(*m, true, owned_too));
    return r;
  }
};

}  // namespace

std::vector<Row> build_ns_tree(const BuildArgs& a, NsType type) {
  const Snapshot& s = a.snap;
  Builder b{s, type, {}};
  bool owned = type == NsType::user;
  std::vector<Row> roots;
  if (!a.root.empty()) {
    auto num = std::strtoull(a.root.c_str(), nullptr, 10);
    if (a.root.find_first_not_of("0123456789") != std::string::npos || num == 0)
      throw std::invalid_argument("root must be a pid or a namespace inode: '" + a.root + "'");
    const Namespace* n = s.ns(num);
    if (!n)
      if (const Process* p = s.process(static_cast<pid_t>(num)); p && p->ns_of(type)) n = s.ns(*p->ns_of(type));
    if (!n) throw std::invalid_argument("no process or namespace " + a.root);
    if (n->type != type) throw std::invalid_argument(a.root + " is a " + std::string(ns_type_name(n->type)) +
                                                     " namespace, not " + std::string(ns_type_name(type)));
    roots.push_back(b.ns_row(*n, true, owned));
    return roots;
  }
  for (const auto& n : s.namespaces) {
    if (n.type != type) continue;
    if (n.parent && s.ns(*n.parent)) continue;  // drawn under its parent
    roots.push_back(b.ns_row(n, true, owned));
  }
  return roots;
}

}  // namespace nsview::tree
