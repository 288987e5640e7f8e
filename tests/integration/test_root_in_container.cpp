// nsview inside a container, the way a DaemonSet runs it: a root file system of the binary
// and ldd's libraries (deploy/make-rootfs.sh), `podman run --rootfs`, the host's /proc,
// /sys/fs/cgroup, /run and /var/lib/containers read-only under /host, `--root /host`. With
// --privileged and with podman's default capabilities (no CAP_SYS_PTRACE), with and without
// --pid=host. Values are checked against a busy podman container's cgroup files, podman
// inspect, readlink /proc/PID/ns/* and lsns on the host.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cmath>
#include <map>
#include <set>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "cgroups.hpp"
#include "podman.hpp"
#include "run.hpp"
#include "tmux.hpp"

using namespace testsupport;
using nlohmann::json;

namespace {

std::string unique(const std::string& what) { return "nsview-test-" + std::to_string(getpid()) + "-rh-" + what; }

// Removes what podman leaves of a --rm container: the libpod-ID cgroup directories runc made
// in every hierarchy (rmdir only removes empty ones), and the cidfile.
std::string podman_leftovers(const std::string& name, const std::string& cidfile) {
  return "podman rm -f -t 0 " + name + " >/dev/null 2>&1; id=$(cat " + cidfile + " 2>/dev/null); rm -f " + cidfile +
         "; [ -n \"$id\" ] && for d in /sys/fs/cgroup/*/libpod_parent/libpod-$id; do "
         "[ -d $d ] && rmdir $d/conmon $d 2>/dev/null; done; true";
}

struct Shape {
  bool privileged;
  bool host_pid;
  std::string label() const {
    return std::string(privileged ? "privileged" : "default caps") + (host_pid ? ", --pid=host" : ", own pid ns");
  }
};
const Shape kShapes[] = {{true, true}, {false, true}, {true, false}, {false, false}};

// The agent's root file system, made once per test case and removed at its end.
class Agent {
 public:
  Agent() : dir_("/tmp/" + unique("rootfs")), rm_("rm -rf " + dir_) {
    sh_out(std::string(NSVIEW_SOURCE_DIR) + "/deploy/make-rootfs.sh " + nsview_bin() + " " + dir_);
  }
  // `nsview ARGS --root /host` in a fresh container of that shape. The cgroups runc made
  // for it are removed after it (podman leaves libpod-ID directories in some hierarchies).
  Result run(const Shape& s, std::vector<std::string> args, bool mount_cgroups = true) {
    std::string name = unique("agent" + std::to_string(++n_));
    std::string cidfile = dir_ + ".cid" + std::to_string(n_);
    std::vector<std::string> argv = {"podman", "run", "--rm", "--name", name, "--cidfile", cidfile, "--network", "none",
                                     "-v", "/proc:/host/proc:ro", "-v", "/run:/host/run:ro",
                                     "-v", "/var/lib/containers:/host/var/lib/containers:ro"};
    if (mount_cgroups) argv.insert(argv.end(), {"-v", "/sys/fs/cgroup:/host/sys/fs/cgroup:ro"});
    if (s.privileged) argv.push_back("--privileged");
    if (s.host_pid) argv.push_back("--pid=host");
    argv.insert(argv.end(), {"--rootfs", dir_, "/bin/nsview"});
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--root", "/host"});
    Result r;
    {
      Cleanup gone(podman_leftovers(name, cidfile));
      r = testsupport::run(argv);
    }
    return r;
  }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  Cleanup rm_;
  int n_ = 0;
};

// A busy container (a shell loop: one process, steady CPU), removed with its cgroups.
struct Target {
  std::string name = unique("target");
  std::string id, pid, cgroup, image;
  Cleanup rm{podman_leftovers(name, "/tmp/" + name + ".id")};
  Target() {
    sh_out("podman run -d --name " + name + " --network none " + kPodmanImage +
           " sh -c 'while :; do :; done' > /tmp/" + name + ".id");
    id = podman_inspect(name, "{{.Id}}");
    pid = podman_inspect(name, "{{.State.Pid}}");
    image = podman_inspect(name, "{{.ImageName}}");
    cgroup = "/libpod_parent/libpod-" + id;
  }
  std::string file(const std::string& hierarchy, const std::string& f) const {
    return trimmed(slurp(kCgroupRoot + "/" + hierarchy + cgroup + "/" + f));
  }
};

double mem_usage(const Target& t) { return std::stod(t.file("memory", "memory.usage_in_bytes")); }
// The memory file moves while nsview runs, and the kernel charges memory to a cgroup in
// per-CPU batches of 64 pages, so a small container's usage is exact only to that much.
bool within_mem(double v, double a, double b) {
  double slop = 64.0 * 4096 * static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN)) + 0.1 * std::max(a, b);
  return v >= std::min(a, b) - slop && v <= std::max(a, b) + slop;
}

