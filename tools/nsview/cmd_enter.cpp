// nsview enter: run a program in the namespaces of a process, a container or a namespace with
// no process; a drop-in for util-linux nsenter. Optional arguments are attached only
// (`-n/path`, `--net=/path`), as in nsenter, so this parses with getopt_long, not CLI11.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <getopt.h>
#include <string>

#include "nsinspect/enter.hpp"
#include "subcommand.hpp"

namespace {

using nsinspect::NsType;
namespace enter = nsinspect::enter;

struct UsageError {
  std::string msg;
};

void usage(const char* prog) {
  std::printf(
      "\nUsage:\n"
      " %1$s [options] [<program> [<argument>...]]\n"
      " %1$s [options] <target> [--] [<program> [<argument>...]]\n"
      "\nRun a program with namespaces of other processes, of a container, or of a namespace\n"
      "that has no process. <target> is a PID, a container NAME, POD/NAME or ID prefix,\n"
      "TYPE:[INODE], a namespace inode, or the path of a namespace file (/run/netns/NAME).\n"
      "A container target enters all of its namespaces unless options pick some.\n"
      "\nOptions:\n"
      " -a, --all                     enter all namespaces\n"
      " -t, --target <target>         target process (PID[:PIDFD_INODE]) or any <target>\n"
      "     --ns <namespace>          target a namespace: TYPE:[INODE], INODE or a path\n"
      " -m, --mount[=<file>]          enter mount namespace\n"
      " -u, --uts[=<file>]            enter UTS namespace (hostname etc)\n"
      " -i, --ipc[=<file>]            enter System V IPC namespace\n"
      " -n, --net[=<file>]            enter network namespace\n"
      " -N, --net-socket <fd>         enter socket's network namespace (needs --target)\n"
      " -p, --pid[=<file>]            enter pid namespace\n"
      " -C, --cgroup[=<file>]         enter cgroup namespace\n"
      " -U, --user[=<file>]           enter user namespace\n"
      "     --user-parent             enter parent user namespace\n"
      " -T, --time[=<file>]           enter time namespace\n"
      " -S, --setuid <uid|follow>     set uid in entered namespace\n"
      " -G, --setgid <gid|follow>     set gid in entered namespace\n"
      "     --preserve-credentials    do not touch uids or gids\n"
      "     --keep-caps               retain capabilities granted in user namespaces\n"
      " -r, --root[=<dir>]            set the root directory\n"
      " -w, --wd[=<dir>]              set the working directory\n"
      " -W, --wdns <dir>              set the working directory in namespace\n"
      " -e, --env                     inherit environment variables from target process\n"
      " -F, --no-fork                 do not fork before exec'ing <program>\n"
      " -c, --join-cgroup             join the cgroup of the target process\n"
      " -Z, --follow-context          set SELinux context according to --target PID\n"
      " -q, --quiet                   no banner when starting a shell\n"
      "\n -h, --help                    display this help\n"
      " -V, --version                 display version\n"
      "\nFor more details see nsview-enter(1).\n",
      prog);
}

enum { OPT_PRESERVE_CRED = 256, OPT_KEEPCAPS, OPT_USER_PARENT, OPT_NS };

const struct option kLongOpts[] = {
    {"all", no_argument, nullptr, 'a'},
    {"help", no_argument, nullptr, 'h'},
    {"version", no_argument, nullptr, 'V'},
    {"target", required_argument, nullptr, 't'},
    {"ns", required_argument, nullptr, OPT_NS},
    {"mount", optional_argument, nullptr, 'm'},
    {"uts", optional_argument, nullptr, 'u'},
    {"ipc", optional_argument, nullptr, 'i'},
    {"net", optional_argument, nullptr, 'n'},
    {"net-socket", required_argument, nullptr, 'N'},
    {"pid", optional_argument, nullptr, 'p'},
    {"user", optional_argument, nullptr, 'U'},
    {"cgroup", optional_argument, nullptr, 'C'},
    {"time", optional_argument, nullptr, 'T'},
    {"setuid", required_argument, nullptr, 'S'},
    {"setgid", required_argument, nullptr, 'G'},
    {"root", optional_argument, nullptr, 'r'},
    {"wd", optional_argument, nullptr, 'w'},
    {"wdns", required_argument, nullptr, 'W'},
    {"env", no_argument, nullptr, 'e'},
    {"no-fork", no_argument, nullptr, 'F'},
    {"join-cgroup", no_argument, nullptr, 'c'},
    {"preserve-credentials", no_argument, nullptr, OPT_PRESERVE_CRED},
    {"keep-caps", no_argument, nullptr, OPT_KEEPCAPS},
    {"user-parent", no_argument, nullptr, OPT_USER_PARENT},
    {"follow-context", no_argument, nullptr, 'Z'},
    {"quiet", no_argument, nullptr, 'q'},
    {nullptr, 0, nullptr, 0}};
constexpr const char* kShortOpts = "+:ahVqt:m::u::i::n::N:p::C::U::T::S:G:r::w::W:ecFZ";

// `-n/path` gives "/path", `-n=/path` gives "=/path", `--net=/path` gives "/path".
std::string attached(const char* arg) {
  if (!arg) return {};
  return arg[0] == '=' ? arg + 1 : arg;
}

unsigned long parse_number(const char* s, const char* what) {
  char* end = nullptr;
  errno = 0;
  unsigned long v = std::strtoul(s, &end, 10);
  if (!*s || *end || errno || s[0] == '-') throw UsageError{std::string(what) + ": '" + s + "'"};
  return v;
}

enter::IdChoice parse_id(const char* s, const char* what) {
  enter::IdChoice c;
  if (std::strcmp(s, "follow") == 0) {
    c.kind = enter::IdChoice::Kind::follow;
  } else {
    c.kind = enter::IdChoice::Kind::value;
    c.value = static_cast<uint32_t>(parse_number(s, what));
  }
  return c;
}

struct Parsed {
  enter::Request req;
  bool quiet = false;
  bool wd_seen = false, wdns_seen = false;
};

void set_target(Parsed& p, const char* value, bool is_ns) {
  if (!p.req.target.empty()) throw UsageError{"option --target may be given only once"};
  p.req.target = value;
  p.req.target_is_ns = is_ns;
}

void enable_ns(Parsed& p, NsType t, const char* arg) {
  auto& c = p.req.ns[nsinspect::index_of(t)];
  c.enabled = true;
  c.file = attached(arg);
  if (!c.file.empty() && c.file[0] == ':')
    throw UsageError{"namespace ids (=:NSID) are not supported; give a file or a target"};
}

// Returns 0 to go on, or 1 + exit code when --help/--version was answered.
int parse_options(int argc, char** argv, Parsed& p, const char* prog) {
  int c;
  while ((c = getopt_long(argc, argv, kShortOpts, kLongOpts, nullptr)) != -1) {
    switch (c) {
      case 'a': p.req.all = true; break;
      case 't': set_target(p, optarg, false); break;
      case OPT_NS: set_target(p, optarg, true); break;
      case 'm': enable_ns(p, NsType::mnt, optarg); break;
      case 'u': enable_ns(p, NsType::uts, optarg); break;
      case 'i': enable_ns(p, NsType::ipc, optarg); break;
      case 'n': enable_ns(p, NsType::net, optarg); break;
      case 'p': enable_ns(p, NsType::pid, optarg); break;
      case 'C': enable_ns(p, NsType::cgroup, optarg); break;
      case 'U': enable_ns(p, NsType::user, optarg); break;
      case 'T': enable_ns(p, NsType::time, optarg); break;
      case 'N': p.req.net_socket = static_cast<int>(parse_number(optarg, "failed to parse file descriptor")); break;
      case 'S': p.req.uid = parse_id(optarg, "failed to parse uid"); break;
      case 'G': p.req.gid = parse_id(optarg, "failed to parse gid"); break;
      case 'F': p.req.fork = false; break;
      case 'c': p.req.join_cgroup = true; break;
      case 'e': p.req.env = true; break;
      case 'Z': p.req.follow_context = true; break;
      case 'q': p.quiet = true; break;
      case 'r':
        if (optarg) p.req.root_dir = attached(optarg);
        else p.req.root_target = true;
        break;
      case 'w':
        p.wd_seen = true;
        if (optarg) p.req.wd_dir = attached(optarg);
        else p.req.wd_target = true;
        break;
      case 'W':
        p.wdns_seen = true;
        p.req.wdns = attached(optarg);
        break;
      case OPT_PRESERVE_CRED: p.req.preserve_credentials = true; break;
      case OPT_KEEPCAPS: p.req.keep_caps = true; break;
      case OPT_USER_PARENT: p.req.user_parent = true; break;
      case 'h': usage(prog); return 1;
      case 'V': std::printf("%s from nsview %s\n", prog, NSVIEW_VERSION); return 1;
      case ':':
        throw UsageError{std::string("option '") + argv[optind - 1] + "' requires an argument"};
      default:
        if (optopt) throw UsageError{std::string("invalid option -- '") + static_cast<char>(optopt) + "'"};
        throw UsageError{std::string("unrecognized option '") + argv[optind - 1] + "'"};
    }
  }
  if (p.wd_seen && p.wdns_seen) throw UsageError{"mutually exclusive arguments: --wd --wdns"};
  return 0;
}

int run(int argc, char** argv) {
  const char* base = std::strrchr(argv[0], '/') ? std::strrchr(argv[0], '/') + 1 : argv[0];
  const bool as_nsenter = std::strcmp(base, "nsenter") == 0;
  const std::string prog = as_nsenter ? "nsenter" : "nsview enter";
  Parsed p;
  try {
    opterr = 0;
    optind = 1;
    if (int done = parse_options(argc, argv, p, prog.c_str())) return done - 1;
    bool any_file = false;
    for (const auto& c : p.req.ns) any_file |= !c.file.empty();
    // `nsview enter TARGET [options] [--] [CMD...]`: the first word names the target unless
    // -t/--ns or namespace files already say where to go (nsenter's own forms).
    if (!as_nsenter && p.req.target.empty() && !any_file) {
      if (optind >= argc)
        throw UsageError{"no target: give a PID, a container, a namespace, or -t"};
      p.req.target = argv[optind++];
      p.req.all_unless_picked = true;
      if (int done = parse_options(argc, argv, p, prog.c_str())) return done - 1;
    }
    for (int i = optind; i < argc; ++i) p.req.command.emplace_back(argv[i]);
    p.req.banner = !p.quiet && !as_nsenter;
  } catch (const UsageError& e) {
    std::fprintf(stderr, "%s: %s (see '%s --help')\n", prog.c_str(), e.msg.c_str(), prog.c_str());
    return 1;
  }
  try {
    enter::run(p.req, prog);
  } catch (const enter::Error& e) {
    std::fprintf(stderr, "%s: %s\n", prog.c_str(), e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", prog.c_str(), e.what());
    return 1;
  }
}

nsview::RegisterSubcommand reg({"enter", "run a program in the namespaces of a process, container or namespace", run, 40});

}  // namespace
