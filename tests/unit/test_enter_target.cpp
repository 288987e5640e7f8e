// Pure parts of `enter`: target strings, container lookup over a hand-built snapshot, the
// passwd shell, and where a process's cgroups are mounted.
#include <catch2/catch.hpp>

#include "nsinspect/enter.hpp"

using namespace nsinspect;
using namespace nsinspect::enter;

TEST_CASE("parse_target tells pids, namespaces, paths and containers apart", "[enter]") {
  auto pid = parse_target("1234");
  REQUIRE(pid);
  CHECK(pid->kind == TargetSpec::Kind::pid);
  CHECK(pid->pid == 1234);
  CHECK(!pid->pidfd_inode);

  auto pinned = parse_target("1234:5678");
  REQUIRE(pinned);
  CHECK(pinned->kind == TargetSpec::Kind::pid);
  CHECK(pinned->pid == 1234);
  CHECK(pinned->pidfd_inode == 5678u);

  auto ino = parse_target("4026531840");
  REQUIRE(ino);
  CHECK(ino->kind == TargetSpec::Kind::ns_inode);
  CHECK(ino->inode == 4026531840u);
  CHECK(!ino->type);
  // The largest possible pid is still a pid.
  CHECK(parse_target("4194304")->kind == TargetSpec::Kind::pid);
  CHECK(parse_target("4194305")->kind == TargetSpec::Kind::ns_inode);

  auto link = parse_target("net:[4026532008]");
  REQUIRE(link);
  CHECK(link->kind == TargetSpec::Kind::ns_inode);
  CHECK(link->type == NsType::net);
  CHECK(link->inode == 4026532008u);
  CHECK(parse_target("mnt:4026531841")->type == NsType::mnt);

  CHECK(parse_target("/run/netns/blue")->kind == TargetSpec::Kind::ns_path);
  CHECK(parse_target("./ns")->kind == TargetSpec::Kind::ns_path);

  auto name = parse_target("web");
  REQUIRE(name);
  CHECK(name->kind == TargetSpec::Kind::container);
  CHECK(name->text == "web");
  CHECK(parse_target("mypod/web")->kind == TargetSpec::Kind::container);
  CHECK(parse_target("3f2a")->kind == TargetSpec::Kind::container);  // a hex id prefix

  CHECK(!parse_target(""));
  CHECK(!parse_target("0"));
  CHECK(!parse_target("net:[x]"));
  CHECK(!parse_target("net:[0]"));
  CHECK(!parse_target("12:0"));
  CHECK(!parse_target("99999999:5"));  // beyond any pid
}

namespace {

Container make(std::string id, std::string name, std::optional<std::string> pod = std::nullopt) {
  Container c;
  c.id = std::move(id);
  c.name = std::move(name);
  c.engine = "podman";
  c.init_pid = 100;
  if (pod) c.pod = PodRef{"podid-" + *pod, *pod, ""};
  return c;
}

Snapshot snapshot() {
  Snapshot s;
  s.containers = {
      make("aaaa1111bbbb", "web", "shop"),
      make("aaaa2222cccc", "db", "shop"),
      make("bbbb3333dddd", "shop-cache", "shop"),  // podman kube play names POD-CONTAINER
      make("cccc4444eeee", "aaaa1111bbbb"),        // a name that looks like another's id
      make("dddd5555ffff", "web2"),
  };
  Container k8s = make("eeee6666aaaa", "k8s_nginx_frontend_default_uid_0", "frontend");
  k8s.labels["io.kubernetes.container.name"] = "nginx";
  s.containers.push_back(k8s);
  return s;
}

std::string id_of(const ContainerMatch& m) { return m.container ? m.container->id : "-"; }

}  // namespace

