// Private fixture trees for unit tests: a temporary directory removed at scope exit (also
// when a REQUIRE fails), and files written into it.
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <stdlib.h>
#include <string>

namespace nsview::test {

struct TempDir {
  std::string path;
  explicit TempDir(const std::string& prefix = "nsview-fixture") {
    std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
    REQUIRE(mkdtemp(tmpl.data()));
    path = tmpl;
  }
  ~TempDir() { (void)std::system(("rm -rf '" + path + "'").c_str()); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

inline void sh(const std::string& cmd) { REQUIRE(std::system(cmd.c_str()) == 0); }

// Writes a file, making its directories; an existing file is rewritten in place (same
// inode, as a cgroup file's text changes).
inline void put(const std::string& file, const std::string& text) {
  sh("mkdir -p \"$(dirname '" + file + "')\"");
  std::ofstream f(file, std::ios::trunc);
  REQUIRE(f);
  f << text;
}

}  // namespace nsview::test
