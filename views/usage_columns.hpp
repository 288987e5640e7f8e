#pragma once
// Usage columns more than one view shows (top, tree cgroup, and the TUI through them): one
// definition each, so a name means one quantity, unit and JSON key wherever it appears.
#include "table.hpp"

namespace nsview {

Column mem_column();         // MEM: memory in use
Column mem_limit_column();   // MEMLIMIT
Column pids_column();        // PIDS: tasks now
Column pids_limit_column();  // PIDSLIMIT

}  // namespace nsview
