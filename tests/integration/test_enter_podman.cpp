// `nsview enter` with real podman containers (runc, a busybox image made by the test).
// Needs container identification in the snapshot (Snapshot::containers); without it these
// tests fail with a message saying so.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <unistd.h>

#include "podman.hpp"
#include "run.hpp"

using namespace testsupport;

namespace {

std::string P(pid_t pid) { return std::to_string(pid); }

Result nsview(std::vector<std::string> args, const std::string& input = {}) {
  return nsview_run("enter", std::move(args), input);
}

// A busybox image and a test-only podman configuration (runc, ulimits this machine allows).
struct PodmanFixture {
  const std::string tag = P(getpid());
  const std::string dir = "/tmp/nsview-enter-podman-" + tag;
  const std::string image = "localhost/nsview-enter-bb-" + tag;
  Cleanup rm_dir{"rm -rf /tmp/nsview-enter-podman-" + P(getpid())};
  Cleanup rm_image{"podman rmi -f localhost/nsview-enter-bb-" + P(getpid()) + " >/dev/null 2>&1"};

  PodmanFixture() {
    sh_out("mkdir -p " + dir + "/r/bin " + dir + "/r/proc " + dir + "/r/sys " + dir + "/r/dev " + dir + "/r/etc " +
           dir + "/r/tmp");
    sh_out("printf '[containers]\\ndefault_ulimits = [\"nofile=10000:10000\", \"nproc=10000:10000\"]\\n"
           "[engine]\\nruntime = \"runc\"\\n' > " + dir + "/containers.conf");
    setenv("CONTAINERS_CONF", (dir + "/containers.conf").c_str(), 1);
    sh_out("cp /bin/busybox " + dir + "/r/bin/ && for c in sh sleep hostname readlink cat; do ln -s busybox " + dir +
           "/r/bin/$c; done && echo in-image > " + dir + "/r/etc/marker");
    sh_out("tar -C " + dir + "/r -cf " + dir + "/bb.tar . && podman import --change 'ENV PATH=/bin' " + dir +
           "/bb.tar " + image + " >/dev/null");
  }

  // Starts a container; removed at scope exit of the returned Cleanup.
  std::string run_container(const std::string& name, const std::string& extra = "") {
    return sh_out("podman run -d --name " + name + " " + extra + " " + image + " sleep 1000");
  }
};

pid_t container_pid(const std::string& name) {
  return std::stoi(sh_out("podman inspect -f '{{.State.Pid}}' " + name));
}

// Fails clearly when this build does not identify containers at all.
void require_containers_identified(const std::string& name) {
  Result r = nsview({name, "--", "sh", "-c", ":"});  // the image has no `true`
  if (r.err.find("no such process, container or namespace") != std::string::npos)
    FAIL("containers are not identified by this build (Snapshot::containers is empty): " + r.err);
  REQUIRE(r.status == 0);
}

}  // namespace

TEST_CASE("enter podman: a container by name, id prefix, -t, and POD/NAME", "[enter][podman]") {
  REQUIRE(is_root());
  PodmanFixture f;
  const std::string one = "nsview-enter-one-" + f.tag, pod = "nsview-enter-pod-" + f.tag,
                    two = "nsview-enter-two-" + f.tag;
  Cleanup rm("podman rm -f -t 0 " + one + " >/dev/null 2>&1; podman rm -f -t 0 " + two +
             " >/dev/null 2>&1; " + podman_pod_rm(pod));
  const std::string id = f.run_container(one, "--hostname h-" + one);
  sh_out("podman pod create --name " + pod + " >/dev/null");
  f.run_container(two, "--pod " + pod);
  require_containers_identified(one);
  const pid_t cpid = container_pid(one);

  // A whole container: every namespace, the image's files and tools.
  CHECK(trimmed(nsview({one, "--", "hostname"}).out) == "h-" + one);
  CHECK(trimmed(nsview({one, "--", "cat", "/etc/marker"}).out) == "in-image");
  CHECK(trimmed(nsview({id.substr(0, 12), "--", "hostname"}).out) == "h-" + one);
  CHECK(trimmed(nsview({"-t", one, "-u", "hostname"}).out) == "h-" + one);
  for (std::string type : {"mnt", "uts", "ipc", "net", "pid", "cgroup"})
    CHECK(trimmed(nsview({one, "--", "readlink", "/proc/self/ns/" + type}).out) ==
          readlink_str("/proc/" + P(cpid) + "/ns/" + type));
  // --net only: the host's tools in the container's network.
  Result net = nsview({one, "-n", "--", "/usr/bin/readlink", "/proc/self/ns/net", "/proc/self/ns/mnt"});
  CHECK(net.out == readlink_str("/proc/" + P(cpid) + "/ns/net") + "\n" + readlink_str("/proc/self/ns/mnt") + "\n");
  // Pod members share the infra container's uts: the pod's name is their hostname.
  CHECK(trimmed(nsview({pod + "/" + two, "--", "hostname"}).out) == pod);
  // No command: the image has no bash, so its /bin/sh; the banner names the container.
  Result shell = run({"env", "SHELL=/bin/bash", nsview_bin(), "enter", one}, "echo $0\n");
  CHECK(trimmed(shell.out) == "-sh");
  CHECK(shell.err.rfind("nsview enter: in container " + one + " (" + id.substr(0, 12) + "): ", 0) == 0);
}

TEST_CASE("enter podman: an ambiguous id prefix lists the candidates and runs nothing", "[enter][podman]") {
  REQUIRE(is_root());
  PodmanFixture f;
  Cleanup rm("podman rm -f -t 0 $(podman ps -aq --filter name=nsview-enter-amb-" + f.tag + ") >/dev/null 2>&1");
  // Start containers until two ids share a first character that is a letter (an all-digit
  // target is always a pid): at most 7 such ids by pigeonhole.
  std::map<char, std::vector<std::string>> by_first;
  std::vector<std::string> pair;
  for (int i = 0; i < 40 && pair.empty(); ++i) {
    std::string name = "nsview-enter-amb-" + f.tag + "-" + std::to_string(i);
    std::string id = f.run_container(name);
    if (id[0] < 'a' || id[0] > 'f') continue;
    auto& v = by_first[id[0]];
    v.push_back(id);
    if (v.size() == 2) pair = v;
  }
  REQUIRE(pair.size() == 2);
  require_containers_identified(pair[0].substr(0, 12));
  const std::string marker = "/tmp/nsview-enter-amb-ran-" + f.tag;
  Result r = nsview({pair[0].substr(0, 1), "--", "/usr/bin/touch", marker});
  CHECK(r.status == 1);
  CHECK(r.out == "");
  CHECK(r.err.rfind("nsview enter: '" + pair[0].substr(0, 1) + "' is ambiguous: ", 0) == 0);
  CHECK(r.err.find(pair[0].substr(0, 12)) != std::string::npos);
  CHECK(r.err.find(pair[1].substr(0, 12)) != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(access(marker.c_str(), F_OK) != 0);
}
