// nsview tree against ground truth: nested user+pid namespaces made with unshare compared
// with `lsns --tree=parent|owner -J` (util-linux 2.38.1 has --tree) and readlink/NSpid;
// the process tree's namespace and cgroup marks; the cgroup tree on real v1 cgroups.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cgroups.hpp"
#include "run.hpp"

using namespace testsupport;
using nlohmann::json;

namespace {

uint64_t ns_inode(pid_t pid, const std::string& type) {
  auto l = readlink_str("/proc/" + std::to_string(pid) + "/ns/" + type);
  auto a = l.find('['), b = l.find(']');
  REQUIRE(a != std::string::npos);
  return std::stoull(l.substr(a + 1, b - a - 1));
}

std::vector<pid_t> children_of(pid_t pid) {
  std::vector<pid_t> out;
  std::stringstream ss(slurp("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children"));
  pid_t c;
  while (ss >> c) out.push_back(c);
  return out;
}

// The first descendant (breadth-first) whose comm is `comm`.
pid_t find_descendant(pid_t root, const std::string& comm) {
  std::vector<pid_t> q{root};
  for (std::size_t i = 0; i < q.size(); ++i) {
    std::string c = slurp("/proc/" + std::to_string(q[i]) + "/comm");
    if (!c.empty() && c.back() == '\n') c.pop_back();
    if (i > 0 && c == comm) return q[i];
    for (auto k : children_of(q[i])) q.push_back(k);
  }
  return 0;
}

// child inode -> parent inode, from any nested {"ns"|..., "children": [...]} JSON.
void parents(const json& nodes, const char* key, std::optional<uint64_t> parent, std::map<uint64_t, std::optional<uint64_t>>& out) {
  for (const auto& n : nodes) {
    if (!n.contains(key) || !n[key].is_number()) continue;
    uint64_t id = n[key].get<uint64_t>();
    out[id] = parent;
    if (n.contains("children")) parents(n["children"], key, id, out);
  }
}

json run_json(const std::string& args) {
  auto r = sh(nsview_bin() + " " + args);
  INFO(args << ": " << r.err);
  REQUIRE(r.status == 0);
  return json::parse(r.out);
}

}  // namespace

