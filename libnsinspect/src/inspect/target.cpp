// A container found in a snapshot, as what inspect() reads.
#include "nsinspect/container_lookup.hpp"
#include "nsinspect/inspect.hpp"

namespace nsinspect::inspect {

InspectTarget container_target(const Snapshot& snap, const Container& c) {
  InspectTarget t;
  if (c.init_pid) t.pids.push_back(*c.init_pid);
  for (pid_t p : c.pids)
    if (!c.init_pid || p != *c.init_pid) t.pids.push_back(p);
  t.container_id = c.id;
  t.container_name = c.name;
  t.engine = c.engine;
  t.bundle = c.bundle;
  t.cgroup = c.cgroup;
  if (const Pod* p = pod_of(snap, c)) t.pod_name = p->name.empty() ? p->id.substr(0, 12) : p->name;
  return t;
}

}  // namespace nsinspect::inspect
