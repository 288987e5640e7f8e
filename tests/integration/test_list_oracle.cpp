// nsview list against util-linux lsns on the live system, field by field; as user nobody;
// under churn; and its error handling.
#include <algorithm>
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "nsfixtures.hpp"
#include "run.hpp"

using namespace testsupport;
using nlohmann::json;

namespace {

std::map<uint64_t, json> lsns_json(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"lsns", "-J"};
  argv.insert(argv.end(), args.begin(), args.end());
  Result r = run(argv);
  REQUIRE(r.status == 0);
  std::map<uint64_t, json> out;
  flatten(json::parse(r.out)["namespaces"], out);
  return out;
}

// Processes whose main thread exited while others live on: lsns reads their (empty) leader's
// ns links and misses them; nsview counts them through a live thread.
int zombie_leaders() {
  int n = 0;
  for (const auto& d : std::filesystem::directory_iterator("/proc")) {
    std::string name = d.path().filename();
    if (name.empty() || name[0] < '0' || name[0] > '9') continue;
    std::ifstream in(d.path() / "stat");
    std::string stat;
    if (!std::getline(in, stat)) continue;  // exited meanwhile
    auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    std::vector<std::string> f{std::istream_iterator<std::string>(rest), {}};
    if (f.size() > 17 && f[0] == "Z" && std::stol(f[17]) > 1) ++n;  // state, num_threads
  }
  return n;
}

}  // namespace

TEST_CASE("list -J --output-all agrees with lsns field by field", "[list][oracle]") {
  // A few extra namespaces so that the comparison covers more than the host's.
  std::string name = unique_name("oracle");
  REQUIRE(sh("ip netns add " + name).status == 0);
  Cleanup del("ip netns del " + name + " 2>/dev/null");
  Child u({"unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount", "--uts", "--ipc", "sleep", "1000"});
  Child n({"ip", "netns", "exec", name, "sleep", "1000"});
  descendant(u.pid(), 1);

  // Processes may come and go between the two runs (and the two listing processes differ):
  // compare, and accept a namespace once both tools agree in one of five attempts.
  std::set<uint64_t> pending;
  std::map<uint64_t, std::string> last_diff;
  for (int attempt = 0; attempt < 5; ++attempt) {
    int zl = zombie_leaders();
    auto theirs = lsns_json({"--output-all"});
    auto ours = list_json({"--output-all"});
    zl = std::max(zl, zombie_leaders());
    if (attempt == 0)
      for (auto& [ino, _] : theirs) pending.insert(ino);
    for (auto it = pending.begin(); it != pending.end();) {
      uint64_t ino = *it;
      if (!theirs.count(ino)) {  // its processes exited since lsns first saw it: nothing to compare
        it = pending.erase(it);
        continue;
      }
      if (!ours.count(ino)) {  // lsns still sees it and we do not: a miss, unless it vanishes
        last_diff[ino] = " listed by lsns, not by nsview";
        ++it;
        continue;
      }
      const json& t = theirs[ino];
      const json& o = ours[ino];
      std::string diff;
      for (auto& [key, val] : t.items()) {
        if (key == "children") continue;
        if (!o.contains(key)) {
          diff += " missing " + key;
          continue;
        }
        json ov = o[key];
        // The listing processes themselves: one lsns, the other nsview, both our children.
        if (key == "nprocs" && ov.is_number() && val.is_number() &&
            std::abs(ov.get<long>() - val.get<long>()) <= 1 && ino == ns_inode(getpid(), t["type"]))
          continue;
        // Processes lsns cannot see: at most the zombie leaders on the node.
        if (key == "nprocs" && ov.is_number() && val.is_number() && ov.get<long>() > val.get<long>() &&
            ov.get<long>() - val.get<long>() <= zl + (ino == ns_inode(getpid(), t["type"]) ? 1 : 0))
          continue;
        if (ov != val) diff += " " + key + ": lsns " + val.dump() + " nsview " + ov.dump();
      }
      if (diff.empty()) {
        it = pending.erase(it);
      } else {
        last_diff[ino] = diff;
        ++it;
      }
    }
    if (pending.empty()) break;
    sleep_ms(200);
  }
  for (uint64_t ino : pending) {
    INFO("namespace " << ino << ":" << last_diff[ino]);
    CHECK(last_diff[ino].empty());
  }
  CHECK(pending.empty());
}

TEST_CASE("list finds every namespace lsns finds, and more", "[list][oracle]") {
  std::string name = unique_name("more");
  REQUIRE(sh("ip netns add " + name).status == 0);
  Cleanup del("ip netns del " + name + " 2>/dev/null");
  auto theirs = lsns_json({});
  auto ours = list_json({});
  for (auto& [ino, t] : theirs) {
    INFO("lsns namespace " << ino << " " << t.dump());
    // A namespace whose only process exited in between is the one legitimate miss.
    if (!ours.count(ino)) CHECK(lsns_json({}).count(ino) == 0);
  }
  uint64_t processless = path_inode("/run/netns/" + name);
  CHECK(ours.count(processless));
  CHECK_FALSE(theirs.count(processless));  // lsns 2.38 does not list processless namespaces
}

