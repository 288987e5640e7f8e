// nsview list against namespaces the tests make for real; ground truth from readlink/stat
// of /proc/PID/ns/* and from lsns where it can see the same thing.
#include <catch2/catch.hpp>

#include <functional>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>

#include "nsfixtures.hpp"
#include "run.hpp"

using namespace testsupport;
using nlohmann::json;

namespace {

const std::vector<std::string> kTypes = {"mnt", "net", "pid", "uts", "ipc", "user", "cgroup", "time"};

bool holders_contain(const json& ns, const std::string& what) {
  if (!ns.contains("holders") || ns["holders"].is_null()) return false;
  std::string h = ns["holders"].get<std::string>();
  std::stringstream ss(h);
  std::string item;
  while (std::getline(ss, item, '\n'))
    if (item == what) return true;
  return false;
}

}  // namespace

TEST_CASE("one namespace of each type made by unshare", "[list][kernel]") {
  Child u({"unshare", "--mount", "--uts", "--ipc", "--net", "--pid", "--cgroup", "--time", "--user",
           "--map-root-user", "--fork", "sleep", "1000"});
  pid_t sleeper = descendant(u.pid(), 1);
  auto all = list_json({"--output-all"});
  auto mine = list_json({"-p", std::to_string(sleeper), "--output-all"});
  REQUIRE(mine.size() == 8);
  for (const auto& t : kTypes) {
    uint64_t ino = ns_inode(sleeper, t);
    INFO("type " << t);
    REQUIRE(ino != 0);
    CHECK(ino != ns_inode(getpid(), t));  // really a new namespace
    REQUIRE(mine.count(ino));
    const json& n = mine[ino];
    CHECK(n["type"] == t);
    CHECK(all.count(ino));
    // unshare itself joined every new namespace but pid and time (those only its children).
    int expected_procs = (t == "pid" || t == "time") ? 1 : 2;
    CHECK(n["nprocs"] == expected_procs);
    CHECK(n["pid"] == (expected_procs == 1 ? sleeper : std::min(u.pid(), sleeper)));
    CHECK(n["path"] == "/proc/" + std::to_string(n["pid"].get<int>()) + "/ns/" + t);
    if (t != "user") CHECK(n["ons"] == ns_inode(sleeper, "user"));
  }
  // The new user namespace's parent and owner are ours.
  CHECK(mine[ns_inode(sleeper, "user")]["pns"] == ns_inode(getpid(), "user"));
  CHECK(mine[ns_inode(sleeper, "pid")]["pns"] == ns_inode(getpid(), "pid"));
  CHECK(mine[ns_inode(sleeper, "user")]["owneruid"] == getuid());
}

TEST_CASE("a bind-mounted network namespace with no process (ip netns add)", "[list][kernel]") {
  std::string name = unique_name("netns");
  REQUIRE(sh("ip netns add " + name).status == 0);
  Cleanup del("ip netns del " + name + " 2>/dev/null");
  uint64_t ino = path_inode("/run/netns/" + name);
  REQUIRE(ino != 0);
  auto nets = list_json({"-t", "net", "--output-all"});
  REQUIRE(nets.count(ino));
  const json& n = nets[ino];
  CHECK(n["nprocs"] == 0);
  CHECK(n["pid"].is_null());
  CHECK(n["path"].is_null());
  CHECK(n["command"].is_null());
  CHECK(n["nsfs"] == "/run/netns/" + name);
  CHECK(holders_contain(n, "bind:/run/netns/" + name));
  CHECK(n["ons"] == ns_inode(getpid(), "user"));
  // -P lists it; a filter finds it.
  CHECK(list_json({"-P"}).count(ino));
  CHECK(list_json({"-Q", "TYPE == \"net\" && NPROCS == 0 && NSFS =~ \"" + name + "$\""}).count(ino));
  CHECK_FALSE(list_json({"-Q", "TYPE == \"net\" && NPROCS > 0"}).count(ino));
}

TEST_CASE("a network namespace kept alive only by an open fd", "[list][kernel]") {
  std::string name = unique_name("fdns");
  REQUIRE(sh("ip netns add " + name).status == 0);
  Cleanup del("ip netns del " + name + " 2>/dev/null");
  uint64_t ino = path_inode("/run/netns/" + name);
  Child holder("exec 7</run/netns/" + name + " && ip netns del " + name + " && echo ready && exec sleep 1000");
  REQUIRE(holder.read_line() == "ready");
  auto nets = list_json({"-t", "net", "--output-all"});
  REQUIRE(nets.count(ino));
  CHECK(nets[ino]["nprocs"] == 0);
  CHECK(nets[ino]["nsfs"].is_null());
  CHECK(holders_contain(nets[ino], "fd:" + std::to_string(holder.pid()) + "/7"));
  // lsns 2.38 cannot see it at all.
  Result l = run({"lsns", "-J", "-t", "net"});
  CHECK(l.out.find(std::to_string(ino)) == std::string::npos);
}

