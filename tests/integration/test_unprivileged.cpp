// nsview as an unprivileged user (nobody, through setpriv) next to root's output of the same
// moment, over a root-owned sleeper in namespaces of its own: every value the unprivileged run
// shows equals root's, or is marked unknown (null, '-') or partial ("<key>_partial", "N+");
// the warning line is on stderr exactly once, and never in the JSON.
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "nsfixtures.hpp"
#include "podman.hpp"
#include "run.hpp"

using namespace testsupport;
using nlohmann::json;

namespace {

const std::string kAsNobody = "setpriv --reuid=65534 --regid=65534 --clear-groups -- ";

Result as_root(const std::string& args) { return sh(nsview_bin() + " " + args); }
Result as_nobody(const std::string& args) { return sh(kAsNobody + nsview_bin() + " " + args); }

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string l; std::getline(ss, l);) out.push_back(l);
  return out;
}

std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  for (std::string w; ss >> w;) out.push_back(w);
  return out;
}

// stderr is exactly one line: the warning of SUB, naming the reason.
void check_warning(const Result& r, const std::string& sub) {
  INFO("stderr: " << r.err);
  auto l = lines_of(r.err);
  REQUIRE(l.size() == 1);
  CHECK(l[0].rfind("nsview " + sub + ": warning: could not read the namespaces of ", 0) == 0);
  CHECK(l[0].find(" processes") != std::string::npos);
  CHECK(l[0].find("(not root: run as root or with CAP_SYS_PTRACE); counts marked + are partial") !=
        std::string::npos);
}

bool alive(pid_t pid) { return ::kill(pid, 0) == 0; }

// A root-owned sleeper in net, uts and ipc namespaces of its own (unshare execs sleep).
struct Sleeper {
  Child child{std::vector<std::string>{"unshare", "--net", "--uts", "--ipc", "sleep", "600"}};
  Sleeper() {
    const std::string comm = "/proc/" + std::to_string(child.pid()) + "/comm";
    REQUIRE(Child::wait_for([&] {
      return ns_inode(child.pid(), "net") != ns_inode(getpid(), "net") && trimmed(sh("cat " + comm).out) == "sleep";
    }));
  }
  pid_t pid() const { return child.pid(); }
};

bool is_partial(const json& obj, const std::string& key) {
  auto it = obj.find(key + "_partial");
  return it != obj.end() && *it == true;
}

// The pids of a "pids" array that still exist (the two nsview runs have exited).
std::set<pid_t> alive_pids(const json& a) {
  std::set<pid_t> out;
  for (const auto& p : a)
    if (alive(p.get<pid_t>())) out.insert(p.get<pid_t>());
  return out;
}

void skip_unless_root() {
  if (!is_root()) FAIL("these tests compare root's and nobody's output; run as root");
}

}  // namespace

