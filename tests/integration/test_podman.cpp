// End-to-end with real podman (runc, a busybox image made by `podman import`): containers,
// a pod with its infra container, a `podman kube play` pod. Every value is checked against
// `podman inspect` and /proc; every container and pod is removed again, also on failure.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <unistd.h>

#include "nsinspect/container_lookup.hpp"
#include "nsinspect/json.hpp"
#include "nsinspect/scan.hpp"
#include "podman.hpp"
#include "run.hpp"

using namespace nsinspect;
using namespace testsupport;

namespace {

const std::string& kImage = kPodmanImage;

std::string unique(const std::string& what) { return "nsview-test-" + std::to_string(getpid()) + "-" + what; }

std::string inspect(const std::string& name, const std::string& format) { return podman_inspect(name, format); }

Snapshot scan_containers() {
  ScanOptions o;
  o.sockets = o.netnsid = o.bind_mounts = o.fds = o.threads = false;
  return scan(o);
}

NsInode ns_of_pid(const std::string& pid, NsType t) {
  std::string link = readlink_str("/proc/" + pid + "/ns/" + std::string(ns_type_name(t)));
  auto open = link.find('[');
  REQUIRE(open != std::string::npos);
  return std::stoull(link.substr(open + 1));
}

// Checks a container against podman inspect and /proc.
void check_against_podman(const Snapshot& s, const std::string& name) {
  INFO("container " << name);
  std::string id = inspect(name, "{{.Id}}");
  const Container* c = container_by_id(s, id);
  REQUIRE(c);
  CHECK(c->name == name);
  CHECK(c->engine == "podman");
  CHECK(c->runtime == "runc");
  std::string pid = inspect(name, "{{.State.Pid}}");
  REQUIRE(c->init_pid);
  CHECK(std::to_string(*c->init_pid) == pid);
  REQUIRE(c->monitor_pid);
  CHECK(std::to_string(*c->monitor_pid) == inspect(name, "{{.State.ConmonPid}}"));
  CHECK(c->image == inspect(name, "{{.ImageName}}"));
  CHECK(c->bundle == inspect(name, "{{.StaticDir}}"));
  for (auto t : kAllNsTypes) {
    INFO(ns_type_name(t));
    CHECK(c->namespaces[index_of(t)] == ns_of_pid(pid, t));
  }
  CHECK(c->state == "running");
  REQUIRE(c->created);
  // podman's Created is the container's creation; runc's state.json a moment later.
  auto created = std::stoll(sh_out("date -d \"$(podman inspect --format '{{.Created}}' " + name +
                                   " 2>/dev/null | cut -d' ' -f1,2)\" +%s"));
  CHECK(std::llabs(*c->created - created) <= 2);
  const Container* via_pid = container_of_pid(s, *c->init_pid);
  REQUIRE(via_pid);
  CHECK(via_pid->id == id);
  CHECK_FALSE(container_of_pid(s, *c->monitor_pid));
}

}  // namespace