uint64_t cpuacct_ns(const Target& t) { return std::stoull(t.file("cpuacct", "cpuacct.usage")); }
double now_s() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

std::string ns_link(const std::string& pid, const std::string& type) {
  std::string l = readlink_str("/proc/" + pid + "/ns/" + type);
  auto at = l.find('[');
  return at == std::string::npos ? "" : l.substr(at + 1, l.size() - at - 2);
}

const json* find_cgroup(const json& nodes, const std::string& path) {
  for (const auto& n : nodes) {
    if (n.value("path", "") == path) return &n;
    if (n.contains("children"))
      if (const json* c = find_cgroup(n["children"], path)) return c;
  }
  return nullptr;
}

// deploy/Containerfile built with podman over deploy/make-rootfs.sh's output; removed at the end.
struct Image {
  Cleanup rm;
  Image(const std::string& ctx, const std::string& image) : rm("podman rmi -f " + image + " >/dev/null 2>&1; rm -rf " + ctx) {
    sh_out("mkdir -p " + ctx + " && cp " + std::string(NSVIEW_SOURCE_DIR) + "/deploy/Containerfile " + ctx + "/ && " +
           std::string(NSVIEW_SOURCE_DIR) + "/deploy/make-rootfs.sh " + nsview_bin() + " " + ctx + "/rootfs");
    // FROM scratch: nothing to pull, so it builds with no registry reachable.
    Result b = sh("podman build --pull=never -f " + ctx + "/Containerfile -t " + image + " " + ctx + " 2>&1");
    INFO(b.out);
    REQUIRE(b.status == 0);
    CHECK(sh_out("podman image inspect --format '{{.Config.Entrypoint}}' " + image) == "[/bin/nsview]");
  }
};

bool ready(bool& skipped) {
  skipped = !have_podman() || !is_root();
  if (skipped) WARN("SKIPPED: needs root and podman (apt-get install podman runc busybox-static)");
  else podman_env();
  return !skipped;
}

// Lines of err that are warnings about capabilities / unreadable data.
int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

void check_warnings(const Shape& s, const Result& r, const std::string& sub) {
  INFO(sub << " stderr: " << r.err);
  if (s.privileged) {
    CHECK(r.err.find("CAP_") == std::string::npos);
    return;
  }
  // Said once, at start: which capability is missing and what that hides (podman's default
  // set has CAP_DAC_OVERRIDE, so only CAP_SYS_PTRACE is missing).
  CHECK(r.err.rfind("nsview " + sub + ": warning: no CAP_SYS_PTRACE (hides ", 0) == 0);
  CHECK(count(r.err, "no CAP_SYS_PTRACE (hides") == 1);
  CHECK(r.err.find("CAP_DAC_READ_SEARCH") == std::string::npos);
}

}  // namespace

