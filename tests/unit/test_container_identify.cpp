// Identification over a fixture node (tests/fixtures/containers/root, made by make_root.py):
// CRI-O and containerd pods, docker, a podman pod, LXC and nspawn, read with scan(root=...).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "nsinspect/container_lookup.hpp"
#include "nsinspect/json.hpp"
#include "nsinspect/scan.hpp"
#include "run.hpp"

using namespace nsinspect;

namespace {
const std::string kRoot = std::string(NSVIEW_FIXTURES) + "/containers/root";
std::string rep(const std::string& two, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += two;
  return s;
}
Snapshot fixture_snapshot() {
  ScanOptions o;
  o.root = kRoot;
  o.sockets = o.netnsid = false;
  return scan(o);
}
const Container& must(const Snapshot& s, const std::string& id) {
  const Container* c = container_by_id(s, id);
  INFO(id);
  REQUIRE(c);
  return *c;
}
using Ns = std::array<std::optional<NsInode>, kNsTypeCount>;
NsInode ns(const Container& c, NsType t) {
  REQUIRE(c.namespaces[index_of(t)]);
  return *c.namespaces[index_of(t)];
}
}  // namespace

TEST_CASE("identify: every engine on the fixture node, and nothing else", "[containers][identify]") {
  auto s = fixture_snapshot();
  std::vector<std::string> ids;
  for (const auto& c : s.containers) ids.push_back(c.id);
  std::sort(ids.begin(), ids.end());
  std::vector<std::string> want = {rep("1a", 32), rep("3c", 32), rep("4e", 32), rep("5f", 32), rep("7b", 32),
                                   rep("a1", 32), rep("b2", 32), "deb-test", rep("e5", 32), rep("f6", 32),
                                   "web01", "web1"};
  CHECK(ids == want);
  // snapshot order: by creation time
  for (std::size_t i = 1; i < s.containers.size(); ++i) CHECK(s.containers[i - 1].created <= s.containers[i].created);
}

TEST_CASE("identify: CRI-O pod (systemd driver, crun, conmon)", "[containers][identify]") {
  auto s = fixture_snapshot();
  const auto& nginx = must(s, rep("b2", 32));
  CHECK(nginx.name == "nginx");
  CHECK(nginx.kube_container_name == "nginx");
  CHECK(nginx.engine == "cri-o");
  CHECK(nginx.runtime == "crun");
  CHECK(nginx.init_pid == 211);
  CHECK(nginx.monitor_pid == 210);
  CHECK(nginx.pids == std::vector<pid_t>{211, 212});
  CHECK(nginx.image == "docker.io/library/nginx:1.25");
  CHECK(nginx.bundle == "/run/containers/storage/overlay-containers/" + rep("b2", 32) + "/userdata");
  CHECK(nginx.created == 1795773603);  // containers.json "2026-11-27T10:00:03.4Z"
  CHECK(nginx.started == 1795770000 + 55000 / 100);
  CHECK(nginx.start_time == 55000u);
  CHECK(nginx.command == "nginx: master process nginx -g daemon off;");
  CHECK(nginx.hostname == "web-7d9f8b6c5-x2x9q");  // shares the sandbox's uts
  CHECK(nginx.state == "running");
  CHECK_FALSE(nginx.infra);
  CHECK(ns(nginx, NsType::net) == 4026532400u);
  CHECK(ns(nginx, NsType::mnt) == 4026532405u);
  CHECK(nginx.labels.at("io.kubernetes.pod.namespace") == "shop");
  REQUIRE(nginx.pod);
  CHECK(nginx.pod->id == "7c5e1b2a-3f4d-4e6a-9b8c-0d1e2f3a4b5c");
  CHECK(nginx.pod->name == "web-7d9f8b6c5-x2x9q");
  CHECK(nginx.pod->namespace_ == "shop");

  const auto& sandbox = must(s, rep("a1", 32));
  CHECK(sandbox.infra);
  CHECK(sandbox.name == "POD");
  CHECK(sandbox.init_pid == 201);
  CHECK(sandbox.monitor_pid == 200);
  CHECK(sandbox.image == "registry.k8s.io/pause:3.9");

  const Pod* pod = pod_by_id(s, "7c5e1b2a-3f4d-4e6a-9b8c-0d1e2f3a4b5c");
  REQUIRE(pod);
  CHECK(pod->name == "web-7d9f8b6c5-x2x9q");
  CHECK(pod->namespace_ == "shop");
  CHECK(pod->engine == "cri-o");
  CHECK(pod->qos_class == std::optional<std::string>("burstable"));
  CHECK(pod->infra_container == rep("a1", 32));
  CHECK(pod->containers == std::vector<std::string>{rep("a1", 32), rep("b2", 32)});
  Ns want{};
  want[index_of(NsType::net)] = 4026532400;
  want[index_of(NsType::ipc)] = 4026532401;
  want[index_of(NsType::uts)] = 4026532402;
  CHECK(pod->namespaces == want);
}

