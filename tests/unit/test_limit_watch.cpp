// LimitWatch on real inotify (directories on /tmp raise the events cgroupfs raises): which
// events make a handle's limits be read again, the watch budget, a removed directory.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fcntl.h>
#include <string>
#include <unistd.h>
#include <vector>

#include "cgroups/limit_watch.hpp"
#include "fixture_files.hpp"

using nsinspect::detail::Fd;
using nsinspect::detail::LimitWatch;
using nsview::test::put;
using nsview::test::sh;
using nsview::test::TempDir;

namespace {

struct Polled {
  std::vector<LimitWatch::Handle> changed;  // sorted, each once
  std::vector<LimitWatch::Dropped> dropped;
};

// One poll, 20 ms after the last (poll reads the inotify fd at most every 10 ms).
Polled poll(LimitWatch& w) {
  usleep(20000);
  Polled p;
  w.poll(p.changed, p.dropped);
  std::sort(p.changed.begin(), p.changed.end());
  p.changed.erase(std::unique(p.changed.begin(), p.changed.end()), p.changed.end());
  return p;
}

Fd open_dir(const std::string& path) { return Fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)); }

using Handles = std::vector<LimitWatch::Handle>;

}  // namespace

TEST_CASE("limit watch: a limit file written, a file made or removed report the handles, other writes do not", "[cgroup]") {
  TempDir d{"nsview-limwatch"};
  put(d.path + "/a/memory.max", "max\n");
  put(d.path + "/a/memory.current", "0\n");
  put(d.path + "/b/pids.max", "max\n");
  LimitWatch w(16);
  Fd a = open_dir(d.path + "/a"), b = open_dir(d.path + "/b");
  REQUIRE(a);
  REQUIRE(b);
  const int wa = w.add(a.get(), 1), wb = w.add(b.get(), 2);
  REQUIRE(wa >= 0);
  REQUIRE(wb >= 0);
  CHECK(wa != wb);
  CHECK(w.add(a.get(), 3) == wa);  // a second handle on the same directory shares its watch
  CHECK(poll(w).changed.empty());

  put(d.path + "/a/memory.current", "4096\n");  // not a limit
  CHECK(poll(w).changed.empty());
  put(d.path + "/a/memory.max", "1048576\n");
  CHECK(poll(w).changed == Handles{1, 3});
  put(d.path + "/b/pids.max", "100\n");
  CHECK(poll(w).changed == Handles{2});
  // A v2 controller enabled or disabled makes or removes its files.
  put(d.path + "/b/cpu.weight", "100\n");
  CHECK(poll(w).changed == Handles{2});
  sh("rm " + d.path + "/b/cpu.weight");
  CHECK(poll(w).changed == Handles{2});
  // A child cgroup made or removed changes no limit of this one.
  sh("mkdir " + d.path + "/b/child && rmdir " + d.path + "/b/child");
  CHECK(poll(w).changed.empty());

  // A handle that stops using the watch is no longer reported; the other one still is.
  w.remove(wa, 1);
  put(d.path + "/a/memory.max", "max\n");
  CHECK(poll(w).changed == Handles{3});

  // The directory removed: the kernel drops its watch, reported once for its handle. It does
  // so when the inode goes, after the last fd of the directory is closed.
  a.reset();
  sh("rm -rf " + d.path + "/a");
  auto gone = poll(w);
  REQUIRE(gone.dropped.size() == 1);
  CHECK(gone.dropped[0].handle == 3);
  CHECK(gone.dropped[0].wd == wa);
  CHECK(poll(w).dropped.empty());
}

TEST_CASE("limit watch: past its budget a new directory gets no watch, a watched one still does", "[cgroup]") {
  TempDir d{"nsview-limwatch"};
  sh("mkdir " + d.path + "/a " + d.path + "/b");
  Fd a = open_dir(d.path + "/a"), b = open_dir(d.path + "/b");
  REQUIRE(a);
  REQUIRE(b);
  LimitWatch w(1);
  const int wa = w.add(a.get(), 1);
  REQUIRE(wa >= 0);
  CHECK(w.add(b.get(), 2) == -1);  // out of budget: the reader reads b's limits every time
  CHECK(w.add(a.get(), 3) == wa);  // already watched: costs nothing
  put(d.path + "/b/memory.max", "1\n");
  CHECK(poll(w).changed.empty());  // b was never watched
  // Freed by its last user, the watch is available again.
  w.remove(wa, 1);
  w.remove(wa, 3);
  const int wb = w.add(b.get(), 2);
  CHECK(wb >= 0);
  put(d.path + "/b/memory.max", "2\n");
  CHECK(poll(w).changed == Handles{2});
  CHECK(LimitWatch(0).add(a.get(), 1) == -1);
  CHECK(w.add(-1, 4) == -1);  // no directory kept open
}
