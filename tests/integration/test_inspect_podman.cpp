// `nsview inspect` against real podman containers (runc, the suite's busybox image): each
// fact checked against podman inspect and /proc. Three containers, each used for several
// assertions: a restricted one (cap-drop ALL, no-new-privileges, --user 1000, read-only root,
// a tmpfs, a listener), a loose one (NET_ADMIN, seccomp=unconfined, a user namespace, a
// read-only host bind), and a privileged one in the host's network namespace.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include "nsinspect/inspect.hpp"
#include "podman.hpp"
#include "run.hpp"

using namespace testsupport;
using nlohmann::json;

namespace {

std::string unique(const std::string& what) { return "nsview-inspect-" + std::to_string(getpid()) + "-" + what; }

json inspect_json(const std::string& target, std::vector<std::string> extra = {}) {
  extra.insert(extra.begin(), {"-J", target});
  Result r = nsview_run("inspect", extra);
  INFO(r.err);
  REQUIRE(r.status == 0);
  return json::parse(r.out);
}

const json& control(const json& j, const std::string& level, const std::string& id) {
  for (const auto& c : j["pss"]["controls"])
    if (c["level"] == level && c["control"] == id) return c;
  FAIL("no control " << level << "/" << id);
  return j;
}

const json* mount(const json& j, const std::string& target) {
  for (const auto& m : j["mounts"])
    if (m["target"] == target) return &m;
  return nullptr;
}

// The names in a `podman inspect` capability list "[CAP_A CAP_B]", as libcap spells them.
std::vector<std::string> podman_caps(const std::string& text) {
  std::vector<std::string> out;
  std::string t = text.substr(text.find('[') + 1);
  t = t.substr(0, t.find(']'));
  std::size_t pos = 0;
  while (pos < t.size()) {
    auto sp = t.find(' ', pos);
    std::string c = t.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos);
    if (!c.empty()) {
      std::transform(c.begin(), c.end(), c.begin(), [](unsigned char ch) { return std::tolower(ch); });
      out.push_back(c);
    }
    if (sp == std::string::npos) break;
    pos = sp + 1;
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> sorted_strings(const json& a) {
  std::vector<std::string> v = a.get<std::vector<std::string>>();
  std::sort(v.begin(), v.end());
  return v;
}

std::string status_field(pid_t pid, const std::string& key) {
  return sh_out("awk -F'\\t' '$1==\"" + key + ":\" {print $2}' /proc/" + std::to_string(pid) + "/status");
}

bool listening(pid_t pid, const std::string& hexport) {
  return sh("grep -q ':" + hexport + " [0-9A-F:]* 0A' /proc/" + std::to_string(pid) + "/net/tcp /proc/" +
            std::to_string(pid) + "/net/tcp6").status == 0;
}

}  // namespace

TEST_CASE("inspect podman: a dropped-ALL, no-new-privileges, non-root, read-only container passes restricted",
          "[inspect][podman]") {
  if (!have_podman()) {
    WARN("SKIPPED: podman is not installed");
    return;
  }
  REQUIRE(is_root());
  podman_env();
  const std::string name = unique("restricted");
  Cleanup rm("podman rm -f -t 0 " + name + " >/dev/null 2>&1");
  sh_out("podman run -d --name " + name + " --cap-drop ALL --security-opt no-new-privileges --user 1000 --read-only "
         "--tmpfs /scratch " + kPodmanImage + " sh -c 'busybox nc -l -p 8080 & exec sleep 1000' >/dev/null");
  const pid_t pid = std::stoi(podman_inspect(name, "{{.State.Pid}}"));
  REQUIRE(Child::wait_for([&] { return listening(pid, "1F90"); }));
  const pid_t nc = std::stoi(sh_out("pgrep -P " + std::to_string(pid)));

  json j = inspect_json(name);
  CHECK(j["target"]["pid"] == pid);
  CHECK(j["target"]["container_name"] == name);
  CHECK(j["target"]["container_id"] == podman_inspect(name, "{{.Id}}"));
  REQUIRE(j["processes"].size() == 2);
  for (const auto& p : j["processes"]) {
    INFO("pid " << p["pid"]);
    pid_t ppid = p["pid"].get<pid_t>();
    CHECK((ppid == pid || ppid == nc));
    CHECK(p["uid"]["effective"] == 1000);
    CHECK(p["host_uid"]["effective"] == 1000);
    CHECK(std::to_string(p["host_uid"]["real"].get<int>()) == status_field(ppid, "Uid").substr(0, 4));
    CHECK(p["initial_userns"] == true);
    for (const char* set : {"effective", "permitted", "bounding", "ambient", "inheritable"}) CHECK(p["capabilities"][set].empty());
    CHECK(podman_caps(podman_inspect(name, "{{.EffectiveCaps}}")).empty());
    CHECK(p["no_new_privs"] == true);
    CHECK(status_field(ppid, "NoNewPrivs") == "1");
    CHECK(p["seccomp"] == "filter");
    CHECK(std::to_string(p["seccomp_filters"].get<int>()) == status_field(ppid, "Seccomp_filters"));
    CHECK(p["lsm"] == "none");  // this kernel runs no labelling LSM
  }
  CHECK(j["mount_security"]["read_only_root"] == (podman_inspect(name, "{{.HostConfig.ReadonlyRootfs}}") == "true"));
  CHECK(j["mount_security"]["read_only_root"] == true);
  CHECK_FALSE(j["mount_security"]["masked_paths"].empty());
  for (const auto& m : j["mount_security"]["masked_paths"]) {
    // Each masked path is a mount in the container's table that is not proc or sysfs.
    std::string mp = m.get<std::string>();
    CHECK(sh("awk '$5==\"" + mp + "\"' /proc/" + std::to_string(pid) + "/mountinfo | grep -q ' - tmpfs '").status == 0);
  }
  // Device access: the cgroup v1 devices allow-list, where that hierarchy is mounted.
  const std::string devcg = sh_out("awk -F: '$2 ~ /(^|,)devices(,|$)/ {print $3}' /proc/" + std::to_string(pid) + "/cgroup");
  if (!devcg.empty() && sh("test -r /sys/fs/cgroup/devices" + devcg + "/devices.list").status == 0)
    CHECK(j["devices_cgroup"] == sh_out("cat /sys/fs/cgroup/devices" + devcg + "/devices.list"));
  CHECK(j["mount_security"]["read_only_sys"] ==
        (sh("awk '$5==\"/sys\" {print $6}' /proc/" + std::to_string(pid) + "/mountinfo | grep -q '^ro'").status == 0));
  const json* scratch = mount(j, "/scratch");
  REQUIRE(scratch);
  CHECK((*scratch)["kind"] == "tmpfs");
  CHECK((*scratch)["read_only"] == false);
  const json* root = mount(j, "/");
  REQUIRE(root);
  CHECK((*root)["kind"] == "overlay-root");
  CHECK((*root)["upper_dir"] == podman_inspect(name, "{{.GraphDriver.Data.UpperDir}}"));
  CHECK((*root)["read_only"] == true);

  // Network, through netlink inside the container's namespace.
  const json& net = j["network"];
  CHECK(net["partial"] == false);
  CHECK(net["host"] == false);
  CHECK(std::to_string(net["netns"].get<uint64_t>()) ==
        readlink_str("/proc/" + std::to_string(pid) + "/ns/net").substr(5, 10));
  bool found_eth = false;
  for (const auto& i : net["interfaces"]) {
    if (i["name"] != "eth0") continue;
    found_eth = true;
    CHECK(i["kind"] == "veth");
    CHECK(i["state"] == "up");
    const std::string ip = podman_inspect(name, "{{.NetworkSettings.IPAddress}}");
    const std::string plen = podman_inspect(name, "{{.NetworkSettings.IPPrefixLen}}");
    auto addrs = i["addresses"].get<std::vector<std::string>>();
    CHECK(std::find(addrs.begin(), addrs.end(), ip + "/" + plen) != addrs.end());
    CHECK(i["mac"] == podman_inspect(name, "{{.NetworkSettings.MacAddress}}"));
    // The host-side peer: its ifindex is eth0's peer, its own peer is eth0.
    std::string peer = i["host_peer"].get<std::string>();
    REQUIRE_FALSE(peer.empty());
    CHECK(sh_out("cat /sys/class/net/" + peer + "/ifindex") == std::to_string(i["peer_ifindex"].get<int>()));
    CHECK(sh_out("cat /sys/class/net/" + peer + "/iflink") == std::to_string(i["ifindex"].get<int>()));
    CHECK(i["host_peer_master"] == sh_out("basename $(readlink /sys/class/net/" + peer + "/master)"));
  }
  CHECK(found_eth);
  bool found_default = false;
  for (const auto& r : net["routes"])
    if (r["dst"] == "default" && r["family"] == "inet") {
      found_default = true;
      CHECK(r["gateway"] == podman_inspect(name, "{{.NetworkSettings.Gateway}}"));
      CHECK(r["dev"] == "eth0");
    }
  CHECK(found_default);
  bool found_listener = false;
  for (const auto& l : net["listeners"])
    if (l["port"] == 8080 && l["proto"].get<std::string>().starts_with("tcp")) {
      found_listener = true;
      CHECK(l["pid"] == nc);
      CHECK(l["comm"] == sh_out("cat /proc/" + std::to_string(nc) + "/comm"));
      CHECK(l["uid"] == 1000);
      // The inode is the socket the listener holds.
      CHECK(sh("ls -l /proc/" + std::to_string(nc) + "/fd | grep -q 'socket:\\[" +
               std::to_string(l["inode"].get<uint64_t>()) + "\\]'").status == 0);
    }
  CHECK(found_listener);

  // Restricted (and so baseline) passes, control by control.
  CHECK(j["pss"]["baseline"] == "pass");
  CHECK(j["pss"]["restricted"] == "pass");
  for (const auto& c : j["pss"]["controls"]) {
    INFO(c["level"] << "/" << c["control"] << ": " << c["evidence"]);
    CHECK(c["verdict"] == "pass");
  }
  CHECK(control(j, "baseline", "hostNamespaces")["exact"] == true);
  CHECK(control(j, "restricted", "allowPrivilegeEscalation")["exact"] == true);

  // Declared beside enforced: the bundle's config.json agrees with the kernel here.
  CHECK(j["declared"]["no_new_privileges"] == true);
  CHECK(j["declared"]["read_only_root"] == true);
  CHECK(j["declared"]["uid"] == 1000);
  CHECK(j["declared"]["cap_bounding"].empty());
  CHECK(j["declared"]["masked_paths_not_enforced"].empty());

  // The library, called in this process, leaves no fd and no thread behind (its netlink
  // socket is opened by a thread that joins the container's network namespace).
  {
    auto fds = [] { return std::distance(std::filesystem::directory_iterator("/proc/self/fd"), {}); };
    const auto before = fds();
    const std::string threads_before = status_field(getpid(), "Threads");
    nsinspect::inspect::InspectTarget t;
    t.pids = {pid, nc};
    auto in = nsinspect::inspect::inspect(t);
    CHECK(fds() == before);
    CHECK(status_field(getpid(), "Threads") == threads_before);
    CHECK_FALSE(in.network.partial);
    CHECK(in.processes.size() == 2);
  }

  // The text form names the same verdicts; a pid target inspects that one process.
  Result text = nsview_run("inspect", {name});
  CHECK(text.status == 0);
  CHECK(text.out.rfind("container " + name + " (", 0) == 0);
  CHECK(text.out.find("PSS baseline: pass, restricted: pass") != std::string::npos);
  json one = inspect_json(std::to_string(nc));
  CHECK(one["processes"].size() == 1);
  CHECK(one["processes"][0]["pid"] == nc);
  CHECK(one["target"]["container_name"] == name);

  // --no-netlink as root: what an unprivileged reader gets, marked partial; the routes from
  // /proc/PID/net/route still name the gateway.
  json proc_only = inspect_json(name, {"--no-netlink"});
  CHECK(proc_only["network"]["partial"] == true);
  bool gw = false;
  for (const auto& r : proc_only["network"]["routes"])
    if (r["dst"] == "default") gw = r["gateway"] == podman_inspect(name, "{{.NetworkSettings.Gateway}}");
  CHECK(gw);

  // Unprivileged: exit 0; the network from /proc only, marked partial, addresses unknown.
  Result nobody = run({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", nsview_bin(), "inspect", "-J",
                       std::to_string(nc)});
  INFO(nobody.err);
  REQUIRE(nobody.status == 0);
  json u = json::parse(nobody.out);
  CHECK(u["network"]["partial"] == true);
  bool eth_named = false;
  for (const auto& i : u["network"]["interfaces"])
    if (i["name"] == "eth0") {
      eth_named = true;
      CHECK(i["addresses"].is_null());
      CHECK(i["state"].is_null());
    }
  CHECK(eth_named);
}

TEST_CASE("inspect podman: NET_ADMIN, seccomp=unconfined, a user namespace and a host bind fail the right controls",
          "[inspect][podman]") {
  if (!have_podman()) {
    WARN("SKIPPED: podman is not installed");
    return;
  }
  REQUIRE(is_root());
  podman_env();
  const std::string name = unique("loose");
  const std::string dir = "/tmp/" + unique("data");
  Cleanup rm("podman rm -f -t 0 " + name + " >/dev/null 2>&1; rm -rf " + dir);
  sh_out("mkdir -p " + dir);
  sh_out("podman run -d --name " + name + " --cap-add NET_ADMIN --security-opt seccomp=unconfined "
         "--uidmap 0:100000:65536 --gidmap 0:100000:65536 -v " + dir + ":/data:ro " + kPodmanImage +
         " sleep 1000 >/dev/null");
  const pid_t pid = std::stoi(podman_inspect(name, "{{.State.Pid}}"));
  json j = inspect_json(name);
  REQUIRE(j["processes"].size() == 1);
  const json& p = j["processes"][0];
  // Root inside, 100000 on the host: /proc/PID/uid_map and podman's idmap agree.
  CHECK(p["uid"]["effective"] == 0);
  CHECK(p["host_uid"]["effective"] == 100000);
  CHECK(p["host_gid"]["effective"] == 100000);
  CHECK(p["initial_userns"] == false);
  REQUIRE(p["uid_map"].size() == 1);
  CHECK(p["uid_map"][0]["inside"] == 0);
  CHECK(p["uid_map"][0]["outside"] == 100000);
  CHECK(p["uid_map"][0]["count"] == 65536);
  CHECK(sh_out("awk '{print $1, $2, $3}' /proc/" + std::to_string(pid) + "/uid_map") == "0 100000 65536");
  CHECK(sorted_strings(p["capabilities"]["effective"]) == podman_caps(podman_inspect(name, "{{.EffectiveCaps}}")));
  CHECK(sorted_strings(p["capabilities"]["bounding"]) == podman_caps(podman_inspect(name, "{{.BoundingCaps}}")));
  CHECK(p["seccomp"] == "disabled");
  CHECK(status_field(pid, "Seccomp") == "0");
  CHECK(p["no_new_privs"] == false);

  const json* data = mount(j, "/data");
  REQUIRE(data);
  CHECK((*data)["kind"] == "bind");
  CHECK((*data)["read_only"] == true);
  CHECK((*data)["host_path"] == dir);

  CHECK(j["pss"]["baseline"] == "fail");
  CHECK(j["pss"]["restricted"] == "fail");
  const json& caps = control(j, "baseline", "capabilities");
  CHECK(caps["verdict"] == "fail");
  CHECK(caps["evidence"].get<std::string>().find("cap_net_admin") != std::string::npos);
  CHECK(caps["evidence"].get<std::string>().find("cap_net_raw") != std::string::npos);  // podman's default set
  CHECK(control(j, "baseline", "seccomp")["verdict"] == "fail");
  const json& hp = control(j, "baseline", "hostPathVolumes");
  CHECK(hp["verdict"] == "fail");
  CHECK(hp["evidence"].get<std::string>().find(dir) != std::string::npos);
  CHECK(control(j, "baseline", "hostNamespaces")["verdict"] == "pass");
  CHECK(control(j, "baseline", "privileged")["verdict"] == "pass");
  CHECK(control(j, "baseline", "procMount")["verdict"] == "pass");
  CHECK(control(j, "restricted", "allowPrivilegeEscalation")["verdict"] == "fail");
  // Root only inside a user namespace: passes, as a heuristic (Kubernetes' hostUsers: false).
  CHECK(control(j, "restricted", "runAsNonRoot")["verdict"] == "pass");
  CHECK(control(j, "restricted", "runAsNonRoot")["exact"] == false);
  CHECK(control(j, "restricted", "volumeTypes")["verdict"] == "fail");
  CHECK(j["declared"]["seccomp"] == false);

  // -U: this test process (root in the initial user namespace) holds every capability in the
  // container's user namespace, which root (podman) created: the kernel's owner rule.
  const std::string userns = readlink_str("/proc/" + std::to_string(pid) + "/ns/user");
  json self = inspect_json(std::to_string(getpid()), {"-U"});
  const json& elsewhere = self["processes"][0]["capabilities_in_other_userns"];
  REQUIRE(elsewhere.is_array());
  bool found = false;
  for (const auto& e : elsewhere)
    if ("user:[" + std::to_string(e["userns"].get<uint64_t>()) + "]" == userns) {
      found = true;
      CHECK(e["all"] == true);
      CHECK(e["owner_uid"] == 0);
      CHECK(e["via"] == e["userns"]);
      CHECK(e["capabilities"].size() == std::stoul(sh_out("cat /proc/sys/kernel/cap_last_cap")) + 1);
    }
  CHECK(found);
  // Without -U it is not computed: null, not an empty list.
  CHECK(j["processes"][0]["capabilities_in_other_userns"].is_null());
}

TEST_CASE("inspect podman: --privileged in the host's network fails baseline on privileged, host namespaces, "
          "capabilities, seccomp and /proc masking", "[inspect][podman]") {
  if (!have_podman()) {
    WARN("SKIPPED: podman is not installed");
    return;
  }
  REQUIRE(is_root());
  podman_env();
  const std::string name = unique("privileged");
  Cleanup rm("podman rm -f -t 0 " + name + " >/dev/null 2>&1");
  sh_out("podman run -d --name " + name + " --privileged --network host " + kPodmanImage + " sleep 1000 >/dev/null");
  const pid_t pid = std::stoi(podman_inspect(name, "{{.State.Pid}}"));
  json j = inspect_json(name);
  REQUIRE(j["processes"].size() == 1);
  CHECK(j["host_namespaces"]["net"] == true);
  CHECK(j["host_namespaces"]["pid"] == false);
  CHECK(j["network"]["host"] == true);
  CHECK(j["mount_security"]["masked_paths"].empty());
  // Its bounding set is the node's (the host init's), which podman hands to --privileged.
  CHECK(status_field(pid, "CapBnd") == status_field(1, "CapBnd"));
  CHECK(sorted_strings(j["processes"][0]["capabilities"]["bounding"]) ==
        podman_caps(podman_inspect(name, "{{.BoundingCaps}}")));
  CHECK(j["pss"]["baseline"] == "fail");
  std::vector<std::string> failed;
  for (const auto& c : j["pss"]["controls"])
    if (c["level"] == "baseline" && c["verdict"] == "fail") failed.push_back(c["control"]);
  std::sort(failed.begin(), failed.end());
  CHECK(failed == std::vector<std::string>{"capabilities", "hostNamespaces", "privileged", "procMount", "seccomp"});
  CHECK(control(j, "baseline", "hostNamespaces")["evidence"] == "shares the host's net namespace");
  CHECK(control(j, "baseline", "hostNamespaces")["exact"] == true);
}

TEST_CASE("inspect podman: a kube play pod's configMap and emptyDir volumes, by POD/NAME", "[inspect][podman]") {
  if (!have_podman()) {
    WARN("SKIPPED: podman is not installed");
    return;
  }
  REQUIRE(is_root());
  podman_env();
  // Podman 4.3 crashes on a secret volume (VolumeFromSecret); configMap and emptyDir work.
  const std::string pod = unique("pod"), cm = unique("cm"), ed = unique("ed");
  const std::string dir = "/tmp/" + unique("kube");
  Cleanup rm(podman_pod_rm(pod) + "; podman volume rm -f " + cm + " " + ed +
             " >/dev/null 2>&1; rm -rf " + dir);
  sh_out("mkdir -p " + dir);
  std::ofstream(dir + "/cm.yaml") << "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " << cm
                                  << "\ndata:\n  greeting: hello\n";
  std::ofstream(dir + "/pod.yaml")
      << "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " << pod << "\nspec:\n  containers:\n  - name: app\n"
      << "    image: " << kPodmanImage << ":latest\n    command: [\"/bin/sleep\", \"1000\"]\n"
      << "    volumeMounts:\n    - name: " << cm << "\n      mountPath: /etc/cfg\n      readOnly: true\n"
      << "    - name: " << ed << "\n      mountPath: /cache\n"
      << "  volumes:\n  - name: " << cm << "\n    configMap:\n      name: " << cm << "\n"
      << "  - name: " << ed << "\n    emptyDir: {}\n";
  sh_out("podman kube play --configmap " + dir + "/cm.yaml " + dir + "/pod.yaml >/dev/null");
  const std::string name = pod + "-app";
  json j = inspect_json(pod + "/app");
  CHECK(j["target"]["container_name"] == name);
  CHECK(j["target"]["pod"] == pod);
  CHECK(j["target"]["pid"] == std::stoi(podman_inspect(name, "{{.State.Pid}}")));
  const json* cfg = mount(j, "/etc/cfg");
  REQUIRE(cfg);
  CHECK((*cfg)["kind"] == "volume");
  CHECK((*cfg)["volume"] == cm);
  CHECK((*cfg)["read_only"] == true);
  CHECK((*cfg)["host_path"] == sh_out("podman volume inspect --format '{{.Mountpoint}}' " + cm));
  const json* cache = mount(j, "/cache");
  REQUIRE(cache);
  CHECK((*cache)["kind"] == "volume");
  CHECK((*cache)["volume"] == ed);
  CHECK((*cache)["read_only"] == false);
  // Named volumes are not host paths: baseline's hostPath control passes.
  CHECK(control(j, "baseline", "hostPathVolumes")["verdict"] == "pass");
  CHECK(control(j, "restricted", "volumeTypes")["verdict"] == "pass");
  // The pod shares the infra container's network namespace, not the host's.
  CHECK(j["host_namespaces"]["net"] == false);
  CHECK(control(j, "baseline", "hostNamespaces")["verdict"] == "pass");
}
