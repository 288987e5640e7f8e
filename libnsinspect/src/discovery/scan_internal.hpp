// scan_pids() with what an earlier scan of the same root already learnt: private to libnsinspect.
#pragma once

#include <vector>

#include "containers/identify.hpp"
#include "nsinspect/scan.hpp"

namespace nsinspect::detail {

// layout: the cgroup hierarchies (no mountinfo read); known: engine files already parsed.
// Either may be null.
Snapshot scan_pids_known(const ScanOptions& options, std::vector<pid_t> pids, const CgroupLayout* layout,
                         const containers::KnownEngineFiles* known);

}  // namespace nsinspect::detail
