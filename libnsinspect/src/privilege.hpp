// Whether this process may read other processes' /proc files that need a ptrace check.
#pragma once

#include <cstdlib>
#include <string>

#include "discovery/fs_util.hpp"

namespace nsinspect::detail {

// CAP_SYS_PTRACE in this process's effective set (/proc/self/status CapEff). Asked only
// after something was refused, so a scan that reads everything pays nothing.
// Cached: capabilities do not change under a running scan loop (top, the TUI).
inline bool have_sys_ptrace() {
  static const bool have = [] {
    constexpr int kCapSysPtrace = 19;
    std::string buf;
    if (read_file_at(AT_FDCWD, "/proc/self/status", buf) != 0) return false;
    auto at = buf.find("\nCapEff:");
    if (at == std::string::npos) return false;
    unsigned long long caps = std::strtoull(buf.c_str() + at + 8, nullptr, 16);
    return ((caps >> kCapSysPtrace) & 1) != 0;
  }();
  return have;
}

}  // namespace nsinspect::detail
