// Containers and pods as JSON: `nsview ps -J` and the "containers"/"pods" keys of `nsview dump -J`.
#include "nsinspect/json.hpp"

namespace nsinspect {

namespace {

template <class T>
nlohmann::json opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}
nlohmann::json str_or_null(const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); }

nlohmann::json namespaces(const std::array<std::optional<NsInode>, kNsTypeCount>& ns) {
  nlohmann::json j = nlohmann::json::object();
  for (auto t : kAllNsTypes) j[std::string(ns_type_name(t))] = opt(ns[index_of(t)]);
  return j;
}

}  // namespace

nlohmann::json to_json(const Container& c) {
  nlohmann::json pod = nullptr;
  if (c.pod) pod = {{"id", c.pod->id}, {"name", str_or_null(c.pod->name)}, {"namespace", str_or_null(c.pod->namespace_)}};
  return {{"id", c.id},
          {"name", str_or_null(c.name)},
          {"engine", str_or_null(c.engine)},
          {"containerd_namespace", str_or_null(c.containerd_namespace)},
          {"runtime", str_or_null(c.runtime)},
          {"pid", opt(c.init_pid)},
          {"monitor_pid", opt(c.monitor_pid)},
          {"pids", c.pids},
          {"pod", pod},
          {"infra", c.infra},
          {"init_container", c.init_container},
          {"image", str_or_null(c.image)},
          {"command", str_or_null(c.command)},
          {"state", c.state},
          {"created", opt(c.created)},
          {"started", opt(c.started)},
          {"start_time", opt(c.start_time)},
          {"hostname", str_or_null(c.hostname)},
          {"cgroup", str_or_null(c.cgroup)},
          {"bundle", str_or_null(c.bundle)},
          {"kube_container_name", str_or_null(c.kube_container_name)},
          {"namespaces", namespaces(c.namespaces)},
          {"labels", c.labels_unknown ? nlohmann::json(nullptr) : nlohmann::json(c.labels)}};
}

nlohmann::json to_json(const Pod& p) {
  return {{"id", p.id},
          {"name", str_or_null(p.name)},
          {"namespace", str_or_null(p.namespace_)},
          {"engine", str_or_null(p.engine)},
          {"infra_container", str_or_null(p.infra_container)},
          {"containers", p.containers},
          {"qos_class", opt(p.qos_class)},
          {"namespaces", namespaces(p.namespaces)}};
}

}  // namespace nsinspect
