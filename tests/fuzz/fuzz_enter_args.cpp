// nsview enter's argument grammar (nsenter's -t, -S, -G, -N numbers and messages), the
// target grammar (PID, PID:INODE, TYPE:[INODE], inode, path, container) and a user's shell
// from passwd.
#include <cerrno>
#include <string>

#include "fuzz_input.hpp"
#include "nsinspect/enter.hpp"

using namespace nsinspect;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string_view in = fuzz::text(data, size);
  auto pid = enter::parse_pid_arg(in);
  FUZZ_REQUIRE(pid.error == 0 || pid.error == EINVAL || pid.error == ERANGE);
  if (pid.error == 0) FUZZ_REQUIRE(pid.pid > 0);
  (void)enter::pid_arg_error(in, pid.error ? pid.error : EINVAL);
  auto u = enter::parse_ul_unsigned(in);
  FUZZ_REQUIRE(u.error == 0 || u.error == EINVAL || u.error == ERANGE);
  (void)enter::ul_number_error("failed to parse uid", in, u.error);
  auto fd = enter::parse_ul_fd(in);
  FUZZ_REQUIRE(fd.error == 0 || fd.error == EINVAL || fd.error == ERANGE);
  (void)enter::extra_target_possible(in);
  if (auto t = enter::parse_target(in)) {
    FUZZ_REQUIRE(t->text == in);
    if (t->kind == enter::TargetSpec::Kind::pid) FUZZ_REQUIRE(t->pid > 0);
    if (t->kind == enter::TargetSpec::Kind::ns_inode) FUZZ_REQUIRE(t->inode > 0);
  }
  if (size == 0) FUZZ_REQUIRE(!enter::parse_target(in));
  auto p = fuzz::parts(in, 2);
  uid_t uid = 0;
  for (char c : p[1].substr(0, 9))
    if (c >= '0' && c <= '9') uid = uid * 10 + static_cast<uid_t>(c - '0');
  if (auto shell = enter::passwd_shell(p[0], uid)) FUZZ_REQUIRE(!shell->empty());
  return 0;
}