TEST_CASE("tree pid and tree user nest like lsns --tree=parent/owner", "[tree][integration]") {
  REQUIRE(is_root());
  Child c("exec unshare -Urpf sh -c 'unshare -Urpf sleep 1000'");
  pid_t sleeper = 0;
  REQUIRE(Child::wait_for([&] { return (sleeper = find_descendant(c.pid(), "sleep")) > 0; }));
  pid_t mid = find_descendant(c.pid(), "sh");
  REQUIRE(mid > 0);
  uint64_t p2 = ns_inode(sleeper, "pid"), p1 = ns_inode(mid, "pid"), p0 = ns_inode(getpid(), "pid");
  uint64_t u2 = ns_inode(sleeper, "user"), u1 = ns_inode(mid, "user"), u0 = ns_inode(getpid(), "user");
  REQUIRE(p2 != p1);
  REQUIRE(u2 != u1);

  std::map<uint64_t, std::optional<uint64_t>> lsns_par, mine;
  parents(json::parse(sh_out("lsns --tree=parent -J -o NS,TYPE,PID"))["namespaces"], "ns", std::nullopt, lsns_par);
  auto pidtree = run_json("tree pid -J");
  parents(pidtree["namespaces"], "ns", std::nullopt, mine);
  CHECK(mine[p2] == p1);
  CHECK(mine[p1] == p0);
  CHECK(mine[p2] == lsns_par[p2]);
  CHECK(mine[p1] == lsns_par[p1]);

  // The pid chain at every level, as /proc/PID/status NSpid says.
  auto sub = run_json("tree pid " + std::to_string(p2) + " -J")["namespaces"];
  REQUIRE(sub.size() == 1);
  CHECK(sub[0]["ns"] == p2);
  REQUIRE(sub[0]["processes"].size() == 1);
  std::string status = slurp("/proc/" + std::to_string(sleeper) + "/status");
  auto at = status.find("NSpid:");
  std::stringstream ss(status.substr(at + 6, status.find('\n', at) - at - 6));
  std::vector<pid_t> nspid;
  for (pid_t x; ss >> x;) nspid.push_back(x);
  CHECK(nspid.size() == 3);
  CHECK(sub[0]["processes"][0]["nspid"] == nspid);
  CHECK(nspid.back() == 1);
  // Text: "S/X/1 sleep" under the namespace, on a box line.
  std::string chain = std::to_string(nspid[0]) + "/" + std::to_string(nspid[1]) + "/1 sleep";
  auto text = sh_out("LC_ALL=C.UTF-8 " + nsview_bin() + " tree pid " + std::to_string(sleeper));  // a pid as root
  CHECK(text.find("\u2514\u2500" + chain) != std::string::npos);
  CHECK(sh_out(nsview_bin() + " tree pid --ascii " + std::to_string(sleeper)).find("`-" + chain) != std::string::npos);
  // Not a UTF-8 locale: ASCII lines.
  CHECK(sh_out("LC_ALL=C " + nsview_bin() + " tree pid " + std::to_string(sleeper)).find("`-" + chain) != std::string::npos);

  // User namespaces by parent, and (lsns --tree=owner) the pid namespace under its owner.
  std::map<uint64_t, std::optional<uint64_t>> uparents, owner_tree;
  auto usertree = run_json("tree user -J");
  parents(usertree["namespaces"], "ns", std::nullopt, uparents);
  CHECK(uparents[u2] == u1);
  CHECK(uparents[u1] == u0);
  CHECK(uparents[u2] == lsns_par[u2]);
  CHECK(uparents[p2] == u2);  // owned by u2
  parents(json::parse(sh_out("lsns --tree=owner -J -o NS,TYPE,PID"))["namespaces"], "ns", std::nullopt, owner_tree);
  CHECK(owner_tree[p2] == u2);
  auto usub = run_json("tree user " + std::to_string(u1) + " -J")["namespaces"];
  REQUIRE(usub.size() == 1);
  CHECK(usub[0]["owneruid"] == 0);  // made by root (this test)

  // --depth 0: the root namespace only.
  auto shallow = run_json("tree pid --depth 0 -J")["namespaces"];
  for (const auto& n : shallow) CHECK_FALSE(n.contains("children"));
  // Bad root: one line on stderr, exit 1.
  auto bad = sh(nsview_bin() + " tree pid 99999999999");
  CHECK(bad.status == 1);
  CHECK(bad.err.find("nsview tree:") == 0);
  CHECK(std::count(bad.err.begin(), bad.err.end(), '\n') == 1);
}

TEST_CASE("tree proc marks new namespaces and cgroup changes", "[tree][integration]") {
  REQUIRE(is_root());
  const std::string cg = "/sys/fs/cgroup/unified/nsview-test-" + std::to_string(getpid()) + "-proc";
  REQUIRE(sh("mkdir " + cg).status == 0);
  Cleanup rm("for i in $(seq 100); do rmdir " + cg + " 2>/dev/null && break; sleep 0.05; done");
  Child c({"unshare", "-n", "-u", "sleep", "1000"});  // unshare execs sleep: same pid
  REQUIRE(Child::wait_for([&] { return ns_inode(c.pid(), "net") != ns_inode(getpid(), "net"); }));
  REQUIRE(sh("echo " + std::to_string(c.pid()) + " > " + cg + "/cgroup.procs").status == 0);
  auto t = run_json("tree proc " + std::to_string(c.pid()) + " -J -o PID,NEWNS,CGROUP")["processes"];
  REQUIRE(t.size() == 1);
  CHECK(t[0]["pid"] == c.pid());
  CHECK(t[0]["ppid"] == getpid());
  CHECK(t[0]["new_namespaces"] == std::vector<std::string>{"net", "uts"});
  CHECK(t[0]["cgroup"] == cg.substr(std::string("/sys/fs/cgroup/unified").size()));
  CHECK(t[0]["cgroup_changed"] == true);
  CHECK(t[0]["namespaces"]["net"] == ns_inode(c.pid(), "net"));
  auto text = sh_out(nsview_bin() + " tree proc " + std::to_string(getpid()));
  CHECK(text.find(std::to_string(c.pid()) + " sleep [+net,uts] cg=/nsview-test-") != std::string::npos);
}

