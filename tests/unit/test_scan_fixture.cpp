// scan() over a fixture tree (ScanOptions::root): the same code that reads the live /proc.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "nsinspect/json.hpp"
#include "nsinspect/scan.hpp"

using namespace nsinspect;

namespace {
Snapshot fixture_scan() {
  ScanOptions o;
  o.root = std::string(NSVIEW_FIXTURES) + "/proc-host";
  return scan(o);
}
}  // namespace

TEST_CASE("fixture scan: processes with their fields") {
  auto s = fixture_scan();
  REQUIRE(s.processes.size() == 3);
  CHECK(s.self_pid == 0);  // not the live system: no "self"
  const Process* p = s.process(300);
  REQUIRE(p);
  CHECK(p->comm == "my (odd) prog");
  CHECK(p->ppid == 1);
  CHECK(p->start_time == 500);
  CHECK(p->cmdline.empty());
  CHECK(p->command() == "my (odd) prog");
  struct stat st;
  REQUIRE(stat((std::string(NSVIEW_FIXTURES) + "/proc-host/proc/300").c_str(), &st) == 0);
  CHECK(p->uid == st.st_uid);  // lsns's UID: the owner of /proc/PID
  const Process* sl = s.process(400);
  REQUIRE(sl);
  CHECK(sl->command() == "sleep 100");
  CHECK(sl->nspid == std::vector<pid_t>{400, 1});
  CHECK(sl->ns_of(NsType::pid) == 4026532300u);
  CHECK(sl->cgroups.size() == 3);
  CHECK(s.user_name(1000) == "alice");
}

TEST_CASE("fixture scan: namespaces, members, lowest and oldest pid, holders") {
  auto s = fixture_scan();
  const Namespace* host_pid = s.ns(4026531836);
  REQUIRE(host_pid);
  CHECK(host_pid->pids == std::vector<pid_t>{1, 300});
  CHECK(host_pid->lowest_pid == 1);
  const Namespace* net = s.ns(4026532100);
  REQUIRE(net);
  CHECK(net->type == NsType::net);
  CHECK(net->pids == std::vector<pid_t>{300, 400});
  CHECK(net->lowest_pid == 300);
  CHECK(net->oldest_pid == 400);  // started at tick 400, before 300 (tick 500): pid reuse
  CHECK_FALSE(net->inspected);    // symlinks cannot be opened as namespaces
  CHECK_FALSE(net->parent);
  // An nsfs fd of pid 300 to a namespace with no process.
  const Namespace* fdns = s.ns(4026532600);
  REQUIRE(fdns);
  CHECK(fdns->pids.empty());
  REQUIRE(fdns->holders.size() == 1);
  CHECK(fdns->holders[0].kind == HolderKind::fd);
  CHECK(fdns->holders[0].pid == 300);
  CHECK(fdns->holders[0].number == 5);
  // A bind mount, found in one member of each mount namespace (1 and 300 share one).
  const Namespace* bound = s.ns(4026532500);
  REQUIRE(bound);
  REQUIRE(bound->holders.size() == 1);
  CHECK(bound->holders[0].kind == HolderKind::bind_mount);
  CHECK(bound->holders[0].path.str() == "/run/netns/blue sky");
  CHECK(bound->holders[0].mnt_ns == 4026531841u);
  CHECK(s.namespaces.size() == 13);  // 8 host + net + uts + pid of 400, fd-held, bind-held
  CHECK(std::is_sorted(s.namespaces.begin(), s.namespaces.end(),
                       [](auto& a, auto& b) { return a.inode < b.inode; }));
}

TEST_CASE("fixture scan: sources switch off") {
  ScanOptions o;
  o.root = std::string(NSVIEW_FIXTURES) + "/proc-host";
  o.fds = false;
  o.bind_mounts = false;
  o.cmdline = false;
  o.status = false;
  auto s = scan(o);
  CHECK_FALSE(s.ns(4026532600));
  CHECK_FALSE(s.ns(4026532500));
  CHECK(s.process(400)->cmdline.empty());
  CHECK(s.process(400)->nspid.empty());
}

TEST_CASE("fixture scan: JSON dump carries the graph") {
  auto j = to_json(fixture_scan());
  CHECK(j["version"] == 1);
  CHECK(j["processes"].size() == 3);
  CHECK(j["processes"][2]["nspid"] == nlohmann::json::array({400, 1}));
  CHECK(j["processes"][2]["namespaces"]["pid"] == 4026532300u);
  bool found = false;
  for (auto& n : j["namespaces"])
    if (n["inode"] == 4026532600u) {
      found = true;
      CHECK(n["holders"][0]["kind"] == "fd");
      CHECK(n["holders"][0]["fd"] == 5);
      CHECK(n["pids"].empty());
    }
  CHECK(found);
}

TEST_CASE("scan of a root without /proc is an error") {
  ScanOptions o;
  o.root = "/nonexistent-nsview-root";
  CHECK_THROWS_WITH(scan(o), Catch::Contains("cannot open /nonexistent-nsview-root/proc"));
}
