// Detail pane lines, JSON, enter arguments and signal targets of a selected object.
#include "detail.hpp"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <unordered_map>

#include <fmt/format.h>

#include "nsinspect/container_lookup.hpp"
#include "nsinspect/json.hpp"
#include "top_view.hpp"
#include "views.hpp"

namespace nsview::tui {

using namespace nsinspect;

namespace {

std::string dash(const std::string& s) { return s.empty() ? "-" : s; }
template <class T> std::string opt(const std::optional<T>& v) { return v ? std::to_string(*v) : "-"; }

const UsageRow* usage_row(const UsageSample* u, UsageGroup g, const std::string& id) {
  if (!u || u->group != g) return nullptr;
  for (const auto& r : u->rows)
    if (r.id == id || (g == UsageGroup::cgroup && r.cgroup == id)) return &r;
  return nullptr;
}

pid_t to_pid(const std::string& key) { return static_cast<pid_t>(std::strtol(key.c_str(), nullptr, 10)); }

std::string proc_line(const Snapshot& s, pid_t pid) {
  const Process* p = s.process(pid);
  if (!p) return fmt::format("  {:>7}  (gone)", pid);
  return fmt::format("  {:>7}  {}", pid, p->command());
}

void usage_lines(const UsageRow& u, std::vector<std::string>& out) {
  out.push_back("Usage (last interval):");
  out.push_back(fmt::format("  cpu {}%   throttled {}%   memory {} of {} ({}%)", cell_text(percent_cell(u.cpu_pct)),
                            cell_text(percent_cell(u.throttled_pct)), cell_text(bytes_cell(u.mem_bytes)),
                            cell_text(limit_cell(u.mem_limit, true)), cell_text(percent_cell(u.mem_pct))));
  out.push_back(fmt::format("  pids {} of {}   io read {}/s write {}/s   oom kills {}", cell_text(number_cell(u.pids)),
                            cell_text(limit_cell(u.pids_limit, false)), cell_text(rate_cell(u.io_read_bps)),
                            cell_text(rate_cell(u.io_write_bps)), cell_text(number_cell(u.oom_kills))));
  out.push_back(fmt::format("  pressure avg10 some/full: cpu {}/{}  memory {}/{}  io {}/{}",
                            cell_text(percent_cell(u.psi_cpu_some)), cell_text(percent_cell(u.psi_cpu_full)),
                            cell_text(percent_cell(u.psi_mem_some)), cell_text(percent_cell(u.psi_mem_full)),
                            cell_text(percent_cell(u.psi_io_some)), cell_text(percent_cell(u.psi_io_full))));
}

// Who else is in a namespace: "host", other containers, and how many processes outside.
std::string sharers(const Snapshot& s, NsInode inode, const Container* self) {
  std::vector<std::string> who;
  for (auto t : kAllNsTypes)
    if (s.container_index.initial_ns[index_of(t)] == inode) who.push_back("host");
  for (const auto& c : s.containers)
    if (&c != self && std::find(c.namespaces.begin(), c.namespaces.end(), std::optional<NsInode>(inode)) !=
                          c.namespaces.end())
      who.push_back(display_name(c));
  std::size_t outside = 0;
  if (const Namespace* n = s.ns(inode))
    for (pid_t pid : n->pids) {
      // Processes of other containers are named above; count those of no container.
      if (!container_of_pid(s, pid)) ++outside;
    }
  std::string text;
  for (const auto& w : who) text += (text.empty() ? "" : ", ") + w;
  if (outside) text += (text.empty() ? "" : ", ") + std::to_string(outside) + " other process" + (outside == 1 ? "" : "es");
  return text.empty() ? "only this container" : "shared with " + text;
}

void container_lines(const Snapshot& s, const Container& c, const UsageSample* usage, std::vector<std::string>& out) {
  out.push_back("Container " + display_name(c));
  out.push_back("  id       " + c.id);
  out.push_back("  engine   " + dash(c.engine) + "   runtime " + dash(c.runtime) + "   state " + c.state);
  out.push_back("  image    " + dash(c.image));
  const Pod* pod = pod_of(s, c);
  out.push_back("  pod      " + (pod ? display_name(*pod) + " (" + pod->id.substr(0, 12) + ")" : std::string("-")) +
                (c.infra ? "   infra container" : ""));
  out.push_back("  hostname " + dash(c.hostname) + "   init pid " + opt(c.init_pid) + "   monitor pid " +
                opt(c.monitor_pid));
  out.push_back("  command  " + dash(c.command));
  out.push_back("  cgroup   " + dash(c.cgroup));
  if (const UsageRow* u = usage_row(usage, UsageGroup::container, container_key(c))) usage_lines(*u, out);
  out.push_back("Namespaces:");
  for (auto t : kAllNsTypes) {
    auto inode = c.namespaces[index_of(t)];
    out.push_back(fmt::format("  {:<6} {:<12} {}", ns_type_name(t), inode ? std::to_string(*inode) : "?",
                              inode ? sharers(s, *inode, &c) : "unknown"));
  }
  out.push_back(fmt::format("Processes ({}):", c.pids.size()));
  for (pid_t pid : c.pids) out.push_back(proc_line(s, pid));
}

void pod_lines(const Snapshot& s, const Pod& p, const UsageSample* usage, std::vector<std::string>& out) {
  out.push_back("Pod " + display_name(p));
  out.push_back("  id       " + p.id);
  out.push_back("  engine   " + dash(p.engine) + (p.namespace_.empty() ? "" : "   namespace " + p.namespace_) +
                (p.qos_class ? "   qos " + *p.qos_class : ""));
  out.push_back("Shared namespaces:");
  for (auto t : kAllNsTypes)
    if (auto inode = p.namespaces[index_of(t)]) out.push_back(fmt::format("  {:<6} {}", ns_type_name(t), *inode));
  out.push_back(fmt::format("Containers ({}):", p.containers.size()));
  for (const auto& id : p.containers)
    if (const Container* c = container_by_id(s, id)) {
      std::string u;
      if (const UsageRow* r = usage_row(usage, UsageGroup::container, c->id))
        u = "  cpu " + cell_text(percent_cell(r->cpu_pct)) + "%  mem " + cell_text(bytes_cell(r->mem_bytes));
      out.push_back(fmt::format("  {:<24} {}  pid {}{}{}", display_name(*c), c->id.substr(0, 12), opt(c->init_pid),
                                c->infra ? "  (infra)" : "", u));
    }
}

std::string holder_text(const Holder& h) {
  std::string t = std::string(holder_kind_name(h.kind)) + " pid " + std::to_string(h.pid);
  if (h.number >= 0) t += (h.kind == HolderKind::thread ? " tid " : " fd ") + std::to_string(h.number);
  if (!h.path.empty()) t += " " + h.path.str();
  return t;
}

void ns_lines(const Snapshot& s, const Namespace& n, std::vector<std::string>& out) {
  out.push_back(fmt::format("Namespace {}:[{}]{}", ns_type_name(n.type), n.inode, n.hidden ? " (hidden)" : ""));
  std::string who = ns_owner_label(s, n.inode);
  out.push_back("  belongs to " + dash(who) + (n.netnsid ? "   netnsid " + std::to_string(*n.netnsid) : ""));
  if (n.parent) out.push_back(fmt::format("  parent   {}", *n.parent));
  // The owner chain: this namespace's user namespace, its parent, ... up to the initial one.
  std::string chain;
  std::optional<NsInode> cur = n.type == NsType::user ? n.parent : n.owner;
  for (int guard = 0; cur && guard < 64; ++guard) {
    const Namespace* o = s.ns(*cur);
    chain += (chain.empty() ? "" : " <- ") + std::string("user:[") + std::to_string(*cur) + "]";
    if (o && o->owner_uid) {
      auto name = s.user_name(*o->owner_uid);
      chain += " (uid " + (name ? *name : std::to_string(*o->owner_uid)) + ")";
    }
    cur = o ? o->parent : std::nullopt;
  }
  if (!n.inspected && chain.empty()) chain = "?";
  out.push_back("  owner chain " + (chain.empty() ? std::string("-") : chain));
  out.push_back(fmt::format("Holders ({}):", n.holders.size()));
  for (const auto& h : n.holders) out.push_back("  " + holder_text(h));
  out.push_back(fmt::format("Processes ({}):", n.pids.size()));
  for (pid_t pid : n.pids) out.push_back(proc_line(s, pid));
}

void cgroup_lines(const Snapshot& s, const std::string& path, const UsageSample* usage, std::vector<std::string>& out) {
  out.push_back("Cgroup " + path);
  const CgroupHierarchyTree* t = s.cgroup_tree.primary();
  const CgroupNode* node = t ? t->find(path) : nullptr;
  if (t) out.push_back("  hierarchy " + s.cgroup_tree.layout.hierarchies[t->hierarchy].name +
                       (node ? "   inode " + std::to_string(node->inode) + "   children " +
                                   std::to_string(node->children.size())
                             : std::string()));
  if (const UsageRow* u = usage_row(usage, UsageGroup::cgroup, path)) usage_lines(*u, out);
  std::vector<pid_t> members = node ? node->pids : std::vector<pid_t>{};
  out.push_back(fmt::format("Members ({}):", members.size()));
  for (pid_t pid : members) out.push_back(proc_line(s, pid));
}

void process_lines(const Snapshot& s, const Process& p, const UsageSample* usage, std::vector<std::string>& out) {
  out.push_back(fmt::format("Process {} ({})", p.pid, p.comm));
  out.push_back("  command  " + dash(p.command()));
  std::string user = "-";
  if (p.uid) {
    auto name = s.user_name(*p.uid);
    user = name ? *name : std::to_string(*p.uid);
  }
  std::string nspid;
  for (auto n : p.nspid) nspid += (nspid.empty() ? "" : "/") + std::to_string(n);
  out.push_back(fmt::format("  ppid {}   user {}   state {}   threads {}   pid in namespaces {}", p.ppid, user,
                            p.state, p.threads, dash(nspid)));
  const Container* c = container_of_pid(s, p.pid);
  out.push_back("  container " + (c ? display_name(*c) + " (" + c->id.substr(0, 12) + ")" : std::string("-")));
  out.push_back("  cgroup   " + dash(p.cgroup));
  if (const UsageRow* u = usage_row(usage, UsageGroup::process, std::to_string(p.pid)))
    out.push_back(fmt::format("  cpu {}%   memory {}", cell_text(percent_cell(u->cpu_pct)), cell_text(bytes_cell(u->mem_bytes))));
  out.push_back("Namespaces:");
  for (auto t : kAllNsTypes) {
    auto inode = p.ns_of(t);
    std::string label = inode ? ns_owner_label(s, *inode) : "";
    out.push_back(fmt::format("  {:<6} {:<12} {}", ns_type_name(t), inode ? std::to_string(*inode) : "?",
                              inode ? dash(label) : "unreadable"));
  }
  if (!p.cgroups.empty()) {
    out.push_back("Cgroups:");
    for (const auto& l : p.cgroups) {
      std::string ctl;
      for (const auto& x : l.controllers) ctl += (ctl.empty() ? "" : ",") + x;
      out.push_back(fmt::format("  {}:{}:{}", l.hierarchy_id, ctl, l.path));
    }
  }
}

}  // namespace

std::vector<std::string> detail_lines(const Snapshot& s, const UsageSample* usage, ObjectKind kind,
                                      const std::string& key) {
  std::vector<std::string> out;
  switch (kind) {
    case ObjectKind::container:
      if (const Container* c = container_by_id(s, key)) container_lines(s, *c, usage, out);
      break;
    case ObjectKind::pod:
      if (const Pod* p = pod_by_id(s, key)) pod_lines(s, *p, usage, out);
      break;
    case ObjectKind::ns:
      if (const Namespace* n = s.ns(std::strtoull(key.c_str(), nullptr, 10))) ns_lines(s, *n, out);
      break;
    case ObjectKind::cgroup:
      cgroup_lines(s, key, usage, out);
      break;
    case ObjectKind::process:
      if (const Process* p = s.process(to_pid(key))) process_lines(s, *p, usage, out);
      break;
    case ObjectKind::none:
      break;
  }
  return out;
}

nlohmann::json object_json(const Snapshot& s, const UsageSample* usage, ObjectKind kind, const std::string& key) {
  nlohmann::json j;
  const UsageRow* u = nullptr;
  switch (kind) {
    case ObjectKind::container:
      if (const Container* c = container_by_id(s, key)) j = to_json(*c);
      u = usage_row(usage, UsageGroup::container, key);
      break;
    case ObjectKind::pod:
      if (const Pod* p = pod_by_id(s, key)) j = to_json(*p);
      break;
    case ObjectKind::ns:
      if (const Namespace* n = s.ns(std::strtoull(key.c_str(), nullptr, 10))) j = to_json(*n);
      break;
    case ObjectKind::cgroup:
      if (const auto* t = s.cgroup_tree.primary())
        if (const CgroupNode* n = t->find(key))
          j = {{"path", n->path}, {"inode", n->inode}, {"pids", n->pids},
               {"hierarchy", s.cgroup_tree.layout.hierarchies[t->hierarchy].name}};
      u = usage_row(usage, UsageGroup::cgroup, key);
      break;
    case ObjectKind::process:
      if (const Process* p = s.process(to_pid(key))) j = to_json(*p);
      u = usage_row(usage, UsageGroup::process, key);
      break;
    case ObjectKind::none:
      break;
  }
  if (!j.is_null() && u) j["usage"] = top::row_json(*u, usage->group);  // as in top -J
  return j;
}

std::vector<std::string> enter_args(const Snapshot& s, ObjectKind kind, const std::string& key, std::string* why) {
  auto no = [&](const char* reason) {
    if (why) *why = reason;
    return std::vector<std::string>{};
  };
  switch (kind) {
    case ObjectKind::container:
      if (!container_by_id(s, key)) return no("the container is gone");
      return {"enter", key};
    case ObjectKind::pod: {
      const Pod* p = pod_by_id(s, key);
      if (!p || p->infra_container.empty()) return no("the pod has no infra container to enter");
      return {"enter", p->infra_container};
    }
    case ObjectKind::ns: {
      const Namespace* n = s.ns(std::strtoull(key.c_str(), nullptr, 10));
      if (!n) return no("the namespace is gone");
      return {"enter", std::string(ns_type_name(n->type)) + ":[" + key + "]"};
    }
    case ObjectKind::process:
      if (!s.process(to_pid(key))) return no("the process is gone");
      return {"enter", key};
    case ObjectKind::cgroup: return no("a cgroup has no namespaces to enter; select a process");
    case ObjectKind::none: break;
  }
  return no("nothing selected");
}

std::optional<pid_t> signal_target(const Snapshot& s, ObjectKind kind, const std::string& key) {
  if (kind == ObjectKind::process && s.process(to_pid(key))) return to_pid(key);
  if (kind == ObjectKind::container)
    if (const Container* c = container_by_id(s, key)) return c->init_pid;
  return std::nullopt;
}

std::string json_file_name(ObjectKind kind, const std::string& key) {
  const char* k = kind == ObjectKind::container ? "container"
                  : kind == ObjectKind::pod     ? "pod"
                  : kind == ObjectKind::ns      ? "ns"
                  : kind == ObjectKind::cgroup  ? "cgroup"
                                                : "process";
  std::string safe = key;
  for (auto& c : safe)
    if (c == '/' || c == ' ') c = '_';
  while (!safe.empty() && safe.front() == '_') safe.erase(safe.begin());
  if (safe.empty()) safe = "root";
  return std::string("nsview-") + k + "-" + safe + ".json";
}

const std::vector<SignalChoice>& signal_choices() {
  static const std::vector<SignalChoice> all = {
      {"TERM", SIGTERM}, {"KILL", SIGKILL}, {"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT},
      {"STOP", SIGSTOP}, {"CONT", SIGCONT}, {"USR1", SIGUSR1}, {"USR2", SIGUSR2}};
  return all;
}

}  // namespace nsview::tui