TEST_CASE("tree cgroup: members, empty cgroups, depth, readings, hierarchies", "[tree][integration]") {
  REQUIRE(is_root());
  const std::string name = "nsview-test-" + std::to_string(getpid()) + "-tree";
  const std::string base = "/sys/fs/cgroup/pids/" + name;
  REQUIRE(sh("mkdir -p " + base + "/full " + base + "/empty").status == 0);
  Cleanup rm("for d in " + base + "/full " + base + "/empty " + base +
             "; do for i in $(seq 100); do rmdir $d 2>/dev/null && break; sleep 0.05; done; done");
  Child c("exec sleep 1000");
  REQUIRE(sh("echo " + std::to_string(c.pid()) + " > " + base + "/full/cgroup.procs").status == 0);
  REQUIRE(sh("echo 7 > " + base + "/full/pids.max").status == 0);

  // The same name in the memory hierarchy, holding the same process: its readings must not
  // appear on the pids tree's rows (membership and readings come from one hierarchy).
  const std::string mem = "/sys/fs/cgroup/memory/" + name + "/full";
  REQUIRE(sh("mkdir -p " + mem).status == 0);
  Cleanup rm_mem("echo " + std::to_string(c.pid()) + " > /sys/fs/cgroup/memory/cgroup.procs 2>/dev/null; "
                 "for d in " + mem + " /sys/fs/cgroup/memory/" + name +
                 "; do for i in $(seq 100); do rmdir $d 2>/dev/null && break; sleep 0.05; done; done");
  REQUIRE(sh("echo " + std::to_string(c.pid()) + " > " + mem + "/cgroup.procs").status == 0);

  auto j = run_json("tree cgroup --hierarchy pids /" + name + " -J -o NPROCS,PIDS,PIDSLIMIT,MEM");
  CHECK(j["hierarchy"] == "pids");
  CHECK(j["mode"] == "hybrid");
  REQUIRE(j["cgroups"].size() == 1);
  auto root = j["cgroups"][0];
  CHECK(root["path"] == "/" + name);
  CHECK(root["pids"].empty());
  CHECK(root["nprocs"] == 0);  // its own processes, as NPROCS means in top
  REQUIRE(root["children"].size() == 1);  // "empty" hidden
  auto full = root["children"][0];
  CHECK(full["path"] == "/" + name + "/full");
  CHECK(full["pids"] == std::vector<pid_t>{c.pid()});
  CHECK(full["pids_current"] == std::stoi(slurp(base + "/full/pids.current")));
  CHECK(full["pids_current"] == 1);
  CHECK(full["pids_limit"] == 7);
  CHECK(root["pids_limit"] == "max");
  CHECK(full["nprocs"] == 1);
  CHECK(full["mem_bytes"].is_null());  // the pids hierarchy has no memory readings: unknown
  auto m = run_json("tree cgroup --hierarchy memory /" + name + " -J -o NPROCS,MEM")["cgroups"][0]["children"][0];
  CHECK(m["path"] == "/" + name + "/full");
  CHECK(m["mem_bytes"].is_number());
  CHECK(m["mem_bytes"] == std::stoull(slurp(mem + "/memory.usage_in_bytes")));  // a sleep's is stable

  auto all = run_json("tree cgroup --hierarchy pids /" + name + " --all -J")["cgroups"][0];
  REQUIRE(all["children"].size() == 2);
  CHECK(all["children"][0]["path"] == "/" + name + "/empty");
  auto d0 = run_json("tree cgroup --hierarchy pids /" + name + " --all --depth 0 -J")["cgroups"][0];
  CHECK_FALSE(d0.contains("children"));
  // A pid as root: its cgroup in that hierarchy.
  auto bypid = run_json("tree cgroup --hierarchy pids " + std::to_string(c.pid()) + " -J")["cgroups"][0];
  CHECK(bypid["path"] == "/" + name + "/full");

  auto text = sh_out("LC_ALL=C.UTF-8 " + nsview_bin() + " tree cgroup --hierarchy pids /" + name + " -o NPROCS,PIDS");
  CHECK(text.find("\u2514\u2500full") != std::string::npos);
  CHECK(text.find("\u2514\u2500" + std::to_string(c.pid()) + " sleep 1000") != std::string::npos);
  CHECK(text.find("CGROUP") == 0);

  auto bad = sh(nsview_bin() + " tree cgroup --hierarchy nosuch");
  CHECK(bad.status == 1);
  CHECK(bad.err == "nsview tree: no cgroup hierarchy 'nosuch'\n");
  auto badcol = sh(nsview_bin() + " tree cgroup -o BOGUS");
  CHECK(badcol.status == 1);
  CHECK(badcol.err.find("unknown column 'BOGUS'") != std::string::npos);
}

