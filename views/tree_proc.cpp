// `nsview tree proc`: the process tree (like pstree), marking where a process enters
// namespaces that differ from its parent's and where its cgroup changes.
#include <algorithm>
#include <stdexcept>
#include <unordered_map>

#include "nsinspect/container_lookup.hpp"
#include "nsinspect/scan.hpp"
#include "tree_model.hpp"

namespace nsview::tree {

using namespace nsinspect;

const std::vector<Column>& proc_columns() {
  static const std::vector<Column> cols = {
      view_column("PID", Unit::id, "process id", JsonType::number),
      view_column("PPID", Unit::id, "parent process id", JsonType::number),
      view_column("UID", Unit::id, "effective uid", JsonType::number),
      needing(view_column("USER", Unit::text, "name of UID"), src_users),
      view_column("NEWNS", Unit::text, "namespace types that differ from the parent's", JsonType::string,
                  "new_namespaces_text"),
      needing(view_column("CGROUP", Unit::text, "cgroup path (primary hierarchy, or --hierarchy)"), src_cgroups),
      needing(view_column("COMMAND", Unit::text, "command line"), src_cmdline),
  };
  return cols;
}

namespace {

struct Builder {
  const Snapshot& s;
  int hierarchy;  // index into the layout; -1 primary
  std::unordered_map<pid_t, std::vector<pid_t>> kids;

  std::string cgroup_of(const Process& p) const {
    if (hierarchy < 0) return p.cgroup;
    const auto& h = s.cgroup_tree.layout.hierarchies[static_cast<std::size_t>(hierarchy)];
    for (const auto& l : p.cgroups)
      if (h.v2 ? (l.hierarchy_id == 0 && l.controllers.empty()) : l.hierarchy_id == h.id) return l.path;
    return {};
  }

  Row row(const Process& p, const Process* parent) {
    Row r;
    r.label = std::to_string(p.pid) + " " + p.comm;
    r.style = Style::process;
    r.ref.pid = p.pid;
    std::vector<std::string> changed;
    // A type whose link could not be read on either side: whether it changed is unknown.
    bool ns_unknown = false;
    if (parent)
      for (auto t : kAllNsTypes) {
        if (!p.ns_of(t) || !parent->ns_of(t)) ns_unknown |= ((p.unreadable | parent->unreadable) & kUnreadNs) != 0;
        else if (p.ns_of(t) != parent->ns_of(t)) changed.emplace_back(ns_type_name(t));
      }
    std::string cg = cgroup_of(p);
    bool cg_changed = parent && !cg.empty() && cg != cgroup_of(*parent);
    std::string nslist;
    for (const auto& c : changed) nslist += (nslist.empty() ? "" : ",") + c;
    if (!changed.empty()) r.marks.push_back({MarkKind::namespaces, "[+" + nslist + (ns_unknown ? ",?]" : "]")});
    else if (ns_unknown) r.marks.push_back({MarkKind::namespaces, "[?]"});
    if (cg_changed) r.marks.push_back({MarkKind::cgroup, "cg=" + cg});
    // Where a process starts a container (its parent is outside it), tag it with the name.
    const Container* ctr = container_of_pid(s, p.pid);
    if (ctr && (!parent || container_of_pid(s, parent->pid) != ctr))
      r.marks.push_back({MarkKind::container, "{" + display_name(*ctr) + "}"});
    r.cells["PID"] = number_cell(static_cast<uint64_t>(p.pid));
    r.cells["PPID"] = number_cell(static_cast<uint64_t>(p.ppid));
    r.cells["UID"] = number_cell(p.uid ? std::optional<uint64_t>(*p.uid) : std::nullopt);
    auto name = p.uid ? s.user_name(*p.uid) : std::nullopt;
    r.cells["USER"] = p.uid ? text_cell(name ? *name : std::to_string(*p.uid)) : unknown_cell();
    r.cells["NEWNS"] = ns_unknown && nslist.empty() ? unknown_cell() : partial_cell(text_cell(nslist), ns_unknown);
    r.cells["CGROUP"] = text_cell(cg);
    r.cells["COMMAND"] = (p.unreadable & kUnreadCmdline) ? unknown_cell() : text_cell(p.command());
    r.json = {{"pid", p.pid}, {"ppid", p.ppid}, {"comm", p.comm}, {"new_namespaces", changed},
              {"cgroup", cg.empty() ? nlohmann::json(nullptr) : nlohmann::json(cg)}, {"cgroup_changed", cg_changed}};
    // Listed changes are certain; more may hide in the types that could not be read.
    if (ns_unknown) r.json["new_namespaces_partial"] = true;
    if ((p.unreadable | (parent ? parent->unreadable : 0)) & kUnreadCgroup) {
      r.json["cgroup_changed"] = nullptr;
      if (p.unreadable & kUnreadCgroup) r.cells["CGROUP"] = unknown_cell();
    }
    nlohmann::json ns = nlohmann::json::object();
    for (auto t : kAllNsTypes) ns[std::string(ns_type_name(t))] = p.ns_of(t) ? nlohmann::json(*p.ns_of(t)) : nlohmann::json(nullptr);
    r.json["namespaces"] = ns;
    r.json["container"] = ctr ? nlohmann::json(display_name(*ctr)) : nlohmann::json(nullptr);
    if (auto it = kids.find(p.pid); it != kids.end())
      for (pid_t k : it->second)
        if (const Process* c = s.process(k)) r.children.push_back(row(*c, &p));
    return r;
  }
};

}  // namespace

std::vector<Row> build_proc_tree(const BuildArgs& a) {
  const Snapshot& s = a.snap;
  int hier = -1;
  if (!a.hierarchy.empty()) {
    hier = s.cgroup_tree.layout.index_of_name(a.hierarchy);
    if (hier < 0) throw std::invalid_argument("no cgroup hierarchy '" + a.hierarchy + "'");
  }
  Builder b{s, hier, {}};
  // Kernel threads (kthreadd, pid 2, and its children) only with --all, as pstree.
  auto kernel = [&](const Process& p) { return !a.all && (p.pid == 2 || p.ppid == 2); };
  for (const auto& p : s.processes)  // ascending pid, so children come out sorted
    if (!kernel(p) && p.pid != p.ppid) b.kids[p.ppid].push_back(p.pid);
  std::vector<Row> roots;
  if (!a.root.empty()) {
    if (a.root.find_first_not_of("0123456789") != std::string::npos)
      throw std::invalid_argument("root must be a pid: '" + a.root + "'");
    const Process* p = s.process(static_cast<pid_t>(std::strtol(a.root.c_str(), nullptr, 10)));
    if (!p) throw std::invalid_argument("no process " + a.root);
    roots.push_back(b.row(*p, s.process(p->ppid)));
    return roots;
  }
  for (const auto& p : s.processes)
    if (!kernel(p) && !s.process(p.ppid)) roots.push_back(b.row(p, nullptr));
  return roots;
}

}  // namespace nsview::tree
