// nsview enter: run a program in the namespaces of a process, a container or a namespace with
// no process; a drop-in for util-linux nsenter 2.42 (its options, messages and exit codes).
// Optional arguments are attached only (`-n/path`, `--net=/path`), so this parses with
// getopt_long, whose own messages (unknown option, missing argument, ambiguous prefix) are
// the ones nsenter prints, followed by the same "Try ... --help" line.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <getopt.h>
#include <string>
#include <vector>

#include "nsinspect/enter.hpp"
#include "subcommand.hpp"

namespace {

using nsinspect::NsType;
namespace enter = nsinspect::enter;

// "PROG: msg", exit 1 (util-linux's errx/err).
struct Fatal {
  std::string msg;
};
// getopt has printed what is wrong; then "Try 'PROG --help' for more information.", exit 1.
struct TryHelp {};
// --help or --version answered.
struct Answered {};

// Usage: nsenter 2.42's text (its -Z line is there when built with SELinux, as distributions
// do), and nsview enter's, the same layout with what nsview adds. One table, so the two
// cannot drift apart.
enum : unsigned char { kNsenter = 1, kNsview = 2, kBoth = 3 };
struct UsageLine {
  const char* text;
  unsigned char in;
};
const UsageLine kUsage[] = {
    {"\n", kBoth},
    {"Usage:\n", kBoth},
    {" nsenter [options] [<program> [<argument>...]]\n", kNsenter},
    {" nsview enter [options] [<program> [<argument>...]]\n", kNsview},
    {" nsview enter [options] <target> [--] [<program> [<argument>...]]\n", kNsview},
    {"\n", kBoth},
    {"Run a program with namespaces of other processes.\n", kNsenter},
    {"Run a program with namespaces of other processes, of a container, or of a namespace\n", kNsview},
    {"that has no process. <target> is a PID, a container NAME, POD/NAME or ID prefix,\n", kNsview},
    {"TYPE:[INODE], a namespace inode, or the path of a namespace file (/run/netns/NAME).\n", kNsview},
    {"A container target enters all of its namespaces unless options pick some.\n", kNsview},
    {"\n", kBoth},
    {"Options:\n", kBoth},
    {" -a, --all                     enter all namespaces\n", kBoth},
    {" -t, --target <PID>            target process to get namespaces from\n", kNsenter},
    {" -t, --target <PID>|<target>   target process (PID[:PIDFD_INODE]) or any <target>\n", kNsview},
    {"     --ns <namespace>          target a namespace: TYPE:[INODE], INODE or a path\n", kNsview},
    {" -m, --mount[=<file>|=:<nsid>] enter mount namespace\n", kBoth},
    {" -u, --uts[=<file>|=:<nsid>]   enter UTS namespace (hostname etc)\n", kBoth},
    {" -i, --ipc[=<file>|=:<nsid>]   enter System V IPC namespace\n", kBoth},
    {" -n, --net[=<file>|=:<nsid>]   enter network namespace\n", kBoth},
    {" -N, --net-socket <fd>         enter socket's network namespace (needs --target)\n", kBoth},
    {" -p, --pid[=<file>|=:<nsid>]   enter pid namespace\n", kBoth},
    {" -C, --cgroup[=<file>|=:<nsid>]  enter cgroup namespace\n", kBoth},
    {" -U, --user[=<file>|=:<nsid>]  enter user namespace\n", kBoth},
    {"     --user-parent             enter parent user namespace\n", kBoth},
    {" -T, --time[=<file>|=:<nsid>]  enter time namespace\n", kBoth},
    {" -S, --setuid[=<uid>]          set uid in entered namespace\n", kNsenter},
    {" -G, --setgid[=<gid>]          set gid in entered namespace\n", kNsenter},
    {" -S, --setuid <uid>|follow     set uid in entered namespace\n", kNsview},
    {" -G, --setgid <gid>|follow     set gid in entered namespace\n", kNsview},
    {"     --preserve-credentials    do not touch uids or gids\n", kBoth},
    {"     --keep-caps               retain capabilities granted in user namespaces\n", kBoth},
    {" -r, --root[=<dir>]            set the root directory\n", kBoth},
    {" -w, --wd[=<dir>]              set the working directory\n", kBoth},
    {" -W, --wdns <dir>              set the working directory in namespace\n", kBoth},
    {" -e, --env                     inherit environment variables from target process\n", kBoth},
    {" -F, --no-fork                 do not fork before exec'ing <program>\n", kBoth},
    {" -c, --join-cgroup             join the cgroup of the target process\n", kBoth},
    {" -Z, --follow-context          set SELinux context according to --target PID\n", kBoth},
    {" -q, --quiet                   no banner when starting a shell\n", kNsview},
    {"\n", kBoth},
    {" -h, --help                    display this help\n", kBoth},
    {" -V, --version                 display version\n", kBoth},
    {"\n", kBoth},
    {"For more details see nsenter(1).\n", kNsenter},
    {"For more details see nsview-enter(1).\n", kNsview},
};

void usage(bool as_nsenter) {
  for (const auto& l : kUsage)
    if (l.in & (as_nsenter ? kNsenter : kNsview)) std::fputs(l.text, stdout);
}

enum { OPT_PRESERVE_CRED = 256, OPT_KEEPCAPS, OPT_USER_PARENT, OPT_NS };

// nsenter's table in nsenter's order: getopt lists the candidates of an ambiguous prefix in
// this order. nsview's additions come last and only when invoked as `nsview enter`.
const struct option kNsenterOpts[] = {
    {"all", no_argument, nullptr, 'a'},
    {"help", no_argument, nullptr, 'h'},
    {"version", no_argument, nullptr, 'V'},
    {"target", required_argument, nullptr, 't'},
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
    {"wdns", optional_argument, nullptr, 'W'},  // optional in nsenter too: `--wdns DIR` is no pair
    {"env", no_argument, nullptr, 'e'},
    {"no-fork", no_argument, nullptr, 'F'},
    {"join-cgroup", no_argument, nullptr, 'c'},
    {"preserve-credentials", no_argument, nullptr, OPT_PRESERVE_CRED},
    {"keep-caps", no_argument, nullptr, OPT_KEEPCAPS},
    {"user-parent", no_argument, nullptr, OPT_USER_PARENT},
    {"follow-context", no_argument, nullptr, 'Z'},
    {nullptr, 0, nullptr, 0}};
constexpr std::size_t kNsenterOptCount = sizeof kNsenterOpts / sizeof kNsenterOpts[0] - 1;
const struct option kNsviewExtraOpts[] = {
    {"ns", required_argument, nullptr, OPT_NS},
    {"quiet", no_argument, nullptr, 'q'},
};
// -W takes its argument as nsenter 2.38 and the usage text say (2.42's "W::" would run DIR as
// the program in `-W DIR`).
constexpr const char* kNsenterShort = "+ahVt:m::u::i::n::N:p::C::U::T::S:G:r::w::W:ecFZ";
constexpr const char* kNsviewShort = "+ahVt:m::u::i::n::N:p::C::U::T::S:G:r::w::W:ecFZq";

struct Parser {
  bool as_nsenter = false;
  std::string prog;  // "nsenter" or "nsview enter"
  std::vector<struct option> longopts;
  enter::Request req;
  bool quiet = false;
  int w_or_W = 0;  // util-linux's exclusive-option state for {-W, -w}

