#include "usage_columns.hpp"

namespace nsview {

Column mem_column() {
  return view_column("MEM", Unit::bytes,
                     "memory in use: a cgroup's memory.current / memory.usage_in_bytes; a process's RSS, or the sum "
                     "of its processes' RSS for a namespace",
                     JsonType::number, "mem_bytes");
}

Column mem_limit_column() {
  return view_column("MEMLIMIT", Unit::limit, "memory limit: memory.max / memory.limit_in_bytes ('max': none)",
                     JsonType::number, "mem_limit_bytes");
}

Column pids_column() {
  return view_column("PIDS", Unit::count, "tasks (threads) now: pids.current", JsonType::number, "pids_current");
}

Column pids_limit_column() {
  return view_column("PIDSLIMIT", Unit::limit, "pids limit: pids.max ('max': none)", JsonType::number, "pids_limit");
}

}  // namespace nsview