TEST_CASE("find_container: name, POD/NAME, id, id prefix - ambiguity lists candidates", "[enter]") {
  Snapshot s = snapshot();
  CHECK(id_of(find_container(s, "web")) == "aaaa1111bbbb");
  CHECK(id_of(find_container(s, "web2")) == "dddd5555ffff");
  CHECK(id_of(find_container(s, "shop/db")) == "aaaa2222cccc");
  CHECK(id_of(find_container(s, "podid-shop/db")) == "aaaa2222cccc");
  CHECK(id_of(find_container(s, "shop/cache")) == "bbbb3333dddd");
  CHECK(id_of(find_container(s, "frontend/nginx")) == "eeee6666aaaa");
  CHECK(id_of(find_container(s, "other/db")) == "-");
  // An exact name wins over an id that is spelled the same.
  CHECK(id_of(find_container(s, "aaaa1111bbbb")) == "cccc4444eeee");
  CHECK(id_of(find_container(s, "aaaa2222cccc")) == "aaaa2222cccc");
  CHECK(id_of(find_container(s, "dddd")) == "dddd5555ffff");
  CHECK(id_of(find_container(s, "nope")) == "-");
  CHECK(find_container(s, "nope").candidates.empty());
  CHECK(id_of(find_container(s, "")) == "-");

  ContainerMatch amb = find_container(s, "aaaa");
  CHECK(!amb.container);
  REQUIRE(amb.candidates.size() == 2);
  CHECK(amb.candidates[0]->id == "aaaa1111bbbb");
  CHECK(amb.candidates[1]->id == "aaaa2222cccc");

  // Two engines may use the same name: ambiguous as well.
  s.containers.push_back(make("ffff7777aaaa", "web2"));
  CHECK(find_container(s, "web2").candidates.size() == 2);
}

TEST_CASE("passwd_shell finds a uid's login shell", "[enter]") {
  const char* passwd =
      "# comment\n"
      "root:x:0:0:root:/root:/bin/bash\n"
      "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
      "empty:x:5:5::/home/empty:\n"
      "short:x:6:6\n";
  CHECK(passwd_shell(passwd, 0) == "/bin/bash");
  CHECK(passwd_shell(passwd, 1) == "/usr/sbin/nologin");
  CHECK(!passwd_shell(passwd, 5));
  CHECK(!passwd_shell(passwd, 6));
  CHECK(!passwd_shell(passwd, 42));
  CHECK(!passwd_shell("", 0));
}

TEST_CASE("cgroup_procs_paths maps each hierarchy to its mount", "[enter]") {
  // A hybrid host like this one: v1 controllers plus the unified v2 tree.
  const char* mountinfo =
      "25 1 0:22 / /sys rw shared:7 - sysfs sysfs rw\n"
      "30 25 0:26 / /sys/fs/cgroup ro shared:9 - tmpfs tmpfs ro,mode=755\n"
      "31 30 0:27 / /sys/fs/cgroup/unified rw shared:10 - cgroup2 cgroup2 rw,nsdelegate\n"
      "32 30 0:28 / /sys/fs/cgroup/systemd rw shared:11 - cgroup cgroup rw,xattr,name=systemd\n"
      "33 30 0:29 / /sys/fs/cgroup/pids rw shared:12 - cgroup cgroup rw,pids\n"
      "34 30 0:30 / /sys/fs/cgroup/cpu rw shared:13 - cgroup cgroup rw,cpu\n"
      "35 30 0:31 / /sys/fs/cgroup/cpuacct rw shared:14 - cgroup cgroup rw,cpuacct\n"
      "36 30 0:32 /sub /mnt/memsub rw shared:15 - cgroup cgroup rw,memory\n";
  const char* cgroup =
      "7:memory:/sub/app\n"
      "5:cpuacct:/a/b\n"
      "4:cpu:/a/b\n"
      "3:pids:/x\n"
      "2:blkio:/unmounted\n"
      "1:name=systemd:/\n"
      "0::/libpod_parent/libpod-1234\n";
  std::vector<std::string> want = {
      "/mnt/memsub/app/cgroup.procs",
      "/sys/fs/cgroup/cpuacct/a/b/cgroup.procs",
      "/sys/fs/cgroup/cpu/a/b/cgroup.procs",
      "/sys/fs/cgroup/pids/x/cgroup.procs",
      "/sys/fs/cgroup/systemd/cgroup.procs",
      "/sys/fs/cgroup/unified/libpod_parent/libpod-1234/cgroup.procs",
  };
  CHECK(cgroup_procs_paths(cgroup, mountinfo) == want);

  // Pure v2, and a path outside our cgroup namespace (skipped).
  const char* v2 = "40 1 0:40 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
  CHECK(cgroup_procs_paths("0::/kubepods.slice/x.scope\n", v2) ==
        std::vector<std::string>{"/sys/fs/cgroup/kubepods.slice/x.scope/cgroup.procs"});
  CHECK(cgroup_procs_paths("0::/\n", v2) == std::vector<std::string>{"/sys/fs/cgroup/cgroup.procs"});
  CHECK(cgroup_procs_paths("0::/../other\n", v2).empty());
  // A mount whose root is not a prefix of the path does not hold it.
  CHECK(cgroup_procs_paths("7:memory:/elsewhere\n", mountinfo).empty());
}