TEST_CASE("root in a container: top, tree cgroup and dump read the node's cgroups", "[rootcontainer][podman]") {
  bool skipped;
  if (!ready(skipped)) return;
  Agent agent;
  Target t;
  for (const auto& s : kShapes) {
    INFO(s.label());

    // top: the busy container's memory and pids against its cgroup files, CPU against
    // cpuacct.usage over the same run (a share of one core, as top shows it).
    uint64_t u0 = cpuacct_ns(t);
    double mem_before = mem_usage(t);
    double t0 = now_s();
    Result top = agent.run(s, {"top", "-J", "-n", "2", "-d", "1", "--group", "container"});
    double cpu_truth = (static_cast<double>(cpuacct_ns(t) - u0) / 1e9) / (now_s() - t0) * 100.0;
    double mem_after = mem_usage(t);
    REQUIRE(top.status == 0);
    check_warnings(s, top, "top");
    std::vector<json> lines;
    for (std::size_t at = 0, nl; (nl = top.out.find('\n', at)) != std::string::npos; at = nl + 1)
      lines.push_back(json::parse(top.out.substr(at, nl - at)));
    REQUIRE(lines.size() == 2);
    const json* row = nullptr;
    for (const auto& r : lines[1]["rows"])
      if (r["container"] == t.name) row = &r;
    REQUIRE(row);
    INFO(row->dump());
    CHECK((*row)["cgroup"] == t.cgroup);
    CHECK((*row)["pid"].get<long>() == std::stol(t.pid));  // the node's pid, also without hostPID
    CHECK((*row)["pids_current"].get<long>() == std::stol(t.file("pids", "pids.current")));
    REQUIRE((*row)["mem_bytes"].is_number());
    CHECK(within_mem((*row)["mem_bytes"].get<double>(), mem_before, mem_after));
    REQUIRE((*row)["cpu_pct"].is_number());
    CHECK(std::abs((*row)["cpu_pct"].get<double>() - cpu_truth) <= std::max(25.0, 0.3 * cpu_truth));
    CHECK((*row)["cpu_pct"].get<double>() > 5.0);

    // tree cgroup: the container's cgroup in the pids and memory hierarchies, with its
    // member (the node's pid) and readings from the files.
    Result tp = agent.run(s, {"tree", "cgroup", t.cgroup, "--hierarchy", "pids", "-J", "-o", "NPROCS,PIDS,PIDSLIMIT"});
    REQUIRE(tp.status == 0);
    check_warnings(s, tp, "tree");
    json jp = json::parse(tp.out);
    const json* node = find_cgroup(jp["cgroups"], t.cgroup);
    REQUIRE(node);
    INFO(node->dump());
    CHECK((*node)["pids"] == json::array({std::stol(t.pid)}));
    CHECK((*node)["nprocs"] == 1);
    CHECK((*node)["pids_current"].get<long>() == std::stol(t.file("pids", "pids.current")));
    CHECK((*node)["pids_limit"] == (t.file("pids", "pids.max") == "max" ? json("max") : json(std::stol(t.file("pids", "pids.max")))));
    Result tm = agent.run(s, {"tree", "cgroup", t.cgroup, "--hierarchy", "memory", "-J", "-o", "MEM"});
    REQUIRE(tm.status == 0);
    json jm = json::parse(tm.out);
    node = find_cgroup(jm["cgroups"], t.cgroup);
    REQUIRE(node);
    CHECK(within_mem((*node)["mem_bytes"].get<double>(), mem_before, mem_usage(t)));

    // dump -J: the node's hierarchies at the node's mount points (not /host/host/...), the
    // container with its cgroup, its process's cgroup lines as host paths.
    Result d = agent.run(s, {"dump", "-J"});
    REQUIRE(d.status == 0);
    check_warnings(s, d, "dump");
    json jd = json::parse(d.out);
    CHECK(jd["cgroups"]["mode"] == "hybrid");
    std::set<std::string> mounts;
    for (const auto& h : jd["cgroups"]["hierarchies"]) {
      mounts.insert(h["mount_point"].get<std::string>());
      CHECK(h["cgroups"].size() > 1);
    }
    std::set<std::string> host_mounts;
    for (const auto& line : std::vector<std::string>{"cpu", "cpuacct", "memory", "pids", "unified"})
      host_mounts.insert(kCgroupRoot + "/" + line);
    for (const auto& m : host_mounts) CHECK(mounts.count(m));
    const json* c = nullptr;
    for (const auto& x : jd["containers"])
      if (x["name"] == t.name) c = &x;
    REQUIRE(c);
    CHECK((*c)["id"] == t.id);
    CHECK((*c)["cgroup"] == t.cgroup);
    CHECK((*c)["pid"].get<long>() == std::stol(t.pid));
    const json* p = nullptr;
    for (const auto& x : jd["processes"])
      if (x["pid"].get<long>() == std::stol(t.pid)) p = &x;
    REQUIRE(p);
    CHECK((*p)["cgroup"] == t.cgroup);
  }
  // The host's /proc without its cgroups: the container is still found (from /proc and
  // /run), its readings are unknown, and one line says why.
  Result r = agent.run(kShapes[0], {"top", "-J", "-n", "1", "--group", "container"}, false);
  REQUIRE(r.status == 0);
  CHECK(r.err == "nsview top: warning: no cgroup hierarchy is mounted below /host (mount the host's /sys/fs/cgroup at "
                 "/host/sys/fs/cgroup): cpu, memory, io and pids are unknown\n");
  json j = json::parse(r.out);
  const json* row = nullptr;
  for (const auto& x : j["rows"])
    if (x["container"] == t.name) row = &x;
  REQUIRE(row);
  CHECK((*row)["pid"].get<long>() == std::stol(t.pid));
  CHECK((*row)["mem_bytes"].is_null());
  CHECK((*row)["pids_current"].is_null());
}

