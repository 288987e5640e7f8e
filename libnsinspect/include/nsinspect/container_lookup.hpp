// Questions views ask about containers: which container a process is in, who a namespace
// belongs to. O(1) each, through Snapshot::container_index.
#pragma once

#include <string>
#include <string_view>
#include <sys/types.h>

#include "nsinspect/snapshot.hpp"

namespace nsinspect {

// The container whose cgroup holds pid (any of its processes, not only init); nullptr if none.
const Container* container_of_pid(const Snapshot& s, pid_t pid);
// By container_key() or id (an id two containerd namespaces share: the first of them).
const Container* container_by_id(const Snapshot& s, std::string_view id);
const Pod* pod_by_id(const Snapshot& s, std::string_view id);
// The pod a container belongs to, nullptr if none.
const Pod* pod_of(const Snapshot& s, const Container& c);

// Who a namespace belongs to, for `list`'s CONTAINER column and `tree` tags:
// "host" for the initial namespace of its type; the container's name (else its short id) when
// it is one container's; "pod/NAME" when it is shared by the containers of one pod (or is the
// pod's infra container's); several names joined by ',' otherwise; "" when no container uses it.
std::string ns_owner_label(const Snapshot& s, NsInode inode);

// Unique among a snapshot's containers: the id, as "NAMESPACE/ID" for a containerd container
// (containerd ids are unique within a namespace only; neither part may hold a '/').
std::string container_key(const Container& c);

// A name for people: the container's name, else its id cut to 12 characters.
std::string display_name(const Container& c);
// "pod/NAME" (or "pod/" + 12-char id when the name is unknown).
std::string display_name(const Pod& p);

// Rebuilds s.container_index from s.containers, s.pods and the namespaces (called by
// Snapshot::reindex() and at the end of container identification).
void index_containers(Snapshot& s);

}  // namespace nsinspect
