// The one warning every subcommand prints when its scan could not read everything:
// "nsview list: warning: could not read ... (not root: ...); counts marked + are partial".
// The words come from nsinspect::unreadable_summary(), which the TUI shows too.
#pragma once

#include <string>

#include "nsinspect/snapshot.hpp"

namespace nsview {

// The warning line (no newline) for a scan, empty when everything was read. `prog` is the
// message prefix ("nsview list", or "lsns" when invoked through that name).
std::string unreadable_warning(const std::string& prog, const nsinspect::ScanStats& stats);

// Writes that line, prefixed with program_name(), to stderr, at most once per process (a top
// loop scans many times), never to stdout, so JSON output stays clean.
void warn_unreadable(const nsinspect::ScanStats& stats);

// The line said once at start when the scan runs without capabilities that reading the node
// needs: "PROG: warning: no CAP_SYS_PTRACE (hides ...)". Said as root (in a container: the
// DaemonSet's case) or with --root (root != "/"); an ordinary user is told by the end
// warning ("not root"). Empty when nothing is missing.
std::string capability_warning(const std::string& prog, const std::string& root);

// Writes capability_warning() to stderr, at most once per process.
void warn_capabilities(const std::string& root);

// Under --root, when no cgroup hierarchy is mounted below root (the host's /proc mounted
// without its /sys/fs/cgroup), readings are unknown for a reason '-' does not tell: says so
// once, "PROG: warning: no cgroup hierarchy is mounted below /host (...)".
void warn_no_cgroups(const std::string& root, const nsinspect::CgroupLayout& layout);

}  // namespace nsview
