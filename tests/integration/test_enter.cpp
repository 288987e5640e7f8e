// `nsview enter` against real namespaces, always run as a child process (entering a mount
// namespace in the test runner itself would break it). Ground truth: readlink of the
// target's /proc/PID/ns/*, and nsenter 2.38 where it can do the same.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <map>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.hpp"
#include "cgroups.hpp"  // slurp

using namespace testsupport;

namespace {

const std::vector<std::string> kTypes = {"mnt", "uts", "ipc", "net", "pid", "cgroup", "time"};

std::string ns_link(pid_t pid, const std::string& type) {
  return readlink_str("/proc/" + std::to_string(pid) + "/ns/" + type);
}

Result nsview(std::vector<std::string> args, const std::string& input = {}) {
  return nsview_run("enter", std::move(args), input);
}

// The only child of pid (unshare -f runs the target as its child).
pid_t only_child(pid_t pid) {
  pid_t kid = 0;
  Child::wait_for([&] {
    std::string s = trimmed(sh_out("cat /proc/" + std::to_string(pid) + "/task/*/children 2>/dev/null || true"));
    kid = s.empty() ? 0 : std::stoi(s);
    return kid > 0 && !ns_link(kid, "mnt").empty() && ns_link(kid, "mnt") != ns_link(getpid(), "mnt");
  });
  return kid;
}

// A target in new mnt, uts, ipc, net, pid, cgroup and time namespaces (as root).
struct NsTarget {
  Child proc{"exec unshare -m -u -i -n -p -f -C -T sh -c 'hostname nsview-enter-t; exec sleep 1000'"};
  pid_t pid = only_child(proc.pid());
  // Ready once the child has set the hostname and become sleep (a loaded machine shows sh).
  bool ready = Child::wait_for([this] { return slurp("/proc/" + std::to_string(pid) + "/comm") == "sleep\n"; });
};

// The raw wait status of argv (to tell "killed by a signal" from "exited 143").
int raw_status(const std::vector<std::string>& argv) {
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    std::vector<char*> v;
    for (auto& a : argv) v.push_back(const_cast<char*>(a.c_str()));
    v.push_back(nullptr);
    execv(v[0], v.data());
    _exit(127);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  return st;
}

std::string P(pid_t pid) { return std::to_string(pid); }

}  // namespace

TEST_CASE("enter: each namespace type alone gives the target's namespace", "[enter]") {
  REQUIRE(is_root());
  NsTarget t;
  REQUIRE(t.pid > 0);
  REQUIRE(t.ready);
  const std::map<std::string, std::string> flag = {{"mnt", "-m"}, {"uts", "-u"}, {"ipc", "-i"}, {"net", "-n"},
                                                    {"pid", "-p"}, {"cgroup", "-C"}, {"time", "-T"}};
  for (const auto& type : kTypes) {
    INFO(type);
    std::string want = ns_link(t.pid, type);
    REQUIRE(want != ns_link(getpid(), type));
    Result r = nsview({"-t", P(t.pid), flag.at(type), "readlink", "/proc/self/ns/" + type});
    CHECK(r.status == 0);
    CHECK(r.err == "");
    CHECK(trimmed(r.out) == want);
    // nsenter agrees.
    Result n = run({"nsenter", "-t", P(t.pid), flag.at(type), "readlink", "/proc/self/ns/" + type});
    CHECK(trimmed(n.out) == trimmed(r.out));
    // Long option with the namespace file attached, and the file form without a target.
    Result f = nsview({"--" + std::string(type == "mnt" ? "mount" : type) + "=/proc/" + P(t.pid) + "/ns/" + type,
                       "readlink", "/proc/self/ns/" + type});
    CHECK(trimmed(f.out) == want);
  }
}

TEST_CASE("enter: -a enters every namespace and skips an identical user namespace", "[enter]") {
  REQUIRE(is_root());
  NsTarget t;
  std::string script = "for t in mnt uts ipc net pid cgroup time user; do readlink /proc/self/ns/$t; done";
  std::string want;
  for (auto type : {"mnt", "uts", "ipc", "net", "pid", "cgroup", "time", "user"}) want += ns_link(t.pid, type) + "\n";
  Result r = nsview({"-t", P(t.pid), "-a", "sh", "-c", script});
  CHECK(r.status == 0);
  CHECK(r.out == want);
  CHECK(run({"nsenter", "-t", P(t.pid), "-a", "sh", "-c", script}).out == r.out);
  // The positional form: all namespaces unless options pick some.
  CHECK(nsview({P(t.pid), "--", "sh", "-c", script}).out == want);
  CHECK(trimmed(nsview({P(t.pid), "hostname"}).out) == "nsview-enter-t");
  CHECK(trimmed(nsview({P(t.pid), "-n", "--", "hostname"}).out) == trimmed(sh_out("hostname")));
}

