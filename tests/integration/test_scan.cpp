#include <catch2/catch.hpp>

#include <unistd.h>

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
