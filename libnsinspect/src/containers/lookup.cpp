// Container lookups for views, through Snapshot::container_index.
#include <algorithm>
#include <vector>

#include "nsinspect/container_lookup.hpp"

namespace nsinspect {

const Container* container_of_pid(const Snapshot& s, pid_t pid) {
  auto it = s.container_index.by_pid.find(pid);
  return it == s.container_index.by_pid.end() ? nullptr : &s.containers[it->second];
}

const Container* container_by_id(const Snapshot& s, std::string_view id) {
  auto it = s.container_index.by_id.find(std::string(id));
  return it == s.container_index.by_id.end() ? nullptr : &s.containers[it->second];
}

const Pod* pod_by_id(const Snapshot& s, std::string_view id) {
  auto it = s.container_index.pod_by_id.find(std::string(id));
  return it == s.container_index.pod_by_id.end() ? nullptr : &s.pods[it->second];
}

const Pod* pod_of(const Snapshot& s, const Container& c) { return c.pod ? pod_by_id(s, c.pod->id) : nullptr; }

std::string container_key(const Container& c) {
  return c.containerd_namespace.empty() ? c.id : c.containerd_namespace + "/" + c.id;
}

std::string display_name(const Container& c) { return c.name.empty() ? c.id.substr(0, 12) : c.name; }

std::string display_name(const Pod& p) { return "pod/" + (p.name.empty() ? p.id.substr(0, 12) : p.name); }

std::string ns_owner_label(const Snapshot& s, NsInode inode) {
  if (const Namespace* n = s.ns(inode))
    if (s.container_index.initial_ns[index_of(n->type)] == inode) return "host";
  auto it = s.container_index.ns_labels.find(inode);
  return it == s.container_index.ns_labels.end() ? std::string() : it->second;
}

void index_containers(Snapshot& s) {
  ContainerIndex& x = s.container_index;
  x = ContainerIndex{};
  for (std::size_t i = 0; i < s.containers.size(); ++i) {
    x.by_id.emplace(container_key(s.containers[i]), i);
    x.by_id.emplace(s.containers[i].id, i);
    for (pid_t pid : s.containers[i].pids) x.by_pid.emplace(pid, i);
  }
  for (std::size_t i = 0; i < s.pods.size(); ++i) x.pod_by_id.emplace(s.pods[i].id, i);
  for (auto t : kAllNsTypes) x.initial_ns[index_of(t)] = s.initial_ns(t);

  // Which containers' init processes are in each namespace.
  std::unordered_map<NsInode, std::vector<std::size_t>> users;
  for (std::size_t i = 0; i < s.containers.size(); ++i)
    for (const auto& ns : s.containers[i].namespaces)
      if (ns) users[*ns].push_back(i);
  for (auto& [inode, idxs] : users) {
    const Container& first = s.containers[idxs.front()];
    bool one_pod = first.pod && std::all_of(idxs.begin(), idxs.end(), [&](std::size_t i) {
      return s.containers[i].pod && s.containers[i].pod->id == first.pod->id;
    });
    if (one_pod && (idxs.size() > 1 || first.infra)) {
      const Pod* p = pod_by_id(s, first.pod->id);
      x.ns_labels.emplace(inode, p ? display_name(*p) : "pod/" + first.pod->id.substr(0, 12));
      continue;
    }
    std::vector<std::string> names;
    for (std::size_t i : idxs) names.push_back(display_name(s.containers[i]));
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    std::string label;
    for (const auto& n : names) label += (label.empty() ? "" : ",") + n;
    x.ns_labels.emplace(inode, std::move(label));
  }
}

}  // namespace nsinspect
