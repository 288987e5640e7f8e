// The whole of `enter`, in nsenter's order: resolve and pin the target, open everything,
// enter the namespaces, root/cwd, environment, cgroup, fork for a pid namespace,
// credentials, exec.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sched.h>
#include <unistd.h>

#include "enter/enter_impl.hpp"

namespace nsinspect::enter {

namespace {

using namespace impl;

std::string entered_names(int flags) {
  std::string s;
  for (NsType t : kAllNsTypes)
    if (flags & ns_type_clone_flag(t)) s += (s.empty() ? "" : " ") + std::string(ns_type_name(t));
  return s;
}

bool executable(const std::string& path) { return !path.empty() && path[0] == '/' && access(path.c_str(), X_OK) == 0; }

// No command: $SHELL, the user's shell in the entered root's /etc/passwd, /bin/sh - the first
// that exists there (a container image often has no bash). Run as a login shell, like nsenter.
[[noreturn]] void exec_shell() {
  std::string shell;
  if (const char* s = getenv("SHELL"); s && executable(s)) shell = s;
  if (shell.empty()) {
    std::string passwd;
    if (detail::read_file_at(AT_FDCWD, "/etc/passwd", passwd) == 0)
      if (auto s = passwd_shell(passwd, getuid()); s && executable(*s)) shell = *s;
  }
  if (shell.empty()) shell = "/bin/sh";
  std::string arg0 = "-" + shell.substr(shell.rfind('/') + 1);
  execl(shell.c_str(), arg0.c_str(), static_cast<char*>(nullptr));
  int e = errno;
  fail_errno("failed to execute " + shell, e, e == ENOENT ? 127 : 126);
}

[[noreturn]] void exec_command(const std::vector<std::string>& cmd) {
  std::vector<char*> argv;
  for (const auto& a : cmd) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execvp(argv[0], argv.data());
  int e = errno;
  fail_errno("failed to execute " + cmd[0], e, e == ENOENT ? 127 : 126);
}

}  // namespace

void run(const Request& req, const std::string& prog) {
  Target target = resolve_target(req);
  if (req.follow_context) follow_selinux_context(target);

  NsPlan plan;
  const int pidfd = prepare_namespaces(req, target, plan);
  FsPlan fs = prepare_fs(req, target);
  finish_namespaces(req, target, plan);
  const int flags = enabled_flags(plan);
  const bool do_fork = req.fork.value_or((flags & CLONE_NEWPID) != 0);
  const CredPlan cred = plan_credentials(req, target, flags);

  const int left = enter_namespaces(plan, pidfd);
  target.process.reset();  // pidfd and /proc/PID: not needed any more

  apply_root_and_cwd(fs, (flags & CLONE_NEWNS) != 0);
  apply_env(fs);
  join_cgroups(fs);

  if (req.banner && req.command.empty())
    std::fprintf(stderr, "%s: in %s: %s namespace%s\n", prog.c_str(),
                 target.where.empty() ? "namespaces from files" : target.where.c_str(),
                 entered_names(flags).c_str(), (flags & (flags - 1)) ? "s" : "");

  if (do_fork) continue_as_child();
  apply_credentials(cred);
  if (req.keep_caps && (left & CLONE_NEWUSER)) keep_caps();

  if (!req.command.empty()) exec_command(req.command);
  exec_shell();
}

}  // namespace nsinspect::enter
