// Entering namespaces (`nsview enter`, an nsenter drop-in): resolve a target (a process, a
// container, a namespace with no process), pin it, enter its namespaces, set root, working
// directory, environment, cgroup and credentials, then run a command.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>
#include <sys/types.h>

#include "nsinspect/snapshot.hpp"
#include "nsinspect/types.hpp"

namespace nsinspect::enter {

// A failure before the command runs: message for one stderr line, and nsenter's exit code.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what, int exit_code = 1)
      : std::runtime_error(what), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

// One namespace type asked for: from the target, or from a file (`-n/run/netns/x`).
struct NsChoice {
  bool enabled = false;
  std::string file;  // empty: the target's
};

// -S/-G: leave alone (unless a user namespace is entered: then 0), a number, or "follow".
struct IdChoice {
  enum class Kind : uint8_t { unset, value, follow } kind = Kind::unset;
  uint32_t value = 0;
};

struct Request {
  std::string target;        // as typed (-t or positional); empty: none
  bool target_is_ns = false; // given with --ns: must name a namespace
  std::array<NsChoice, kNsTypeCount> ns{};  // indexed by index_of(NsType)
  bool all = false;          // -a
  bool all_unless_picked = false;  // `enter TARGET`: all namespaces unless options pick some
  std::optional<int> net_socket;  // -N FD (an fd of the target)
  bool user_parent = false;
  IdChoice uid, gid;
  bool preserve_credentials = false;
  bool keep_caps = false;
  bool root_target = false;  // -r: the target's root
  std::string root_dir;      // -r=DIR
  bool wd_target = false;    // -w: the target's working directory
  std::string wd_dir;        // -w=DIR (a path as the caller sees it)
  std::string wdns;          // -W DIR (a path inside the entered root)
  bool env = false;          // -e
  std::optional<bool> fork;  // -F sets false; default: fork when entering a pid namespace
  bool join_cgroup = false;  // -c
  bool follow_context = false;  // -Z
  bool banner = false;       // one line on stderr naming where the shell runs (no command only)
  std::vector<std::string> command;  // empty: a login shell
};

// ---- Pure helpers (unit-tested) ----

// What a target string looks like, before anything is opened.
struct TargetSpec {
  enum class Kind : uint8_t {
    pid,        // "1234" or "1234:PIDFD_INODE"
    ns_inode,   // "net:[4026531840]", "4026531840"
    ns_path,    // "/run/netns/x", "./x" (an nsfs file)
    container,  // anything else: NAME, POD/NAME, ID prefix
  } kind = Kind::container;
  pid_t pid = 0;
  std::optional<uint64_t> pidfd_inode;
  std::optional<NsType> type;  // ns_inode with "TYPE:[...]"
  NsInode inode = 0;
  std::string text;
};
// Numbers up to the kernel's largest pid_max are pids; larger ones are namespace inodes
// (nsfs inodes start near 2^32). nullopt for an empty or malformed string.
std::optional<TargetSpec> parse_target(std::string_view s);

// Container lookup: exact name, then POD/NAME, then exact id, then id prefix.
struct ContainerMatch {
  const Container* container = nullptr;      // the unique match
  std::vector<const Container*> candidates;  // when ambiguous (more than one)
};
ContainerMatch find_container(const Snapshot& snap, std::string_view query);

// The login shell of uid in /etc/passwd text; nullopt when absent or empty.
std::optional<std::string> passwd_shell(std::string_view passwd, uid_t uid);

// The target process's cgroup.procs files to write to for -c: for each line of
// /proc/PID/cgroup, the mount of that hierarchy in `mountinfo` (v2 and, on hybrid/v1
// hosts, every v1 hierarchy). Lines whose hierarchy is not mounted are skipped.
std::vector<std::string> cgroup_procs_paths(std::string_view proc_pid_cgroup,
                                            std::string_view self_mountinfo);

// ---- Doing it ----

// Resolves, pins, enters and execs req.command (or a shell). Returns only by throwing Error
// (nothing was run); when it forks for a pid namespace, the parent exits with the child's
// status or dies of the child's signal. `prog` prefixes messages printed after the fork.
[[noreturn]] void run(const Request& req, const std::string& prog);

}  // namespace nsinspect::enter
