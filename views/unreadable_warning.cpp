#include "unreadable_warning.hpp"

#include <cstdio>
#include <unistd.h>

#include "nsinspect/capabilities.hpp"

#include "output.hpp"

namespace nsview {

std::string unreadable_warning(const std::string& prog, const nsinspect::ScanStats& stats) {
  if (!stats.partial()) return {};  // refused only what no privilege reads: dump records it
  std::string what = nsinspect::unreadable_summary(stats);
  if (what.empty()) return {};
  return prog + ": warning: " + what + "; counts marked + are partial, '-' is unknown";
}

void warn_unreadable(const nsinspect::ScanStats& stats) {
  static bool warned = false;
  if (warned) return;
  std::string line = unreadable_warning(program_name(), stats);
  if (line.empty()) return;
  warned = true;
  flush_stdout();  // after what is already printed, when both go to one terminal
  std::fprintf(stderr, "%s\n", line.c_str());
}

std::string capability_warning(const std::string& prog, const std::string& root) {
  if (geteuid() != 0 && root == "/") return {};
  std::string what = nsinspect::capability_summary(nsinspect::missing_capabilities());
  if (what.empty()) return {};
  return prog + ": warning: " + what;
}

void warn_no_cgroups(const std::string& root, const nsinspect::CgroupLayout& layout) {
  static bool warned = false;
  if (warned || root == "/" || !layout.hierarchies.empty()) return;
  warned = true;
  std::string r = root.size() > 1 && root.back() == '/' ? root.substr(0, root.size() - 1) : root;
  std::fprintf(stderr, "%s: warning: no cgroup hierarchy is mounted below %s (mount the host's /sys/fs/cgroup at %s/sys/fs/cgroup): cpu, memory, io and pids are unknown\n",
               program_name().c_str(), r.c_str(), r.c_str());
}

void warn_capabilities(const std::string& root) {
  static bool warned = false;
  if (warned) return;
  std::string line = capability_warning(program_name(), root);
  if (line.empty()) return;
  warned = true;
  std::fprintf(stderr, "%s\n", line.c_str());
}

}  // namespace nsview
