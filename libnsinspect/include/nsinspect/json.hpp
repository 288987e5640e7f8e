// The snapshot as JSON (`nsview dump -J`); the schema is docs/dump.schema.json.
#pragma once

#include <nlohmann/json.hpp>

#include "nsinspect/snapshot.hpp"

namespace nsinspect {

nlohmann::json to_json(const Process& p);
nlohmann::json to_json(const Namespace& n);
nlohmann::json to_json(const Holder& h);
nlohmann::json to_json(const CgroupTree& t);          // layout and every hierarchy's nodes
nlohmann::json to_json(const CgroupReadings& r);     // unknown -> null, unlimited -> "max"
nlohmann::json to_json(const Limit& l);
// A container / pod as in `nsview ps -J` (docs/ps.md).
nlohmann::json to_json(const Container& c);
nlohmann::json to_json(const Pod& p);
// The whole graph: {"version", "root", "processes": [...], "namespaces": [...],
// "containers": [...], "pods": [...]}.
// Later parts of the graph (cgroups, containers, pods) add their own keys.
nlohmann::json to_json(const Snapshot& s);
// What the scan could not read: counts of processes per kind of file refused, the cgroup
// hierarchies and engine files refused, and unreadable_summary() (null when all was read).
nlohmann::json to_json(const ScanStats& st);

}  // namespace nsinspect