  // `-n/path` gives "/path", `-n=/path` gives "/path" (2.42 strips one '='), `--net=/path` too.
  static std::string strip_eq(const char* arg) { return arg[0] == '=' ? arg + 1 : arg; }

  void set_target(const char* value, bool is_ns, bool from_t) {
    if (!req.target.empty()) throw Fatal{"option --target may be given only once"};
    if (from_t) {
      // A string nsenter rejects and nsview cannot read as one of its targets either fails now,
      // in option order, as nsenter's does.
      const enter::PidArg a = enter::parse_pid_arg(value);
      if (a.error && !enter::extra_target_possible(value)) throw Fatal{enter::pid_arg_error(value, a.error)};
      if (!a.error && a.pidfd_inode)
        if (auto msg = enter::pidfd_inode_error(a.pid, a.pidfd_inode)) throw Fatal{*msg};
    }
    req.target = value;
    req.target_is_ns = is_ns;
    req.target_from_t = from_t;
  }

  void enable_ns(NsType t, const char* arg) {
    auto& c = req.ns[nsinspect::index_of(t)];
    c.enabled = true;
    if (!arg) return;  // without an argument a file given before stays
    c.file = strip_eq(arg);
    if (auto msg = enter::ns_file_error(*c.file, t)) throw Fatal{*msg};
  }

  static std::string checked_dir(const std::string& dir) {
    if (auto msg = enter::dir_open_error(dir)) throw Fatal{*msg};
    return dir;
  }

  enter::IdChoice parse_id(const char* s, const char* what) {
    enter::IdChoice c;
    if (std::strcmp(s, "follow") == 0) {
      c.kind = enter::IdChoice::Kind::follow;
      return c;
    }
    const enter::NumArg n = enter::parse_ul_unsigned(s);
    if (n.error) throw Fatal{enter::ul_number_error(what, s, n.error)};
    c.kind = enter::IdChoice::Kind::value;
    c.value = static_cast<uint32_t>(n.value);  // uid_t, as nsenter's assignment truncates
    return c;
  }

  // util-linux's err_exclusive_options for the pair {W, w}: the second of them is an error.
  void exclusive(int c) {
    if (c != 'W' && c != 'w') return;
    if (w_or_W == 0) w_or_W = c;
    else if (w_or_W != c) throw Fatal{"mutually exclusive arguments: --wdns --wd"};
  }

