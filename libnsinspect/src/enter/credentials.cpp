// Credentials as nsenter sets them: entering a user namespace without --preserve-credentials
// drops supplementary groups and becomes uid/gid 0 there (or -S/-G); -S/-G alone set ids too.
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "enter/enter_impl.hpp"

namespace nsinspect::enter::impl {

CredPlan plan_credentials(const Request& req, const Target& target, int flags) {
  CredPlan c;
  c.force_uid = req.uid.kind != IdChoice::Kind::unset;
  c.force_gid = req.gid.kind != IdChoice::Kind::unset;
  c.uid = req.uid.kind == IdChoice::Kind::value ? req.uid.value : 0;
  c.gid = req.gid.kind == IdChoice::Kind::value ? req.gid.value : 0;
  if (req.uid.kind == IdChoice::Kind::follow || req.gid.kind == IdChoice::Kind::follow) {
    if (!target.process) fail("-S/-G follow need a target process");
    struct stat st;  // the owner of /proc/PID: the target's effective ids
    if (fstat(target.process->dir.get(), &st) != 0) fail_errno("can not get process stat", errno);
    if (req.uid.kind == IdChoice::Kind::follow) c.uid = st.st_uid;
    if (req.gid.kind == IdChoice::Kind::follow) c.gid = st.st_gid;
  }
  if ((flags & CLONE_NEWUSER) && !req.preserve_credentials) {
    c.force_uid = c.force_gid = true;
    // Tried before and after entering; only both failing is an error.
    c.setgroups_failed_before = setgroups(0, nullptr) != 0;
  }
  return c;
}

void apply_credentials(const CredPlan& c) {
  if (c.force_gid && setgroups(0, nullptr) != 0 && c.setgroups_failed_before)
    fail_errno("setgroups failed", errno);
  if (c.force_gid && setgid(c.gid) != 0) fail_errno("setgid() failed", errno);
  if (c.force_uid && setuid(c.uid) != 0) fail_errno("setuid() failed", errno);
}

void keep_caps() {
  // Raw system calls: no libcap, and safe after fork.
  struct __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
  if (syscall(SYS_capget, &hdr, data) != 0) fail_errno("capget failed", errno);
  data[0].inheritable = data[0].permitted;
  data[1].inheritable = data[1].permitted;
  if (syscall(SYS_capset, &hdr, data) != 0) fail_errno("capset failed", errno);
  const uint64_t eff = (uint64_t{data[1].effective} << 32) | data[0].effective;
  for (unsigned cap = 0; cap < 64; ++cap) {
    if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0) break;  // past the kernel's last cap
    if ((eff & (uint64_t{1} << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0)
      fail_errno("prctl(PR_CAP_AMBIENT) failed", errno);
  }
}

void follow_selinux_context(const Target& target) {
  // What libselinux's getpidcon + setexeccon do, without the library.
  // Without SELinux, nsenter ignores -Z.
  struct stat st;
  if (stat("/sys/fs/selinux/enforce", &st) != 0) return;
  if (!target.process) fail("no target PID specified for --follow-context");
  std::string con;
  if (detail::read_file_at(target.process->dir.get(), "attr/current", con) != 0 || con.empty())
    fail("failed to get " + std::to_string(target.process->pid) + " SELinux context");
  while (!con.empty() && (con.back() == '\n' || con.back() == '\0')) con.pop_back();
  Fd fd(::open("/proc/thread-self/attr/exec", O_WRONLY | O_CLOEXEC));
  if (!fd || ::write(fd.get(), con.data(), con.size()) != static_cast<ssize_t>(con.size()))
    fail_errno("failed to set exec context to '" + con + "'", errno);
}

}  // namespace nsinspect::enter::impl