TEST_CASE("unprivileged: list -J equals root's or marks unknown and partial", "[unpriv]") {
  skip_unless_root();
  Sleeper sleeper;
  auto root = as_root("list -J --output-all");
  auto nobody = as_nobody("list -J --output-all");
  REQUIRE(root.status == 0);
  REQUIRE(nobody.status == 0);
  CHECK(root.err.empty());
  check_warning(nobody, "list");
  json R = json::parse(root.out), N = json::parse(nobody.out);  // the warning is not in stdout
  CHECK_FALSE(R.contains("namespaces_partial"));
  CHECK(N.value("namespaces_partial", false) == true);
  std::map<uint64_t, json> rm, nm;
  flatten(R["namespaces"], rm);
  flatten(N["namespaces"], nm);

  // The sleeper's namespaces are root's to see only.
  const uint64_t sleeper_net = ns_inode(sleeper.pid(), "net");
  CHECK(rm.count(sleeper_net));
  CHECK_FALSE(nm.count(sleeper_net));
  CHECK(rm.at(sleeper_net)["nprocs"] == 1);
  CHECK(rm.at(sleeper_net)["pid"] == sleeper.pid());

  // The host's network namespace (this test's): nobody saw only its own process in it, so
  // the count is a lower bound and what comes from the lowest pid (unreadable) is unknown.
  const uint64_t host_net = ns_inode(getpid(), "net");
  REQUIRE(nm.count(host_net));
  const json& h = nm.at(host_net);
  CHECK(h["nprocs"].get<int>() >= 1);
  CHECK(h["nprocs_partial"] == true);
  CHECK(h["pid"].is_null());
  CHECK(h["ppid"].is_null());
  CHECK(h["command"].is_null());
  CHECK(h["user"].is_null());
  CHECK(h["uid"].is_null());
  CHECK(h["path"].is_null());
  CHECK(h["oldest"].is_null());
  CHECK(rm.at(host_net)["pid"].is_number());  // 1 or, where even root cannot read pid 1, 2
  CHECK_FALSE(rm.at(host_net).contains("nprocs_partial"));

  // Every value nobody shows: root's, or null, or a flagged lower bound.
  for (const auto& [ino, n] : nm) {
    INFO("namespace " << ino << " nobody: " << n.dump() << "\nroot: " << (rm.count(ino) ? rm.at(ino).dump() : "-"));
    REQUIRE(rm.count(ino));
    const json& r = rm.at(ino);
    for (const auto& [k, v] : n.items()) {
      INFO("key " << k);
      if (k.size() > 8 && k.compare(k.size() - 8, 8, "_partial") == 0) {
        CHECK(v == true);
        continue;
      }
      if (v.is_null()) continue;  // unknown
      const bool partial = is_partial(n, k);
      if (k == "nprocs" || k == "nholders") {
        // Both runs' own nsview processes differ: one process of slack.
        if (partial) CHECK(v.get<long>() <= r[k].get<long>() + 1);
        else CHECK(v == r[k]);
      } else if (k == "pidlist") {
        auto mine = alive_pids(v), theirs = alive_pids(r[k]);
        CHECK(std::includes(theirs.begin(), theirs.end(), mine.begin(), mine.end()));
        if (!partial) CHECK(mine == theirs);
      } else if (k == "holders") {
        CHECK(partial);  // other users' fds are unreadable
      } else {
        CHECK(v == r[k]);
      }
    }
  }
}

TEST_CASE("unprivileged: list text marks partial counts with + and unknown with -", "[unpriv]") {
  skip_unless_root();
  auto nobody = as_nobody("list -t net -o NS,NPROCS,PID,USER,COMMAND");
  REQUIRE(nobody.status == 0);
  check_warning(nobody, "list");
  const std::string host = std::to_string(ns_inode(getpid(), "net"));
  bool found = false;
  for (const auto& l : lines_of(nobody.out)) {
    auto w = words(l);
    if (w.empty() || w[0] != host) continue;
    found = true;
    INFO(l);
    REQUIRE(w.size() == 5);
    CHECK(w[1].back() == '+');
    CHECK(std::stoi(w[1]) >= 1);
    CHECK(w[2] == "-");
    CHECK(w[3] == "-");
    CHECK(w[4] == "-");
  }
  CHECK(found);
}