TEST_CASE("enter: a pid namespace forks - status, signals and stops come back", "[enter]") {
  REQUIRE(is_root());
  NsTarget t;
  Result pid = nsview({"-t", P(t.pid), "-p", "sh", "-c", "echo $$"});
  REQUIRE(pid.status == 0);
  CHECK(std::stoi(pid.out) < 10);  // the target is pid 1 there
  CHECK(nsview({"-t", P(t.pid), "-a", "sh", "-c", "exit 7"}).status == 7);

  int st = raw_status({nsview_bin(), "enter", "-t", P(t.pid), "-p", "sh", "-c", "kill -TERM $$"});
  CHECK(WIFSIGNALED(st));
  CHECK(WTERMSIG(st) == SIGTERM);
  st = raw_status({nsview_bin(), "enter", "-t", P(t.pid), "-p", "sh", "-c", "kill -KILL $$"});
  CHECK((WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL));

  // The child stops: the parent stops too; continuing the parent continues the child.
  pid_t p = fork();
  if (p == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    std::string b = nsview_bin(), tp = P(t.pid);
    execl(b.c_str(), b.c_str(), "enter", "-t", tp.c_str(), "-p", "sh", "-c", "kill -STOP $$; exit 5", nullptr);
    _exit(127);
  }
  int s = 0;
  REQUIRE(waitpid(p, &s, WUNTRACED) == p);
  CHECK(WIFSTOPPED(s));
  kill(p, SIGCONT);
  REQUIRE(waitpid(p, &s, 0) == p);
  CHECK(WIFEXITED(s));
  CHECK(WEXITSTATUS(s) == 5);

  // Forwarded: SIGTERM sent to the waiting parent reaches the command.
  Child fwd(std::vector<std::string>{nsview_bin(), "enter", "-t", P(t.pid), "-p", "sh", "-c",
                                     "trap 'echo got-term; exit 3' TERM; echo ready; while :; do sleep 0.05; done"});
  REQUIRE(fwd.read_line() == "ready");
  kill(fwd.pid(), SIGTERM);
  CHECK(fwd.read_line() == "got-term");
}

TEST_CASE("enter: -F does not fork, so only children see the pid namespace", "[enter]") {
  REQUIRE(is_root());
  NsTarget t;
  std::vector<std::string> cmd = {"-t", P(t.pid), "-p", "-F", "readlink", "/proc/self/ns/pid", "/proc/self/ns/pid_for_children"};
  Result r = nsview(cmd);
  CHECK(r.status == 0);
  CHECK(r.out == ns_link(getpid(), "pid") + "\n" + ns_link(t.pid, "pid") + "\n");
  cmd.insert(cmd.begin(), "nsenter");
  CHECK(run(cmd).out == r.out);
}

