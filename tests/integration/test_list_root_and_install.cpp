// --root over a fixture tree, colour only on a terminal, and the installed library's
// CMake package and pkg-config file working for a consumer.
#include <catch2/catch.hpp>

#include "nsfixtures.hpp"
#include "run.hpp"

using namespace testsupport;
using nlohmann::json;

TEST_CASE("list --root reads another system's /proc and /etc/passwd", "[list][root]") {
  std::string root = std::string(NSVIEW_FIXTURES) + "/proc-host";
  Result r = run({nsview_bin(), "list", "--root", root, "-J", "--output-all"});
  REQUIRE(r.status == 0);
  std::map<uint64_t, json> ns;
  flatten(json::parse(r.out)["namespaces"], ns);
  // Fixture proc-host: host namespaces, pid 400's own uts/pid, 300+400's net, fd- and bind-held nets.
  CHECK(ns.size() == 13);  // 8 host + 400's uts, pid + the 300/400 net + fd-held + bind-held
  REQUIRE(ns.count(4026532100));
  CHECK(ns[4026532100]["nprocs"] == 2);
  CHECK(ns[4026532100]["pid"] == 300);
  CHECK(ns[4026532100]["oldest"] == 400);
  CHECK(ns[4026532100]["command"] == "my (odd) prog");
  CHECK(ns[4026532100]["pns"].is_null());  // a fixture cannot be opened: unknown, not 0
  REQUIRE(ns.count(4026532300));
  CHECK(ns[4026532300]["command"] == "sleep 100");
  REQUIRE(ns.count(4026532600));
  CHECK(ns[4026532600]["holders"] == "fd:300/5");
  CHECK(ns[4026532600]["nprocs"] == 0);
  REQUIRE(ns.count(4026532500));
  CHECK(ns[4026532500]["holders"].get<std::string>().find("bind:/run/netns/blue sky") == 0);
  CHECK(ns[4026531836]["command"] == "/sbin/init splash");
}

TEST_CASE("no colour, on a terminal either, as lsns", "[list][color]") {
  // script(1) gives both a pseudo-terminal; lsns (libsmartcols without colours) prints plain
  // text there, and so does list, header included.
  Result tty = run({"script", "-qec", nsview_bin() + " list -o NS,TYPE", "/dev/null"});
  REQUIRE(tty.status == 0);
  CHECK(tty.out.find('\033') == std::string::npos);
  Result theirs = run({"script", "-qec", "lsns -o NS,TYPE", "/dev/null"});
  CHECK(tty.out.substr(0, tty.out.find('\n')) == theirs.out.substr(0, theirs.out.find('\n')));
  Result piped = run({nsview_bin(), "list", "-o", "NS,TYPE"});
  CHECK(piped.out.find('\033') == std::string::npos);
}

