// Containers and pods, identified from what engines leave on the node (cgroup paths,
// monitor processes, OCI bundles, runtime state, containers/storage) - no engine API.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>
#include <sys/types.h>

#include "nsinspect/types.hpp"

namespace nsinspect {

struct PodRef {
  std::string id;         // Kubernetes pod UID or podman pod id
  std::string name;       // may be empty when unknown
  std::string namespace_; // Kubernetes namespace; empty for podman pods
};

struct Container {
  std::string id;                  // full id (64 hex for OCI engines; the name for lxc/nspawn)
  std::string name;                // empty when unknown
  std::string engine;              // "podman", "docker", "containerd", "cri-o", "lxc", "nspawn"
  // containerd's namespace (its shim's -namespace: "default", "k8s.io", ...); "" for other
  // engines or when unknown. Two namespaces may hold the same id: see container_key().
  std::string containerd_namespace;
  std::string runtime;             // "runc", "crun", ... ; empty when unknown
  std::optional<pid_t> init_pid;   // host pid of the container's first process
  std::optional<pid_t> monitor_pid;// conmon, containerd-shim, ...
  std::vector<pid_t> pids;         // every process in the container's cgroup
  std::string cgroup;              // primary cgroup path
  std::optional<PodRef> pod;
  bool infra = false;              // pause / infra container of a pod
  bool init_container = false;     // Kubernetes init container
  std::string image;
  std::map<std::string, std::string> labels;  // OCI annotations and engine labels
  bool labels_unknown = false;     // none found, and the bundle's config.json was refused
  std::string hostname;
  std::array<std::optional<NsInode>, kNsTypeCount> namespaces{};  // of init_pid
  std::optional<uint64_t> start_time;  // clock ticks after boot, of init_pid
  std::string bundle;              // OCI bundle directory, when found
  std::string state = "running";   // "running" or "paused"
  std::string command;             // init's command line (cmdline joined, else comm)
  std::optional<int64_t> created;  // unix seconds, from runtime state or engine store
  std::optional<int64_t> started;  // unix seconds, when init_pid started (boot time + start_time)
  std::string kube_container_name; // io.kubernetes.container.name (CRI engines)
};

struct Pod {
  std::string id;
  std::string name;
  std::string namespace_;          // Kubernetes namespace
  std::string engine;
  std::string infra_container;     // id of the infra/pause container, if any
  std::vector<std::string> containers;  // ids, infra first
  std::optional<std::string> qos_class; // kubepods: guaranteed, burstable, besteffort
  // Namespaces every container of the pod shares (the infra container's net, ipc, uts, ...);
  // nullopt for a type where they differ or which is unknown.
  std::array<std::optional<NsInode>, kNsTypeCount> namespaces{};
};

// Lookups over Snapshot::containers and pods, rebuilt by index_containers() (see
// container_lookup.hpp for the functions that use them).
struct ContainerIndex {
  // container_key() and container id -> Snapshot::containers (an id that two containerd
  // namespaces share leads to the first; its keys to each)
  std::unordered_map<std::string, std::size_t> by_id;
  std::unordered_map<pid_t, std::size_t> by_pid;        // every pid of every container
  std::unordered_map<std::string, std::size_t> pod_by_id;
  std::unordered_map<NsInode, std::string> ns_labels;   // container name, "pod/NAME"
  std::array<std::optional<NsInode>, kNsTypeCount> initial_ns{};  // "host" namespaces
};

}  // namespace nsinspect
