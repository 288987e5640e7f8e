// Cgroup path shapes of every engine and both cgroup drivers, as they appear in
// /proc/PID/cgroup (see docs/ps.md and the shapes in /work/shared/guide/anchors.md).
#include <catch2/catch.hpp>

#include "nsinspect/container_sources.hpp"

using namespace nsinspect::containers;

namespace {
const std::string A = "ee32b198f317ad86e24f6858dea9935edc897646eb08e37dd98531564af0c9ef";
const std::string B = "952655be82edb31bac00187849120f2ee84b4d6b130c2d316f7d9824c696d72a";

CgroupMatch must(const std::string& path) {
  auto m = decode_cgroup_path(path);
  INFO(path);
  REQUIRE(m);
  return *m;
}
}  // namespace

TEST_CASE("cgroup: docker, both drivers", "[containers][cgroup]") {
  auto m = must("/system.slice/docker-" + A + ".scope");
  CHECK(m.engine == "docker");
  CHECK(m.id == A);
  CHECK(m.role == CgroupRole::container);
  CHECK(m.pod_id.empty());
  CHECK_FALSE(m.kubernetes);
  m = must("/docker/" + A);
  CHECK(m.engine == "docker");
  CHECK(m.id == A);
  // docker in docker: the innermost container wins
  m = must("/docker/" + B + "/docker/" + A);
  CHECK(m.id == A);
}

