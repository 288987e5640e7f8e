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
  std::optional<std::string> file;  // nullopt: the target's; ":ID" is a namespace id (2.42)
};

// -S/-G: leave alone (unless a user namespace is entered: then 0), a number, or "follow".
struct IdChoice {
  enum class Kind : uint8_t { unset, value, follow } kind = Kind::unset;
  uint32_t value = 0;
};

struct Request {
  std::string target;        // as typed (-t or positional); empty: none
  bool target_is_ns = false; // given with --ns: must name a namespace
  // Given with -t: nsenter's grammar and messages. A valid nsenter PID[:INODE] is a process;
  // anything else is tried as nsview's extra targets, and when it names nothing, the error
  // is the one nsenter prints.
  bool target_from_t = false;
  std::array<NsChoice, kNsTypeCount> ns{};  // indexed by index_of(NsType)
  bool all = false;          // -a
  bool all_unless_picked = false;  // `enter TARGET`: all namespaces unless options pick some
  std::optional<int> net_socket;  // -N FD (an fd of the target)
  bool user_parent = false;
  IdChoice uid, gid;
  bool preserve_credentials = false;
  bool keep_caps = false;
  bool root_target = false;  // -r: the target's root
  std::optional<std::string> root_dir;  // -rDIR ("" fails to open, as in nsenter)
  bool wd_target = false;    // -w: the target's working directory
  std::optional<std::string> wd_dir;    // -wDIR (a path as the caller sees it)
  std::optional<std::string> wdns;  // -W DIR (a path inside the entered root; "" fails, as in nsenter)
  bool env = false;          // -e
  std::optional<bool> fork;  // -F sets false; default: fork when entering a pid namespace
  bool join_cgroup = false;  // -c
  bool follow_context = false;  // -Z
  bool banner = false;       // one line on stderr naming where the shell runs (no command only)
  std::vector<std::string> command;  // empty: a login shell
};

// ---- Pure helpers (unit-tested) ----

// util-linux nsenter's argument grammar (lib/strutils.c, lib/pidutils.c of util-linux 2.42),
// so that `nsview enter` accepts and rejects the same strings with the same messages.
// error is 0, EINVAL (not a number) or ERANGE (out of range, or negative where unsigned).
struct PidArg {
  pid_t pid = 0;
  uint64_t pidfd_inode = 0;  // 0: none given
  int error = 0;
};
// -t PID[:PIDFD_INODE]: PID in 1..INT_MAX (leading blanks and '+' allowed, as strtoimax).
PidArg parse_pid_arg(std::string_view s);
// strtoul_or_err (-S, -G): decimal, unsigned; a '-' sign is ERANGE.
struct NumArg {
  int64_t value = 0;
  int error = 0;
};
NumArg parse_ul_unsigned(std::string_view s);
// str2num_or_err(s, 10, ..., 0, INT_MAX) (-N): signed; a negative value is accepted (util-linux
// skips a lower bound of 0), a value above INT_MAX is ERANGE.
NumArg parse_ul_fd(std::string_view s);
// util-linux's message for a number it could not parse: "WHAT: 'S'", and for ERANGE
// "WHAT: 'S': Numerical result out of range" (err() rather than errx()).
std::string ul_number_error(std::string_view what, std::string_view s, int error);
// nsenter's message for a bad -t argument: "failed to parse PID argument 'S': strerror".
std::string pid_arg_error(std::string_view s, int error);
// Whether a -t argument that nsenter rejects can still name one of nsview's extra targets (a
// container name or id prefix, TYPE:[INODE], a namespace inode or an nsfs path). When it
// cannot, the error is reported while the options are parsed, as nsenter does.
bool extra_target_possible(std::string_view s);
// What nsenter 2.42 prints when the -t process does not exist: the failure of the first thing
// it opens from /proc/PID for this request (it opens nothing there until it needs it), or
// nullopt when the request never needs the process (all namespaces from files).
std::optional<std::string> missing_process_error(const Request& req, pid_t pid);

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

// Container lookup: exact name, then POD/NAME, then exact id (or containerd's NAMESPACE/ID),
// then a prefix of either.
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

// nsenter opens the files of -m=FILE ... -T=FILE, -rDIR, -wDIR and checks -t PID:INODE while
// it reads the options, so such a failure comes before an error in a later option. These
// make the same attempt at the same moment and return nsenter's message on failure (the
// files are opened again, for good, when entering).
std::optional<std::string> ns_file_error(const std::string& file, NsType type);
std::optional<std::string> dir_open_error(const std::string& dir);
std::optional<std::string> pidfd_inode_error(pid_t pid, uint64_t pidfd_inode);

// Resolves, pins, enters and execs req.command (or a shell). Returns only by throwing Error
// (nothing was run); when it forks for a pid namespace, the parent exits with the child's
// status or dies of the child's signal. `prog` prefixes messages printed after the fork.
[[noreturn]] void run(const Request& req, const std::string& prog);

}  // namespace nsinspect::enter
