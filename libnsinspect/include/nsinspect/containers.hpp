// Containers and pods, identified from what engines leave on the node (cgroup paths,
// monitor processes, OCI bundles, runtime state, containers/storage) - no engine API.
#pragma once

#include <map>
#include <optional>
#include <string>
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
  std::string hostname;
  std::array<std::optional<NsInode>, kNsTypeCount> namespaces{};  // of init_pid
  std::optional<uint64_t> start_time;  // clock ticks after boot, of init_pid
  std::string bundle;              // OCI bundle directory, when found
  std::string state = "running";   // "running" or "paused"
};

struct Pod {
  std::string id;
  std::string name;
  std::string namespace_;          // Kubernetes namespace
  std::string engine;
  std::string infra_container;     // id of the infra/pause container, if any
  std::vector<std::string> containers;  // ids, infra first
  std::optional<std::string> qos_class; // kubepods: guaranteed, burstable, besteffort
};

}  // namespace nsinspect
