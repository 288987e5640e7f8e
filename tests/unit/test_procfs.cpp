#include <catch2/catch.hpp>

#include "nsinspect/procfs.hpp"

using namespace nsinspect;
using namespace nsinspect::procfs;

TEST_CASE("parse_stat handles comm with spaces and parentheses") {
  std::string text =
      "4711 (my (odd) prog) S 1 4711 4711 0 -1 4194560 100 0 0 0 7 3 0 0 20 0 3 0 12345 "
      "1000000 250 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
  auto st = parse_stat(text);
  REQUIRE(st);
  CHECK(st->pid == 4711);
  CHECK(st->comm == "my (odd) prog");
  CHECK(st->state == 'S');
  CHECK(st->ppid == 1);
  CHECK(st->flags == 4194560);
  CHECK(st->utime == 7);
  CHECK(st->stime == 3);
  CHECK(st->num_threads == 3);
  CHECK(st->start_time == 12345);
  CHECK(st->vsize == 1000000);
  CHECK(st->rss_pages == 250);
}

TEST_CASE("parse_stat rejects truncated text") {
  CHECK_FALSE(parse_stat("12 (x) S 1 2 3"));
  CHECK_FALSE(parse_stat("garbage"));
  CHECK_FALSE(parse_stat(""));
}

TEST_CASE("parse_status reads uids and the NSpid chain") {
  std::string text =
      "Name:\tsleep\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t5000\nNgid:\t0\nPid:\t5000\n"
      "PPid:\t4990\nUid:\t1000\t1001\t1002\t1003\nGid:\t100\t101\t102\t103\n"
      "NSpid:\t5000\t72\t1\nThreads:\t4\nVmRSS:\t    2048 kB\n";
  auto s = parse_status(text);
  CHECK(s.real_uid == 1000u);
  CHECK(s.effective_uid == 1001u);
  CHECK(s.real_gid == 100u);
  CHECK(s.nspid == std::vector<pid_t>{5000, 72, 1});
  CHECK(s.threads == 4);
  CHECK(s.vm_rss_bytes == 2048u * 1024);
}

TEST_CASE("parse_ns_link") {
  auto l = parse_ns_link("net:[4026531840]");
  REQUIRE(l);
  CHECK(l->type == NsType::net);
  CHECK(l->inode == 4026531840u);
  CHECK(parse_ns_link("pid_for_children:[1]") == std::nullopt);  // not a type name
  CHECK(parse_ns_link("cgroup:[4026531835]")->type == NsType::cgroup);
  CHECK_FALSE(parse_ns_link("net:[]"));
  CHECK_FALSE(parse_ns_link("net:[12x]"));
  CHECK_FALSE(parse_ns_link("socket:[123]"));
  CHECK_FALSE(parse_ns_link("/dev/null"));
  CHECK(parse_socket_link("socket:[98765]") == 98765u);
  CHECK_FALSE(parse_socket_link("pipe:[98765]"));
}

TEST_CASE("parse_cmdline splits on NUL") {
  using V = std::vector<std::string>;
  CHECK(parse_cmdline(std::string("sleep\0" "100\0", 10)) == V{"sleep", "100"});
  CHECK(parse_cmdline(std::string("a\0\0b\0", 5)) == V{"a", "", "b"});
  CHECK(parse_cmdline("").empty());
  CHECK(parse_cmdline("noterminator") == V{"noterminator"});
}

TEST_CASE("parse_mountinfo with escapes and optional fields") {
  std::string text =
      "36 35 98:0 /mnt1 /mnt/with\\040space rw,noatime master:1 shared:7 - ext3 /dev/root rw,errors=continue\n"
      "612 30 0:4 net:[4026532281] /run/netns/blue rw shared:295 - nsfs nsfs rw\n"
      "22 1 0:21 / /proc rw,nosuid - proc proc rw\n"
      "broken line\n";
  auto m = parse_mountinfo(text);
  REQUIRE(m.size() == 3);
  CHECK(m[0].mount_id == 36);
  CHECK(m[0].parent_id == 35);
  CHECK(m[0].major == 98);
  CHECK(m[0].minor == 0);
  CHECK(m[0].root == "/mnt1");
  CHECK(m[0].mount_point == "/mnt/with space");
  CHECK(m[0].optional_fields == std::vector<std::string>{"master:1", "shared:7"});
  CHECK(m[0].fstype == "ext3");
  CHECK(m[0].source == "/dev/root");
  CHECK(m[0].super_options == "rw,errors=continue");
  CHECK(m[1].fstype == "nsfs");
  CHECK(m[1].root == "net:[4026532281]");
  CHECK(m[1].mount_point == "/run/netns/blue");
  CHECK(m[2].optional_fields.empty());
  CHECK(unescape_mount_field("a\\011b\\012c\\134d") == "a\tb\nc\\d");
  CHECK(unescape_mount_field("trailing\\04") == "trailing\\04");
}

TEST_CASE("parse_cgroup v1, hybrid and v2 lines") {
  std::string text =
      "12:pids:/user.slice\n11:cpu,cpuacct:/system.slice/x.service\n1:name=systemd:/init.scope\n"
      "0::/system.slice/weird:name.scope\n";
  auto c = parse_cgroup(text);
  REQUIRE(c.size() == 4);
  CHECK(c[0].hierarchy_id == 12);
  CHECK(c[0].controllers == std::vector<std::string>{"pids"});
  CHECK(c[1].controllers == std::vector<std::string>{"cpu", "cpuacct"});
  CHECK(c[2].controllers == std::vector<std::string>{"name=systemd"});
  CHECK(c[3].hierarchy_id == 0);
  CHECK(c[3].controllers.empty());
  CHECK(c[3].path == "/system.slice/weird:name.scope");
}

TEST_CASE("parse_passwd") {
  auto u = parse_passwd("root:x:0:0:root:/root:/bin/bash\n# comment\nnobody:x:65534:65534::/:/bin/false\nbad\n");
  REQUIRE(u.size() == 2);
  CHECK(u[0] == std::pair<uid_t, std::string>{0, "root"});
  CHECK(u[1] == std::pair<uid_t, std::string>{65534, "nobody"});
}