  // Parses options from optind until the first non-option (or `--`).
  void parse(int argc, char** argv) {
    const char* shortopts = as_nsenter ? kNsenterShort : kNsviewShort;
    int c;
    while ((c = getopt_long(argc, argv, shortopts, longopts.data(), nullptr)) != -1) {
      exclusive(c);
      switch (c) {
        case 'a': req.all = true; break;
        case 't': set_target(optarg, false, true); break;
        case OPT_NS: set_target(optarg, true, false); break;
        case 'm': enable_ns(NsType::mnt, optarg); break;
        case 'u': enable_ns(NsType::uts, optarg); break;
        case 'i': enable_ns(NsType::ipc, optarg); break;
        case 'n': enable_ns(NsType::net, optarg); break;
        case 'p': enable_ns(NsType::pid, optarg); break;
        case 'C': enable_ns(NsType::cgroup, optarg); break;
        case 'U': enable_ns(NsType::user, optarg); break;
        case 'T': enable_ns(NsType::time, optarg); break;
        case 'N': {
          const enter::NumArg n = enter::parse_ul_fd(optarg);
          if (n.error) throw Fatal{enter::ul_number_error("failed to parse file descriptor", optarg, n.error)};
          // A negative number passes nsenter's check and then means "no socket".
          if (n.value >= 0) req.net_socket = static_cast<int>(n.value);
          else req.net_socket.reset();
          break;
        }
        case 'S': req.uid = parse_id(optarg, "failed to parse uid"); break;
        case 'G': req.gid = parse_id(optarg, "failed to parse gid"); break;
        case 'F': req.fork = false; break;
        case 'c': req.join_cgroup = true; break;
        case 'e': req.env = true; break;
        case 'Z': req.follow_context = true; break;
        case 'q': quiet = true; break;
        case 'r':
          // nsenter takes -r's argument as it is (no '=' stripped), unlike -w's.
          if (optarg) req.root_dir = checked_dir(optarg);
          else req.root_target = true;
          break;
        case 'w':
          if (optarg) req.wd_dir = checked_dir(strip_eq(optarg));
          else req.wd_target = true;
          break;
        case 'W':
          // `--wdns` alone resets it, as in nsenter.
          if (optarg) req.wdns = strip_eq(optarg);
          else req.wdns.reset();
          break;
        case OPT_PRESERVE_CRED: req.preserve_credentials = true; break;
        case OPT_KEEPCAPS: req.keep_caps = true; break;
        case OPT_USER_PARENT: req.user_parent = true; break;
        case 'h':
          usage(as_nsenter);
          throw Answered{};
        case 'V':
          std::printf("%s from nsview %s\n", as_nsenter ? "nsenter" : "nsview enter", NSVIEW_VERSION);
          throw Answered{};
        default: throw TryHelp{};
      }
    }
  }
};

int run(int argc, char** argv) {
  const char* base = std::strrchr(argv[0], '/') ? std::strrchr(argv[0], '/') + 1 : argv[0];
  Parser p;
  p.as_nsenter = std::strcmp(base, "nsenter") == 0;
  p.prog = p.as_nsenter ? "nsenter" : "nsview enter";
  p.longopts.assign(kNsenterOpts, kNsenterOpts + kNsenterOptCount);
  if (!p.as_nsenter) p.longopts.insert(p.longopts.end(), std::begin(kNsviewExtraOpts), std::end(kNsviewExtraOpts));
  p.longopts.push_back({nullptr, 0, nullptr, 0});

  // getopt names the program by argv[0] in its messages.
  std::vector<char*> args(argv, argv + argc);
  std::string argv0 = p.prog;
  args[0] = argv0.data();
  args.push_back(nullptr);
  try {
    opterr = 1;
    optind = 1;
    p.parse(argc, args.data());
    bool any_file = false;
    for (const auto& c : p.req.ns) any_file |= c.file.has_value();
    // `nsview enter TARGET [options] [--] [CMD...]`: the first word names the target unless
    // -t/--ns or namespace files already say where to go (nsenter's own forms). With no word
    // left, it is nsenter's form without a target.
    if (!p.as_nsenter && p.req.target.empty() && !any_file && optind < argc) {
      p.req.target = args[optind++];
      p.req.all_unless_picked = true;
      p.parse(argc, args.data());
    }
    for (int i = optind; i < argc; ++i) p.req.command.emplace_back(args[i]);
    p.req.banner = !p.quiet && !p.as_nsenter;
  } catch (const Answered&) {
    return 0;
  } catch (const TryHelp&) {
    std::fprintf(stderr, "Try '%s --help' for more information.\n", p.prog.c_str());
    return 1;
  } catch (const Fatal& e) {
    std::fprintf(stderr, "%s: %s\n", p.prog.c_str(), e.msg.c_str());
    return 1;
  }
  try {
    enter::run(p.req, p.prog);
  } catch (const enter::Error& e) {
    std::fprintf(stderr, "%s: %s\n", p.prog.c_str(), e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", p.prog.c_str(), e.what());
    return 1;
  }
}

nsview::RegisterSubcommand reg({"enter", "run a program in the namespaces of a process, container or namespace", run, 40});

}  // namespace
