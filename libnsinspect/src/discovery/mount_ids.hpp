// The mounts of a mount namespace by their 64-bit ids (listmount(2)), without reading its
// mountinfo: ids are never reused, so an unchanged list means no mount came or went.
#pragma once

#include <cstdint>
#include <vector>

namespace nsinspect::detail {

// The id of the mount namespace that `path` (relative to dirfd, e.g. "PID/ns/mnt") names
// (ioctl NS_GET_MNTNS_ID, Linux 6.10+). Returns 0 or an errno value.
int mount_ns_id(int dirfd, const char* path, uint64_t& id);

// Every mount id of that namespace, ascending (listmount(2) with a namespace id, Linux
// 6.11+; needs CAP_SYS_ADMIN over the namespace's owner). Returns 0 or an errno value:
// ENOENT when the namespace is gone (or the id is stale).
int list_mounts(uint64_t mnt_ns_id, std::vector<uint64_t>& out);

}  // namespace nsinspect::detail
