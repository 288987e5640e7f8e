// Row builders of the four views. The namespace, cgroup and process trees come from the
// same builders as `nsview tree` (tree_model.hpp), so markers and tags read the same in both.
#include "views.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "nsinspect/container_lookup.hpp"
#include "tree_model.hpp"

namespace nsview::tui {

using namespace nsinspect;

const char* view_title(ViewId v) {
  switch (v) {
    case ViewId::containers: return "Containers";
    case ViewId::namespaces: return "Namespaces";
    case ViewId::cgroups: return "Cgroups";
    case ViewId::processes: return "Processes";
  }
  return "";
}

std::optional<ViewId> view_from_name(const std::string& s) {
  std::string l = lower(s);
  if (l == "containers" || l == "container" || l == "c" || l == "1") return ViewId::containers;
  if (l == "namespaces" || l == "namespace" || l == "ns" || l == "n" || l == "2") return ViewId::namespaces;
  if (l == "cgroups" || l == "cgroup" || l == "cg" || l == "3") return ViewId::cgroups;
  if (l == "processes" || l == "process" || l == "proc" || l == "p" || l == "4") return ViewId::processes;
  return std::nullopt;
}

std::optional<UsageGroup> usage_group(ViewId v) {
  switch (v) {
    case ViewId::containers: return UsageGroup::container;
    case ViewId::cgroups: return UsageGroup::cgroup;
    case ViewId::processes: return UsageGroup::process;
    case ViewId::namespaces: return std::nullopt;
  }
  return std::nullopt;
}

namespace {


// A row about one object; its id, PREFIX:KEY, stays the same across refreshes.
Row object_row(ObjectKind kind, const char* prefix, const std::string& key, int parent, RowStyle style) {
  Row r;
  r.id = std::string(prefix) + ":" + key;
  r.kind = kind;
  r.key = key;
  r.parent = parent;
  r.style = style;
  return r;
}

// Appends r, then what `add` makes of tr's children, under it.
template <class Add>
void append_subtree(BuiltView& v, Row r, const tree::Row& tr, Add&& add) {
  const int idx = static_cast<int>(v.rows.size());
  v.rows.push_back(std::move(r));
  for (const auto& c : tr.children) add(c, idx);
}

// Usage rows of one group by their id.
std::unordered_map<std::string, const UsageRow*> usage_by_id(const UsageSample* u, UsageGroup g) {
  std::unordered_map<std::string, const UsageRow*> m;
  if (!u || u->group != g) return m;
  m.reserve(u->rows.size());
  for (const auto& r : u->rows) m.emplace(r.id, &r);
  return m;
}

const UsageRow* find(const std::unordered_map<std::string, const UsageRow*>& m, const std::string& id) {
  auto it = m.find(id);
  return it == m.end() ? nullptr : it->second;
}

// ---- Containers -------------------------------------------------------------------------

Row container_row(const Snapshot& s, const Container& c, const UsageRow* u, int parent) {
  Row r;
  r.id = "c:" + container_key(c);
  r.kind = ObjectKind::container;
  r.key = container_key(c);
  r.parent = parent;
  if (c.infra) r.style = RowStyle::dim;
  std::string pod;
  if (const Pod* p = pod_of(s, c)) pod = p->name;
  r.cells = {text_cell(display_name(c)),
             text_cell(c.id.substr(0, 12)),
             text_cell(c.engine),
             text_cell(c.state),
             percent_cell(u ? u->cpu_pct : std::nullopt),
             bytes_cell(u ? u->mem_bytes : std::nullopt),
             percent_cell(u ? u->mem_pct : std::nullopt),
             number_cell(u ? u->pids : std::nullopt),
             text_cell(c.image)};
  r.search = c.name + " " + c.id + " " + c.cgroup + " " + pod + " " + c.image +
             (c.init_pid ? " " + std::to_string(*c.init_pid) : "");
  return r;
}

// A pod's usage: the sum over its containers, known only when every member's is.
template <class F>
auto sum_over(const std::vector<const UsageRow*>& rows, F get) -> decltype(get(*rows.front())) {
  decltype(get(*rows.front())) total{};
  if (rows.empty()) return std::nullopt;
  total = 0;
  for (const auto* r : rows) {
    if (!r) return std::nullopt;
    auto v = get(*r);
    if (!v) return std::nullopt;
    *total += *v;
  }
  return total;
}

}  // namespace

const std::vector<ColumnSpec>& view_columns(ViewId v) {
  // Names as in list, top and tree (docs/columns.md); the first is the tree column.
  static const std::vector<ColumnSpec> containers = {
      {"NAME", 20, false, true}, {"ID", 12},       {"ENGINE", 6},    {"STATE", 7},
      {"CPU", 6, true},          {"MEM", 7, true}, {"MEMPCT", 6, true}, {"PIDS", 5, true},
      {"IMAGE", 12, false, true}};
  static const std::vector<ColumnSpec> namespaces = {
      {"NAMESPACE", 22, false, true}, {"NPROCS", 6, true}, {"PID", 7, true},
      {"NHOLDERS", 8, true},          {"USER", 8},         {"COMMAND", 10, false, true}};
  static const std::vector<ColumnSpec> cgroups = {
      {"CGROUP", 24, false, true}, {"NPROCS", 6, true}, {"CPU", 6, true}, {"MEM", 7, true},
      {"MEMLIMIT", 8, true},       {"IOR", 7, true},    {"IOW", 7, true}, {"PIDS", 5, true},
      {"PSI-CPU", 7, true}};
  static const std::vector<ColumnSpec> processes = {
      {"PROCESS", 24, false, true}, {"PID", 7, true}, {"USER", 8},
      {"CPU", 6, true},             {"MEM", 7, true}, {"COMMAND", 12, false, true}};
  switch (v) {
    case ViewId::containers: return containers;
    case ViewId::namespaces: return namespaces;
    case ViewId::cgroups: return cgroups;
    case ViewId::processes: return processes;
  }
  return containers;
}

BuiltView build_containers(const Snapshot& s, const UsageSample* usage) {
  BuiltView v;
  v.columns = view_columns(ViewId::containers);
  auto by_id = usage_by_id(usage, UsageGroup::container);
  std::vector<const Pod*> pods;
  for (const auto& p : s.pods) pods.push_back(&p);
  std::sort(pods.begin(), pods.end(), [](auto* a, auto* b) { return display_name(*a) < display_name(*b); });
  for (const Pod* p : pods) {
    int idx = static_cast<int>(v.rows.size());
    v.rows.emplace_back();
    std::vector<const UsageRow*> members;
    bool all_paused = !p->containers.empty();
    std::string names;
    for (const auto& id : p->containers)
      if (const Container* c = container_by_id(s, id)) {
        const UsageRow* u = find(by_id, container_key(*c));
        members.push_back(u);
        all_paused &= c->state == "paused";
        names += " " + c->name;
        v.rows.push_back(container_row(s, *c, u, idx));
      }
    Row& r = v.rows[static_cast<std::size_t>(idx)];
    r.id = "pod:" + p->id;
    r.kind = ObjectKind::pod;
    r.key = p->id;
    r.style = RowStyle::group;
    r.cells = {text_cell(display_name(*p)),
               text_cell(p->id.substr(0, 12)),
               text_cell(p->engine),
               text_cell(p->containers.empty() ? "" : all_paused ? "paused" : "running"),
               percent_cell(sum_over(members, [](const UsageRow& u) { return u.cpu_pct; })),
               bytes_cell(sum_over(members, [](const UsageRow& u) { return u.mem_bytes; })),
               unknown_cell(),
               number_cell(sum_over(members, [](const UsageRow& u) { return u.pids; })),
               text_cell(p->namespace_.empty() ? "" : "ns " + p->namespace_)};
    r.search = p->name + " " + p->id + " " + p->namespace_ + names;
  }
  std::vector<const Container*> lone;
  for (const auto& c : s.containers)
    if (!c.pod || !pod_by_id(s, c.pod->id)) lone.push_back(&c);
  std::sort(lone.begin(), lone.end(), [](auto* a, auto* b) { return display_name(*a) < display_name(*b); });
  for (const Container* c : lone) v.rows.push_back(container_row(s, *c, find(by_id, container_key(*c)), -1));
  if (v.rows.empty()) v.note = "no containers found (podman, docker, containerd, CRI-O, LXC, nspawn)";
  return v;
}

// ---- Namespaces ---------------------------------------------------------------------------

namespace {

struct TreeConv {
  const Snapshot& s;
  BuiltView& v;
  std::unordered_set<NsInode> done;

