// `nsview serve`'s /metrics: the metric families of one collection (docs/metrics.md) - per
// container, pod and cgroup from the Sampler's rows (the kernel's cumulative counters, not
// rates), per namespace type from the snapshot, and the agent's own cost - written in either
// exposition format under a series budget.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "exposition.hpp"
#include "nsinspect/sampler.hpp"

namespace nsview::metrics {

// What the agent knows about itself, written after the budgeted families.
struct AgentStats {
  double collect_seconds = 0;      // wall time of the collection this exposition shows
  double collect_cpu_seconds = 0;  // CPU time (this thread) it took
  uint64_t collections = 0;        // collections made since start
  uint64_t errors = 0;             // collections that failed since start
  uint64_t dropped_before = 0;     // series dropped by the budget in earlier collections
  std::optional<double> process_cpu_seconds;     // user + system of the whole process
  std::optional<uint64_t> process_max_rss_bytes;
};

// One collection. A sample pointer is null when that group was not collected.
struct Collection {
  const nsinspect::UsageSample* containers = nullptr;
  const nsinspect::UsageSample* pods = nullptr;
  const nsinspect::UsageSample* cgroups = nullptr;
  const nsinspect::Snapshot* snapshot = nullptr;  // namespaces, container images and pods
};

struct Rendered {
  std::string body;
  std::size_t series = 0;   // written, the agent's own included
  std::size_t dropped = 0;  // left out by the budget in this exposition
};

// max_series: how many series the container, pod, namespace and cgroup families may have
// together (0: no limit). Whole objects are dropped, never half of one: containers first
// kept, then pods, namespaces, cgroups by depth. The agent's own series are never dropped.
Rendered render(const Collection& c, const AgentStats& agent, ExpositionFormat fmt, std::size_t max_series);

// The short form of a container id: 12 characters of a 64-hex id (docker's, podman's);
// other ids (lxc's and nspawn's names, containerd's chosen ids) whole.
std::string short_id(const std::string& id);

}  // namespace nsview::metrics