TEST_CASE("root in a container: list counts, partial marks and the host label", "[rootcontainer][podman]") {
  bool skipped;
  if (!ready(skipped)) return;
  Agent agent;
  Target t;
  const std::string target_net = ns_link(t.pid, "net");
  const std::string host_net = ns_link("2", "net");  // kthreadd: always the initial namespaces
  REQUIRE(!target_net.empty());
  REQUIRE(!host_net.empty());
  // A network namespace held only by a host process's socket: found through pidfds, so
  // only when the agent shares the node's pid namespace.
  Child sock(std::vector<std::string>{helper_path("socket_netns")});
  std::string sock_line = sock.read_line();
  REQUIRE(sock_line.find(' ') != std::string::npos);
  const std::string sock_net = sock_line.substr(sock_line.find(' ') + 1);
  // A namespace bound under the node's /run/netns: NSFS shows the node's path.
  const std::string netns = "nsvroot" + std::to_string(getpid());
  Cleanup del_netns("ip netns del " + netns + " 2>/dev/null");
  REQUIRE(sh("ip netns add " + netns).status == 0);
  const std::string bound_net = sh_out("stat -L -c %i /run/netns/" + netns + " | tr -d '\\n'");
  auto lsns_nprocs = [&](const std::string& inode) {
    json j = json::parse(sh_out("lsns -J -t net"));
    for (const auto& n : j["namespaces"])
      if (std::to_string(n["ns"].get<unsigned long long>()) == inode) return n["nprocs"].get<long>();
    return 0L;
  };
  for (const auto& s : kShapes) {
    INFO(s.label());
    long before = lsns_nprocs(host_net);
    Result r = agent.run(s, {"list", "-J", "-t", "net", "-o", "NS,NPROCS,CONTAINER,NSFS"});
    long after = lsns_nprocs(host_net);
    REQUIRE(r.status == 0);
    check_warnings(s, r, "list");
    json j = json::parse(r.out);
    std::map<std::string, json> rows;
    for (const auto& n : j["namespaces"]) rows[std::to_string(n["ns"].get<unsigned long long>())] = n;
    INFO(r.out);
    REQUIRE(rows.count(target_net));
    const json& tr = rows[target_net];
    CHECK(tr["nprocs"] == 1);  // the shell; conmon stays in the host's
    CHECK(tr["container"] == t.name);
    if (s.privileged) {
      // Everything readable: counts are lsns's (processes come and go on a busy node: the
      // count lies between the ones lsns saw just before and after, give or take a few).
      CHECK_FALSE(tr.value("nprocs_partial", false));
      REQUIRE(rows.count(host_net));
      const json& hr = rows[host_net];
      CHECK(hr["container"] == "host");
      CHECK_FALSE(hr.value("nprocs_partial", false));
      CHECK(hr["nprocs"].get<long>() >= std::min(before, after) * 9 / 10 - 3);
      CHECK(hr["nprocs"].get<long>() <= std::max(before, after) * 11 / 10 + 3);
      CHECK(r.err.find("could not read") == std::string::npos);
      if (s.host_pid) {
        REQUIRE(rows.count(sock_net));
        CHECK(rows[sock_net]["nprocs"] == 0);
        // The node's init is readable: its mount namespace's path, as lsns on the node shows.
        REQUIRE(rows.count(bound_net));
        CHECK(rows[bound_net]["nsfs"] == "/run/netns/" + netns);
      } else {
        CHECK_FALSE(rows.count(sock_net));  // its pids are not ours: not asked, not guessed
      }
    } else {
      // No CAP_SYS_PTRACE: the node's daemons are unreadable. Every count is marked partial,
      // nothing is called the host's (pid 1 and the kernel threads are unreadable), and the
      // one unreadable-data warning says so.
      CHECK(tr["nprocs_partial"] == true);
      for (const auto& [ino, n] : rows) {
        INFO("ns " << ino);
        CHECK(n["container"] != "host");
        CHECK(n["nprocs_partial"] == true);
      }
      if (rows.count(host_net)) CHECK(rows[host_net]["nprocs"].get<long>() < before);
      CHECK(count(r.err, "warning: could not read the namespaces of ") == 1);
      CHECK(r.err.find("counts marked + are partial") != std::string::npos);
    }
  }
}