  void ns_rows(const tree::Row& tr, int parent) {
    if (tr.member) return;  // processes are in the detail pane, not the list
    NsInode inode = tr.ref.ns;
    const Namespace* n = s.ns(inode);
    if (!n || !done.insert(inode).second) return;
    int idx = static_cast<int>(v.rows.size());
    v.rows.push_back(ns_row(*n, tree::mark_text(tr), parent));
    for (const auto& c : tr.children) ns_rows(c, idx);
  }

  Row ns_row(const Namespace& n, const std::string& mark, int parent) {
    Row r;
    r.id = "ns:" + std::to_string(n.inode);
    r.kind = ObjectKind::ns;
    r.key = std::to_string(n.inode);
    r.parent = parent;
    r.mark = mark;
    r.style = n.type == NsType::user ? RowStyle::group : RowStyle::ns;
    std::string type(ns_type_name(n.type));
    const Process* lowest = n.lowest_pid ? s.process(*n.lowest_pid) : nullptr;
    std::optional<uid_t> uid;
    if (n.type == NsType::user) uid = n.owner_uid;
    else if (n.owner)
      if (const Namespace* o = s.ns(*n.owner)) uid = o->owner_uid;
    std::string user = "-";
    if (uid) {
      auto name = s.user_name(*uid);
      user = name ? *name : std::to_string(*uid);
    }
    // Counts over what could be read are lower bounds ("3+"); none seen of an unknown is "-".
    auto lower_bound = [](std::size_t v, bool partial) {
      return partial && v == 0 ? unknown_cell() : partial_cell(number_cell(v), partial);
    };
    r.cells = {text_cell(type + " " + std::to_string(n.inode)),
               partial_cell(number_cell(n.nprocs()), n.members_partial),
               number_cell(n.lowest_pid ? std::optional<uint64_t>(static_cast<uint64_t>(*n.lowest_pid)) : std::nullopt),
               lower_bound(n.holders.size(), n.members_partial || s.stats.holders_partial()),
               text_cell(user),
               text_cell(lowest ? lowest->command() : "")};
    r.search = type + ":[" + std::to_string(n.inode) + "] " + mark + " " + (lowest ? lowest->comm : "");
    return r;
  }
};

}  // namespace

BuiltView build_namespaces(const Snapshot& s, std::optional<NsType> type) {
  BuiltView v;
  v.columns = view_columns(ViewId::namespaces);
  TreeConv conv{s, v, {}};
  // All types: user namespaces nested by parent with what each owns (lsns -T owner); pid
  // and user alone: nested by parent; other types: a flat list.
  if (!type || *type == NsType::user || *type == NsType::pid) {
    std::vector<std::string> no_columns;
    tree::BuildArgs a{s, "", false, "", no_columns};
    auto roots = tree::build_ns_tree(a, type ? *type : NsType::user);
    for (const auto& r : roots) conv.ns_rows(r, -1);
  }
  // What no tree reached (its owner unknown, e.g. to a non-root user): flat, by inode.
  for (const auto& n : s.namespaces)
    if ((!type || n.type == *type) && !conv.done.count(n.inode)) {
      std::string mark = n.hidden ? "(hidden)" : "";
      std::string owner = ns_owner_label(s, n.inode);
      if (!owner.empty() && owner != "host") mark += (mark.empty() ? "" : " ") + ("{" + owner + "}");
      conv.done.insert(n.inode);
      v.rows.push_back(conv.ns_row(n, mark, -1));
    }
  if (v.rows.empty()) v.note = "no namespaces of this type";
  return v;
}

// ---- Cgroups ------------------------------------------------------------------------------

namespace {

struct CgConv {
  BuiltView& v;
  const std::unordered_map<std::string, const UsageRow*>& usage;

