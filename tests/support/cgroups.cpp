#include "cgroups.hpp"

#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "run.hpp"

namespace testsupport {

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TestCgroups::TestCgroups(std::vector<std::string> d) : dirs(std::move(d)) {
  for (const auto& x : dirs) REQUIRE(sh("mkdir -p " + x).status == 0);
}

static std::vector<std::string> in_hierarchies(const std::string& name, const std::vector<std::string>& hier) {
  std::vector<std::string> dirs;
  for (const auto& h : hier) dirs.push_back(kCgroupRoot + "/" + h + "/" + name);
  return dirs;
}

TestCgroups::TestCgroups(const std::string& name, const std::vector<std::string>& hierarchies)
    : TestCgroups(in_hierarchies(name, hierarchies)) {
  this->name = name;
}

TestCgroups::~TestCgroups() {
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it)
    sh("for i in $(seq 100); do [ -d " + *it + " ] || break; rmdir " + *it + " 2>/dev/null && break; sleep 0.05; done");
}

void TestCgroups::add(pid_t pid) const {
  for (const auto& d : dirs) REQUIRE(sh("echo " + std::to_string(pid) + " > " + d + "/cgroup.procs").status == 0);
}

}  // namespace testsupport