TEST_CASE("identify: containerd CRI pod (cgroupfs driver, one shim per pod)", "[containers][identify]") {
  auto s = fixture_snapshot();
  const auto& redis = must(s, rep("f6", 32));
  CHECK(redis.engine == "containerd");  // a bare id under kubepods: the shim and annotations say
  CHECK(redis.name == "redis");
  CHECK(redis.runtime == "runc");
  CHECK(redis.init_pid == 302);
  CHECK(redis.monitor_pid == 300);  // the pod's shim, parent of every container of the pod
  CHECK(redis.image == "docker.io/library/redis:7");
  CHECK(redis.created == 1795773900);
  CHECK(redis.bundle == "/run/containerd/io.containerd.runtime.v2.task/k8s.io/" + rep("f6", 32));
  REQUIRE(redis.pod);
  CHECK(redis.pod->name == "cache-0");
  CHECK(redis.pod->namespace_ == "data");
  const auto& pause = must(s, rep("e5", 32));
  CHECK(pause.infra);
  CHECK(pause.monitor_pid == 300);
  const Pod* pod = pod_of(s, redis);
  REQUIRE(pod);
  CHECK(pod->qos_class == std::optional<std::string>("besteffort"));
  CHECK(pod->infra_container == rep("e5", 32));
  CHECK(pod->engine == "containerd");
}

TEST_CASE("identify: docker (systemd driver) named from config.v2.json", "[containers][identify]") {
  auto s = fixture_snapshot();
  const auto& d = must(s, rep("1a", 32));
  CHECK(d.engine == "docker");
  CHECK(d.name == "web-proxy");
  CHECK(d.image == "nginx:1.25");
  CHECK(d.init_pid == 401);
  CHECK(d.monitor_pid == 400);
  CHECK(d.runtime == "runc");
  CHECK(d.hostname == "1a1a1a1a1a1a");
  CHECK(d.created == 1795771799);
  CHECK(d.labels.at("com.example.team") == "edge");
  CHECK_FALSE(d.pod);
  CHECK(ns(d, NsType::cgroup) == 4026532425u);
}

TEST_CASE("identify: podman pod (systemd driver), pod name from podman's database, paused member",
          "[containers][identify]") {
  auto s = fixture_snapshot();
  const auto& infra = must(s, rep("3c", 32));
  const auto& db = must(s, rep("4e", 32));
  CHECK(infra.engine == "podman");
  CHECK(infra.infra);  // named as SandboxID by the member
  CHECK(infra.name == "9d9d9d9d9d9d-infra");  // from conmon -n (no containers.json entry)
  CHECK(db.name == "fixture-db");
  CHECK(db.image == "localhost/nsview-bb:latest");
  CHECK(db.init_pid == 511);
  CHECK(db.monitor_pid == 510);
  // its own cgroup: the scope, above the /container its processes are in
  CHECK(db.cgroup == "/machine.slice/machine-libpod_pod_" + rep("9d", 32) + ".slice/libpod-" + rep("4e", 32) + ".scope");
  CHECK(db.state == "paused");
  CHECK(infra.state == "running");
  CHECK(db.created == 1795774199);  // containers.json, not the runtime's (re)start 10:10:00
  const Pod* pod = pod_of(s, db);
  REQUIRE(pod);
  CHECK(pod->id == rep("9d", 32));
  CHECK(pod->name == "fixture-pod");
  CHECK(pod->namespace_.empty());
  CHECK_FALSE(pod->qos_class);
  CHECK(pod->containers == std::vector<std::string>{rep("3c", 32), rep("4e", 32)});
}