  void add(const tree::Row& tr, int parent) {
    if (tr.member) return;
    auto tit = tr.cells.find("NPROCS");
    const std::string& path = tr.ref.cgroup;
    const UsageRow* u = find(usage, path);
    Row r = object_row(ObjectKind::cgroup, "cg", path, parent, RowStyle::cgroup);
    r.cells = {text_cell(tr.label),
               tit != tr.cells.end() ? tit->second : unknown_cell(),
               percent_cell(u ? u->cpu_pct : std::nullopt),
               bytes_cell(u ? u->mem_bytes : std::nullopt),
               u ? limit_cell(u->mem_limit, true) : unknown_cell(),
               rate_cell(u ? u->io_read_bps : std::nullopt),
               rate_cell(u ? u->io_write_bps : std::nullopt),
               number_cell(u ? u->pids : std::nullopt),
               percent_cell(u ? u->psi_cpu_some : std::nullopt)};
    r.search = path;
    append_subtree(v, std::move(r), tr, [&](const tree::Row& c, int i) { add(c, i); });
  }
};

}  // namespace

BuiltView build_cgroups(const Snapshot& s, const UsageSample* usage, bool all) {
  BuiltView v;
  v.columns = view_columns(ViewId::cgroups);
  auto by_path = usage_by_id(usage, UsageGroup::cgroup);
  // The sampler names cgroup rows by path; index by it too in case ids differ.
  if (usage && usage->group == UsageGroup::cgroup)
    for (const auto& r : usage->rows)
      if (!r.cgroup.empty()) by_path.emplace(r.cgroup, &r);
  std::vector<std::string> columns = {"NPROCS"};
  tree::BuildArgs a{s, "", all, "", columns};
  try {
    auto roots = tree::build_cgroup_tree(a);
    CgConv conv{v, by_path};
    for (const auto& r : roots) conv.add(r, -1);
  } catch (const std::exception& e) {
    v.note = e.what();
  }
  return v;
}

// ---- Processes ----------------------------------------------------------------------------

namespace {

struct ProcConv {
  BuiltView& v;
  const Snapshot& s;
  const std::unordered_map<std::string, const UsageRow*>& usage;