TEST_CASE("cmake --install gives a usable CMake package and pkg-config file", "[install]") {
  std::string tmp = sh_out("mktemp -d /tmp/nsview-install.XXXXXX");
  Cleanup rm("rm -rf " + tmp);
  std::string build = sh_out("dirname $(dirname " + nsview_bin() + ")");
  REQUIRE(sh("cmake --install " + build + " --prefix " + tmp + "/prefix >/dev/null").status == 0);
  CHECK(sh("test -x " + tmp + "/prefix/bin/nsview").status == 0);
  // Man pages, completions, and lsns/nsenter links in a directory of their own.
  for (const char* page : {"nsview", "nsview-list", "nsview-enter", "nsview-tree", "nsview-ps", "nsview-top", "nsview-tui",
                           "nsview-inspect", "nsview-serve"})
    CHECK(sh("test -s " + tmp + "/prefix/share/man/man1/" + page + ".1").status == 0);
  CHECK(sh("test -e " + tmp + "/prefix/bin/lsns").status != 0);
  Result viaLink = sh(tmp + "/prefix/libexec/nsview/compat/lsns -n -o NS -p 1 -t pid");
  CHECK(viaLink.status == 0);
  CHECK(trimmed(viaLink.out) == trimmed(sh_out("lsns -n -o NS -p 1 -t pid")));
  Result enterLink = sh(tmp + "/prefix/libexec/nsview/compat/nsenter --bogus");
  CHECK(enterLink.err.rfind("nsenter: ", 0) == 0);
  Result comp = run({"bash", "-c", "source " + tmp + "/prefix/share/bash-completion/completions/nsview; "
                     "COMP_WORDS=(" + tmp + "/prefix/bin/nsview li); COMP_CWORD=1; _nsview; echo ${COMPREPLY[@]}"});
  CHECK(trimmed(comp.out) == "list");
  // Columns come from the tables of the nsview being completed: list's, and each tree kind's.
  auto complete = [&](const std::string& words, int cword) {
    return trimmed(run({"bash", "-c", "source " + tmp + "/prefix/share/bash-completion/completions/nsview; "
                        "COMP_WORDS=(" + tmp + "/prefix/bin/nsview " + words + "); COMP_CWORD=" +
                        std::to_string(cword) + "; _nsview; echo ${COMPREPLY[@]}"}).out);
  };
  CHECK(complete("list -o NETN", 3) == "NETNSID");
  CHECK(complete("tree cgroup -o NTH", 4) == "NTHROTTLED");
  CHECK(complete("tree proc -o NEW", 4) == "NEWNS");
  CHECK(complete("tree cgroup -o MEM,OOM", 4) == "MEM,OOMKILLS");
  CHECK(sh("test -s " + tmp + "/prefix/share/zsh/site-functions/_nsview").status == 0);
  CHECK(sh("ls " + tmp + "/prefix/lib*/libnsinspect.so.0* >/dev/null 2>&1 || ls " + tmp +
           "/prefix/lib/*/libnsinspect.so.0* >/dev/null").status == 0);
  // A consumer through find_package(nsinspect).
  sh_out("mkdir -p " + tmp + "/app && cd " + tmp + "/app && printf '%s\\n' "
         "'cmake_minimum_required(VERSION 3.20)' 'project(app CXX)' 'set(CMAKE_CXX_STANDARD 20)' "
         "'find_package(nsinspect REQUIRED)' 'add_executable(app main.cpp)' "
         "'target_link_libraries(app PRIVATE nsinspect::nsinspect)' > CMakeLists.txt && printf '%s\\n' "
         "'#include <nsinspect/scan.hpp>' '#include <cstdio>' "
         "'int main() { auto s = nsinspect::scan(); std::printf(\"%zu\\\\n\", s.namespaces.size()); return s.namespaces.empty(); }' > main.cpp");
  const std::string flags = NSVIEW_CONSUMER_FLAGS;
  Result cm = sh("cd " + tmp + "/app && cmake -S . -B b -DCMAKE_PREFIX_PATH=" + tmp + "/prefix '-DCMAKE_CXX_FLAGS=" +
                 flags + "' >/dev/null && cmake --build b >/dev/null");
  INFO(cm.err);
  REQUIRE(cm.status == 0);
  Result app = sh("LD_LIBRARY_PATH=$(dirname $(find " + tmp + "/prefix -name 'libnsinspect.so.0' | head -1)) " + tmp + "/app/b/app");
  CHECK(app.status == 0);
  CHECK(std::stoi(app.out) > 0);
  // And through pkg-config.
  Result pc = sh("PKG_CONFIG_PATH=$(dirname $(find " + tmp + "/prefix -name nsinspect.pc)) pkg-config --cflags --libs nsinspect");
  REQUIRE(pc.status == 0);
  CHECK(pc.out.find("-lnsinspect") != std::string::npos);
  Result g = sh("cd " + tmp + "/app && PKG_CONFIG_PATH=$(dirname $(find " + tmp + "/prefix -name nsinspect.pc)) "
                "g++ " + flags + " main.cpp $(PKG_CONFIG_PATH=$(dirname $(find " + tmp + "/prefix -name nsinspect.pc)) pkg-config --cflags --libs nsinspect) -o app2");
  INFO(g.err);
  CHECK(g.status == 0);
}
