// End to end with Debian's containerd driven by ctr: the test starts containerd itself
// (default paths, the CRI plugin off), imports a busybox image from a hand-made OCI archive,
// runs containers in the default, k8s.io and a namespace of its own, one with an id that is
// no hex, and one shaped as the CRI plugin makes them (kubepods cgroup, io.kubernetes.cri.*
// annotations, a sandbox and its container). What nsview says of each is checked against
// `ctr task ls`/`ctr containers info`, /proc and the cgroup files; everything is removed.
#include <catch2/catch.hpp>

#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "engines.hpp"
#include "run.hpp"

using namespace testsupport;

namespace {

pid_t to_pid(const std::string& s) { return static_cast<pid_t>(std::stol(s)); }

EngineTruth truth(Containerd& d, const std::string& ns, const std::string& id) {
  EngineTruth t;
  t.id = id;
  t.engine = "containerd";
  t.containerd_namespace = ns;
  // `ctr task ls`: TASK PID STATUS
  std::istringstream tasks(d.ctr(ns, "task ls"));
  for (std::string task, pid, status; tasks >> task >> pid >> status;)
    if (task == id) {
      t.pid = to_pid(pid);
      t.state = status == "PAUSED" ? "paused" : "running";
    }
  REQUIRE(t.pid > 0);
  t.monitor_pid = to_pid(sh_out("ps -o ppid= -p " + std::to_string(t.pid)));
  CHECK(sh_out("cat /proc/" + std::to_string(t.monitor_pid) + "/comm") == "containerd-shim");
  auto info = nlohmann::json::parse(d.ctr(ns, "containers info " + id));
  t.image = info["Image"].get<std::string>();
  const auto& spec = info["Spec"];
  if (spec.contains("hostname") && !spec["hostname"].get<std::string>().empty()) t.hostname = spec["hostname"];
  if (spec.contains("annotations")) {
    const auto& a = spec["annotations"];
    if (a.contains("io.kubernetes.cri.container-name")) t.name = a["io.kubernetes.cri.container-name"];
    if (a.contains("io.kubernetes.cri.sandbox-name")) t.pod_name = a["io.kubernetes.cri.sandbox-name"];
    if (a.contains("io.kubernetes.cri.sandbox-namespace")) t.pod_namespace = a["io.kubernetes.cri.sandbox-namespace"];
  }
  return t;
}

}  // namespace

TEST_CASE("containerd: default, k8s.io and own namespaces, a non-hex id, a CRI-shaped pod, against ctr",
          "[containerd][engines]") {
  Containerd d;
  if (!d.skip_reason().empty()) {
    WARN("SKIPPED: " << d.skip_reason());
    return;
  }
  REQUIRE(d.error() == "");
  const std::string tag = std::to_string(getpid());
  const std::string own_ns = "nsview-test-" + tag;
  for (const std::string& ns : {std::string("default"), std::string("k8s.io"), own_ns}) {
    d.import_image(ns);
    d.cgroups_caused(ns);  // ctr's cgroup is /NAMESPACE/ID
  }
  d.cgroups_caused("kubepods");

  const std::string hex_id = std::string(48, 'c') + "0123456789abcdef";
  d.run("default", "web1");               // the usual use: an id that is a name
  d.run("k8s.io", hex_id);
  d.run(own_ns, "job-" + tag);            // a namespace of the user's
  // CRI-shaped: the CRI plugin's kubepods cgroups and annotations, a sandbox and a container.
  char uid_tail[16];
  snprintf(uid_tail, sizeof uid_tail, "%012d", static_cast<int>(getpid()));
  const std::string uid = std::string("5e1f0c2a-7b3d-4c9e-8a6f-") + uid_tail;
  const std::string sandbox = std::string(56, 'a') + "5a4d8b0c", app = std::string(56, 'b') + "6c5e9d1f";
  auto cri = [&](const std::string& id, const std::string& type, const std::string& name, std::string a) {
    a += " --cgroup /kubepods/besteffort/pod" + uid + "/" + id;
    for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{
             {"container-type", type}, {"sandbox-id", sandbox}, {"sandbox-name", "shop-7d9f"},
             {"sandbox-namespace", "team"}, {"sandbox-uid", uid}, {"image-name", kEngineImage}})
      a += " --annotation io.kubernetes.cri." + k + "=" + v;
    if (!name.empty()) a += " --annotation io.kubernetes.cri.container-name=" + name;
    d.run("k8s.io", id, a);
  };
  cri(sandbox, "sandbox", "", "");
  // The container joins the sandbox's network, ipc and uts namespaces, as under CRI.
  const std::string sb = "/proc/" + std::to_string(truth(d, "k8s.io", sandbox).pid) + "/ns/";
  cri(app, "container", "app", "--with-ns network:" + sb + "net --with-ns ipc:" + sb + "ipc --with-ns uts:" + sb + "uts");

  auto t = truth(d, "default", "web1");
  check_nsview_sees(t);
  t = truth(d, "k8s.io", hex_id);
  check_nsview_sees(t);
  t = truth(d, own_ns, "job-" + tag);
  check_nsview_sees(t);

  t = truth(d, "k8s.io", sandbox);
  t.image = kEngineImage;  // the image-name annotation
  t.pod_name = "shop-7d9f";
  t.pod_namespace = "team";
  // The pod's infra container: its namespaces are the pod's.
  for (const char* type : {"mnt", "pid", "uts", "ipc", "net"}) t.ns_labels[type] = "pod/shop-7d9f";
  check_nsview_sees(t);
  t = truth(d, "k8s.io", app);
  CHECK(t.name == "app");
  for (const char* type : {"uts", "ipc", "net"}) t.ns_labels[type] = "pod/shop-7d9f";
  check_nsview_sees(t);
  // The pod: id, name, namespace, infra container and qos class from the kubepods cgroup.
  auto r = run({nsview_bin(), "ps", "-J"});
  REQUIRE(r.status == 0);
  nlohmann::json pod;
  const auto parsed_pods = nlohmann::json::parse(r.out);
  for (const auto& p : parsed_pods["pods"])
    if (p["id"] == uid) pod = p;
  REQUIRE(pod.is_object());
  CHECK(pod["name"] == "shop-7d9f");
  CHECK(pod["namespace"] == "team");
  CHECK(pod["engine"] == "containerd");
  CHECK(pod["infra_container"] == sandbox);
  CHECK(pod["containers"] == nlohmann::json::array({sandbox, app}));
  CHECK(pod["qos_class"] == "besteffort");

  // Paused through ctr: the freezer says so.
  d.ctr("default", "task pause web1");
  t = truth(d, "default", "web1");
  CHECK(t.state == "paused");
  check_nsview_sees(t);
  d.ctr("default", "task resume web1");
}