TEST_CASE("identify: LXC and systemd-nspawn", "[containers][identify]") {
  auto s = fixture_snapshot();
  const auto& lxc = must(s, "web01");
  CHECK(lxc.engine == "lxc");
  CHECK(lxc.name == "web01");
  CHECK(lxc.init_pid == 601);
  CHECK(lxc.monitor_pid == 600);
  CHECK(lxc.pids == std::vector<pid_t>{601, 602});
  CHECK(ns(lxc, NsType::user) == 4026532445u);
  CHECK(lxc.hostname == "web01.lab");  // from /var/lib/lxc/web01/config
  CHECK(lxc.cgroup == "/lxc.payload.web01");  // not init's init.scope below it
  const auto& m = must(s, "deb-test");
  CHECK(m.engine == "nspawn");
  CHECK(m.init_pid == 701);
  CHECK(m.monitor_pid == 700);
  CHECK(m.pids == std::vector<pid_t>{701});  // the supervisor is the monitor, not a member
  CHECK(m.cgroup == "/machine.slice/machine-deb\\x2dtest.scope/payload");
  CHECK(m.hostname.empty());  // booted (-b): the guest's init sets its own
}

TEST_CASE("identify: a podman container in a cgroup of no known shape, through its conmon",
          "[containers][identify]") {
  auto s = fixture_snapshot();
  const auto& c = must(s, rep("5f", 32));
  CHECK(c.engine == "podman");
  CHECK(c.name == "odd-cgroup");
  CHECK(c.monitor_pid == 900);
  CHECK(c.init_pid == 901);
  CHECK(c.pids == std::vector<pid_t>{901, 902});
  CHECK(c.cgroup == "/custom.slice/odd");
  CHECK(c.runtime == "runc");
  CHECK_FALSE(c.pod);
}

TEST_CASE("identify: docker --cgroup-parent, through its shim (docker-init and an exec'd process)",
          "[containers][identify]") {
  auto s = fixture_snapshot();
  const auto& c = must(s, rep("7b", 32));
  CHECK(c.engine == "docker");
  CHECK(c.name == "ci-job-7");
  CHECK(c.image == "busybox:ci");
  CHECK(c.hostname == "ci-runner");
  CHECK(c.runtime == "runc");
  CHECK(c.monitor_pid == 920);
  CHECK(c.init_pid == 921);
  CHECK(c.pids == std::vector<pid_t>{921, 922, 923});
  CHECK(c.cgroup == "/ci-jobs/" + rep("7b", 32));
  CHECK(c.bundle == "/run/docker/containerd/daemon/io.containerd.runtime.v2.task/moby/" + rep("7b", 32));
  CHECK(c.labels.at("job") == "7");
  CHECK(c.created == 1795777199);  // docker's Created, 2026-11-27T10:59:59Z
  CHECK_FALSE(c.pod);
}

TEST_CASE("identify: a containerd container with an id of the user's in a namespace of the user's",
          "[containers][identify]") {
  auto s = fixture_snapshot();
  const auto& c = must(s, "web1");
  CHECK(c.engine == "containerd");
  CHECK(c.name.empty());  // containerd has no name beside the id
  CHECK(c.image == "docker.io/library/nsview-bb:test");  // from containerd's meta.db
  CHECK(c.runtime == "runc");
  CHECK(c.monitor_pid == 930);
  CHECK(c.init_pid == 931);
  CHECK(c.pids == std::vector<pid_t>{931});
  CHECK(c.cgroup == "/team-a/web1");
  CHECK(c.bundle == "/run/containerd/io.containerd.runtime.v2.task/team-a/web1");
  CHECK(c.created == 1795779000);
  // A shim whose -id is no path component is not followed, and its child is no container.
  CHECK_FALSE(container_of_pid(s, 941));
}

TEST_CASE("identify: containers found through monitors also by list's and top's lighter scans",
          "[containers][identify]") {
  // list reads command lines only of each namespace's first process; top's container group
  // reads no namespace links: the monitors' command lines and the mount namespaces that
  // adoption needs are read for the few processes concerned.
  for (int variant = 0; variant < 2; ++variant) {
    ScanOptions o;
    o.root = kRoot;
    o.sockets = o.netnsid = false;
    if (variant == 0) o.cmdline_leaders_only = true;
    else o.namespaces = false;
    INFO((variant == 0 ? "list" : "top"));
    auto s = scan(o);
    const auto& d = must(s, rep("7b", 32));
    CHECK(d.pids == std::vector<pid_t>{921, 922, 923});
    CHECK(d.monitor_pid == 920);
    CHECK(d.name == "ci-job-7");
    const auto& w = must(s, "web1");
    CHECK(w.pids == std::vector<pid_t>{931});
    CHECK(w.monitor_pid == 930);
    CHECK(must(s, rep("5f", 32)).pids == std::vector<pid_t>{901, 902});
    CHECK_FALSE(container_of_pid(s, 941));
  }
}