TEST_CASE("a network namespace held only by a socket", "[list][kernel]") {
  Child h(std::vector<std::string>{helper_path("hold_socket_netns")});
  std::istringstream line(h.read_line());
  uint64_t ino = 0;
  int fd = -1;
  line >> ino >> fd;
  REQUIRE(ino != 0);
  CHECK(ino != ns_inode(h.pid(), "net"));
  auto nets = list_json({"-t", "net", "--output-all"});
  REQUIRE(nets.count(ino));
  CHECK(nets[ino]["nprocs"] == 0);
  CHECK(holders_contain(nets[ino], "socket:" + std::to_string(h.pid()) + "/" + std::to_string(fd)));
  // Turning sockets off loses it: the source really is the socket.
}

TEST_CASE("a loose thread in its own net and uts namespaces", "[list][kernel]") {
  Child h(std::vector<std::string>{helper_path("loose_thread")});
  std::istringstream line(h.read_line());
  pid_t tid = 0;
  uint64_t net = 0, uts = 0;
  line >> tid >> net >> uts;
  REQUIRE(tid > 0);
  REQUIRE(net != 0);
  CHECK(net != ns_inode(h.pid(), "net"));
  auto all = list_json({"--output-all"});
  for (uint64_t ino : {net, uts}) {
    REQUIRE(all.count(ino));
    CHECK(all[ino]["nprocs"] == 0);
    CHECK(holders_contain(all[ino], "thread:" + std::to_string(h.pid()) + "/" + std::to_string(tid)));
  }
  CHECK(all[net]["type"] == "net");
  CHECK(all[uts]["type"] == "uts");
}

// Found by bench/churn_soak.sh: with the leader a zombie, its /proc/PID/ns links are
// unreadable, so the process counted in no namespace but pid and user, and each of its live
// threads was shown as a "thread" holder of the namespaces the process is in; top showed
// 0B for its memory.
TEST_CASE("a process whose main thread exited lives in its threads' namespaces", "[list][kernel]") {
  Child h(std::vector<std::string>{helper_path("zombie_leader")});
  std::istringstream line(h.read_line());
  pid_t plain = 0, loose = 0;
  uint64_t loose_net = 0;
  line >> plain >> loose >> loose_net;
  REQUIRE(plain > 0);
  REQUIRE(loose_net != 0);
  const std::string pid = std::to_string(h.pid());
  const std::string task = "/proc/" + pid + "/task/" + std::to_string(plain);
  REQUIRE(Child::wait_for([&] { return sh_out("cut -d' ' -f3 /proc/" + pid + "/stat") == "Z"; }));
  REQUIRE(readlink_str("/proc/" + pid + "/ns/net").empty());  // the shape under test

  auto mine = list_json({"-p", pid, "--output-all"});
  auto all = list_json({"--output-all"});
  REQUIRE(mine.size() == 8);
  for (const auto& t : kTypes) {
    INFO("type " << t);
    // Ground truth: the namespace of the live thread that is not loose.
    uint64_t ino = ns_inode(plain, t);
    std::string link = readlink_str(task + "/ns/" + t);
    REQUIRE(link == t + ":[" + std::to_string(ino) + "]");
    REQUIRE(mine.count(ino));
    REQUIRE(all.count(ino));
    CHECK_FALSE(holders_contain(all[ino], "thread:" + pid + "/" + std::to_string(plain)));
    CHECK_FALSE(holders_contain(all[ino], "thread:" + pid + "/" + std::to_string(loose)));
  }
  // The loose thread still is one.
  REQUIRE(all.count(loose_net));
  CHECK(all[loose_net]["nprocs"] == 0);
  CHECK(holders_contain(all[loose_net], "thread:" + pid + "/" + std::to_string(loose)));

  // Its memory and command line come from the live thread, not the empty leader.
  Result top = nsview_run("top", {"-b", "-J", "-n", "1", "-g", "process"});
  REQUIRE(top.status == 0);
  CHECK(top.err.empty());
  bool found = false;
  const json sample = json::parse(top.out);  // kept: a range-for over a temporary's member dangles
  for (const auto& row : sample["rows"]) {
    if (row["pid"] != h.pid()) continue;
    found = true;
    uint64_t rss_kb = std::stoull(sh_out("awk '/^VmRSS:/ { print $2 }' " + task + "/status"));
    REQUIRE(row["mem_bytes"].is_number());
    CHECK(row["mem_bytes"].get<uint64_t>() / 1024 >= rss_kb / 2);
    CHECK(row["mem_bytes"].get<uint64_t>() / 1024 <= rss_kb * 2);
    CHECK(row["pids_current"] == 3);  // the zombie leader and two threads, as /proc/PID/status counts
  }
  CHECK(found);
  Result dump = nsview_run("dump", {"-J"});
  REQUIRE(dump.status == 0);
  found = false;
  const json snapshot = json::parse(dump.out);
  for (const auto& p : snapshot["processes"]) {
    if (p["pid"] != h.pid()) continue;
    found = true;
    REQUIRE(p["cmdline"].is_array());
    REQUIRE_FALSE(p["cmdline"].empty());
    CHECK(p["cmdline"][0].get<std::string>() == helper_path("zombie_leader"));
    CHECK(p["namespaces"]["net"] == ns_inode(plain, "net"));
  }
  CHECK(found);
}

