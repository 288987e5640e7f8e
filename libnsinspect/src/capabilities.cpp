// Capabilities a scan lacks, from CapEff (no libcap: one hex field is all it takes).
#include "nsinspect/capabilities.hpp"

#include <fcntl.h>

#include "discovery/fs_util.hpp"
#include "procfs/parse_util.hpp"

namespace nsinspect {

namespace {
// include/uapi/linux/capability.h
constexpr int kCapDacOverride = 1;
constexpr int kCapDacReadSearch = 2;
constexpr int kCapSysPtrace = 19;
constexpr int kCapSysAdmin = 21;

bool has(uint64_t mask, int cap) { return ((mask >> cap) & 1) != 0; }
}  // namespace

std::optional<uint64_t> parse_cap_eff(std::string_view text) {
  std::optional<uint64_t> out;
  detail::for_each_line(text, [&](std::string_view l) {
    if (l.substr(0, 7) != "CapEff:") return;
    l.remove_prefix(7);
    while (!l.empty() && (l.front() == '\t' || l.front() == ' ')) l.remove_prefix(1);
    if (l.empty() || l.size() > 16) return;
    uint64_t v = 0;
    for (char c : l) {
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) return;
      v = v << 4 | static_cast<uint64_t>(d);
    }
    out = v;
  });
  return out;
}

std::vector<CapabilityGap> capability_gaps(uint64_t eff, bool entering) {
  std::vector<CapabilityGap> gaps;
  // The ptrace access check guards /proc/PID/ns/*, fd/*, io: without the capability only
  // processes with no more capabilities than nsview's (and the same uid) can be read.
  if (!has(eff, kCapSysPtrace))
    gaps.push_back({"CAP_SYS_PTRACE",
                    "the namespaces, namespace fds and I/O counters of processes with more privileges: "
                    "their namespaces' process counts are partial and the host's namespaces unknown"});
  // /proc/PID/fd of another uid's process is mode 0500; so are rootless engines' stores.
  if (!has(eff, kCapDacReadSearch) && !has(eff, kCapDacOverride))
    gaps.push_back({"CAP_DAC_READ_SEARCH", "the open files of other users' processes and engine state they own"});
  if (entering && !has(eff, kCapSysAdmin))
    gaps.push_back({"CAP_SYS_ADMIN", "entering namespaces (setns)"});
  return gaps;
}

std::vector<CapabilityGap> missing_capabilities(bool entering) {
  std::string buf;
  if (detail::read_file_at(AT_FDCWD, "/proc/self/status", buf) != 0) return {};
  auto eff = parse_cap_eff(buf);
  if (!eff) return {};
  return capability_gaps(*eff, entering);
}

std::string capability_summary(const std::vector<CapabilityGap>& gaps) {
  std::string out;
  for (const auto& g : gaps) out += (out.empty() ? "no " : ", no ") + g.name + " (hides " + g.hides + ")";
  return out;
}

}  // namespace nsinspect