TEST_CASE("as user nobody: what can be seen is listed, the rest is unknown", "[list][unprivileged]") {
  REQUIRE(is_root());  // the suite runs as root (CI does); switching to nobody needs it
  Child mine({"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "unshare", "--user", "--net", "sleep", "1000"});
  REQUIRE(Child::wait_for([&] { return ns_inode(mine.pid(), "net") != ns_inode(getpid(), "net"); }));
  Result r = run({"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", nsview_bin(), "list", "-J", "--output-all"});
  CHECK(r.status == 0);
  // One warning line, on stderr only (test_unprivileged.cpp checks its words).
  CHECK(r.err.rfind("nsview list: warning: could not read the namespaces of ", 0) == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  std::map<uint64_t, json> seen;
  flatten(json::parse(r.out)["namespaces"], seen);
  // nobody's own process: its new user and net namespaces are listed with what nobody can
  // know. Root's processes (pid 1 among them) could have joined them unseen: the count is a
  // lower bound and the lowest pid, with what comes from it, unknown.
  uint64_t net = ns_inode(mine.pid(), "net"), user = ns_inode(mine.pid(), "user");
  REQUIRE(seen.count(net));
  REQUIRE(seen.count(user));
  CHECK(seen[net]["pidlist"] == json::array({mine.pid()}));
  CHECK(seen[net]["pidlist_partial"] == true);
  CHECK(seen[net]["nprocs"] == 1);
  CHECK(seen[net]["nprocs_partial"] == true);
  CHECK(seen[net]["pid"].is_null());
  CHECK(seen[net]["user"].is_null());
  CHECK(seen[net]["ons"] == user);
  CHECK(seen[user]["owneruid"] == 65534);
  // Root's processes are invisible to nobody: no namespace claims them, and nothing is
  // reported with a wrong value - the host's namespaces' counts only include what it sees.
  for (auto& [ino, n] : seen) {
    if (n["pidlist"].is_null()) continue;
    for (auto& p : n["pidlist"]) CHECK(p.get<int>() != 1);
  }
}

TEST_CASE("listing under churn never fails or complains", "[list][churn]") {
  // Namespaces and processes appear and vanish constantly while we list.
  Child churn("i=0; while [ $i -lt 400 ]; do unshare --net --uts sleep 0.0$((i % 7)) & i=$((i+1)); "
              "[ $((i % 20)) -eq 0 ] && wait; done; wait");
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(4);
  int runs = 0;
  while (std::chrono::steady_clock::now() < end || runs < 3) {
    Result r = run({nsview_bin(), "list", "--output-all", "-J"});
    REQUIRE(r.status == 0);
    REQUIRE(r.err.empty());
    REQUIRE_NOTHROW(json::parse(r.out));
    ++runs;
  }
  CHECK(runs >= 3);
}

TEST_CASE("bad input: one clear line and exit 1", "[list][errors]") {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  std::vector<Case> cases = {
      {{"--bogus"}, "unrecognized option"},
      {{"-J", "-r"}, "mutually exclusive arguments: --json --raw"},
      {{"-P", "-p", "1"}, "mutually exclusive arguments: --persistent --task"},
      {{"-l", "-T"}, "mutually exclusive arguments: --list --tree"},
      {{"-t", "foo"}, "unknown namespace type: foo"},
      {{"-o", "NS,FOO"}, "unknown column: FOO"},
      {{"-p", "abc"}, "invalid PID argument"},
      {{"123"}, "not found namespace: 123"},
      {{"--tree=sideways"}, "unknown tree type: sideways"},
      {{"-Q", "NPROCS >"}, "failed to parse \"NPROCS >\": syntax error"},
      {{"-Q", "NOPE == 1"}, "unknown column: NOPE"},
      {{"--root", "/nonexistent-root"}, "cannot open /nonexistent-root/proc"},
  };
  for (auto& c : cases) {
    std::vector<std::string> argv{nsview_bin(), "list"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    Result r = run(argv);
    INFO("args: " << c.args.front() << " stderr: " << r.err);
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK(r.err.find(c.message) != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') <= 2);
  }
}

TEST_CASE("list output formats match lsns conventions", "[list][format]") {
  // Raw: one line per namespace plus the header, fields separated by single blanks.
  Result raw = run({nsview_bin(), "list", "-r", "-l", "-o", "NS,TYPE,NPROCS"});
  REQUIRE(raw.status == 0);
  CHECK(raw.out.rfind("NS TYPE NPROCS\n", 0) == 0);
  // -n drops the heading; --output-all has lsns's 13 columns first, in order.
  Result h = run({nsview_bin(), "list", "-n", "-l", "-o", "NS"});
  CHECK(h.out.find("NS\n") == std::string::npos);
  Result all = run({nsview_bin(), "list", "--output-all", "-l", "-r"});
  CHECK(all.out.rfind("NS TYPE PATH NPROCS PID PPID COMMAND UID USER NETNSID NSFS PNS ONS HOLDERS", 0) == 0);
  // +LIST extends the defaults.
  Result plus = run({nsview_bin(), "list", "-r", "-l", "-o", "+PNS"});
  CHECK(plus.out.rfind("NS TYPE NPROCS PID USER COMMAND PNS\n", 0) == 0);
  // -t net adds NETNSID and NSFS, as lsns does.
  Result net = run({nsview_bin(), "list", "-r", "-l", "-t", "net"});
  CHECK(net.out.rfind("NS TYPE NPROCS PID USER NETNSID NSFS COMMAND\n", 0) == 0);
  // Piped output carries no colour escapes even with a TERM set.
  CHECK(raw.out.find('\033') == std::string::npos);
}
