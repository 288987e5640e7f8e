// nsenter 2.42's argument grammar and messages (util-linux lib/pidutils.c, lib/strutils.c,
// sys-utils/nsenter.c): which strings -t, -S/-G and -N accept, and the bytes of the errors.
#include <catch2/catch.hpp>

#include <cerrno>

#include "nsinspect/enter.hpp"

using namespace nsinspect;
using namespace nsinspect::enter;

TEST_CASE("parse_pid_arg reads -t as ul_parse_pid_str does", "[enter][nsenter]") {
  auto ok = parse_pid_arg("1234");
  CHECK(ok.error == 0);
  CHECK(ok.pid == 1234);
  CHECK(ok.pidfd_inode == 0);
  auto pinned = parse_pid_arg("1234:5678");
  CHECK(pinned.error == 0);
  CHECK(pinned.pid == 1234);
  CHECK(pinned.pidfd_inode == 5678u);
  // strtoimax skips blanks and takes a sign; INT_MAX is still a pid (nsenter opens it).
  CHECK(parse_pid_arg(" 12").pid == 12);
  CHECK(parse_pid_arg("+12").pid == 12);
  CHECK(parse_pid_arg("2147483647").error == 0);

  CHECK(parse_pid_arg("").error == EINVAL);
  CHECK(parse_pid_arg("abc").error == EINVAL);
  CHECK(parse_pid_arg("12x").error == EINVAL);
  CHECK(parse_pid_arg("1:").error == EINVAL);
  CHECK(parse_pid_arg("1:x").error == EINVAL);
  CHECK(parse_pid_arg("0").error == ERANGE);
  CHECK(parse_pid_arg("-1").error == ERANGE);
  CHECK(parse_pid_arg("2147483648").error == ERANGE);
  CHECK(parse_pid_arg("99999999999999999999999").error == ERANGE);
  CHECK(parse_pid_arg("1:0").error == ERANGE);
  CHECK(parse_pid_arg("1:-5").error == ERANGE);

  CHECK(pid_arg_error("abc", EINVAL) == "failed to parse PID argument 'abc': Invalid argument");
  CHECK(pid_arg_error("0", ERANGE) == "failed to parse PID argument '0': Numerical result out of range");
}

TEST_CASE("-S/-G and -N numbers as strtoul_or_err and str2num_or_err read them", "[enter][nsenter]") {
  CHECK(parse_ul_unsigned("0").value == 0);
  CHECK(parse_ul_unsigned("4294967295").value == 4294967295);
  CHECK(parse_ul_unsigned("").error == EINVAL);
  CHECK(parse_ul_unsigned("x").error == EINVAL);
  CHECK(parse_ul_unsigned("1x").error == EINVAL);
  CHECK(parse_ul_unsigned("-1").error == ERANGE);  // 2.38 took it (as ULONG_MAX)
  CHECK(parse_ul_unsigned("99999999999999999999999").error == ERANGE);

  CHECK(parse_ul_fd("3").value == 3);
  CHECK(parse_ul_fd("-1").error == 0);  // a lower bound of 0 is no bound in util-linux
  CHECK(parse_ul_fd("-1").value == -1);
  CHECK(parse_ul_fd("2147483647").error == 0);
  CHECK(parse_ul_fd("2147483648").error == ERANGE);
  CHECK(parse_ul_fd("x").error == EINVAL);

  CHECK(ul_number_error("failed to parse uid", "x", EINVAL) == "failed to parse uid: 'x'");
  CHECK(ul_number_error("failed to parse uid", "-1", ERANGE) ==
        "failed to parse uid: '-1': Numerical result out of range");
}

TEST_CASE("-t strings nsview may still find, and those it reports at once", "[enter][nsenter]") {
  CHECK(extra_target_possible("web"));
  CHECK(extra_target_possible("3f2a9c"));
  CHECK(extra_target_possible("mypod/web"));
  CHECK(extra_target_possible("net:[4026531840]"));
  CHECK(extra_target_possible("99999999999"));  // an inode
  CHECK(extra_target_possible("/run/netns/x"));
  CHECK(!extra_target_possible(""));
  CHECK(!extra_target_possible("0"));
  CHECK(!extra_target_possible("-1"));
  CHECK(!extra_target_possible(" 1x"));
  CHECK(!extra_target_possible("1:"));
  CHECK(!extra_target_possible("1:0"));
}

TEST_CASE("missing_process_error names what nsenter opens first", "[enter][nsenter]") {
  auto on = [](Request& r, NsType t, std::optional<std::string> file = std::nullopt) {
    r.ns[index_of(t)].enabled = true;
    r.ns[index_of(t)].file = std::move(file);
  };
  const std::string enoent = ": No such file or directory";
  Request r;
  CHECK(!missing_process_error(r, 42));  // needs nothing of the process
  on(r, NsType::mnt);
  on(r, NsType::net);
  CHECK(missing_process_error(r, 42) == "cannot open /proc/42/ns/net" + enoent);  // net before mnt
  on(r, NsType::ipc);
  CHECK(missing_process_error(r, 42) == "cannot open /proc/42/ns/ipc" + enoent);

  Request all;
  all.all = true;
  CHECK(missing_process_error(all, 7) == "stat of /proc/7/ns/user failed" + enoent);
  on(all, NsType::user, "/proc/self/ns/user");
  CHECK(missing_process_error(all, 7) == "cannot open /proc/7/ns/cgroup" + enoent);

  Request files;
  on(files, NsType::net, "/run/netns/x");
  CHECK(!missing_process_error(files, 9));
  files.wd_target = true;
  CHECK(missing_process_error(files, 9) == "cannot open /proc/9/cwd" + enoent);
  files.root_target = true;
  CHECK(missing_process_error(files, 9) == "cannot open /proc/9/root" + enoent);

  Request follow;
  on(follow, NsType::net, "/run/netns/x");
  follow.uid.kind = IdChoice::Kind::follow;
  CHECK(missing_process_error(follow, 9) == "cannot open /proc/9/" + enoent);

  Request sock;
  sock.net_socket = 3;
  CHECK(missing_process_error(sock, 9) == "failed to pidfd_open() for 9: No such process");
  Request parent;
  parent.user_parent = true;
  CHECK(missing_process_error(parent, 9) == "cannot open /proc/9/ns/user" + enoent);
}