TEST_CASE("enter: -r, -w and -W stay inside the target's root", "[enter]") {
  REQUIRE(is_root());
  const std::string root = "/tmp/nsview-enter-root-" + P(getpid());
  Cleanup rm("rm -rf " + root);
  sh_out("mkdir -p " + root + "/bin " + root + "/etc " + root + "/work " + root + "/tmp && cp /bin/busybox " + root +
         "/bin/ && for c in sh cat pwd sleep ls; do ln -s busybox " + root + "/bin/$c; done && echo inside > " + root +
         "/etc/marker && ln -s /../../../etc " + root + "/up && ln -s /etc " + root + "/abs");
  Child proc("exec unshare -n chroot " + root + " /bin/sh -c 'cd /work && exec /bin/sleep 1000'");
  REQUIRE(Child::wait_for([&] { return readlink_str("/proc/" + P(proc.pid()) + "/cwd") == root + "/work"; }));
  const std::string tp = P(proc.pid());

  CHECK(trimmed(nsview({"-t", tp, "-n", "-r", "cat", "/etc/marker"}).out) == "inside");
  Result rw = nsview({"-t", tp, "-n", "-r", "-w", "pwd"});
  CHECK(trimmed(rw.out) == "/work");
  CHECK(run({"nsenter", "-t", tp, "-n", "-r", "-w", "pwd"}).out == rw.out);
  CHECK(trimmed(nsview({"-t", tp, "-n", "-r", "-W", "/work", "pwd"}).out) == "/work");
  CHECK(trimmed(nsview({"-t", tp, "-n", "-r", "--wdns=/etc", "pwd"}).out) == "/etc");
  // Symlinks resolve inside the root, never to the host's /etc.
  CHECK(trimmed(nsview({"-t", tp, "-n", "-r", "-W", "/up", "cat", "marker"}).out) == "inside");
  CHECK(trimmed(nsview({"-t", tp, "-n", "-r", "-W", "/abs", "cat", "marker"}).out) == "inside");
  // The caller's directory is looked up again inside the root (nsenter would keep the host's).
  CHECK(trimmed(sh_out("cd /tmp && " + nsview_bin() + " enter -t " + tp + " -n -r pwd")) == "/tmp");
  CHECK(trimmed(sh_out("cd /usr/share && " + nsview_bin() + " enter -t " + tp + " -n -r pwd")) == "/");
  // A working directory outside the new root is refused.
  // (Under LeakSanitizer, its exit-time check cannot read /proc after chroot: off here.)
  Result out = run({"env", "ASAN_OPTIONS=detect_leaks=0", nsview_bin(), "enter", "-t", tp, "-n", "-r", "-w=/usr", "pwd"});
  CHECK(out.status == 1);
  CHECK(out.out == "");
  CHECK(out.err == "nsview enter: the working directory is outside the entered root\n");
  // -rDIR and -w=DIR: paths as the caller sees them (nsenter strips a '=' for -w, not for -r).
  CHECK(trimmed(nsview({"-t", tp, "-n", "-r" + root, "-w=" + root + "/work", "pwd"}).out) == "/work");
  // No command: the target root has no bash, so its /bin/sh runs (as a login shell).
  Result shell = run({"env", "SHELL=/bin/bash", nsview_bin(), "enter", "-t", tp, "-n", "-r"}, "echo $0\n");
  CHECK(trimmed(shell.out) == "-sh");
  CHECK(shell.err == "nsview enter: in process " + tp + " (sleep): net namespace\n");
}

TEST_CASE("enter: -e gives the target's environment", "[enter]") {
  REQUIRE(is_root());
  Child proc("exec env -i FOO=bar-" + P(getpid()) + " PATH=/usr/bin:/bin sleep 1000");
  REQUIRE(Child::wait_for([&] { return ns_link(proc.pid(), "net") != "" && readlink_str("/proc/" + P(proc.pid()) + "/exe") == "/usr/bin/sleep"; }));
  Result r = run({"env", "OTHER=1", nsview_bin(), "enter", "-t", P(proc.pid()), "-n", "-e", "/usr/bin/env"});
  CHECK(r.status == 0);
  CHECK(r.out == "FOO=bar-" + P(getpid()) + "\nPATH=/usr/bin:/bin\n");
}

TEST_CASE("enter: -c joins the target's cgroups (v2 and v1 hierarchies)", "[enter]") {
  REQUIRE(is_root());
  const std::string name = "nsview-enter-" + P(getpid());
  const std::string v2 = "/sys/fs/cgroup/unified/" + name, v1 = "/sys/fs/cgroup/pids/" + name;
  Cleanup rm("rmdir " + v2 + " " + v1 + " 2>/dev/null");
  sh_out("mkdir -p " + v2 + " " + v1);
  Child proc("exec sleep 1000");
  sh_out("echo " + P(proc.pid()) + " > " + v2 + "/cgroup.procs && echo " + P(proc.pid()) + " > " + v1 + "/cgroup.procs");
  Result r = nsview({"-t", P(proc.pid()), "-n", "-c", "cat", "/proc/self/cgroup"});
  CHECK(r.status == 0);
  CHECK(r.out == sh_out("cat /proc/" + P(proc.pid()) + "/cgroup") + "\n");
  CHECK(r.out.find("0::/" + name + "\n") != std::string::npos);
  CHECK(r.out.find(":pids:/" + name + "\n") != std::string::npos);
}

TEST_CASE("enter: -S/-G set ids, follow takes the target's", "[enter]") {
  REQUIRE(is_root());
  Child proc("exec setpriv --reuid 4321 --regid 4322 --clear-groups sleep 1000");
  REQUIRE(Child::wait_for([&] { return sh_out("stat -c %u /proc/" + P(proc.pid())) == "4321"; }));
  CHECK(nsview({"-t", P(proc.pid()), "-n", "-S", "follow", "-G", "follow", "sh", "-c", "id -u; id -g"}).out == "4321\n4322\n");
  CHECK(nsview({"-t", P(proc.pid()), "-n", "-S", "77", "id", "-u"}).out == "77\n");
  CHECK(nsview({"-t", P(proc.pid()), "-n", "--setgid=88", "id", "-g"}).out == "88\n");
}

