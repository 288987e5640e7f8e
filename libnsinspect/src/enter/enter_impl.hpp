// Internal pieces of `enter`, one file each: target.cpp (resolve and pin), setns.cpp (the
// two passes), credentials.cpp, fork_wait.cpp, root_env.cpp (root, cwd, environment, cgroup).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "discovery/fs_util.hpp"
#include "nsinspect/enter.hpp"

namespace nsinspect::enter::impl {

using detail::Fd;

[[noreturn]] void fail(const std::string& what, int code = 1);
// "what: strerror(err)".
[[noreturn]] void fail_errno(const std::string& what, int err, int code = 1);

// A process held so that a reused pid can never be mistaken for it: a pidfd taken first,
// then /proc/PID (every later open is relative to that directory), then a check that the
// pidfd's process is still alive - so the directory belongs to it.
struct Pinned {
  pid_t pid = 0;
  Fd pidfd;  // invalid on kernels without pidfd_open
  Fd dir;    // /proc/PID
};
// expected_start: clock ticks after boot that the process must have (from a snapshot).
Pinned pin_process(pid_t pid, std::optional<uint64_t> pidfd_inode,
                   std::optional<uint64_t> expected_start = std::nullopt);
// nullopt when there is no such process (or it exited while being pinned).
std::optional<Pinned> try_pin_process(pid_t pid, std::optional<uint64_t> pidfd_inode,
                                      std::optional<uint64_t> expected_start = std::nullopt);
bool alive(const Pinned& p);
// Throws when the pinned process has exited since.
void check_alive(const Pinned& p);
// PID_MAX_LIMIT on 64-bit kernels: no pid is larger.
inline constexpr uint64_t kPidMaxLimit = 4u * 1024 * 1024;

// The resolved target: a process, or one namespace with no process behind it.
struct Target {
  std::optional<Pinned> process;
  std::optional<NsType> ns_type;  // namespace target
  Fd ns_fd;
  NsInode ns_inode = 0;
  std::string where;          // banner text: "container web (pod p)", "process 123 (sleep)", ...
  bool is_container = false;  // a container target enters everything unless flags pick some
};
Target resolve_target(const Request& req);

// The namespaces to enter, in nsenter's order (user first, so that pass 1 can skip it).
struct NsSlot {
  NsType type;
  bool enabled = false;
  Fd fd;  // from a file, -N, --user-parent, or opened per type when no pidfd can be used
};
// A namespace file given with -m=FILE etc.: a path, or ":ID" (a namespace id).
Fd open_ns_file(const std::string& file, NsType type);
inline constexpr std::array<NsType, kNsTypeCount> kEnterOrder = {
    NsType::user, NsType::cgroup, NsType::ipc, NsType::uts,
    NsType::net,  NsType::pid,    NsType::mnt, NsType::time};
using NsPlan = std::array<NsSlot, kNsTypeCount>;
NsSlot& slot(NsPlan& plan, NsType t);
int enabled_flags(const NsPlan& plan);
// Opens the namespaces the request needs from the target before anything is entered.
// Returns the pidfd to setns() through, or -1 (fds per namespace then).
int prepare_namespaces(const Request& req, Target& target, NsPlan& plan);
// Then (after the root, working directory, environment and cgroup are opened, nsenter's
// order): --user-parent, -N, and the check that something is to be entered.
void finish_namespaces(const Request& req, Target& target, NsPlan& plan);
// Pass 1: all but user, errors ignored; pass 2: what is left, errors reported.
// Returns the flags entered in pass 2 (keep-caps looks at CLONE_NEWUSER there).
int enter_namespaces(NsPlan& plan, int pidfd);

// Credentials.
struct CredPlan {
  bool force_uid = false, force_gid = false;
  uid_t uid = 0;
  gid_t gid = 0;
  bool setgroups_failed_before = false;
};
CredPlan plan_credentials(const Request& req, const Target& target, int flags);
void apply_credentials(const CredPlan& c);
void keep_caps();
void follow_selinux_context(const Target& target);

// Root, working directory, environment, cgroup (opened before entering, applied after).
struct FsPlan {
  Fd root, wd;
  std::optional<std::string> wdns;
  std::string old_cwd;  // the caller's cwd, looked up again inside a new root
  std::optional<std::string> environ;
  std::vector<Fd> cgroup_procs;
};
FsPlan prepare_fs(const Request& req, const Target& target);
// mnt_entered: the mount namespace's root is the new root even without -r.
void apply_root_and_cwd(FsPlan& fs, bool mnt_entered);
void apply_env(FsPlan& fs);
void join_cgroups(FsPlan& fs);

// Forks; returns in the child only. The parent forwards stop/continue and termination
// requests, then exits with the child's status or dies of its signal.
void continue_as_child();

// Opens path beneath dirfd without leaving it (openat2 RESOLVE_IN_ROOT, else plain openat).
Fd open_in_root(int dirfd, const std::string& path, int flags);

}  // namespace nsinspect::enter::impl
