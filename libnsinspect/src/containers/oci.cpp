// OCI bundle config.json, the annotations engines put in it, and the runtime state files
// of runc and crun.
#include <nlohmann/json.hpp>

#include "containers/json_skim.hpp"
#include "containers/json_util.hpp"
#include "nsinspect/container_sources.hpp"

namespace nsinspect::containers {

namespace {

std::optional<NsType> oci_ns_type(std::string_view t) {
  if (t == "network") return NsType::net;
  if (t == "mount") return NsType::mnt;
  return ns_type_from_name(t);  // pid, uts, ipc, user, cgroup, time
}

const std::string* find(const std::map<std::string, std::string>& a, const char* key) {
  auto it = a.find(key);
  return it == a.end() || it->second.empty() ? nullptr : &it->second;
}

// The first present, non-empty annotation of several spellings.
std::string first_of(const std::map<std::string, std::string>& a, std::initializer_list<const char*> keys) {
  for (const char* k : keys)
    if (const std::string* v = find(a, k)) return *v;
  return {};
}

bool has_prefix_key(const std::map<std::string, std::string>& a, std::string_view prefix) {
  auto it = a.lower_bound(std::string(prefix));
  return it != a.end() && it->first.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

std::optional<OciConfig> parse_oci_config(std::string_view text) {
  // Skimmed, not parsed: the mounts, devices and seccomp rules are most of it (json_skim.hpp).
  std::string_view hostname, annotations, process, linux_;
  bool ok = skim::members(text, [&](std::string_view key, std::string_view v) {
    if (key == "hostname") hostname = v;
    else if (key == "annotations") annotations = v;
    else if (key == "process") process = v;
    else if (key == "linux") linux_ = v;
  });
  if (!ok) return std::nullopt;
  OciConfig c;
  c.hostname = skim::string(hostname).value_or("");
  // A repeated key's last value is the one kept, and dropped when it is not a string.
  std::map<std::string, std::optional<std::string>> ann;
  skim::members(annotations, [&](std::string_view key, std::string_view v) { ann[std::string(key)] = skim::string(v); });
  for (auto& [k, v] : ann)
    if (v) c.annotations.emplace(k, std::move(*v));
  std::string_view args;
  skim::members(process, [&](std::string_view key, std::string_view v) {
    if (key == "args") args = v;
  });
  c.args = skim::strings(args);
  std::string_view cgroups_path, namespaces;
  skim::members(linux_, [&](std::string_view key, std::string_view v) {
    if (key == "cgroupsPath") cgroups_path = v;
    else if (key == "namespaces") namespaces = v;
  });
  c.cgroups_path = skim::string(cgroups_path).value_or("");
  skim::elements(namespaces, [&](std::string_view n) {
    std::string_view type, path;
    if (!skim::members(n, [&](std::string_view key, std::string_view v) {
          if (key == "type") type = v;
          else if (key == "path") path = v;
        }))
      return;  // not an object
    if (auto t = oci_ns_type(skim::string(type).value_or(""))) c.namespaces.emplace_back(*t, skim::string(path).value_or(""));
  });
  return c;
}

AnnotationInfo interpret_annotations(const std::map<std::string, std::string>& a) {
  AnnotationInfo i;
  if (const std::string* m = find(a, "io.container.manager")) {
    i.engine = *m == "libpod" ? "podman" : *m;  // "cri-o" names itself
  } else if (has_prefix_key(a, "io.kubernetes.cri-o.")) {
    i.engine = "cri-o";
  } else if (has_prefix_key(a, "io.kubernetes.cri.")) {
    i.engine = "containerd";
  } else if (find(a, "io.kubernetes.docker.type")) {
    i.engine = "docker";
  } else if (has_prefix_key(a, "nerdctl/")) {
    i.engine = "containerd";
  }
  i.container_name = first_of(a, {"io.kubernetes.container.name", "io.kubernetes.cri.container-name"});
  i.pod_name = first_of(a, {"io.kubernetes.pod.name", "io.kubernetes.cri.sandbox-name",
                            "io.kubernetes.cri-o.KubeName"});
  i.pod_namespace = first_of(a, {"io.kubernetes.pod.namespace", "io.kubernetes.cri.sandbox-namespace",
                                 "io.kubernetes.cri-o.Namespace"});
  i.pod_uid = first_of(a, {"io.kubernetes.pod.uid", "io.kubernetes.cri.sandbox-uid"});
  i.sandbox_id = first_of(a, {"io.kubernetes.cri-o.SandboxID", "io.kubernetes.cri.sandbox-id",
                              "io.kubernetes.sandbox.id"});
  std::string type = first_of(a, {"io.kubernetes.cri-o.ContainerType", "io.kubernetes.cri.container-type",
                                  "io.kubernetes.docker.type"});
  i.sandbox = type == "sandbox" || type == "podsandbox";
  i.image = first_of(a, {"io.kubernetes.cri-o.ImageName", "io.kubernetes.cri.image-name",
                         "org.opencontainers.image.ref.name", "org.opencontainers.image.base.name"});
  i.name = first_of(a, {"nerdctl/name", "io.kubernetes.cri-o.Name", "io.kubernetes.cri-o.ContainerName"});
  // CRI-O keeps the pod's labels as one JSON text; older versions put name/uid only there.
  if (const std::string* labels = find(a, "io.kubernetes.cri-o.Labels")) {
    auto l = nlohmann::json::parse(*labels, nullptr, false);
    if (l.is_object()) {
      if (i.pod_name.empty()) i.pod_name = json_string(l, "io.kubernetes.pod.name");
      if (i.pod_namespace.empty()) i.pod_namespace = json_string(l, "io.kubernetes.pod.namespace");
      if (i.pod_uid.empty()) i.pod_uid = json_string(l, "io.kubernetes.pod.uid");
      if (i.container_name.empty()) i.container_name = json_string(l, "io.kubernetes.container.name");
    }
  }
  return i;
}

std::optional<RuntimeState> parse_runc_state(std::string_view text) {
  // Skimmed, not parsed: the config in it (mounts, devices, seccomp) is most of 35 KiB.
  RuntimeState s;
  std::string_view config;
  bool ok = skim::members(text, [&](std::string_view key, std::string_view v) {
    if (key == "id") s.id = skim::string(v).value_or("");
    else if (key == "init_process_pid") s.init_pid = skim::integer<pid_t>(v);
    else if (key == "init_process_start") s.init_start = skim::integer<uint64_t>(v);
    else if (key == "created") s.created = skim::string(v).value_or("");
    else if (key == "config") config = v;
  });
  if (!ok) return std::nullopt;
  std::vector<std::string> labels;
  skim::members(config, [&](std::string_view key, std::string_view v) {
    if (key == "hostname") s.hostname = skim::string(v).value_or("");
    else if (key == "labels") labels = skim::strings(v);
  });
  for (const auto& l : labels)
    if (l.rfind("bundle=", 0) == 0) s.bundle = l.substr(7);
  if (s.id.empty() && !s.init_pid) return std::nullopt;
  return s;
}

std::optional<RuntimeState> parse_crun_status(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  RuntimeState s;
  s.init_pid = json_number<pid_t>(j, "pid");
  s.init_start = json_number<uint64_t>(j, "process-start-time");
  s.created = json_string(j, "created");
  s.bundle = json_string(j, "bundle");
  if (!s.init_pid) return std::nullopt;
  return s;
}

}  // namespace nsinspect::containers
