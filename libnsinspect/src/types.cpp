#include "nsinspect/types.hpp"

#include <sched.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

namespace nsinspect {

namespace {
constexpr std::array<std::string_view, kNsTypeCount> kNames = {
    "mnt", "net", "pid", "uts", "ipc", "user", "cgroup", "time"};
constexpr std::array<int, kNsTypeCount> kFlags = {
    CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWPID, CLONE_NEWUTS,
    CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWCGROUP, CLONE_NEWTIME};
}  // namespace

std::string_view ns_type_name(NsType t) { return kNames[index_of(t)]; }

std::optional<NsType> ns_type_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kNsTypeCount; ++i)
    if (kNames[i] == name) return kAllNsTypes[i];
  return std::nullopt;
}

int ns_type_clone_flag(NsType t) { return kFlags[index_of(t)]; }

std::optional<NsType> ns_type_from_clone_flag(int flag) {
  for (std::size_t i = 0; i < kNsTypeCount; ++i)
    if (kFlags[i] == flag) return kAllNsTypes[i];
  return std::nullopt;
}

}  // namespace nsinspect