TEST_CASE("podman: one container, its exec'd process, pause, and stop", "[podman]") {
  if (!have_podman()) {
    WARN("SKIPPED: podman is not installed (apt-get install podman runc busybox-static)");
    return;
  }
  REQUIRE(is_root());
  podman_env();
  const std::string name = unique("1");
  Cleanup rm("podman rm -f -t 0 " + name + " >/dev/null 2>&1");
  std::string id = sh_out("podman run -d --name " + name + " " + kImage + " sleep 1000 2>/dev/null");
  REQUIRE(id.size() == 64);

  auto s = scan_containers();
  check_against_podman(s, name);
  const Container* c = container_by_id(s, id);
  REQUIRE(c);
  CHECK_FALSE(c->pod);
  CHECK_FALSE(c->infra);
  CHECK(c->hostname == inspect(name, "{{.Config.Hostname}}"));
  CHECK(c->pids == std::vector<pid_t>{*c->init_pid});
  CHECK(ns_owner_label(s, *c->namespaces[index_of(NsType::mnt)]) == name);
  CHECK(ns_owner_label(s, *c->namespaces[index_of(NsType::user)]) == "host");  // no user namespace

  // A second process in the container is linked to it too, and init stays init.
  sh_out("podman exec -d " + name + " sleep 999 >/dev/null 2>&1");
  pid_t init = *c->init_pid;
  REQUIRE(Child::wait_for([&] {
    auto s2 = scan_containers();
    const Container* c2 = container_by_id(s2, id);
    return c2 && c2->pids.size() == 2;
  }));
  s = scan_containers();
  c = container_by_id(s, id);
  REQUIRE(c);
  CHECK(c->init_pid == init);
  pid_t other = c->pids[0] == init ? c->pids[1] : c->pids[0];
  REQUIRE(c->monitor_pid);
  const pid_t monitor = *c->monitor_pid;
  c = nullptr;  // s is scanned again below
  CHECK(readlink_str("/proc/" + std::to_string(other) + "/exe").find("busybox") != std::string::npos);
  REQUIRE(container_of_pid(s, other));
  CHECK(container_of_pid(s, other)->id == id);

  // Paused through the freezer.
  sh_out("podman pause " + name + " >/dev/null 2>&1");
  s = scan_containers();
  REQUIRE(container_by_id(s, id));
  CHECK(container_by_id(s, id)->state == "paused");
  sh_out("podman unpause " + name + " >/dev/null 2>&1");
  s = scan_containers();
  REQUIRE(container_by_id(s, id));
  CHECK(container_by_id(s, id)->state == "running");

  // nsview ps agrees.
  auto r = run({nsview_bin(), "ps", "-J"});
  REQUIRE(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  nlohmann::json mine;
  for (const auto& e : j["containers"])
    if (e["id"] == id) mine = e;
  REQUIRE(mine.is_object());
  CHECK(mine["name"] == name);
  CHECK(mine["engine"] == "podman");
  CHECK(mine["runtime"] == "runc");
  CHECK(mine["pid"] == init);
  CHECK(mine["pod"].is_null());
  CHECK(mine["namespaces"]["net"] == ns_of_pid(std::to_string(init), NsType::net));
  r = run({nsview_bin(), "dump"});
  REQUIRE(r.status == 0);
  j = nlohmann::json::parse(r.out);
  bool in_dump = false;
  for (const auto& e : j["containers"])
    if (e["id"] == id) in_dump = e["name"] == name && e["pid"] == init && e["monitor_pid"] == monitor;
  CHECK(in_dump);
  // nsview list's CONTAINER column names the container for its own namespaces, "host" else.
  r = run({nsview_bin(), "list", "-J", "-p", std::to_string(init), "-o", "NS,TYPE,CONTAINER"});
  REQUIRE(r.status == 0);
  const auto listed = nlohmann::json::parse(r.out);
  for (const auto& row : listed["namespaces"]) {
    bool own = row["ns"] == ns_of_pid(std::to_string(init), NsType::mnt) ||
               row["ns"] == ns_of_pid(std::to_string(init), NsType::net);
    if (own) CHECK(row["container"] == name);
    if (row["type"] == "user") CHECK(row["container"] == "host");
  }
  // nsview tree tags the container's pid namespace and its init process with its name.
  r = run({nsview_bin(), "tree", "pid"});
  REQUIRE(r.status == 0);
  std::string pidns = std::to_string(ns_of_pid(std::to_string(init), NsType::pid));
  auto at = r.out.find(pidns + " {" + name + "}");
  CHECK(at != std::string::npos);
  r = run({nsview_bin(), "tree", "proc"});
  CHECK(r.out.find("{" + name + "}") != std::string::npos);
  // The same tags in JSON: the pid namespace's "container", and the init process's.
  r = run({nsview_bin(), "tree", "pid", pidns, "-J"});
  REQUIRE(r.status == 0);
  CHECK(nlohmann::json::parse(r.out)["namespaces"][0]["container"] == name);
  r = run({nsview_bin(), "tree", "proc", std::to_string(init), "-J"});
  REQUIRE(r.status == 0);
  const auto proc_root = nlohmann::json::parse(r.out)["processes"][0];
  CHECK(proc_root["pid"] == init);
  CHECK(proc_root["container"] == name);
  r = run({nsview_bin(), "ps"});
  CHECK(r.out.find(id.substr(0, 12)) != std::string::npos);
  CHECK(r.out.find(id) == std::string::npos);

  // A stopped container disappears.
  sh_out("podman stop -t 0 " + name + " >/dev/null 2>&1");
  s = scan_containers();
  CHECK_FALSE(container_by_id(s, id));
  CHECK_FALSE(container_of_pid(s, init));
}

TEST_CASE("podman: a pod with two containers and its infra container", "[podman]") {
  if (!have_podman()) {
    WARN("SKIPPED: podman is not installed (apt-get install podman runc busybox-static)");
    return;
  }
  REQUIRE(is_root());
  podman_env();
  const std::string pod = unique("pod");
  Cleanup rm(podman_pod_rm(pod));
  std::string pod_id = sh_out("podman pod create --name " + pod + " 2>/dev/null");
  REQUIRE(pod_id.size() == 64);
  const std::string a = unique("a"), b = unique("b");
  sh_out("podman run -d --pod " + pod + " --name " + a + " " + kImage + " sleep 1000 >/dev/null 2>&1");
  sh_out("podman run -d --pod " + pod + " --name " + b + " " + kImage + " sleep 1001 >/dev/null 2>&1");
  std::string infra_id = sh_out("podman pod inspect --format '{{.InfraContainerID}}' " + pod + " 2>/dev/null");
  std::string infra_name = inspect(infra_id, "{{.Name}}");

  auto s = scan_containers();
  check_against_podman(s, a);
  check_against_podman(s, b);
  check_against_podman(s, infra_name);

  const Pod* p = pod_by_id(s, pod_id);
  REQUIRE(p);
  CHECK(p->name == pod);
  CHECK(p->engine == "podman");
  CHECK(p->namespace_.empty());
  CHECK(p->infra_container == infra_id);
  std::vector<std::string> want = {infra_id, inspect(a, "{{.Id}}"), inspect(b, "{{.Id}}")};
  CHECK(p->containers == want);  // infra first, then by name
  const Container* infra = container_by_id(s, infra_id);
  REQUIRE(infra);
  CHECK(infra->infra);
  CHECK(infra->command == "/catatonit -P");
  CHECK(infra->hostname == pod);
  std::string infra_pid = std::to_string(*infra->init_pid);
  // podman pods share net, ipc and uts (podman pod inspect: SharedNamespaces)
  for (auto t : {NsType::net, NsType::ipc, NsType::uts}) {
    INFO(ns_type_name(t));
    CHECK(p->namespaces[index_of(t)] == ns_of_pid(infra_pid, t));
    CHECK(ns_owner_label(s, ns_of_pid(infra_pid, t)) == "pod/" + pod);
  }
  CHECK_FALSE(p->namespaces[index_of(NsType::pid)]);
  CHECK_FALSE(p->namespaces[index_of(NsType::mnt)]);
  for (const auto& id : want) {
    const Container* c = container_by_id(s, id);
    REQUIRE(c);
    REQUIRE(c->pod);
    CHECK(c->pod->id == pod_id);
    CHECK(c->pod->name == pod);
    CHECK(c->pod->id == inspect(id, "{{.Pod}}"));
    CHECK(c->hostname == pod);  // members see the pod's uts
  }
  CHECK_FALSE(container_by_id(s, inspect(a, "{{.Id}}"))->infra);

  auto r = run({nsview_bin(), "ps", "--pods"});
  REQUIRE(r.status == 0);
  auto at = r.out.find("pod/" + pod);
  REQUIRE(at != std::string::npos);
  CHECK(r.out.find("├─" + infra_name, at) != std::string::npos);
  CHECK(r.out.find("├─" + a, at) != std::string::npos);
  CHECK(r.out.find("└─" + b, at) != std::string::npos);
}

TEST_CASE("podman: kube play pod from a Kubernetes manifest", "[podman]") {
  if (!have_podman()) {
    WARN("SKIPPED: podman is not installed (apt-get install podman runc busybox-static)");
    return;
  }
  REQUIRE(is_root());
  podman_env();
  const std::string pod = unique("kube");
  const std::string yaml = "/tmp/" + pod + ".yaml";
  Cleanup rm(podman_pod_rm(pod) + "; rm -f " + yaml);
  std::ofstream(yaml) << "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " << pod
                      << "\n  labels:\n    app: nsview\nspec:\n  containers:\n"
                         "  - name: web\n    image: " << kImage << ":latest\n    command: [\"/bin/sleep\", \"1000\"]\n"
                         "  - name: side\n    image: " << kImage << ":latest\n    command: [\"/bin/sleep\", \"1001\"]\n";
  sh_out("podman kube play " + yaml + " >/dev/null 2>&1");
  std::string pod_id = sh_out("podman pod inspect --format '{{.Id}}' " + pod + " 2>/dev/null");
  std::string infra_id = sh_out("podman pod inspect --format '{{.InfraContainerID}}' " + pod + " 2>/dev/null");

  auto s = scan_containers();
  check_against_podman(s, pod + "-web");
  check_against_podman(s, pod + "-side");
  const Pod* p = pod_by_id(s, pod_id);
  REQUIRE(p);
  CHECK(p->name == pod);
  CHECK(p->infra_container == infra_id);
  REQUIRE(p->containers.size() == 3);
  CHECK(p->containers[0] == infra_id);
  const Container* web = container_by_id(s, inspect(pod + "-web", "{{.Id}}"));
  REQUIRE(web);
  CHECK(web->command == "/bin/sleep 1000");
  CHECK(web->namespaces[index_of(NsType::net)] == p->namespaces[index_of(NsType::net)]);
  const std::string web_id = web->id;

  // Gone with the pod.
  sh_out(podman_pod_rm(pod));
  s = scan_containers();
  CHECK_FALSE(pod_by_id(s, pod_id));
  CHECK_FALSE(container_by_id(s, web_id));
  CHECK_FALSE(container_by_id(s, infra_id));
}
