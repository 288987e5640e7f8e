// End to end with Debian's docker.io: the test starts dockerd itself (default paths, no
// systemd, no iptables, cgroupfs driver), runs busybox containers with --network none, checks
// what nsview says of each against `docker inspect`, /proc and the cgroup files, and removes
// every container, the daemon's state and the cgroups it left.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cgroups.hpp"
#include "engines.hpp"
#include "run.hpp"

using namespace testsupport;

namespace {

pid_t to_pid(const std::string& s) { return static_cast<pid_t>(std::stol(s)); }

// The shim's pid: the init's parent (docker inspect does not say it).
pid_t parent_of(pid_t pid) { return to_pid(sh_out("ps -o ppid= -p " + std::to_string(pid))); }

EngineTruth truth(Dockerd& d, const std::string& name) {
  EngineTruth t;
  t.id = d.docker("inspect -f '{{.Id}}' " + name);
  t.name = d.docker("inspect -f '{{.Name}}' " + name).substr(1);  // "/NAME"
  t.engine = "docker";
  t.pid = to_pid(d.docker("inspect -f '{{.State.Pid}}' " + name));
  t.monitor_pid = parent_of(t.pid);
  t.image = d.docker("inspect -f '{{.Config.Image}}' " + name);
  t.hostname = d.docker("inspect -f '{{.Config.Hostname}}' " + name);
  t.state = d.docker("inspect -f '{{.State.Paused}}' " + name) == "true" ? "paused" : "running";
  return t;
}

}  // namespace

TEST_CASE("docker: plain, --init, paused, exec, --cgroup-parent, odd labels and hostname, against docker inspect",
          "[docker][engines]") {
  Dockerd d;
  if (!d.skip_reason().empty()) {
    WARN("SKIPPED: " << d.skip_reason());
    return;
  }
  REQUIRE(d.error() == "");
  const std::string p = "nsview-test-" + std::to_string(getpid()) + "-";
  const std::string parent = p + "parent";
  d.cgroups_caused(parent);
  auto start = [&](const std::string& name, const std::string& flags) {
    d.containers.push_back(p + name);
    d.docker("run -d --network none --name " + p + name + " " + flags + " " + kEngineImage + " sleep 1000");
    return p + name;
  };
  const std::string plain = start("plain", "");
  const std::string init = start("init", "--init");
  const std::string paused = start("paused", "");
  const std::string cgp = start("cgp", "--cgroup-parent /" + parent + " --hostname job-7");
  const std::string odd = start("odd", "--label 'k\"1=v \"q\" snow\u2603' --label 'x=a\tb' --hostname 'h x\"\\y.odd'");
  d.docker("pause " + paused);
  d.docker("exec -d " + plain + " sleep 999");

  {
    auto t = truth(d, plain);
    // The exec'd process: the shim's other child.
    REQUIRE(Child::wait_for([&] { return sh("pgrep -P " + std::to_string(t.monitor_pid) + " -x sleep | grep -vx " +
                                            std::to_string(t.pid)).status == 0; }));
    t.also_pids.push_back(to_pid(sh_out("pgrep -P " + std::to_string(t.monitor_pid) + " -x sleep | grep -vx " +
                                        std::to_string(t.pid))));
    check_nsview_sees(t);

    t = truth(d, init);
    t.also_pids.push_back(to_pid(sh_out("pgrep -P " + std::to_string(t.pid) + " -x sleep")));
    CHECK(trimmed(slurp("/proc/" + std::to_string(t.pid) + "/comm")) == "docker-init");
    check_nsview_sees(t);

    t = truth(d, paused);
    CHECK(t.state == "paused");
    check_nsview_sees(t);

    t = truth(d, cgp);
    CHECK(slurp("/proc/" + std::to_string(t.pid) + "/cgroup").find("0::/" + parent + "/" + t.id + "\n") !=
          std::string::npos);
    check_nsview_sees(t);

    t = truth(d, odd);
    CHECK(t.hostname == "h x\"\\y.odd");  // a space, a quote and a backslash: runc sets what it is given
    check_nsview_sees(t);
    // Labels exactly as docker has them (quotes, a tab, a snowman).
    auto r = run({nsview_bin(), "ps", "-J"});
    const auto parsed_containers = nlohmann::json::parse(r.out);
    for (const auto& c : parsed_containers["containers"])
      if (c["id"] == t.id) {
        CHECK(c["labels"]["k\"1"] == "v \"q\" snow\u2603");
        CHECK(c["labels"]["x"] == "a\tb");
      }
  }
}