TEST_CASE("tree cgroup reads only the stat files its columns need", "[tree][integration]") {
  REQUIRE(is_root());
  REQUIRE(sh("command -v strace").status == 0);
  // Ground truth: the openat calls the tool makes.
  auto opened = [](const std::string& args) {
    return sh("strace -f -e trace=openat -o /dev/stderr " + nsview_bin() + " " + args + " >/dev/null").err;
  };
  auto none = opened("tree cgroup --hierarchy pids -o NPROCS,PATH");
  CHECK(none.find("pids.current") == std::string::npos);
  CHECK(none.find("memory.usage_in_bytes") == std::string::npos);
  CHECK(none.find("cpu.stat") == std::string::npos);
  CHECK(none.find("cgroup.procs") == std::string::npos);  // membership comes from /proc
  auto pids = opened("tree cgroup --hierarchy pids -o NPROCS,PIDS");
  CHECK(pids.find("pids.current") != std::string::npos);
  CHECK(pids.find("memory.usage_in_bytes") == std::string::npos);
  CHECK(pids.find("cpuacct.usage") == std::string::npos);
}

TEST_CASE("tree pid: UID is the lowest pid's as in list, OWNERUID the user namespace's maker", "[tree][integration]") {
  REQUIRE(is_root());
  // A pid namespace made by root (owned by the initial user namespace, uid 0) whose only
  // process runs as nobody.
  Child c("exec unshare -pf setpriv --reuid 65534 --regid 65534 --clear-groups sleep 1000");
  pid_t sleeper = 0;
  REQUIRE(Child::wait_for([&] { return (sleeper = find_descendant(c.pid(), "sleep")) > 0; }));
  const uint64_t pidns = ns_inode(sleeper, "pid");
  auto j = run_json("tree pid " + std::to_string(pidns) + " -J -o UID,USER,OWNERUID");
  REQUIRE(j["namespaces"].size() == 1);
  const auto& n = j["namespaces"][0];
  CHECK(n["ns"] == pidns);
  CHECK(n["uid"] == 65534);
  CHECK(n["owneruid"] == 0);
  // The value lsns shows for the namespace (its UID: of the lowest pid).
  auto row = json::parse(sh_out("lsns -J -o NS,UID -t pid"))["namespaces"];
  bool found = false;
  for (const auto& r : row)
    if (r["ns"] == pidns) {
      found = true;
      CHECK(r["uid"] == n["uid"]);
    }
  CHECK(found);
  auto text = sh_out(nsview_bin() + " tree pid " + std::to_string(pidns) + " -o UID,USER,OWNERUID");
  CHECK(text.find("65534") != std::string::npos);
  CHECK(text.find("nobody") != std::string::npos);
}
