// Container identification inside scan(): private to libnsinspect.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "nsinspect/container_sources.hpp"
#include "nsinspect/scan.hpp"
#include "nsinspect/snapshot.hpp"

namespace nsinspect::containers {

// Engine files a caller already read and parsed (scan_container_query), so that the
// identification it runs next does not read and parse them again. Lives no longer than that
// caller: nothing is kept between calls.
struct KnownEngineFiles {
  // containers/storage's entries (both drivers' files), when they were read.
  std::optional<std::vector<StorageContainer>> storage;
  // Runtime state files (path under the root -> parsed), as runtime_state() would parse them.
  std::unordered_map<std::string, RuntimeState> states;
};

// Fills s.containers and s.pods from the processes' cgroup lines and command lines, the
// runtime state, OCI bundles and engine stores under options.root; then indexes them.
// Linear in processes: every lookup is a hash map keyed by pid or container id.
void identify_containers(Snapshot& s, const ScanOptions& options, const KnownEngineFiles* known = nullptr);

// The cgroup line that says which container a process is in, decoded (*line: that line);
// nullopt when no line has a known shape.
std::optional<CgroupMatch> decode_process(const Process& p, const procfs::CgroupLine** line);

// What identification learnt about one container beyond the model, for grouping into pods.
struct Evidence {
  std::string pod_key;      // Kubernetes pod UID or podman pod id; "" when not in a pod
  bool kubernetes = false;
  std::optional<std::string> qos;
  AnnotationInfo annotations;
  std::string storage_pod_name;  // CRI-O's containers.json metadata
};

// Groups containers (parallel to evidence) into s.pods and sets each Container::pod, infra and
// a member's hostname from its pod. podman_names: pod id -> name from podman's database.
void group_pods(Snapshot& s, const std::vector<Evidence>& evidence,
                const std::unordered_map<std::string, std::string>& podman_names);

}  // namespace nsinspect::containers
