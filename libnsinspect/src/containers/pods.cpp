// Pods: containers grouped by Kubernetes pod UID or podman pod id; the infra (pause)
// container recognised; the namespaces the pod's containers share.
#include <algorithm>
#include <array>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "containers/identify.hpp"

namespace nsinspect::containers {

namespace {

// The infra container's process: podman's catatonit -P, Kubernetes' pause.
bool infra_command(const std::string& cmd) {
  return cmd.rfind("/catatonit -P", 0) == 0 || cmd == "/pause" || cmd.rfind("/pause ", 0) == 0;
}

}  // namespace

void group_pods(Snapshot& s, const std::vector<Evidence>& evidence,
                const std::unordered_map<std::string, std::string>& podman_names) {
  std::unordered_map<std::string, std::size_t> pod_index;  // pod key -> s.pods
  std::unordered_map<std::string, std::vector<std::size_t>> members;  // pod key -> containers
  std::unordered_set<std::string> named_sandboxes;  // ids other containers name as their sandbox
  for (std::size_t i = 0; i < s.containers.size(); ++i) {
    const Evidence& ev = evidence[i];
    if (!ev.annotations.sandbox_id.empty()) named_sandboxes.insert(ev.annotations.sandbox_id);
    if (ev.pod_key.empty()) continue;
    auto [it, fresh] = pod_index.try_emplace(ev.pod_key, s.pods.size());
    if (fresh) {
      Pod p;
      p.id = ev.pod_key;
      p.engine = s.containers[i].engine;
      p.qos_class = ev.qos;
      s.pods.push_back(std::move(p));
    }
    members[ev.pod_key].push_back(i);
  }

  std::array<std::optional<NsInode>, kNsTypeCount> host{};
  for (auto t : kAllNsTypes) host[index_of(t)] = s.initial_ns(t);

  for (auto& pod : s.pods) {
    auto& idxs = members[pod.id];
    for (std::size_t i : idxs) {
      const Container& c = s.containers[i];
      const AnnotationInfo& a = evidence[i].annotations;
      if (pod.name.empty()) pod.name = a.pod_name;
      if (pod.name.empty()) pod.name = evidence[i].storage_pod_name;
      if (pod.namespace_.empty()) pod.namespace_ = a.pod_namespace;
      if (pod.infra_container.empty() && (a.sandbox || named_sandboxes.count(c.id) || infra_command(c.command)))
        pod.infra_container = c.id;
      if (pod.engine.empty()) pod.engine = c.engine;
    }
    if (pod.name.empty())
      if (auto n = podman_names.find(pod.id); n != podman_names.end()) pod.name = n->second;

    const Container* infra = nullptr;
    for (std::size_t i : idxs) {
      Container& c = s.containers[i];
      c.infra = c.id == pod.infra_container;
      if (c.infra) infra = &c;
    }
    // A podman pod's infra container carries the pod's name as its hostname.
    if (pod.name.empty() && infra && pod.engine == "podman") pod.name = infra->hostname;

    // Infra first, then by name.
    std::sort(idxs.begin(), idxs.end(), [&](std::size_t a, std::size_t b) {
      const Container &ca = s.containers[a], &cb = s.containers[b];
      if (ca.infra != cb.infra) return ca.infra;
      return std::tie(ca.name, ca.id) < std::tie(cb.name, cb.id);
    });
    for (std::size_t t = 0; t < kNsTypeCount; ++t) {
      if (idxs.size() < 2) continue;  // a lone container shares nothing
      std::optional<NsInode> shared;
      bool differ = false;
      for (std::size_t i : idxs) {
        const auto& ns = s.containers[i].namespaces[t];
        if (!ns) continue;
        if (shared && *shared != *ns) differ = true;
        shared = ns;
      }
      // The host's namespaces are not the pod's.
      if (!differ && shared != host[t]) pod.namespaces[t] = shared;
    }
    for (std::size_t i : idxs) {
      Container& c = s.containers[i];
      pod.containers.push_back(c.id);
      c.pod = PodRef{pod.id, pod.name, pod.namespace_};
      // Members without their own uts namespace show the pod's hostname.
      std::size_t uts = index_of(NsType::uts);
      if (c.hostname.empty() && infra && c.namespaces[uts] && c.namespaces[uts] == infra->namespaces[uts])
        c.hostname = infra->hostname;
    }
  }
  std::sort(s.pods.begin(), s.pods.end(),
            [](const Pod& a, const Pod& b) { return std::tie(a.namespace_, a.name, a.id) < std::tie(b.namespace_, b.name, b.id); });
}

}  // namespace nsinspect::containers