TEST_CASE("unprivileged: tree proc -J never says 'no namespace change' for what it could not read", "[unpriv]") {
  skip_unless_root();
  Sleeper sleeper;
  auto root = as_root("tree proc -J");
  auto nobody = as_nobody("tree proc -J");
  REQUIRE(root.status == 0);
  REQUIRE(nobody.status == 0);
  CHECK(root.err.empty());
  check_warning(nobody, "tree");
  std::map<pid_t, json> rp, np;
  std::function<void(const json&, std::map<pid_t, json>&)> walk = [&](const json& a, std::map<pid_t, json>& out) {
    for (const auto& p : a) {
      out[p["pid"].get<pid_t>()] = p;
      if (p.contains("children")) walk(p["children"], out);
    }
  };
  walk(json::parse(root.out)["processes"], rp);
  walk(json::parse(nobody.out)["processes"], np);

  REQUIRE(rp.count(sleeper.pid()));
  REQUIRE(np.count(sleeper.pid()));
  CHECK(rp.at(sleeper.pid())["new_namespaces"] == json({"net", "uts", "ipc"}));
  CHECK_FALSE(rp.at(sleeper.pid()).contains("new_namespaces_partial"));
  const json& s = np.at(sleeper.pid());
  CHECK(s["new_namespaces"] == json::array());
  CHECK(s["new_namespaces_partial"] == true);
  for (const auto& [t, v] : s["namespaces"].items()) CHECK(v.is_null());

  for (const auto& [pid, n] : np) {
    if (!rp.count(pid) || !alive(pid) || n["ppid"] == 2) continue;  // the runs' own; kworkers rename
    const json& r = rp.at(pid);
    INFO("pid " << pid << " nobody: " << n.dump() << "\nroot: " << r.dump());
    CHECK(n["comm"] == r["comm"]);
    CHECK(n["ppid"] == r["ppid"]);
    auto mine = n["new_namespaces"].get<std::vector<std::string>>();
    auto theirs = r["new_namespaces"].get<std::vector<std::string>>();
    for (const auto& t : mine) CHECK(std::find(theirs.begin(), theirs.end(), t) != theirs.end());
    if (mine != theirs) CHECK(is_partial(n, "new_namespaces"));
    for (const auto& [t, v] : n["namespaces"].items())
      if (!v.is_null()) CHECK(v == r["namespaces"][t]);
  }

  // Text: the sleeper is marked unknown, not unchanged.
  auto text = as_nobody("tree proc " + std::to_string(sleeper.pid()));
  REQUIRE(text.status == 0);
  INFO(text.out);
  CHECK(text.out.find(std::to_string(sleeper.pid()) + " sleep [?]") != std::string::npos);
}

TEST_CASE("unprivileged: tree pid shows the host pid namespace's count as partial", "[unpriv]") {
  skip_unless_root();
  auto root = as_root("tree pid -o NPROCS,PID");
  auto nobody = as_nobody("tree pid -o NPROCS,PID");
  REQUIRE(root.status == 0);
  REQUIRE(nobody.status == 0);
  check_warning(nobody, "tree");
  const std::string host = std::to_string(ns_inode(getpid(), "pid"));
  auto row = [&](const std::string& out) {
    for (const auto& l : lines_of(out)) {
      auto w = words(l);
      if (!w.empty() && w[0] == host) return w;
    }
    return std::vector<std::string>{};
  };
  auto r = row(root.out), n = row(nobody.out);
  INFO(root.out << "\n" << nobody.out);
  REQUIRE(r.size() == 3);
  REQUIRE(n.size() == 3);
  CHECK(r[2] != "-");
  CHECK(r[1].back() != '+');
  CHECK(n[1].back() == '+');
  CHECK(std::stoi(n[1]) >= 1);
  CHECK(std::stoi(n[1]) <= std::stoi(r[1]) + 1);
  CHECK(n[2] == "-");
}