TEST_CASE("cgroup: containerd and CRI-containerd", "[containers][cgroup]") {
  auto m = must("/default/" + A);
  CHECK(m.engine == "containerd");
  CHECK(m.id == A);
  m = must("/system.slice/cri-containerd-" + A + ".scope");
  CHECK(m.engine == "containerd");
  CHECK(m.id == A);
  // systemd-style cgroupsPath under the cgroupfs driver
  m = must("/kubepods-besteffort-pod0f1e2d3c_4b5a_6978_8796_a5b4c3d2e1f0.slice:cri-containerd:" + A);
  CHECK(m.engine == "containerd");
  CHECK(m.id == A);
  CHECK(m.kubernetes);
  CHECK(m.qos == std::optional<std::string>("besteffort"));
  CHECK(m.pod_id == "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
  // a 64-hex name elsewhere is not a container
  CHECK_FALSE(decode_cgroup_path("/system.slice/" + A));
}

TEST_CASE("cgroup: CRI-O container, and its conmon is a monitor", "[containers][cgroup]") {
  auto m = must("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7c5e1b2a_3f4d_4e6a_9b8c_0d1e2f3a4b5c.slice/crio-" + A + ".scope");
  CHECK(m.engine == "cri-o");
  CHECK(m.id == A);
  CHECK(m.role == CgroupRole::container);
  CHECK(m.kubernetes);
  CHECK(m.qos == std::optional<std::string>("burstable"));
  CHECK(m.pod_id == "7c5e1b2a-3f4d-4e6a-9b8c-0d1e2f3a4b5c");
  m = must("/kubepods/besteffort/pod7c5e1b2a-3f4d-4e6a-9b8c-0d1e2f3a4b5c/crio-" + A);
  CHECK(m.engine == "cri-o");
  CHECK(m.role == CgroupRole::container);
  CHECK(m.qos == std::optional<std::string>("besteffort"));
  m = must("/system.slice/crio-conmon-" + A + ".scope");
  CHECK(m.engine == "cri-o");
  CHECK(m.role == CgroupRole::monitor);
  CHECK(m.id == A);
  m = must("/kubepods/pod7c5e1b2a-3f4d-4e6a-9b8c-0d1e2f3a4b5c/crio-conmon-" + A);
  CHECK(m.role == CgroupRole::monitor);
}

TEST_CASE("cgroup: podman shapes (cgroupfs, systemd, pods, conmon, rootless)", "[containers][cgroup]") {
  // Seen on this machine: lone container and pod member under libpod_parent (cgroupfs).
  auto m = must("/libpod_parent/libpod-" + A);
  CHECK(m.engine == "podman");
  CHECK(m.id == A);
  CHECK(m.pod_id.empty());
  m = must("/libpod_parent/" + B + "/libpod-" + A);
  CHECK(m.engine == "podman");
  CHECK(m.id == A);
  CHECK(m.pod_id == B);
  // conmon under a podman pod (cgroupfs): the pod, no container
  m = must("/libpod_parent/" + B + "/conmon");
  CHECK(m.role == CgroupRole::pod);
  CHECK(m.pod_id == B);
  CHECK_FALSE(decode_cgroup_path("/libpod_parent/conmon"));
  // systemd driver
  m = must("/machine.slice/libpod-" + A + ".scope");
  CHECK(m.id == A);
  m = must("/machine.slice/libpod-" + A + ".scope/container");
  CHECK(m.id == A);
  CHECK(m.role == CgroupRole::container);
  m = must("/machine.slice/machine-libpod_pod_" + B + ".slice/libpod-" + A + ".scope");
  CHECK(m.id == A);
  CHECK(m.pod_id == B);
  m = must("/machine.slice/libpod-conmon-" + A + ".scope");
  CHECK(m.role == CgroupRole::monitor);
  CHECK(m.engine == "podman");
  // rootless
  m = must("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + A + ".scope");
  CHECK(m.id == A);
  CHECK(m.engine == "podman");
  m = must("/user.slice/user-1000.slice/user@1000.service/user.slice/user-libpod_pod_" + B + ".slice/libpod-" + A + ".scope");
  CHECK(m.pod_id == B);
}

TEST_CASE("cgroup: kubepods QoS and pod UID from both drivers", "[containers][cgroup]") {
  const std::string uid = "7c5e1b2a-3f4d-4e6a-9b8c-0d1e2f3a4b5c";
  const std::string slice_uid = "7c5e1b2a_3f4d_4e6a_9b8c_0d1e2f3a4b5c";
  // guaranteed pods sit directly under kubepods
  auto m = must("/kubepods.slice/kubepods-pod" + slice_uid + ".slice/cri-containerd-" + A + ".scope");
  CHECK(m.qos == std::optional<std::string>("guaranteed"));
  CHECK(m.pod_id == uid);
  CHECK(m.engine == "containerd");
  m = must("/kubepods/pod" + uid + "/" + A);
  CHECK(m.qos == std::optional<std::string>("guaranteed"));
  CHECK(m.pod_id == uid);
  CHECK(m.engine.empty());  // a bare id: the monitor or annotations tell the engine
  CHECK(m.id == A);
  m = must("/kubepods/burstable/pod" + uid + "/" + A);
  CHECK(m.qos == std::optional<std::string>("burstable"));
  m = must("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + slice_uid + ".slice/docker-" + A + ".scope");
  CHECK(m.qos == std::optional<std::string>("besteffort"));
  CHECK(m.engine == "docker");
  // the pod slice itself
  m = must("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + slice_uid + ".slice");
  CHECK(m.role == CgroupRole::pod);
  CHECK(m.pod_id == uid);
  CHECK(m.qos == std::optional<std::string>("burstable"));
  // a kubelet --cgroup-root prefix
  m = must("/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod" + slice_uid + ".slice/crio-" + A + ".scope");
  CHECK(m.pod_id == uid);
  CHECK(m.qos == std::optional<std::string>("besteffort"));
  CHECK(m.engine == "cri-o");
}

TEST_CASE("cgroup: LXC and systemd-nspawn", "[containers][cgroup]") {
  auto m = must("/lxc.payload.web01/system.slice/ssh.service");
  CHECK(m.engine == "lxc");
  CHECK(m.id == "web01");
  CHECK(m.role == CgroupRole::container);
  m = must("/lxc.monitor.web01");
  CHECK(m.role == CgroupRole::monitor);
  CHECK(m.id == "web01");
  m = must("/lxc/web02");
  CHECK(m.engine == "lxc");
  CHECK(m.id == "web02");
  m = must("/machine.slice/machine-deb\\x2dtest.scope/payload/init.scope");
  CHECK(m.engine == "nspawn");
  CHECK(m.id == "deb-test");
  CHECK(m.role == CgroupRole::container);
  m = must("/machine.slice/machine-deb\\x2dtest.scope/supervisor");
  CHECK(m.role == CgroupRole::monitor);
  CHECK(m.id == "deb-test");
  m = must("/machine.slice/machine-old.scope");
  CHECK(m.id == "old");
}

// The container's own cgroup: every process of it is at or below it, so a process's cgroup in
// another hierarchy that is not (nspawn's v1 cpu and memory on a hybrid host) is not its.
TEST_CASE("cgroup: the container's own cgroup is the path through the component that names it",
          "[containers][cgroup]") {
  CHECK(must("/lxc.payload.web01/system.slice/ssh.service").cgroup == "/lxc.payload.web01");
  CHECK(must("/lxc.payload.web01").cgroup == "/lxc.payload.web01");
  CHECK(must("/lxc.monitor.web01").cgroup == "/lxc.monitor.web01");
  CHECK(must("/lxc/web02/init.scope").cgroup == "/lxc/web02");
  // nspawn: the payload is the container, the supervisor its monitor
  CHECK(must("/machine.slice/machine-deb\\x2dtest.scope/payload/init.scope").cgroup ==
        "/machine.slice/machine-deb\\x2dtest.scope/payload");
  CHECK(must("/machine.slice/machine-n1.scope/payload").cgroup == "/machine.slice/machine-n1.scope/payload");
  CHECK(must("/machine.slice/machine-n1.scope/supervisor").cgroup == "/machine.slice/machine-n1.scope");
  CHECK(must("/machine.slice/machine-old.scope").cgroup == "/machine.slice/machine-old.scope");
  // a directory named payload deeper inside is the guest's own business
  CHECK(must("/machine.slice/machine-n1.scope/payload/x/payload").cgroup == "/machine.slice/machine-n1.scope/payload");
  CHECK(must("/system.slice/docker-" + A + ".scope").cgroup == "/system.slice/docker-" + A + ".scope");
  CHECK(must("/docker/" + B + "/docker/" + A + "/init.scope").cgroup == "/docker/" + B + "/docker/" + A);
  CHECK(must("/machine.slice/libpod-" + A + ".scope/container").cgroup == "/machine.slice/libpod-" + A + ".scope");
  CHECK(must("/kubepods-besteffort-pod0f1e2d3c_4b5a_6978_8796_a5b4c3d2e1f0.slice:cri-containerd:" + A).cgroup ==
        "/kubepods-besteffort-pod0f1e2d3c_4b5a_6978_8796_a5b4c3d2e1f0.slice:cri-containerd:" + A);
  CHECK(must("/libpod_parent/" + B).cgroup.empty());  // a pod: no container cgroup
  // libvirt VMs registered with machined are not containers
  CHECK_FALSE(decode_cgroup_path("/machine.slice/machine-qemu\\x2d1\\x2dvm1.scope/libvirt/emulator"));
}

TEST_CASE("cgroup: host paths, cgroup-namespace paths and near misses", "[containers][cgroup]") {
  for (const std::string& p : std::vector<std::string>{"/", "/init.scope", "/system.slice/sshd.service", "/user.slice/user-0.slice/session-1.scope",
                        "/system.slice/docker.service", "/system.slice/containerd.service", "/libpod_parent",
                        "/docker-" + A.substr(1) + ".scope", "/system.slice/crio-" + A + "x.scope",
                        "/docker/" + std::string(64, 'G')})
    CHECK_FALSE(decode_cgroup_path(p));
  // seen through a cgroup namespace
  auto m = decode_cgroup_path("/../../libpod_parent/libpod-" + A);
  REQUIRE(m);
  CHECK(m->id == A);
}

TEST_CASE("cgroup: a shape with an empty name is no container", "[containers][cgroup]") {
  // The fuzzer's find: "machine-.scope" gave an nspawn container whose id was "".
  for (const char* p : {"/machine.slice/machine-.scope", "/machine.slice/machine-.scope/payload",
                        "/machine.slice/machine-.scope/supervisor", "/lxc.payload.", "/lxc.monitor.",
                        "/lxc.payload./init.scope"})
    CHECK_FALSE(decode_cgroup_path(p));
  // An empty inner shape leaves the outer container.
  auto m = must("/lxc.payload.web01/lxc.payload.");
  CHECK(m.id == "web01");
}

TEST_CASE("unescape_systemd", "[containers][cgroup]") {
  CHECK(unescape_systemd("deb\\x2dtest") == "deb-test");
  CHECK(unescape_systemd("a\\x2fb\\x5cc") == "a/b\\c");
  CHECK(unescape_systemd("plain") == "plain");
  CHECK(unescape_systemd("trail\\x2") == "trail\\x2");
  CHECK(unescape_systemd("bad\\xZZ") == "bad\\xZZ");
}

TEST_CASE("cgroup: at or below a container's own cgroup", "[containers][cgroup]") {
  const std::string own = "/machine.slice/machine-n1.scope/payload";
  CHECK(cgroup_at_or_below(own, own));
  CHECK(cgroup_at_or_below(own + "/init.scope", own));
  CHECK(cgroup_at_or_below(own, own + "/"));
  // nspawn's v1 cpu and memory on a hybrid host: the root, the launcher's session
  CHECK_FALSE(cgroup_at_or_below("/", own));
  CHECK_FALSE(cgroup_at_or_below("/process_api/daffb97b", own));
  CHECK_FALSE(cgroup_at_or_below("/machine.slice/machine-n1.scope", own));  // above: with the supervisor
  CHECK_FALSE(cgroup_at_or_below("/machine.slice/machine-n1.scope/payload2", own));  // a sibling's prefix
  CHECK_FALSE(cgroup_at_or_below("/lxc.payload.web", "/lxc.payload.web01"));
  CHECK_FALSE(cgroup_at_or_below("/lxc.payload.web01-1", "/lxc.payload.web01"));
  // the root, or no known cgroup: nothing to hold against
  CHECK(cgroup_at_or_below("/anything", "/"));
  CHECK(cgroup_at_or_below("/anything", ""));
}
