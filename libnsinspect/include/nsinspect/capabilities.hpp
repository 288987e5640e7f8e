// Which capabilities a scan lacks and what each one's absence hides. In a container
// (`--root /host`, a DaemonSet) the default set has no CAP_SYS_PTRACE, and what it hides is
// not obvious from the output alone: the front-ends say so once, at start.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nsinspect {

struct CapabilityGap {
  std::string name;   // "CAP_SYS_PTRACE"
  std::string hides;  // what nsview cannot see (or do) without it
};

// The CapEff mask from the text of /proc/PID/status; nullopt when absent or malformed.
std::optional<uint64_t> parse_cap_eff(std::string_view status_text);

// What an effective set lacks for reading the node (CAP_SYS_PTRACE, and CAP_DAC_READ_SEARCH
// unless CAP_DAC_OVERRIDE covers it), plus CAP_SYS_ADMIN when entering namespaces.
std::vector<CapabilityGap> capability_gaps(uint64_t cap_eff, bool entering = false);

// The same for this process (its own /proc/self/status, whatever root is scanned); empty
// when the mask cannot be read.
std::vector<CapabilityGap> missing_capabilities(bool entering = false);

// One line: "no CAP_SYS_PTRACE (hides ...), no CAP_DAC_READ_SEARCH (hides ...)"; empty if none.
std::string capability_summary(const std::vector<CapabilityGap>& gaps);

}  // namespace nsinspect