TEST_CASE("unprivileged: top -g namespace shows partial sums, not nsview's own as the host's", "[unpriv]") {
  skip_unless_root();
  Sleeper sleeper;
  auto root = as_root("top -b -n 1 -g namespace -J");
  auto nobody = as_nobody("top -b -n 2 -d 0.3 -g namespace -J");  // two samples, one warning
  REQUIRE(root.status == 0);
  REQUIRE(nobody.status == 0);
  CHECK(root.err.empty());
  check_warning(nobody, "top");
  auto nl = lines_of(nobody.out);
  REQUIRE(nl.size() == 2);
  std::map<std::string, json> rr, nr;
  const json R = json::parse(root.out), N = json::parse(nl[1]);  // (a range-for over a temporary's member dangles)
  for (const auto& r : R["rows"]) rr[r["id"].get<std::string>()] = r;
  for (const auto& r : N["rows"]) nr[r["id"].get<std::string>()] = r;

  const std::string host = "net:" + std::to_string(ns_inode(getpid(), "net"));
  const std::string mine = "net:" + std::to_string(ns_inode(sleeper.pid(), "net"));
  INFO("host " << host << " root: " << root.out << "\nnobody: " << nobody.out);
  REQUIRE(rr.count(host));
  REQUIRE(nr.count(host));
  CHECK(rr.count(mine));
  CHECK_FALSE(nr.count(mine));
  CHECK(rr.at(host)["pid"].is_number());
  CHECK_FALSE(rr.at(host).contains("nprocs_partial"));
  const json& h = nr.at(host);
  CHECK(h["pid"].is_null());
  CHECK(h["nprocs_partial"] == true);
  CHECK(h["mem_bytes_partial"] == true);
  CHECK(h["pids_current_partial"] == true);
  CHECK(h["cpu_pct_partial"] == true);  // second sample: a rate over the readable members

  for (const auto& [id, n] : nr) {
    INFO(id << " nobody: " << n.dump());
    REQUIRE(rr.count(id));
    const json& r = rr.at(id);
    CHECK(n["name"] == r["name"]);
    if (!n["pid"].is_null()) CHECK(n["pid"] == r["pid"]);
    if (is_partial(n, "nprocs")) CHECK(n["nprocs"].get<long>() <= r["nprocs"].get<long>() + 1);
    else CHECK(n["nprocs"] == r["nprocs"]);
  }
}

TEST_CASE("unprivileged: dump -J records what could not be read", "[unpriv]") {
  skip_unless_root();
  Sleeper sleeper;
  auto root = as_root("dump -J");
  auto nobody = as_nobody("dump -J");
  REQUIRE(root.status == 0);
  REQUIRE(nobody.status == 0);
  CHECK(root.err.empty());
  check_warning(nobody, "dump");
  json R = json::parse(root.out), N = json::parse(nobody.out);
  // Root (CAP_SYS_PTRACE) reads everything but what no privilege reads (this VM's pid 1):
  // recorded, not warned about, not marked.
  CHECK(R["unreadable"]["privileged"] == true);
  CHECK(R["unreadable"]["namespaces"].get<long>() <= 1);
  CHECK(N["unreadable"]["privileged"] == false);
  REQUIRE(N["unreadable"]["summary"].is_string());
  // The stderr line carries the same words.
  CHECK(nobody.err.find(N["unreadable"]["summary"].get<std::string>()) != std::string::npos);
  CHECK(N["unreadable"]["namespaces"].get<long>() >= 1);

  std::map<pid_t, json> rp, np;
  for (const auto& p : R["processes"]) rp[p["pid"].get<pid_t>()] = p;
  for (const auto& p : N["processes"]) np[p["pid"].get<pid_t>()] = p;
  REQUIRE(np.count(sleeper.pid()));
  const json& s = np.at(sleeper.pid());
  CHECK(std::find(s["unreadable"].begin(), s["unreadable"].end(), "namespaces") != s["unreadable"].end());
  for (const auto& [t, v] : s["namespaces"].items()) CHECK(v.is_null());
  CHECK(rp.at(sleeper.pid())["unreadable"] == json::array());
  CHECK(rp.at(sleeper.pid())["namespaces"]["net"] == ns_inode(sleeper.pid(), "net"));

  for (const auto& [pid, n] : np) {
    if (!rp.count(pid) || !alive(pid) || n["ppid"] == 2) continue;  // kworkers rename themselves
    const json& r = rp.at(pid);
    INFO("pid " << pid << " nobody: " << n.dump() << "\nroot: " << r.dump());
    for (const char* k : {"ppid", "comm", "uid", "start_time", "cmdline", "cgroup"})
      if (!n[k].is_null()) CHECK(n[k] == r[k]);
    for (const auto& [t, v] : n["namespaces"].items())
      if (!v.is_null()) CHECK(v == r["namespaces"][t]);
  }
  std::map<uint64_t, json> rn;
  for (const auto& n : R["namespaces"]) rn[n["inode"].get<uint64_t>()] = n;
  for (const auto& n : N["namespaces"]) {
    const uint64_t ino = n["inode"].get<uint64_t>();
    INFO("namespace " << ino << " nobody: " << n.dump());
    REQUIRE(rn.count(ino));
    CHECK(n["type"] == rn.at(ino)["type"]);
    CHECK(n["pids_partial"] == true);  // every type has unreadable processes (pid 1)
    CHECK(n["lowest_pid"].is_null());
    auto mine = alive_pids(n["pids"]), theirs = alive_pids(rn.at(ino)["pids"]);
    CHECK(std::includes(theirs.begin(), theirs.end(), mine.begin(), mine.end()));
  }
}