TEST_CASE("a hidden ancestor user namespace and nested user+pid chains", "[list][kernel]") {
  // The outer user namespace has no process left once unshare execs into the inner one.
  Child c("exec unshare --user --map-root-user --pid --fork sh -c "
          "'exec unshare --user --map-root-user --pid --fork sleep 1000'");
  // c: outer unshare (outer user ns); its child: the inner unshare, pid 1 of the outer pid
  // ns, which moved itself into the inner user ns; its child: sleep in both inner ones.
  pid_t mid = descendant(c.pid(), 1);
  pid_t inner = descendant(mid, 1);
  uint64_t inner_user = ns_inode(inner, "user"), mid_user = ns_inode(c.pid(), "user");
  uint64_t inner_pid = ns_inode(inner, "pid"), mid_pid = ns_inode(mid, "pid");
  REQUIRE(inner_user != mid_user);
  // Ground truth for parents from lsns (NS_GET_PARENT there too).
  Result l = run({"lsns", "-J", "-p", std::to_string(inner), "-o", "NS,TYPE,PNS,ONS"});
  REQUIRE(l.status == 0);
  std::map<uint64_t, json> oracle;
  flatten(json::parse(l.out)["namespaces"], oracle);
  auto tree = list_json({"--tree=parent", "--output-all"});
  for (uint64_t ino : {inner_user, inner_pid}) {
    REQUIRE(tree.count(ino));
    REQUIRE(oracle.count(ino));
    CHECK(tree[ino]["pns"] == oracle[ino]["pns"]);
    CHECK(tree[ino]["ons"] == oracle[ino]["ons"]);
  }
  CHECK(tree[inner_pid]["pns"] == mid_pid);
  CHECK(tree[inner_user]["pns"] == mid_user);
  CHECK(tree[inner_pid]["ons"] == inner_user);
  // mid is `unshare` after exec; it stays in the outer namespaces, so make one with none:
  Child h("exec unshare --user --map-root-user sh -c 'exec unshare --user --map-root-user sleep 1000'");
  REQUIRE(Child::wait_for([&] { return ns_inode(h.pid(), "user") != ns_inode(getpid(), "user") &&
                                       run({"sh", "-c", "readlink /proc/" + std::to_string(h.pid()) + "/exe"}).out.find("sleep") != std::string::npos; }));
  uint64_t leaf = ns_inode(h.pid(), "user");
  auto owner_tree = list_json({"--tree=owner", "-t", "user", "--output-all"});
  REQUIRE(owner_tree.count(leaf));
  uint64_t hidden = owner_tree[leaf]["pns"].get<uint64_t>();
  CHECK(hidden != ns_inode(getpid(), "user"));
  REQUIRE(owner_tree.count(hidden));
  CHECK(owner_tree[hidden]["nprocs"] == 0);
  CHECK(owner_tree[hidden]["hidden"] == true);
  CHECK(holders_contain(owner_tree[hidden], "ancestor"));
  CHECK(owner_tree[hidden]["pns"] == ns_inode(getpid(), "user"));
  // Not in the plain list (nobody holds it directly), but in -P.
  CHECK_FALSE(list_json({}).count(hidden));
  CHECK(list_json({"-P"}).count(hidden));
}

