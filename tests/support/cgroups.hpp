// Cgroups a test makes: created in the constructor, removed (deepest first, retrying while
// killed members leave) at scope exit, also when a check fails.
#pragma once

#include <string>
#include <vector>
#include <sys/types.h>

namespace testsupport {

inline const std::string kCgroupRoot = "/sys/fs/cgroup";

// The whole text of a (cgroup, /proc) file; "" when unreadable.
std::string slurp(const std::string& path);

struct TestCgroups {
  std::string name;  // the name given to the hierarchies form; "" otherwise
  std::vector<std::string> dirs;
  explicit TestCgroups(std::vector<std::string> dirs);
  // NAME in each hierarchy: kCgroupRoot/HIERARCHY/NAME.
  TestCgroups(const std::string& name, const std::vector<std::string>& hierarchies);
  ~TestCgroups();
  void add(pid_t pid) const;  // moves pid into every directory
  TestCgroups(const TestCgroups&) = delete;
  TestCgroups& operator=(const TestCgroups&) = delete;
};

}  // namespace testsupport