TEST_CASE("enter: user namespaces, privileged and not", "[enter]") {
  REQUIRE(is_root());
  const std::vector<std::string> nobody = {"setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"};
  Child proc("exec setpriv --reuid 65534 --regid 65534 --clear-groups unshare -U -r -n -u sleep 1000");
  REQUIRE(Child::wait_for([&] { return ns_link(proc.pid(), "user") != ns_link(getpid(), "user") &&
                                       readlink_str("/proc/" + P(proc.pid()) + "/exe") == "/usr/bin/sleep"; }));
  const std::string tp = P(proc.pid());

  // Unprivileged: pass 1 (net, uts) fails, pass 2 enters the user namespace first. Such a
  // namespace denies setgroups, so only --preserve-credentials works (as with nsenter); the
  // caller's own uid is 0 there.
  auto as_nobody = [&](std::vector<std::string> args) {
    auto v = nobody;
    v.insert(v.end(), args.begin(), args.end());
    return run(v);
  };
  Result r = as_nobody({nsview_bin(), "enter", "-t", tp, "-U", "-n", "-u", "--preserve-credentials", "sh", "-c",
                        "id -u; readlink /proc/self/ns/user /proc/self/ns/net"});
  CHECK(r.status == 0);
  CHECK(r.err == "");
  CHECK(r.out == "0\n" + ns_link(proc.pid(), "user") + "\n" + ns_link(proc.pid(), "net") + "\n");
  CHECK(as_nobody({"nsenter", "-t", tp, "-U", "-n", "-u", "--preserve-credentials", "sh", "-c",
                   "id -u; readlink /proc/self/ns/user /proc/self/ns/net"}).out == r.out);
  Result denied = as_nobody({nsview_bin(), "enter", "-t", tp, "-U", "-n", "true"});
  CHECK(denied.status == 1);
  CHECK(denied.err == "nsview enter: setgroups failed: Operation not permitted\n");
  CHECK(as_nobody({"nsenter", "-t", tp, "-U", "-n", "true"}).status == 1);

  // Root: uid 0 there by default; --preserve-credentials keeps root's own uid, which is not
  // mapped in this namespace (the overflow uid shows).
  Result as0 = nsview({"-t", tp, "-U", "sh", "-c", "id -u; id -G"});
  CHECK(as0.out == "0\n0\n");
  CHECK(run({"nsenter", "-t", tp, "-U", "sh", "-c", "id -u; id -G"}).out == as0.out);
  Result kept = nsview({"-t", tp, "-U", "--preserve-credentials", "id", "-u"});
  CHECK(kept.out == "65534\n");
  CHECK(run({"nsenter", "-t", tp, "-U", "--preserve-credentials", "id", "-u"}).out == kept.out);
  CHECK(trimmed(nsview({"-t", tp, "-U", "readlink", "/proc/self/ns/user"}).out) == ns_link(proc.pid(), "user"));
  // --keep-caps: the capabilities held in the entered user namespace become ambient.
  auto caps = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = {"-t", tp, "-U"};
    a.insert(a.end(), extra.begin(), extra.end());
    for (auto w : {"grep", "-E", "^Cap(Prm|Amb)", "/proc/self/status"}) a.push_back(w);
    return nsview(a).out;
  };
  std::string with = caps({"--keep-caps"}), without = caps({});
  REQUIRE(with.size() > 20);
  const std::string prm = with.substr(with.find("CapPrm:") + 8, 16);
  CHECK(prm != "0000000000000000");
  CHECK(with.find("CapAmb:\t" + prm) != std::string::npos);
  CHECK(without.find("CapAmb:\t0000000000000000") != std::string::npos);
  // --user-parent: a target two user namespaces down; its parent is the outer one.
  Child nested("exec unshare -U -r sh -c 'unshare -U -r -n sleep 1000; :'");
  pid_t inner = 0;
  REQUIRE(Child::wait_for([&] {
    std::string kids = trimmed(sh_out("cat /proc/" + P(nested.pid()) + "/task/*/children 2>/dev/null || true"));
    inner = kids.empty() ? 0 : std::stoi(kids);
    return inner > 0 && readlink_str("/proc/" + P(inner) + "/exe") == "/usr/bin/sleep";
  }));
  const std::string outer_user = ns_link(nested.pid(), "user");
  REQUIRE(outer_user != ns_link(inner, "user"));
  CHECK(nsview({"-t", P(inner), "-n", "--user-parent", "--preserve-credentials", "readlink", "/proc/self/ns/user",
                "/proc/self/ns/net"}).out == outer_user + "\n" + ns_link(inner, "net") + "\n");
}

