// Namespace kinds and identities shared by every part of libnsinspect.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace nsinspect {

// The eight namespace kinds, in the order lsns lists its types.
enum class NsType : uint8_t { mnt, net, pid, uts, ipc, user, cgroup, time };
inline constexpr std::size_t kNsTypeCount = 8;
inline constexpr std::array<NsType, kNsTypeCount> kAllNsTypes = {
    NsType::mnt, NsType::net, NsType::pid, NsType::uts,
    NsType::ipc, NsType::user, NsType::cgroup, NsType::time};

inline constexpr std::size_t index_of(NsType t) { return static_cast<std::size_t>(t); }

// "net", "mnt", ... as in /proc/PID/ns/ and lsns's TYPE column.
std::string_view ns_type_name(NsType t);
std::optional<NsType> ns_type_from_name(std::string_view name);
// CLONE_NEW* flag of a type (for setns/unshare).
int ns_type_clone_flag(NsType t);
std::optional<NsType> ns_type_from_clone_flag(int flag);

// A namespace is identified by its nsfs inode; the device is recorded but all nsfs
// inodes share one device on a running kernel.
using NsInode = uint64_t;

}  // namespace nsinspect
