// The columns of `nsview list`: lsns's thirteen, then nsview's own. One table drives the
// headers, the JSON keys and types, --help and --list-columns.
#pragma once

#include <vector>

#include "nsinspect/snapshot.hpp"
#include "table.hpp"

namespace nsview {

enum NsColumn {
  NS_NS, NS_TYPE, NS_PATH, NS_NPROCS, NS_PID, NS_PPID, NS_COMMAND, NS_UID, NS_USER,
  NS_NETNSID, NS_NSFS, NS_PNS, NS_ONS,
  // beyond lsns
  NS_HOLDERS, NS_NHOLDERS, NS_OLDEST, NS_PIDS, NS_CGROUP, NS_OWNERUID, NS_HIDDEN, NS_CONTAINER,
  NS_COLUMN_COUNT
};

const std::vector<Column>& ns_columns();

// Everything a cell needs besides the namespace itself.
struct NsCellContext {
  const nsinspect::Snapshot& snap;
  nsinspect::NsInode self_mnt_ns = 0;  // bind mounts seen here are lsns's NSFS
  bool nowrap = false;                 // join multi-valued cells with ',' instead of '\n'
};

// A cell of a namespace's row. proc: the process the row is about (`list <namespace>` has a
// row per member); null means the namespace's lowest pid, as lsns.
Cell ns_cell(const NsCellContext& ctx, const nsinspect::Namespace& ns, NsColumn col,
             const nsinspect::Process* proc = nullptr);

}  // namespace nsview