TEST_CASE("enter: processless network namespaces by path, inode, fd and socket holder", "[enter]") {
  REQUIRE(is_root());
  const std::string name = "nsview-enter-" + P(getpid());
  Cleanup del("ip netns del " + name + " 2>/dev/null");
  sh_out("ip netns add " + name);
  const std::string path = "/run/netns/" + name;
  const std::string ino = sh_out("stat -L -c %i " + path);
  const std::string want = "net:[" + ino + "]";
  auto out = [](const Result& r) { return trimmed(r.out); };

  CHECK(out(nsview({"--ns", path, "readlink", "/proc/self/ns/net"})) == want);
  CHECK(out(nsview({path, "--", "readlink", "/proc/self/ns/net"})) == want);
  CHECK(out(nsview({"-n" + path, "readlink", "/proc/self/ns/net"})) == want);
  CHECK(out(run({"nsenter", "--net=" + path, "readlink", "/proc/self/ns/net"})) == want);
  CHECK(out(nsview({"--ns", want, "readlink", "/proc/self/ns/net"})) == want);
  CHECK(out(nsview({ino, "--", "readlink", "/proc/self/ns/net"})) == want);
  CHECK(out(nsview({"-t", "net:" + ino, "readlink", "/proc/self/ns/net"})) == want);
  Result wrong = nsview({"--ns", "uts:[" + ino + "]", "true"});
  CHECK(wrong.status == 1);
  CHECK(wrong.err == "nsview enter: uts:[" + ino + "]: namespace " + ino + " is a net namespace\n");
  Result other = nsview({"--ns", path, "-m", "true"});
  CHECK(other.status == 1);
  CHECK(other.err == "nsview enter: the target is a net namespace with no process: cannot enter its mnt namespace\n");

  // Held only by a socket; also -N FD on its holder.
  Child sock(std::vector<std::string>{helper_path("socket_netns")});
  std::string line = sock.read_line();
  REQUIRE(!line.empty());
  const std::string fd = line.substr(0, line.find(' ')), sino = line.substr(line.find(' ') + 1);
  CHECK(out(nsview({sino, "--", "readlink", "/proc/self/ns/net"})) == "net:[" + sino + "]");
  CHECK(out(nsview({"-t", P(sock.pid()), "-N", fd, "readlink", "/proc/self/ns/net"})) == "net:[" + sino + "]");
}

TEST_CASE("enter: the command gets exactly the caller's fds", "[enter]") {
  REQUIRE(is_root());
  NsTarget t;
  const std::string fdlist = helper_path("fdlist");
  const std::string name = "nsview-enter-fd-" + P(getpid());
  Cleanup del("ip netns del " + name + " 2>/dev/null");
  sh_out("ip netns add " + name);
  // (LeakSanitizer's exit-time tracer hangs in a sanitized fdlist whose pid_for_children is
  // another pid namespace, as after -p -F: leak checks are not what this test is about.)
  const std::string pre = "export ASAN_OPTIONS=detect_leaks=0; exec 5</dev/null; exec 9</dev/null; ";
  const std::string passed = sh_out(pre + fdlist);  // what the caller passes on (the shell may hold more)
  REQUIRE((" " + passed + " ").find(" 5 ") != std::string::npos);
  REQUIRE((" " + passed + " ").find(" 9 ") != std::string::npos);
  for (std::string opts : {"-t " + P(t.pid) + " -a", "-t " + P(t.pid) + " -a -F", P(t.pid),
                           "-t " + P(t.pid) + " -n -r -w -e -c -S follow", "--ns /run/netns/" + name,
                           sh_out("stat -L -c %i /run/netns/" + name) + " --", "-n/run/netns/" + name}) {
    INFO(opts);
    CHECK(sh_out(pre + nsview_bin() + " enter " + opts + " " + fdlist) == passed);
  }
}