TEST_CASE("unprivileged: ps shows a restarted container's creation as unknown, not its restart",
          "[unpriv][podman]") {
  skip_unless_root();
  if (!have_podman()) {
    WARN("SKIPPED: podman is not installed");
    return;
  }
  podman_env();
  const std::string name = unique_name("unpriv");
  Cleanup rm("podman rm -f -t 0 " + name + " >/dev/null 2>&1");
  std::string id = sh_out("podman run -d --name " + name + " " + kPodmanImage + " sleep 1000 2>/dev/null");
  REQUIRE(id.size() == 64);
  sleep_ms(3000);
  sh_out("podman restart -t 0 " + name + " >/dev/null 2>&1");
  auto created = std::stoll(sh_out("date -d \"$(podman inspect --format '{{.Created}}' " + name +
                                   " 2>/dev/null | cut -d' ' -f1,2)\" +%s"));
  auto started = std::stoll(sh_out("date -d \"$(podman inspect --format '{{.State.StartedAt}}' " + name +
                                   " 2>/dev/null | cut -d' ' -f1,2)\" +%s"));
  REQUIRE(started - created >= 2);

  auto root = as_root("ps -J");
  auto nobody = as_nobody("ps -J");
  REQUIRE(root.status == 0);
  REQUIRE(nobody.status == 0);
  CHECK(root.err.empty());
  INFO("stderr: " << nobody.err);
  REQUIRE(lines_of(nobody.err).size() == 1);
  CHECK(nobody.err.find("container engine files") != std::string::npos);
  auto find = [&](const std::string& out) {
    const json doc = json::parse(out);
    for (const auto& c : doc["containers"])
      if (c["id"] == id) return c;
    return json();
  };
  json r = find(root.out), n = find(nobody.out);
  INFO("id " << id << " root: " << root.out);
  REQUIRE(r.is_object());
  REQUIRE(n.is_object());
  CHECK(std::llabs(r["created"].get<long long>() - created) <= 2);
  // Unreadable store and state: unknown, not the restart ("3 seconds ago").
  CHECK(n["created"].is_null());
  CHECK(n["started"] == r["started"]);
  CHECK(n["pid"] == r["pid"]);
  for (const auto& [k, v] : n.items()) {
    INFO("key " << k << " nobody: " << v.dump() << " root: " << r[k].dump());
    if (k == "namespaces") {
      for (const auto& [t, ino] : v.items())
        if (!ino.is_null()) CHECK(ino == r[k][t]);
    } else if (!v.is_null()) {
      CHECK(v == r[k]);
    }
  }

  auto text = as_nobody("ps");
  REQUIRE(text.status == 0);
  for (const auto& l : lines_of(text.out))
    if (l.find(id.substr(0, 12)) != std::string::npos) CHECK(words(l).back() == "-");
}
