#include "nsinspect/json.hpp"

namespace nsinspect {

namespace {
template <class T>
nlohmann::json opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// Names of the Unreadable bits, as "unreadable" lists them.
nlohmann::json unreadable_names(uint8_t bits) {
  static const std::pair<Unreadable, const char*> names[] = {
      {kUnreadNs, "namespaces"}, {kUnreadStatus, "status"}, {kUnreadCmdline, "cmdline"},
      {kUnreadCgroup, "cgroup"}, {kUnreadIo, "io"},          {kUnreadFds, "fds"}};
  nlohmann::json a = nlohmann::json::array();
  for (auto [bit, name] : names)
    if (bits & bit) a.push_back(name);
  return a;
}
}  // namespace

nlohmann::json to_json(const Holder& h) {
  nlohmann::json j{{"kind", holder_kind_name(h.kind)}, {"pid", h.pid}};
  if (h.kind == HolderKind::fd || h.kind == HolderKind::socket) j["fd"] = h.number;
  if (h.kind == HolderKind::thread) j["tid"] = h.number;
  if (h.kind == HolderKind::bind_mount) {
    j["path"] = h.path.str();
    j["mnt_ns"] = h.mnt_ns;
  }
  return j;
}

nlohmann::json to_json(const Process& p) {
  nlohmann::json ns = nlohmann::json::object();
  for (auto t : kAllNsTypes) ns[std::string(ns_type_name(t))] = opt(p.ns_of(t));
  auto known = [](NsInode i) { return i ? nlohmann::json(i) : nlohmann::json(nullptr); };
  ns["pid_for_children"] = known(p.pid_for_children);
  ns["time_for_children"] = known(p.time_for_children);
  nlohmann::json cg = nlohmann::json::array();
  for (const auto& c : p.cgroups)
    cg.push_back({{"hierarchy", c.hierarchy_id}, {"controllers", c.controllers}, {"path", c.path}});
  // What was refused is null (unknown), not empty.
  auto unless = [&](Unreadable bit, nlohmann::json v) { return (p.unreadable & bit) ? nlohmann::json(nullptr) : v; };
  return {{"pid", p.pid},
          {"ppid", p.ppid},
          {"comm", p.comm},
          {"cmdline", unless(kUnreadCmdline, p.cmdline)},
          {"uid", opt(p.uid)},
          {"state", std::string(1, p.state)},
          {"start_time", p.start_time},
          {"threads", p.threads},
          {"nspid", unless(kUnreadStatus, p.nspid)},
          {"namespaces", ns},
          {"cgroups", unless(kUnreadCgroup, cg)},
          {"cgroup", unless(kUnreadCgroup, p.cgroup)},
          {"unreadable", unreadable_names(p.unreadable)}};
}

nlohmann::json to_json(const Namespace& n) {
  nlohmann::json holders = nlohmann::json::array();
  for (const auto& h : n.holders) holders.push_back(to_json(h));
  nlohmann::json netnsid = nullptr;
  if (n.netnsid) netnsid = *n.netnsid < 0 ? nlohmann::json("unassigned") : nlohmann::json(std::to_string(*n.netnsid));
  nlohmann::json j = {{"inode", n.inode},       {"type", ns_type_name(n.type)}, {"dev", n.dev},
          {"parent", opt(n.parent)}, {"owner", opt(n.owner)},       {"owner_uid", opt(n.owner_uid)},
          {"children", n.children}, {"owned", n.owned},             {"pids", n.pids},
          {"holders", holders},     {"netnsid", netnsid},           {"hidden", n.hidden}, {"inspected", n.inspected},
          {"lowest_pid", opt(n.lowest_pid)}, {"oldest_pid", opt(n.oldest_pid)}};
  // The partial convention (docs/dump.schema.json): "<key>_partial": true beside a lower bound.
  if (n.members_partial) {
    j["pids_partial"] = true;
    if (n.hidden) j["hidden"] = nullptr;  // no member seen, but unreadable ones may be
  }
  return j;
}

nlohmann::json to_json(const Snapshot& s) {
  nlohmann::json procs = nlohmann::json::array();
  for (const auto& p : s.processes) procs.push_back(to_json(p));
  nlohmann::json nss = nlohmann::json::array();
  for (const auto& n : s.namespaces) nss.push_back(to_json(n));
  nlohmann::json j{{"version", 1}, {"root", s.root}, {"processes", procs}, {"namespaces", nss}};
  j["cgroups"] = to_json(s.cgroup_tree);
  j["containers"] = nlohmann::json::array();
  for (const auto& c : s.containers) j["containers"].push_back(to_json(c));
  j["pods"] = nlohmann::json::array();
  for (const auto& p : s.pods) j["pods"].push_back(to_json(p));
  j["unreadable"] = to_json(s.stats);
  return j;
}

nlohmann::json to_json(const ScanStats& st) {
  nlohmann::json hier = st.cgroup_hierarchies_denied;
  std::string summary = unreadable_summary(st);
  return {{"processes_seen", st.processes_seen},
          {"processes", st.processes_denied},
          {"namespaces", st.ns_denied},
          {"fds", st.fds_denied},
          {"io", st.io_denied},
          {"status", st.status_denied},
          {"cmdline", st.cmdline_denied},
          {"cgroup", st.cgroup_denied},
          {"cgroup_hierarchies", hier},
          {"engine_files", st.engine_files_denied},
          {"privileged", st.privileged},
          {"summary", summary.empty() ? nlohmann::json(nullptr) : nlohmann::json(summary)}};
}

}  // namespace nsinspect