TEST_CASE("enter: bad targets and bad options fail in one line and run nothing", "[enter]") {
  REQUIRE(is_root());
  const std::string marker = "/tmp/nsview-enter-ran-" + P(getpid());
  Cleanup rm("rm -f " + marker);
  pid_t gone;
  {
    Child c("exec sleep 1000");
    gone = c.pid();
  }
  struct Case {
    std::vector<std::string> args;
    std::string err;
    bool with_command = true;
  };
  Child live("exec sleep 1000");
  const std::vector<Case> cases = {
      {{"-t", P(gone), "-n"}, "nsview enter: cannot open /proc/" + P(gone) + "/ns/net: No such file or directory\n"},
      {{P(gone), "--"}, "nsview enter: no process with pid " + P(gone) + "\n"},
      {{"no-such-container-" + P(getpid()), "--"},
       "nsview enter: no such process, container or namespace: no-such-container-" + P(getpid()) + "\n"},
      {{"--ns", "42", "-n"}, "nsview enter: --ns wants TYPE:[INODE], an inode or the path of a namespace file, not '42'\n"},
      {{"--ns", "/etc/passwd"}, "nsview enter: /etc/passwd is not a namespace file\n"},
      {{"--ns", "net:[99999999999]"}, "nsview enter: no namespace with inode 99999999999 is held by anything visible\n"},
      {{"-t", P(live.pid())}, "nsview enter: no namespace specified\n"},
      {{"-t", P(live.pid()) + ":1", "-n"},
       "nsview enter: failed to obtain a valid file descriptor for PID " + P(live.pid()) + ": No such process\n"},
      {{"-t", "1", "-t", "2", "-n"}, "nsview enter: option --target may be given only once\n"},
      {{"-t", P(live.pid()), "-n", "-w", "-W", "/"}, "nsview enter: mutually exclusive arguments: --wdns --wd\n"},
      {{"-t", P(live.pid()), "-S", "x", "-n"}, "nsview enter: failed to parse uid: 'x'\n"},
      {{"-a"}, "nsview enter: stat of /proc/0/ns/user failed: No such file or directory\n", false},
      {{"-t", P(live.pid()), "-n", "--bogus"},
       "nsview enter: unrecognized option '--bogus'\nTry 'nsview enter --help' for more information.\n"},
  };
  for (const auto& c : cases) {
    auto args = c.args;
    if (c.with_command)
      for (auto a : {"touch", marker.c_str()}) args.push_back(a);
    INFO(args[0]);
    Result r = nsview(args);
    CHECK(r.status == 1);
    CHECK(r.err == c.err);
    CHECK(r.out == "");
    CHECK(access(marker.c_str(), F_OK) != 0);
  }
  // The right pidfd inode is accepted.
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, live.pid(), 0));
  REQUIRE(pidfd >= 0);
  struct stat st;
  REQUIRE(fstat(pidfd, &st) == 0);
  close(pidfd);
  CHECK(nsview({"-t", P(live.pid()) + ":" + std::to_string(st.st_ino), "-n", "true"}).status == 0);
  // exec failures: 127 not found, 126 not executable.
  CHECK(nsview({"-t", P(live.pid()), "-n", "/nonexistent"}).status == 127);
  CHECK(nsview({"-t", P(live.pid()), "-n", "/etc/passwd"}).status == 126);
}

TEST_CASE("enter: without a command, a shell and a banner (unless -q)", "[enter]") {
  REQUIRE(is_root());
  NsTarget t;
  Result r = run({"env", "SHELL=/bin/sh", nsview_bin(), "enter", P(t.pid)}, "hostname; echo $0\n");
  CHECK(r.status == 0);
  CHECK(r.out == "nsview-enter-t\n-sh\n");
  CHECK(r.err == "nsview enter: in process " + P(t.pid) + " (sleep): mnt net pid uts ipc cgroup time namespaces\n");
  Result q = run({"env", "SHELL=/bin/sh", nsview_bin(), "enter", "-q", P(t.pid)}, "hostname\n");
  CHECK(q.out == "nsview-enter-t\n");
  CHECK(q.err == "");
  // As nsenter (a symlink): no banner, nsenter's messages.
  const std::string link = "/tmp/nsview-enter-link-" + P(getpid());
  Cleanup rm("rm -rf " + link);
  sh_out("mkdir " + link + " && ln -s " + nsview_bin() + " " + link + "/nsenter");
  Result n = run({"env", "SHELL=/bin/sh", link + "/nsenter", "-t", P(t.pid), "-u"}, "hostname\n");
  CHECK(n.out == "nsview-enter-t\n");
  CHECK(n.err == "");
  CHECK(run({link + "/nsenter", "-t", P(t.pid)}).err == "nsenter: no namespace specified\n");
}