TEST_CASE("lookups: container_of_pid, ns_owner_label", "[containers][identify]") {
  auto s = fixture_snapshot();
  REQUIRE(container_of_pid(s, 212));
  CHECK(container_of_pid(s, 212)->name == "nginx");  // not only the first process
  CHECK(container_of_pid(s, 602)->id == "web01");
  for (pid_t monitor : {1, 200, 210, 300, 400, 500, 600, 700, 800, 801, 900, 910, 911}) CHECK_FALSE(container_of_pid(s, monitor));
  CHECK(ns_owner_label(s, 4026531840) == "host");
  CHECK(ns_owner_label(s, 4026531837) == "host");
  CHECK(ns_owner_label(s, 4026532400) == "pod/web-7d9f8b6c5-x2x9q");  // the CRI-O pod's net
  CHECK(ns_owner_label(s, 4026532403) == "pod/web-7d9f8b6c5-x2x9q");  // the sandbox's own mnt
  CHECK(ns_owner_label(s, 4026532405) == "nginx");
  CHECK(ns_owner_label(s, 4026532430) == "pod/fixture-pod");
  CHECK(ns_owner_label(s, 4026532435) == "fixture-db");
  CHECK(ns_owner_label(s, 4026532420) == "web-proxy");
  CHECK(ns_owner_label(s, 4026532440) == "web01");
  CHECK(ns_owner_label(s, 4026532450) == "deb-test");
  CHECK(ns_owner_label(s, 999) == "");
  CHECK(display_name(*pod_by_id(s, rep("9d", 32))) == "pod/fixture-pod");
}

TEST_CASE("identify: dump JSON carries containers and pods", "[containers][identify]") {
  auto s = fixture_snapshot();
  auto j = to_json(s);
  REQUIRE(j["containers"].size() == 12);
  REQUIRE(j["pods"].size() == 3);
  nlohmann::json nginx;
  for (const auto& c : j["containers"])
    if (c["id"] == rep("b2", 32)) nginx = c;
  CHECK(nginx["name"] == "nginx");
  CHECK(nginx["engine"] == "cri-o");
  CHECK(nginx["pid"] == 211);
  CHECK(nginx["pod"]["name"] == "web-7d9f8b6c5-x2x9q");
  CHECK(nginx["pod"]["namespace"] == "shop");
  CHECK(nginx["namespaces"]["net"] == 4026532400u);
  CHECK(nginx["pids"] == nlohmann::json::array({211, 212}));
  nlohmann::json lxc;
  for (const auto& c : j["containers"])
    if (c["id"] == "web01") lxc = c;
  CHECK(lxc["pod"].is_null());
  CHECK(lxc["image"].is_null());
  CHECK(lxc["runtime"].is_null());
}

TEST_CASE("identify: switched off with ScanOptions::containers", "[containers][identify]") {
  ScanOptions o;
  o.root = kRoot;
  o.containers = false;
  auto s = scan(o);
  CHECK(s.containers.empty());
  CHECK(s.pods.empty());
  CHECK_FALSE(container_of_pid(s, 212));
}

