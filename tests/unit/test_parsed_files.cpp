// ParsedFiles, the engine state cache of container identification (containers/node_files.hpp):
// a file is parsed again only when it changed, a removed one is not answered from the cache,
// and one no scan asks for is forgotten after two sweeps. Files in a temporary directory used
// as the scan root; the parser counts its calls.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "containers/node_files.hpp"
#include "nsinspect/container_sources.hpp"

using nsinspect::containers::NodeFiles;
using nsinspect::containers::ParsedFiles;

namespace {

struct TempRoot {
  std::string dir;
  TempRoot() {
    char tmpl[] = "/tmp/nsview-parsed-files-XXXXXX";
    REQUIRE(mkdtemp(tmpl));
    dir = tmpl;
    std::filesystem::create_directories(dir + "/run/engine");
  }
  ~TempRoot() { std::filesystem::remove_all(dir); }
  void write(const std::string& path, const std::string& text) const {
    std::ofstream(dir + path, std::ios::trunc) << text;
  }
};

}  // namespace

TEST_CASE("engine state cache: a changed file is parsed again, an unchanged one is not, a removed one is dropped",
          "[containers][cache]") {
  TempRoot root;
  NodeFiles files(root.dir);
  ParsedFiles<std::string> cache;
  int parses = 0;
  auto parse = [&](const std::string& text) {
    ++parses;
    return "parsed:" + text;
  };
  const std::string a = "/run/engine/a.json", b = "/run/engine/b.json";
  root.write(a, "one");
  root.write(b, "bee");

  auto first = cache.get(files, a, parse);
  REQUIRE(first);
  CHECK(*first == "parsed:one");
  CHECK(parses == 1);

  // Unchanged: the same parse, not read again.
  auto again = cache.get(files, a, parse);
  CHECK(again == first);
  CHECK(parses == 1);

  // Changed (new contents and size): parsed again, and the new parse is what is kept.
  root.write(a, "three");
  auto changed = cache.get(files, a, parse);
  REQUIRE(changed);
  CHECK(*changed == "parsed:three");
  CHECK(parses == 2);
  CHECK(cache.get(files, a, parse) == changed);
  CHECK(parses == 2);

  // Removed: no answer from the cache.
  REQUIRE(std::filesystem::remove(root.dir + a));
  CHECK(cache.get(files, a, parse) == nullptr);
  CHECK(parses == 2);
  // Back with the old contents (a new inode): read and parsed, never the old entry.
  root.write(a, "three");
  auto back = cache.get(files, a, parse);
  REQUIRE(back);
  CHECK(*back == "parsed:three");
  CHECK(back != changed);
  CHECK(parses == 3);

  // b unchanged but not asked for over three sweeps: forgotten, so parsed again; a, asked
  // for in each sweep, stays.
  REQUIRE(cache.get(files, b, parse));
  CHECK(parses == 4);
  for (int sweep = 0; sweep < 3; ++sweep) {
    cache.sweep();
    CHECK(cache.get(files, a, parse) == back);
  }
  CHECK(parses == 4);
  auto b_again = cache.get(files, b, parse);
  REQUIRE(b_again);
  CHECK(*b_again == "parsed:bee");
  CHECK(parses == 5);
}

TEST_CASE("read_windows: a 4 MiB pod database yields every name record, also those across window edges",
          "[containers][cache]") {
  TempRoot root;
  NodeFiles files(root.dir);
  // Records at every offset modulo the 64 KiB window, padded with binary noise as in bbolt pages.
  std::string db;
  std::vector<std::string> ids;
  for (int i = 0; db.size() < (4u << 20); ++i) {
    char id[65];
    std::snprintf(id, sizeof id, "%064x", i);
    ids.emplace_back(id);
    db += std::string(static_cast<std::size_t>(i * 37 % 1000), '\x01');
    db += "{\"id\":\"" + ids.back() + "\",\"name\":\"pod-" + std::to_string(i) + "\",\"labels\":{}}";
  }
  root.write("/run/engine/bolt_state.db", db);
  std::unordered_map<std::string, std::string> names;
  std::size_t windows = 0, largest = 0;
  REQUIRE(files.read_windows("/run/engine/bolt_state.db", 512, [&](std::string_view w) {
    ++windows;
    largest = std::max(largest, w.size());
    names.merge(nsinspect::containers::parse_podman_db_names(w));
  }));
  CHECK(names == nsinspect::containers::parse_podman_db_names(db));  // the whole file at once
  CHECK(names.size() == ids.size());
  CHECK(names.at(ids[1234]) == "pod-1234");
  CHECK(largest == 65536);
  CHECK(windows >= db.size() / 65536);
  CHECK_FALSE(files.read_windows("/run/engine/absent.db", 512, [](std::string_view) {}));
}
