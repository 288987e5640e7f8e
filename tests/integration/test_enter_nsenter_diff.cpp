// `nsview enter` and an `nsenter` symlink to nsview against util-linux nsenter, argument
// vector by argument vector: exit status, stdout and stderr (program name normalised), over
// namespaces the test makes. The installed nsenter is 2.38; the first table holds what 2.38
// and 2.42 agree on (read from 2.42's nsenter.c), the second what only 2.42 does, with the
// bytes 2.42's source prints.
#include <catch2/catch.hpp>

#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <sys/ioctl.h>
#include <unistd.h>

#include "nsfixtures.hpp"
#include "run.hpp"

using namespace testsupport;

namespace {

std::string P(pid_t pid) { return std::to_string(pid); }

std::string comm(pid_t pid) {
  std::ifstream f("/proc/" + P(pid) + "/comm");
  std::string s;
  std::getline(f, s);
  return s;
}

// A sleeper in namespaces of its own, ready once it is `sleep` (its hostname set by then).
struct Sleeper {
  Child proc;
  pid_t pid = 0;
  explicit Sleeper(const std::string& unshare_opts, const std::string& host)
      : proc("exec unshare " + unshare_opts + " sh -c 'hostname " + host + "; exec sleep 1000'") {
    pid = descendant(proc.pid(), 1);
    Child::wait_for([&] { return comm(pid) == "sleep"; });
  }
};

// A pid that no process has (one that has just exited).
pid_t gone_pid() {
  pid_t gone;
  {
    Child c("exec sleep 1000");
    gone = c.pid();
  }
  return gone;
}

// nsview's program name becomes nsenter's (in messages and in the "Try" line).
std::string normalised(std::string s) {
  const std::string from = "nsview enter", to = "nsenter";
  for (std::size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
  return s;
}

struct Runners {
  std::string link_dir = "/tmp/" + unique_name("nsenter-link");
  Cleanup rm{"rm -rf " + link_dir};
  Runners() { sh_out("mkdir " + link_dir + " && ln -s " + nsview_bin() + " " + link_dir + "/nsenter"); }
  // env -i: the same environment for all (and no $SHELL surprises).
  // unpriv: as nobody (uid and gid 65534, no groups, no capabilities).
  Result nsenter(const std::vector<std::string>& a, bool unpriv = false) const { return go("nsenter", a, unpriv); }
  Result symlink(const std::vector<std::string>& a, bool unpriv = false) const {
    return go(link_dir + "/nsenter", a, unpriv);
  }
  Result nsview(const std::vector<std::string>& a, bool unpriv = false) const {
    std::vector<std::string> v{"enter"};
    v.insert(v.end(), a.begin(), a.end());
    return go(nsview_bin(), v, unpriv);
  }
  static Result go(const std::string& prog, const std::vector<std::string>& a, bool unpriv) {
    std::vector<std::string> argv{"env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "SHELL=/bin/sh"};
    if (unpriv)
      for (auto w : {"setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"}) argv.push_back(w);
    argv.push_back(prog);
    argv.insert(argv.end(), a.begin(), a.end());
    Result r = run(argv);
    r.err = normalised(r.err);
    return r;
  }
};

std::vector<std::string> expand(const std::vector<std::string>& args, const std::map<std::string, std::string>& vars) {
  std::vector<std::string> out;
  for (std::string a : args) {
    for (const auto& [k, v] : vars)
      for (std::size_t at = 0; (at = a.find(k, at)) != std::string::npos; at += v.size()) a.replace(at, k.size(), v);
    out.push_back(a);
  }
  return out;
}

}  // namespace

TEST_CASE("enter: same status, stdout and stderr as nsenter for the same arguments", "[enter][nsenter]") {
  REQUIRE(is_root());
  Sleeper t("-m -u -i -n -p -f -C -T", "nsview-diff-t");
  Sleeper u("-U -r -u -f", "nsview-diff-u");
  const std::map<std::string, std::string> vars = {{"{T}", P(t.pid)}, {"{U}", P(u.pid)}, {"{GONE}", P(gone_pid())}};
  Runners run;

  struct Row {
    std::vector<std::string> args;
    bool nsview_form = true;  // `nsview enter ARGS` reads them as nsenter does (no positional target)
    bool unpriv = false;
  };
  const std::vector<Row> rows = {
      // Bad usage: getopt's messages and the "Try" line, or util-linux's one-line errors.
      {{"--bogus"}},
      {{"-x", "-t", "{T}"}},
      {{"-t"}},
      {{"--target"}},
      {{"--all=x"}},
      {{"--p"}},  // ambiguous: --pid --preserve-credentials
      {{"--w", "-t", "{T}"}},  // ambiguous: --wd --wdns
      {{"-S"}},
      {{"--setuid"}},
      {{"--setuid="}},
      {{"-t", "{T}", "-u", "-S", "x", "true"}},
      {{"-t", "{T}", "-u", "-G", "x", "true"}},
      {{"-t", "{T}", "-u", "-S", "99999999999999999999999", "true"}},
      {{"-t", "{T}", "-u", "-w", "-W", "/", "true"}},
      {{"-t", "{T}", "-u", "-W/", "-w", "true"}},
      {{"-W"}},  // 2.38's -W: an argument is required (2.42 would take none)
      {{"-r"}},
      {{"-w"}},
      {{"-t", "{T}", "-unp", "hostname"}},  // bundled: -u takes "np" as its file
      {{"--bogus", "-t", "abc"}},           // the first error wins
      {{"-n/nonexistent", "--bogus"}},      // files are opened while the options are read
      {{"-r/nonexistent", "-h"}},
      {{"-w/nonexistent", "-t", "abc"}},
      {{"-at{T}", "hostname"}},             // bundled, the last one with its argument attached
      {{"-Ft", "{T}", "-u", "hostname"}},
      {{"-t", "{T}", "-u"}, false},         // no program: $SHELL (`nsview enter` adds a banner)
      // Missing processes: the first file nsenter opens names the failure.
      {{"-t", "{GONE}", "-n", "true"}},
      {{"-t", "{GONE}", "-n", "-u", "-m", "true"}},
      {{"-t", "{GONE}", "-r", "-n/proc/{T}/ns/net", "true"}},
      {{"-t", "{GONE}", "-w", "-u/proc/{T}/ns/uts", "true"}},
      {{"-t", "{GONE}", "-u/proc/{T}/ns/uts", "hostname"}},  // never needs the process: runs
      {{"-t", "{T}", "-n/nonexistent", "true"}},
      // What runs: output, exit codes, signals, exec failures.
      {{"-t", "{T}", "-u", "hostname"}},
      {{"-t", "{T}", "-u", "--", "hostname"}},
      {{"-t", "{T}", "-Fu", "hostname"}},
      {{"--uts=/proc/{T}/ns/uts", "hostname"}},
      {{"-u/proc/{T}/ns/uts", "hostname"}},
      {{"-t", "{T}", "-m", "-u", "-i", "-n", "-p", "-C", "-T", "sh", "-c",
        "for n in mnt uts ipc net pid cgroup time; do readlink /proc/self/ns/$n; done"}},
      {{"-t", "{T}", "-a", "sh", "-c", "hostname; readlink /proc/self/ns/net /proc/self/ns/user"}},
      {{"-t", "{U}", "-a", "sh", "-c", "hostname; id -u; readlink /proc/self/ns/user"}},
      {{"-t", "{U}", "-U", "-u", "--preserve-credentials", "hostname"}},
      {{"-t", "{T}", "-u", "sh", "-c", "echo out; echo err >&2; exit 7"}},
      {{"-t", "{T}", "-p", "sh", "-c", "exit 9"}},
      {{"-t", "{T}", "-p", "sh", "-c", "kill -TERM $$"}},
      {{"-t", "{T}", "-u", "sh", "-c", "kill -TERM $$"}},
      {{"-t", "{T}", "-u", "/nonexistent"}},
      {{"-t", "{T}", "-u", "/etc/passwd"}},
      {{"-t", "{T}", "-u", "--wdns", "hostname"}},  // --wdns alone is no pair with "hostname"
      {{"-t", "{T}", "-u", "-Z", "hostname"}},      // no SELinux: ignored
      {{"-t", "{T}", "-u", "-S", "0", "-G", "0", "id"}},
      {{"-t", "{T}", "-m", "-r", "-w", "pwd"}},
      {{"-t", "{T}", "-u", "-w/tmp", "pwd"}},
      {{"-t", "{T}", "-u", "-r/", "hostname"}},
      {{"-t", "{T}", "-u", "--root=/", "hostname"}},
      {{"-t", "{T}", "-u", "--root=", "hostname"}},  // an empty path fails to open
      {{"-t", "{T}", "-u", "--wd=", "hostname"}},
      {{"-t", "{T}", "-u", "--wdns=", "hostname"}},
      {{"-t", "{T}", "-m", "-Wetc", "pwd"}},  // relative to the mount namespace's root
      {{"-t", "{T}", "-u", "-W/etc/passwd", "pwd"}},
      {{"-t", "{T}", "-u", "-r/etc/passwd", "pwd"}},
      {{"-t", "{T}", "-u", "-w/etc/passwd", "pwd"}},
      // Unprivileged: the target's user namespace link cannot be read.
      {{"-t", "{T}", "-a", "true"}, true, true},
  };
  for (const auto& row : rows) {
    const auto args = expand(row.args, vars);
    std::string shown;
    for (const auto& a : args) shown += a + " ";
    INFO("nsenter " << shown);
    const Result want = run.nsenter(args, row.unpriv);
    const Result link = run.symlink(args, row.unpriv);
    CHECK(link.status == want.status);
    CHECK(link.out == want.out);
    CHECK(link.err == want.err);
    if (row.nsview_form) {
      const Result nv = run.nsview(args, row.unpriv);
      CHECK(nv.status == want.status);
      CHECK(nv.out == want.out);
      CHECK(nv.err == want.err);
    }
  }
}

TEST_CASE("enter: what only nsenter 2.42 does, byte for byte", "[enter][nsenter]") {
  REQUIRE(is_root());
  Sleeper t("-m -u -i -n -p -f -C -T", "nsview-diff-42");
  const std::string T = P(t.pid), GONE = P(gone_pid());
  Runners run;
  struct Row {
    std::vector<std::string> args;
    int status;
    std::string out, err;
    bool nsview_form = true;
    bool unpriv = false;
  };
  const std::string erange = "Numerical result out of range";
  // The uts namespace's 64-bit id (NS_GET_ID), for =:NSID.
  std::string uts_id;
  {
    int fd = open(("/proc/" + T + "/ns/uts").c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    uint64_t id = 0;
    if (ioctl(fd, _IOR(0xb7, 0xd, uint64_t), &id) == 0) uts_id = std::to_string(id);
    close(fd);
  }
  std::vector<Row> rows = {
      {{"-t", "abc", "-n", "true"}, 1, "", "nsenter: failed to parse PID argument 'abc': Invalid argument\n"},
      {{"-t", "0", "-n", "true"}, 1, "", "nsenter: failed to parse PID argument '0': " + erange + "\n"},
      {{"-t", "-1", "-n", "true"}, 1, "", "nsenter: failed to parse PID argument '-1': " + erange + "\n"},
      {{"-t", "1:", "-n", "true"}, 1, "", "nsenter: failed to parse PID argument '1:': Invalid argument\n"},
      {{"-t", "1:0", "-n", "true"}, 1, "", "nsenter: failed to parse PID argument '1:0': " + erange + "\n"},
      {{"-t", "99999999999", "-n", "true"}, 1, "", "nsenter: failed to parse PID argument '99999999999': " + erange + "\n"},
      {{"-t", "5000000", "-n", "true"}, 1, "", "nsenter: cannot open /proc/5000000/ns/net: No such file or directory\n"},
      {{"-t", T + ":1", "-n", "true"}, 1, "", "nsenter: failed to obtain a valid file descriptor for PID " + T + ": No such process\n"},
      {{"-t", T + ":1", "--bogus"}, 1, "", "nsenter: failed to obtain a valid file descriptor for PID " + T + ": No such process\n"},
      {{"-t", GONE + ":1", "-n", "true"}, 1, "", "nsenter: failed to obtain a valid file descriptor for PID " + GONE + ": No such process\n"},
      {{"-t", "5000000:1", "-n", "true"}, 1, "", "nsenter: failed to obtain a valid file descriptor for PID 5000000: No such process\n"},
      {{"-t", T, "-t", T, "-n", "true"}, 1, "", "nsenter: option --target may be given only once\n"},
      {{"--u"}, 1, "", "nsenter: option '--u' is ambiguous; possibilities: '--uts' '--user' '--user-parent'\n"
                       "Try 'nsenter --help' for more information.\n"},
      {{"-t", T}, 1, "", "nsenter: no namespace specified\n"},
      {{"-n", "true"}, 1, "", "nsenter: no target PID specified\n", false},
      {{"-a"}, 1, "", "nsenter: stat of /proc/0/ns/user failed: No such file or directory\n"},
      {{"-t", GONE, "-a", "true"}, 1, "", "nsenter: stat of /proc/" + GONE + "/ns/user failed: No such file or directory\n"},
      {{"-t", T, "-u", "-N", "x", "true"}, 1, "", "nsenter: failed to parse file descriptor: 'x'\n"},
      {{"-t", T, "-u", "-N", "2147483648", "true"}, 1, "", "nsenter: failed to parse file descriptor: '2147483648': " + erange + "\n"},
      {{"-t", T, "-u", "-N", "-1", "hostname"}, 0, "nsview-diff-42\n", ""},  // negative: no socket
      {{"-t", T, "-u", "-S", "-1", "true"}, 1, "", "nsenter: failed to parse uid: '-1': " + erange + "\n"},
      {{"-t", T, "-u=/proc/" + T + "/ns/uts", "hostname"}, 0, "nsview-diff-42\n", ""},  // one '=' is stripped
      {{"-t", T, "-u", "-r=/", "true"}, 1, "", "nsenter: cannot open =/: No such file or directory\n"},  // not for -r
      {{"-t", T, "-u", "-w=/tmp", "pwd"}, 0, "/tmp\n", ""},
      {{"-t", T, "-u", "-W/nonexistent", "true"}, 1, "", "nsenter: cannot open current working directory: No such file or directory\n"},
      {{"-t", T, "-u", "--wdns=", "true"}, 1, "", "nsenter: cannot open current working directory: No such file or directory\n"},
      {{"-S", "follow", "-n/proc/" + T + "/ns/net", "true"}, 1, "", "nsenter: neither filename nor target pid supplied for \n"},
      {{"-e", "-n/proc/" + T + "/ns/net", "true"}, 1, "", "nsenter: neither filename nor target pid supplied for environ\n"},
      {{"-t", T, "-u", "-n:abc", "true"}, 1, "", "nsenter: failed to parse nsid: abc\n"},
      // Unprivileged: 2.42 enters through a pidfd, which the kernel refuses (2.38 could not
      // open /proc/PID/ns/net instead).
      {{"-t", T, "-n", "true"}, 1, "", "nsenter: reassociate to namespaces failed: Operation not permitted\n", true, true},
  };
  if (!uts_id.empty()) {
    // 2.42 builds the file handle from the id alone; Linux 6.18 also wants the inode in it and
    // answers ESTALE, a later kernel may open it. Ask the kernel which, with such a handle.
    alignas(struct file_handle) unsigned char buf[sizeof(struct file_handle) + 16] = {};
    auto* fh = reinterpret_cast<struct file_handle*>(buf);
    fh->handle_bytes = 16;
    int mount_id = 0, nsfd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
    REQUIRE(nsfd >= 0);
    REQUIRE(name_to_handle_at(nsfd, "", fh, &mount_id, AT_EMPTY_PATH | 0x200 /* AT_HANDLE_FID */) == 0);
    const uint64_t id = std::stoull(uts_id);
    std::memset(fh->f_handle, 0, 16);
    std::memcpy(fh->f_handle, &id, sizeof id);
    int probe = open_by_handle_at(nsfd, fh, O_RDONLY | O_CLOEXEC);
    const int probe_errno = errno;
    close(nsfd);
    if (probe >= 0) {
      close(probe);
      rows.push_back({{"-u:" + uts_id, "hostname"}, 0, "nsview-diff-42\n", ""});
    } else {
      rows.push_back({{"-u:" + uts_id, "hostname"}, 1, "",
                      "nsenter: cannot open namespace of id " + uts_id + ": " + std::strerror(probe_errno) + "\n"});
    }
  }
  for (const auto& row : rows) {
    std::string shown;
    for (const auto& a : row.args) shown += a + " ";
    INFO("nsenter " << shown);
    for (bool as_link : {true, false}) {
      if (!as_link && !row.nsview_form) continue;
      const Result r = as_link ? run.symlink(row.args, row.unpriv) : run.nsview(row.args, row.unpriv);
      CHECK(r.status == row.status);
      CHECK(r.out == row.out);
      CHECK(r.err == row.err);
    }
  }
}

TEST_CASE("enter: --help as nsenter 2.42 prints it", "[enter][nsenter]") {
  Runners run;
  const Result r = run.symlink({"--help"});
  CHECK(r.status == 0);
  CHECK(r.err == "");
  CHECK(r.out ==
        "\nUsage:\n"
        " nsenter [options] [<program> [<argument>...]]\n"
        "\nRun a program with namespaces of other processes.\n"
        "\nOptions:\n"
        " -a, --all                     enter all namespaces\n"
        " -t, --target <PID>            target process to get namespaces from\n"
        " -m, --mount[=<file>|=:<nsid>] enter mount namespace\n"
        " -u, --uts[=<file>|=:<nsid>]   enter UTS namespace (hostname etc)\n"
        " -i, --ipc[=<file>|=:<nsid>]   enter System V IPC namespace\n"
        " -n, --net[=<file>|=:<nsid>]   enter network namespace\n"
        " -N, --net-socket <fd>         enter socket's network namespace (needs --target)\n"
        " -p, --pid[=<file>|=:<nsid>]   enter pid namespace\n"
        " -C, --cgroup[=<file>|=:<nsid>]  enter cgroup namespace\n"
        " -U, --user[=<file>|=:<nsid>]  enter user namespace\n"
        "     --user-parent             enter parent user namespace\n"
        " -T, --time[=<file>|=:<nsid>]  enter time namespace\n"
        " -S, --setuid[=<uid>]          set uid in entered namespace\n"
        " -G, --setgid[=<gid>]          set gid in entered namespace\n"
        "     --preserve-credentials    do not touch uids or gids\n"
        "     --keep-caps               retain capabilities granted in user namespaces\n"
        " -r, --root[=<dir>]            set the root directory\n"
        " -w, --wd[=<dir>]              set the working directory\n"
        " -W, --wdns <dir>              set the working directory in namespace\n"
        " -e, --env                     inherit environment variables from target process\n"
        " -F, --no-fork                 do not fork before exec'ing <program>\n"
        " -c, --join-cgroup             join the cgroup of the target process\n"
        " -Z, --follow-context          set SELinux context according to --target PID\n"
        "\n"
        " -h, --help                    display this help\n"
        " -V, --version                 display version\n"
        "\nFor more details see nsenter(1).\n");
  // Help wins over what follows it, not over an error before it (as getopt reads them).
  CHECK(run.symlink({"-h", "--bogus"}).out == r.out);
  CHECK(run.symlink({"--bogus", "-h"}).status == 1);
}