TEST_CASE("the processes of one namespace (positional inode)", "[list][kernel]") {
  Child u({"unshare", "--pid", "--fork", "sh", "-c", "sleep 1000 & sleep 1001"});
  pid_t sh_pid = descendant(u.pid(), 1);
  REQUIRE(children_of(sh_pid).size() >= 1);
  Child::wait_for([&] { return children_of(sh_pid).size() == 2; });
  uint64_t pidns = ns_inode(sh_pid, "pid");
  Result r = run({nsview_bin(), "list", "-J", std::to_string(pidns)});
  REQUIRE(r.status == 0);
  // As lsns -J: a process tree, the sleepers nested in "children" of their shell.
  auto rows = json::parse(r.out)["namespaces"];
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["pid"] == sh_pid);
  CHECK(rows[0]["children"].size() == 2);
  std::vector<pid_t> pids;
  std::function<void(const json&)> walk = [&](const json& arr) {
    for (auto& p : arr) {
      pids.push_back(p["pid"].get<pid_t>());
      if (p.contains("children")) walk(p["children"]);
    }
  };
  walk(rows);
  std::sort(pids.begin(), pids.end());
  auto kids = children_of(sh_pid);
  std::vector<pid_t> expected{sh_pid};
  expected.insert(expected.end(), kids.begin(), kids.end());
  std::sort(expected.begin(), expected.end());
  CHECK(pids == expected);
}

TEST_CASE("a 100 kB command line against -Q regexes gives the right rows fast", "[list][kernel][filter]") {
  // std::regex recursed once per character: root's `nsview list -Q 'COMMAND =~ "a.*b"'` died
  // of SIGSEGV once any process had a 100 kB command line. glibc's regexec then took minutes
  // to miss on one (a quadratic search). Each process is alone in new uts and ipc
  // namespaces, so it is their COMMAND.
  const std::string hit = "x" + std::string(100000, 'a') + "b", miss(100000, 'a');
  auto start = [](const std::string& argv0) {
    return std::make_unique<Child>(std::vector<std::string>{"unshare", "--uts", "--ipc", "bash", "-c",
                                                            "exec -a \"$0\" sleep 1000", argv0});
  };
  auto h = start(hit), m = start(miss);
  auto cmdline_is = [](pid_t pid, const std::string& argv0) {
    return Child::wait_for([&] {
      std::ifstream f("/proc/" + std::to_string(pid) + "/cmdline");
      std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
      return s == argv0 + '\0' + "1000" + '\0';
    });
  };
  REQUIRE(cmdline_is(h->pid(), hit));
  REQUIRE(cmdline_is(m->pid(), miss));
  const uint64_t hit_uts = ns_inode(h->pid(), "uts"), miss_uts = ns_inode(m->pid(), "uts");
  REQUIRE(hit_uts != ns_inode(getpid(), "uts"));
  REQUIRE(miss_uts != ns_inode(getpid(), "uts"));

  auto began = std::chrono::steady_clock::now();
  auto rows = list_json({"-Q", "COMMAND =~ \"a.*b\""});
  auto took = std::chrono::steady_clock::now() - began;
  CHECK(took < std::chrono::seconds(20));
  REQUIRE(rows.count(hit_uts));
  CHECK(rows[hit_uts]["command"] == hit + " 1000");
  CHECK(rows[hit_uts]["pid"] == h->pid());
  CHECK_FALSE(rows.count(miss_uts));
  for (const auto& [ino, row] : rows) {  // every row shown does match
    INFO(ino);
    std::string cmd = row["command"].is_string() ? row["command"].get<std::string>() : "";
    auto a = cmd.find('a');
    CHECK((a != std::string::npos && cmd.find('b', a) != std::string::npos));
  }

  began = std::chrono::steady_clock::now();
  rows = list_json({"-Q", "COMMAND =~ \"(a+)+b\" && TYPE == \"uts\""});
  CHECK(std::chrono::steady_clock::now() - began < std::chrono::seconds(20));
  CHECK(rows.count(hit_uts));
  CHECK_FALSE(rows.count(miss_uts));
  rows = list_json({"-Q", "COMMAND !~ \"b\" && TYPE == \"uts\""});
  CHECK(rows.count(miss_uts));
  CHECK_FALSE(rows.count(hit_uts));
}