TEST_CASE("nsview ps on the fixture node", "[containers][ps]") {
  using testsupport::run;
  auto r = run({testsupport::nsview_bin(), "ps", "--root", kRoot});
  REQUIRE(r.status == 0);
  auto first = r.out.substr(0, r.out.find('\n'));
  CHECK(first.rfind("NAME", 0) == 0);
  for (const char* col : {"ID", "ENGINE", "POD", "PID", "STATE", "IMAGE", "CREATED"})
    CHECK(first.find(col) != std::string::npos);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 13);
  auto at = r.out.find("\nweb-proxy ");
  REQUIRE(at != std::string::npos);
  std::istringstream row(r.out.substr(at + 1, r.out.find('\n', at + 1) - at - 1));
  std::vector<std::string> f;
  for (std::string w; row >> w;) f.push_back(w);
  REQUIRE(f.size() == 10);  // CREATED is "N units ago"
  f.resize(7);
  CHECK(f == std::vector<std::string>{"web-proxy", "1a1a1a1a1a1a", "docker", "-", "401", "running", "nginx:1.25"});
  CHECK(r.out.find(rep("1a", 32)) == std::string::npos);  // ids cut to 12

  r = run({testsupport::nsview_bin(), "ps", "--root", kRoot, "--no-trunc", "-q", "--engine", "lxc", "--engine", "docker"});
  CHECK(r.status == 0);
  CHECK(r.out == "web01\n" + rep("1a", 32) + "\n" + rep("7b", 32) + "\n");

  r = run({testsupport::nsview_bin(), "ps", "--root", kRoot, "-J"});
  REQUIRE(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["containers"].size() == 12);
  CHECK(j["pods"].size() == 3);

  r = run({"env", "LC_ALL=C.UTF-8", testsupport::nsview_bin(), "ps", "--root", kRoot, "--pods", "--noheadings"});
  REQUIRE(r.status == 0);
  CHECK(r.out.find("pod/web-7d9f8b6c5-x2x9q") != std::string::npos);
  CHECK(r.out.find("├─POD") != std::string::npos);
  CHECK(r.out.find("└─nginx") != std::string::npos);
  // Without UTF-8 the branches are ASCII (never escaped bytes).
  r = run({"env", "LC_ALL=C", testsupport::nsview_bin(), "ps", "--root", kRoot, "--pods", "--noheadings"});
  CHECK(r.out.find("|-POD") != std::string::npos);
  CHECK(r.out.find("`-nginx") != std::string::npos);
  CHECK(r.out.find("NAME") == std::string::npos);

  r = run({testsupport::nsview_bin(), "ps", "--engine", "rkt"});
  CHECK(r.status == 1);
  CHECK(r.err == "nsview ps: unknown engine 'rkt' (podman, docker, containerd, cri-o, lxc, nspawn)\n");
  r = run({testsupport::nsview_bin(), "ps", "--bogus"});
  CHECK(r.status != 0);
  r = run({testsupport::nsview_bin(), "ps", "--root", "/nonexistent-nsview"});
  CHECK(r.status == 1);
  CHECK(r.err.find("nsview ps: cannot open /nonexistent-nsview/proc") == 0);
}

TEST_CASE("identify: a containerd container's namespace and key - meta.db read again when it changes",
          "[containers][identify]") {
  // A copy of the fixture node whose meta.db the test replaces between scans: the image map
  // is kept across scans of a process, so it must follow the file.
  char tmpl[] = "/tmp/nsview-meta-XXXXXX";
  REQUIRE(mkdtemp(tmpl));
  const std::string root = tmpl;
  testsupport::Cleanup rm("rm -rf " + root);
  REQUIRE(testsupport::sh("cp -a " + kRoot + "/. " + root).status == 0);
  const std::string meta = root + "/var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db";
  auto scan_web1 = [&] {
    ScanOptions o;
    o.root = root;
    o.sockets = o.netnsid = false;
    Snapshot s = scan(o);
    const Container* c = container_by_id(s, "team-a/web1");
    REQUIRE(c);
    CHECK(c == container_by_id(s, "web1"));
    CHECK(c->containerd_namespace == "team-a");
    CHECK(container_key(*c) == "team-a/web1");
    CHECK(to_json(*c)["containerd_namespace"] == "team-a");
    return c->image;
  };
  CHECK(scan_web1() == "docker.io/library/nsview-bb:test");
  CHECK(scan_web1() == "docker.io/library/nsview-bb:test");
  // A database without team-a/web1 (fuzz seed: ids in namespaces a, b and default only).
  REQUIRE(testsupport::sh("cp " + std::string(NSVIEW_SOURCE_DIR) + "/tests/fuzz/seeds/containerd_meta/handmade-512.db " + meta).status == 0);
  CHECK(scan_web1().empty());
  REQUIRE(testsupport::sh("cp " + kRoot + "/var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db " + meta).status == 0);
  CHECK(scan_web1() == "docker.io/library/nsview-bb:test");
  // Other engines have none.
  auto s = fixture_snapshot();
  CHECK(must(s, rep("7b", 32)).containerd_namespace.empty());
}
