// Shared pieces of the namespace integration tests.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>
#include <sys/types.h>

namespace testsupport {

// Runs `nsview list ARGS... -J` and returns the namespaces keyed by inode (flattening trees).
std::map<uint64_t, nlohmann::json> list_json(const std::vector<std::string>& args);
// Flattens {"namespaces": [... "children": [...]]}.
void flatten(const nlohmann::json& arr, std::map<uint64_t, nlohmann::json>& out);
// The inode of /proc/PID/ns/TYPE or of any path (0 if unreadable).
uint64_t ns_inode(pid_t pid, const std::string& type);
uint64_t path_inode(const std::string& path);
// Direct children of a process (from /proc/PID/task/PID/children); waits for one to appear.
std::vector<pid_t> children_of(pid_t pid, int timeout_ms = 5000);
// Follows the first child down `depth` levels.
pid_t descendant(pid_t pid, int depth);
// A name unique to this test run.
std::string unique_name(const std::string& stem);

}  // namespace testsupport