TEST_CASE("containerd: the same id in two namespaces is two containers, each with its own shim, image and key",
          "[containerd][engines]") {
  Containerd d;
  if (!d.skip_reason().empty()) {
    WARN("SKIPPED: " << d.skip_reason());
    return;
  }
  REQUIRE(d.error() == "");
  const std::string tag = std::to_string(getpid());
  const std::string ns_a = "nsview-a-" + tag, ns_b = "nsview-b-" + tag;
  for (const std::string& ns : {ns_a, ns_b, std::string("default"), std::string("k8s.io")}) {
    d.import_image(ns);
    d.cgroups_caused(ns);  // ctr's cgroup is /NAMESPACE/ID
  }
  // A name-like id in two namespaces of the user's (found through their shims), the second
  // from an image of another name; and a hex id in default and k8s.io (found by their
  // cgroups /default/ID and /k8s.io/ID).
  const std::string twin = "twin-" + tag, other_image = "docker.io/library/nsview-bb:twin";
  d.run(ns_a, twin);
  d.ctr(ns_b, "images tag " + kEngineImage + " " + other_image);
  d.containers.push_back({ns_b, twin});
  d.ctr(ns_b, "run -d " + other_image + " " + twin + " sleep 1001");  // told apart when entered
  const std::string hex = std::string(52, 'd') + "0123456789ab";
  d.run("default", hex);
  d.run("k8s.io", hex);

  auto a = truth(d, ns_a, twin), b = truth(d, ns_b, twin);
  CHECK(a.pid != b.pid);
  CHECK(b.image == other_image);
  auto h1 = truth(d, "default", hex), h2 = truth(d, "k8s.io", hex);
  for (EngineTruth* t : {&a, &b, &h1, &h2}) {
    t->id_shared = true;
    check_nsview_sees(*t);
  }

  // ps -J: exactly two of each id, told apart by their namespace.
  auto r = run({nsview_bin(), "ps", "-J"});
  REQUIRE(r.status == 0);
  std::multiset<std::string> keys;
  const auto parsed = nlohmann::json::parse(r.out);
  for (const auto& c : parsed["containers"])
    if (c["id"] == twin || c["id"] == hex) keys.insert(c["containerd_namespace"].get<std::string>() + "/" + c["id"].get<std::string>());
  CHECK(keys == std::multiset<std::string>{ns_a + "/" + twin, ns_b + "/" + twin, "default/" + hex, "k8s.io/" + hex});

  // top -J: a row per twin, keyed NAMESPACE/ID, each with its own init (not the other's usage).
  r = run({nsview_bin(), "top", "-J", "-n", "1", "--group", "container"});
  REQUIRE(r.status == 0);
  std::map<std::string, long> init_of;
  const auto top_rows = nlohmann::json::parse(r.out);
  for (const auto& row : top_rows["rows"])
    if (row["pid"].is_number()) init_of[row["id"].get<std::string>()] = row["pid"].get<long>();
  CHECK(init_of[ns_a + "/" + twin] == a.pid);
  CHECK(init_of[ns_b + "/" + twin] == b.pid);
  CHECK(init_of.count(twin) == 0);

  // enter by the shared id, or a prefix of it: a one-line error naming both, exit 1.
  for (const std::string& query : {twin, twin.substr(0, 6)}) {
    INFO("enter " << query);
    r = run({nsview_bin(), "enter", query, "--", "hostname"});
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.err.rfind("nsview enter: '" + query + "' is ambiguous: ", 0) == 0);
    CHECK(r.err.find(ns_a + "/" + twin) != std::string::npos);
    CHECK(r.err.find(ns_b + "/" + twin) != std::string::npos);
  }
  // By NAMESPACE/ID or a prefix of it: the one container.
  for (const std::string& query : {ns_b + "/" + twin, ns_b + "/twin"}) {
    INFO("enter " << query);
    r = run({nsview_bin(), "enter", query, "--", "cat", "/proc/1/cmdline"});
    CHECK(r.status == 0);
    CHECK(r.out == std::string("sleep\0" "1001\0", 11));
  }
}
