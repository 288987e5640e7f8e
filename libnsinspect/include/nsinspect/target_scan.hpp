// Snapshots of part of the node for a question about one target (`nsview inspect NAME`):
// the containers a query can name are found from the engines' on-disk state, and /proc is
// read only for their processes, so the cost does not grow with the node's other processes.
// Nothing is cached between calls.
#pragma once

#include <optional>
#include <string_view>
#include <sys/types.h>

#include "nsinspect/scan.hpp"
#include "nsinspect/snapshot.hpp"

namespace nsinspect {

// A snapshot (scan_pids with `o`, containers identified as scan() identifies them) holding
// every running container that find_container() could match for `query` - by name,
// POD/NAME, id or id prefix - and no other, so that find_container() on it answers as on a
// whole scan. The candidates come from the OCI runtimes' state (runc, crun, under containerd
// and docker too), containers/storage and docker's names; each one's processes from its
// cgroup (its pod's, when it is in one) and its monitor.
// nullopt when that state cannot decide: unreadable (not root), no candidate, a query that an
// LXC container's name also fits, or characters the engines' JSON may escape. The caller then
// scans the whole node.
std::optional<Snapshot> scan_container_query(std::string_view query, const ScanOptions& o);

// A snapshot holding pid and, when its cgroup names a container, what scan() needs to name
// that container (scan_container_query of its id). No process pid in it: there is none.
// nullopt when a whole scan is needed: the container's state is unreadable, or an ancestor is
// an engine's monitor (a container with a cgroup of no known shape).
std::optional<Snapshot> scan_pid_context(pid_t pid, const ScanOptions& o);

}  // namespace nsinspect