TEST_CASE("root in a container: deploy/Containerfile builds offline and the image reads the node", "[rootcontainer][podman][deploy]") {
  bool skipped;
  if (!ready(skipped)) return;
  const std::string ctx = "/tmp/" + unique("image");
  const std::string image = "localhost/" + unique("image");
  Image built(ctx, image);
  Target t;
  const std::string name = unique("image-run");
  const std::string cidfile = ctx + ".cid";
  Cleanup gone(podman_leftovers(name, cidfile));
  // The DaemonSet's shape: only the two capabilities it adds, a read-only root file system.
  Result r = run({"podman", "run", "--rm", "--name", name, "--cidfile", cidfile, "--network", "none", "--read-only", "--pid=host",
                  "--cap-drop", "ALL", "--cap-add", "SYS_PTRACE", "--cap-add", "DAC_READ_SEARCH",
                  "-v", "/proc:/host/proc:ro", "-v", "/sys/fs/cgroup:/host/sys/fs/cgroup:ro", "-v", "/run:/host/run:ro",
                  "-v", "/var/lib/containers:/host/var/lib/containers:ro", image, "ps", "-J", "--root", "/host"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err.find("CAP_") == std::string::npos);  // nothing the DaemonSet needs is missing
  json j = json::parse(r.out);
  const json* c = nullptr;
  for (const auto& x : j["containers"])
    if (x["name"] == t.name) c = &x;
  REQUIRE(c);
  CHECK((*c)["id"] == t.id);
  CHECK((*c)["cgroup"] == t.cgroup);
  CHECK((*c)["pid"].get<long>() == std::stol(t.pid));
  CHECK((*c)["image"] == t.image);
}

TEST_CASE("root in a container: tui --root /host shows the node's containers, refuses k without hostPID", "[rootcontainer][podman][tui]") {
  bool skipped;
  if (!ready(skipped)) return;
  if (sh("command -v tmux >/dev/null").status != 0) {
    WARN("SKIPPED: tmux is not installed");
    return;
  }
  Agent agent;
  Target t;
  const std::string name = unique("tui"), cidfile = agent.dir() + ".tui.cid";
  Cleanup gone(podman_leftovers(name, cidfile));
  Tmux tm(150, 40, "/tmp");
  // podman -t sets TERM=xterm; the rootfs carries Debian's terminfo for it.
  tm.type("CONTAINERS_CONF=" + std::string(std::getenv("CONTAINERS_CONF")) + " podman run --rm -it --name " + name +
          " --cidfile " + cidfile + " --network none -v /proc:/host/proc:ro -v /sys/fs/cgroup:/host/sys/fs/cgroup:ro" +
          " -v /run:/host/run:ro -v /var/lib/containers:/host/var/lib/containers:ro --rootfs " + agent.dir() +
          " /bin/nsview tui -d 1 --root /host; echo DONE-$?");
  tm.keys({"Enter"});
  REQUIRE(tm.wait_for(t.name, 30000));
  // NAME ID ENGINE STATE CPU MEM MEMPCT PIDS IMAGE: live readings from the node's cgroups.
  const std::string pids_current = t.file("pids", "pids.current");
  CHECK(Child::wait_for([&] {
    auto w = words(tm.line_with(t.name));
    return w.size() >= 9 && w[1] == t.id.substr(0, 12) && w[4] != "-" && w[5] != "-" && w[7] == pids_current;
  }, 15000));
  INFO(tm.screen());
  // Its pids are the node's, not this pid namespace's: a signal would reach another process.
  tm.keys({"/"});
  tm.type(t.name);
  tm.keys({"Enter"});
  tm.keys({"k"});
  CHECK(tm.wait_for("k: the pids under --root are not this pid namespace's"));
  tm.keys({"Escape"});
  tm.keys({"q"});
  CHECK(tm.wait_for("DONE-0", 15000));
  CHECK(sh("kill -0 " + t.pid).status == 0);  // untouched
}

// The value of one sample ("name{labels}") of a Prometheus text exposition; "" when absent.
std::string sample_of(const std::string& text, const std::string& series) {
  const std::string line = "\n" + series + " ";
  auto at = text.find(line);
  if (at == std::string::npos) return {};
  at += line.size();
  return text.substr(at, text.find('\n', at) - at);
}

TEST_CASE("root in a container: the DaemonSet's pod spec runs nsview serve with podman kube play and serves the node's containers over HTTP", "[rootcontainer][podman][deploy]") {
  bool skipped;
  if (!ready(skipped)) return;
  if (sh("python3 -c 'import yaml' 2>/dev/null").status != 0) {
    WARN("SKIPPED: python3-yaml is not installed (scripts/deps.sh)");
    return;
  }
  if (sh("command -v curl >/dev/null").status != 0) {
    WARN("SKIPPED: curl is not installed (scripts/deps.sh)");
    return;
  }
  const std::string ctx = "/tmp/" + unique("kube"), image = "localhost/" + unique("kube");
  Image built(ctx, image);
  Target t;
  // The DaemonSet's pod template as a Pod: its hostPID, command (`serve --listen 0.0.0.0:9810
  // --root /host`), port, security context, resources and host mounts as written; only the
  // image (built here) differs. Left out: the probes, which podman 4.3 turns into a health
  // check that runs curl inside the image (it has none; this test asks /healthz and /readyz
  // itself), and engine stores this node lacks (kube play would make them).
  // The pod is on podman's bridge network, as a DaemonSet pod is on the cluster network
  // without hostNetwork: the test scrapes it where Prometheus would, at the pod's address
  // and the port and path of its prometheus.io annotations.
  const std::string pod = unique("kube"), yaml = ctx + ".yaml";
  Cleanup rm(podman_pod_rm(pod) + "; rm -f " + yaml +
             "; for d in /sys/fs/cgroup/*/libpod_parent/$(cat " + ctx + ".podid 2>/dev/null); do "
             "[ -d $d ] && find $d -depth -type d -exec rmdir {} \\; 2>/dev/null; done; rm -f " + ctx + ".podid; true");
  Result conv = run({"python3", "-c", R"PY(
import os, sys, yaml
src, out, name, image = sys.argv[1:5]
ds = yaml.safe_load(open(src))
tpl = ds["spec"]["template"]
spec = tpl["spec"]
c = spec["containers"][0]
c["image"] = image
del c["livenessProbe"], c["readinessProbe"]
missing = {v["name"] for v in spec["volumes"] if not os.path.exists(v["hostPath"]["path"])}
spec["volumes"] = [v for v in spec["volumes"] if v["name"] not in missing]
c["volumeMounts"] = [m for m in c["volumeMounts"] if m["name"] not in missing]
meta = {"name": name, "labels": tpl["metadata"]["labels"], "annotations": tpl["metadata"]["annotations"]}
yaml.safe_dump({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}, open(out, "w"))
a = tpl["metadata"]["annotations"]
print(a["prometheus.io/port"], a["prometheus.io/path"], " ".join(c["command"]))
)PY", std::string(NSVIEW_SOURCE_DIR) + "/deploy/kubernetes/daemonset.yaml", yaml, pod, image});
  INFO(conv.err);
  REQUIRE(conv.status == 0);
  const auto spec = words(conv.out);
  REQUIRE(spec.size() >= 4);
  const std::string port = spec[0], path = spec[1];
  CHECK(conv.out.find("/bin/nsview serve ") != std::string::npos);  // the DaemonSet runs serve
  Result play = sh("podman kube play " + yaml + " 2>&1");
  INFO(play.out);
  REQUIRE(play.status == 0);
  sh("podman pod inspect --format '{{.ID}}' " + pod + " > " + ctx + ".podid");
  const std::string agent = pod + "-nsview";
  // What the spec asks for, as podman applied it.
  CHECK(podman_inspect(agent, "{{.EffectiveCaps}}") == "[CAP_DAC_READ_SEARCH CAP_SYS_PTRACE]");
  CHECK(podman_inspect(agent, "{{.HostConfig.ReadonlyRootfs}}") == "true");
  // Debian 12's podman (4.3) ignores hostPID in kube play (podman#17157, added in 4.5): the
  // agent then runs in a pid namespace of its own, the shape nsview must also handle. The
  // containers it serves are the node's either way (checked below).
  const std::string agent_pid = podman_inspect(agent, "{{.State.Pid}}");
  const bool host_pid = readlink_str("/proc/" + agent_pid + "/ns/pid") == readlink_str("/proc/2/ns/pid");
  INFO("agent in the node's pid namespace: " << host_pid);
  // The pod's address on podman's bridge: its infra container's.
  const std::string infra = sh_out("podman pod inspect --format '{{.InfraContainerID}}' " + pod);
  const std::string ip = sh_out("podman inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' " + infra);
  INFO("pod address " << ip << ":" << port);
  REQUIRE(!ip.empty());
  const std::string base = "http://" + ip + ":" + port;
  // "000" while nothing answers (the agent is still starting).
  auto status_of = [&](const std::string& p) {
    return sh("curl -s -o /dev/null -m 5 -w '%{http_code}' " + base + p).out;
  };
  const bool ready = Child::wait_for([&] { return status_of("/readyz") == "200"; }, 20000);
  // What it said at start (its listening address, missing capabilities, unreadable data).
  const std::string logs = sh("podman logs " + agent + " 2>&1").out;
  INFO(logs);
  REQUIRE(ready);
  CHECK(status_of("/healthz") == "200");

  // One scrape, with the busy container's counters read before and after it. /readyz made a
  // collection, and the DaemonSet keeps serve's default --min-interval of 1 s: a scrape
  // sooner would be answered from that one.
  sleep_ms(1200);
  const uint64_t cpu0 = cpuacct_ns(t);
  const double mem0 = mem_usage(t);
  Result scrape = sh("curl -sf -m 10 " + base + path);
  const uint64_t cpu1 = cpuacct_ns(t);
  const double mem1 = mem_usage(t);
  REQUIRE(scrape.status == 0);
  const std::string m = "\n" + scrape.out;
  INFO(m.substr(0, 4000));
  // The busy container by name and short id, with its cgroup's counters.
  const std::string L = "{container=\"" + t.name + "\",container_id=\"" + t.id.substr(0, 12) +
                        "\",pod=\"\",pod_namespace=\"\",engine=\"podman\"}";
  CHECK(sample_of(m, "nsview_container_pids" + L) == t.file("pids", "pids.current"));
  CHECK(sample_of(m, "nsview_container_processes" + L) == "1");
  const std::string cpu = sample_of(m, "nsview_container_cpu_usage_seconds_total" + L);
  REQUIRE(!cpu.empty());
  CHECK(std::stod(cpu) >= static_cast<double>(cpu0) / 1e9 - 1e-6);
  CHECK(std::stod(cpu) <= static_cast<double>(cpu1) / 1e9 + 1e-6);
  const std::string mem = sample_of(m, "nsview_container_memory_usage_bytes" + L);
  REQUIRE(!mem.empty());
  CHECK(within_mem(std::stod(mem), mem0, mem1));
  CHECK(sample_of(m, "nsview_container_info{container=\"" + t.name + "\",container_id=\"" + t.id.substr(0, 12) +
                         "\",pod=\"\",pod_namespace=\"\",engine=\"podman\",image=\"" + t.image + "\",cgroup=\"" +
                         t.cgroup + "\",id=\"" + t.id + "\"}") == "1");
  // The agent's own pod, by name, with its infra container and the agent: two processes.
  CHECK(sample_of(m, "nsview_pod_processes{pod=\"" + pod + "\",pod_namespace=\"\",engine=\"podman\"}") == "2");
  // It started with what it needs and read everything.
  CHECK(logs.find("listening on 0.0.0.0:" + port) != std::string::npos);
  CHECK(logs.find("CAP_") == std::string::npos);  // nothing it needs is missing
  CHECK(logs.find("could not read") == std::string::npos);
  CHECK(sample_of(m, "nsview_collection_errors_total") == "0");
}
