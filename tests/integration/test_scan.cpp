#include <catch2/catch.hpp>

#include <unistd.h>
#include <nlohmann/json.hpp>
#include <cstdlib>

#include "nsinspect/scan.hpp"
#include "run.hpp"

using namespace nsinspect;
using namespace testsupport;

TEST_CASE("scan sees this process with its namespaces") {
  auto snap = scan();
  const Process* self = snap.process(getpid());
  REQUIRE(self);
  for (auto t : kAllNsTypes) {
    auto link = readlink_str("/proc/self/ns/" + std::string(ns_type_name(t)));
    REQUIRE(self->ns_of(t));
    CHECK(link == std::string(ns_type_name(t)) + ":[" + std::to_string(*self->ns_of(t)) + "]");
    const Namespace* n = snap.ns(*self->ns_of(t));
    REQUIRE(n);
    CHECK(std::find(n->pids.begin(), n->pids.end(), getpid()) != n->pids.end());
  }
}

TEST_CASE("dump -J: a process in nested pid namespaces, checked against /proc") {
  Child u({"unshare", "--user", "--map-root-user", "--pid", "--fork", "sleep", "1000"});
  pid_t sleeper = 0;
  REQUIRE(Child::wait_for([&] {
    std::string kids = sh("cat /proc/" + std::to_string(u.pid()) + "/task/" + std::to_string(u.pid()) + "/children").out;
    sleeper = std::atoi(kids.c_str());
    return sleeper > 0;
  }));
  Result r = run({nsview_bin(), "dump", "-J"});
  REQUIRE(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  const nlohmann::json* entry = nullptr;
  for (auto& p : j["processes"])
    if (p["pid"] == sleeper) entry = &p;
  REQUIRE(entry);
  // NSpid from /proc/PID/status: "sleeper 1".
  CHECK((*entry)["nspid"] == nlohmann::json::array({sleeper, 1}));
  CHECK((*entry)["ppid"] == u.pid());
  CHECK((*entry)["comm"] == "sleep");
  CHECK((*entry)["cmdline"] == nlohmann::json::array({"sleep", "1000"}));
  for (auto t : kAllNsTypes) {
    std::string name(ns_type_name(t));
    auto link = readlink_str("/proc/" + std::to_string(sleeper) + "/ns/" + name);
    CHECK(link == name + ":[" + std::to_string((*entry)["namespaces"][name].get<uint64_t>()) + "]");
  }
  // Its pid namespace: parent is ours, owner the new user namespace; in the namespace list.
  uint64_t pidns = (*entry)["namespaces"]["pid"];
  for (auto& n : j["namespaces"])
    if (n["inode"] == pidns) {
      CHECK(n["parent"] == std::stoull(readlink_str("/proc/self/ns/pid").substr(5)));
      CHECK(n["owner"] == (*entry)["namespaces"]["user"]);
      CHECK(n["pids"] == nlohmann::json::array({sleeper}));
      CHECK(n["inspected"] == true);
    }
}