  void add(const tree::Row& tr, int parent) {
    auto cell = [&](const char* name) {
      auto it = tr.cells.find(name);
      return it == tr.cells.end() ? unknown_cell() : it->second;
    };
    const std::string pid = std::to_string(tr.ref.pid);
    const UsageRow* u = find(usage, pid);
    const Process* p = s.process(tr.ref.pid);
    Row r = object_row(ObjectKind::process, "p", pid, parent, RowStyle::process);
    // The cgroup path would crowd out the container tag on a line; it is in the detail pane.
    r.mark = tree::mark_text(tr, false);
    r.cells = {text_cell(tr.label),
               number_cell(p ? std::optional<uint64_t>(static_cast<uint64_t>(p->pid)) : std::nullopt),
               cell("USER"),
               percent_cell(u ? u->cpu_pct : std::nullopt),
               bytes_cell(u ? u->mem_bytes : std::nullopt),
               cell("COMMAND")};
    r.search = tr.label + " " + tree::mark_text(tr) + " " + (p ? p->cgroup + " " + p->command() : "");
    append_subtree(v, std::move(r), tr, [&](const tree::Row& c, int i) { add(c, i); });
  }
};

}  // namespace

BuiltView build_processes(const Snapshot& s, const UsageSample* usage, bool all) {
  BuiltView v;
  v.columns = view_columns(ViewId::processes);
  auto by_pid = usage_by_id(usage, UsageGroup::process);
  std::vector<std::string> columns = {"PID", "USER", "COMMAND"};
  tree::BuildArgs a{s, "", all, "", columns};
  ProcConv conv{v, s, by_pid};
  for (const auto& r : tree::build_proc_tree(a)) conv.add(r, -1);
  return v;
}

BuiltView build_view(ViewId v, const Snapshot& s, const UsageSample* usage, const ViewOptions& o) {
  switch (v) {
    case ViewId::containers: return build_containers(s, usage);
    case ViewId::namespaces: return build_namespaces(s, o.ns_type);
    case ViewId::cgroups: return build_cgroups(s, usage, o.all);
    case ViewId::processes: return build_processes(s, usage, o.all);
  }
  return {};
}

}  // namespace nsview::tui
