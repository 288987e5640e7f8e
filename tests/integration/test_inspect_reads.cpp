// `nsview inspect` of one container reads /proc only for that container's processes (and
// its monitor, and init's for the host's namespaces and mounts), however many other
// processes run: checked with strace against the container's cgroup.procs while 1,000
// sleepers of the test's own run beside it.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <vector>
#include <sstream>
#include <unistd.h>

#include "podman.hpp"
#include "run.hpp"

using namespace testsupport;
using nlohmann::json;

namespace {

// The pids whose /proc/PID strace shows opened: "/proc/PID..." or "PID" relative to an open
// /proc (the scan's openat(procfd, "PID")).
std::set<pid_t> proc_pids_opened(const std::string& trace) {
  std::set<pid_t> out;
  static const std::regex open_re(R"re(openat2?\([^,]+, "(/proc/)?([0-9]+)(/[^"]*)?")re");
  std::istringstream in(trace);
  for (std::string line; std::getline(in, line);)
    for (std::sregex_iterator it(line.begin(), line.end(), open_re), end; it != end; ++it) {
      // A relative name is a pid only when it is the whole name (cgroup directories are not numbers).
      if ((*it)[1].length() == 0 && (*it)[3].length() != 0) continue;
      out.insert(std::stoi((*it)[2].str()));
    }
  return out;
}

std::set<pid_t> cgroup_procs(pid_t pid) {
  std::string cg = sh_out("awk -F: '$1 == 0 {print $3}' /proc/" + std::to_string(pid) + "/cgroup");
  std::set<pid_t> out;
  std::istringstream in(sh_out("cat /sys/fs/cgroup/unified" + cg + "/cgroup.procs"));
  for (pid_t p; in >> p;) out.insert(p);
  return out;
}

}  // namespace

TEST_CASE("inspect of a container opens no /proc/PID outside it among 1000 other processes",
          "[inspect][podman]") {
  if (!have_podman()) {
    WARN("SKIPPED: podman is not installed");
    return;
  }
  REQUIRE(is_root());
  REQUIRE(sh("command -v strace").status == 0);
  podman_env();
  const std::string name = "nsview-inspect-reads-" + std::to_string(getpid());
  // Removed with the empty cgroups podman leaves, also when the test fails.
  struct Removal {
    std::string name, id;
    ~Removal() {
      sh("podman rm -f -t 0 " + name + " >/dev/null 2>&1");
      podman_remove_cgroups(id);
    }
  } removal{name, {}};
  sh_out("podman run -d --name " + name + " --cap-drop ALL " + kPodmanImage +
         " sh -c 'sleep 1000 & sleep 1000 & wait' >/dev/null");
  removal.id = podman_inspect(name, "{{.Id}}");
  const pid_t init = std::stoi(podman_inspect(name, "{{.State.Pid}}"));
  const pid_t conmon = std::stoi(podman_inspect(name, "{{.State.ConmonPid}}"));
  REQUIRE(Child::wait_for([&] { return cgroup_procs(init).size() == 3; }));
  const std::set<pid_t> members = cgroup_procs(init);

  // The test's own sleepers, killed with their process group at scope exit.
  Child others("for i in $(seq 1000); do sleep 1000 & done; echo ready; wait");
  REQUIRE(others.read_line(30000) == "ready");
  std::set<pid_t> sleepers;
  std::istringstream kids(sh_out("pgrep -g " + std::to_string(others.pid()) + " -x sleep"));
  for (pid_t p; kids >> p;) sleepers.insert(p);
  REQUIRE(sleepers.size() == 1000);

  // What may be read besides the members: the monitor (it names the container and its
  // bundle), init and kthreadd (the host's namespaces and mount table).
  std::set<pid_t> allowed = members;
  allowed.insert({conmon, 1, 2});
  for (const std::string& target : std::vector<std::string>{name, std::to_string(*members.rbegin())}) {
    INFO("target " << target);
    // LeakSanitizer stops the world with ptrace, which a traced process cannot: off under strace.
    Result r = sh("ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" strace -f -e trace=openat,openat2 -o /dev/stderr " +
                  nsview_bin() + " inspect -J " + target);
    REQUIRE(r.status == 0);
    const auto opened = proc_pids_opened(r.err);
    std::vector<pid_t> outside, of_sleepers;
    for (pid_t p : opened) {
      if (!allowed.count(p)) outside.push_back(p);
      if (sleepers.count(p)) of_sleepers.push_back(p);
    }
    INFO("opened /proc/PID of " << outside.size() << " processes outside the container");
    CHECK(outside.empty());
    CHECK(of_sleepers.empty());
    // The trace is read right: the container's processes were opened, as their data shows.
    CHECK(opened.count(init));
    json j = json::parse(r.out);
    CHECK(j["target"]["container_name"] == name);
    std::set<pid_t> shown;
    for (const auto& p : j["processes"]) shown.insert(p["pid"].get<pid_t>());
    if (target == name) CHECK(shown == members);
    else CHECK(shown == std::set<pid_t>{*members.rbegin()});
    CHECK(j["target"]["pid"] == (target == name ? init : *members.rbegin()));
  }
}
