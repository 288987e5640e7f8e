// End to end with real LXC and systemd-nspawn containers on a busybox root file system (see
// /work/shared/guide/environment.md): `nsview ps -J`, `list -o +CONTAINER`, `top -J` and
// `enter NAME -- hostname` against the engines' own view (lxc-info, lxc-ls), /proc and the
// containers' cgroup files. Every container, rootfs and cgroup directory a test causes is
// removed again, also when a check fails; nothing else is touched.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cgroups.hpp"
#include "run.hpp"

using namespace testsupport;
using nlohmann::json;

namespace {

const std::vector<std::string> kNsTypes = {"mnt", "net", "pid", "uts", "ipc", "user", "cgroup", "time"};

std::string unique(const std::string& what) { return "nsview-test-" + std::to_string(getpid()) + "-" + what; }
bool have(const std::string& tool) { return sh("command -v " + tool + " >/dev/null 2>&1").status == 0; }

uint64_t ns_of(pid_t pid, const std::string& type) {
  std::string link = readlink_str("/proc/" + std::to_string(pid) + "/ns/" + type);
  auto open = link.find('[');
  REQUIRE(open != std::string::npos);
  return std::stoull(link.substr(open + 1));
}

pid_t ppid_of(pid_t pid) {
  std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  REQUIRE(close != std::string::npos);
  int ppid = 0;
  REQUIRE(std::sscanf(stat.c_str() + close + 2, "%*c %d", &ppid) == 1);
  return ppid;
}

// /proc/PID/cgroup as hierarchy name ("cpu", "name=systemd", "" for the unified line) -> path.
std::map<std::string, std::string> cgroups_of(pid_t pid) {
  std::map<std::string, std::string> m;
  std::istringstream in(slurp("/proc/" + std::to_string(pid) + "/cgroup"));
  for (std::string line; std::getline(in, line);) {
    auto a = line.find(':'), b = line.find(':', a + 1);
    m[line.substr(a + 1, b - a - 1)] = line.substr(b + 1);
  }
  return m;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  REQUIRE(f);
  f << text;
}

// A root file system of busybox-static: sh, sleep, hostname, cat.
void make_rootfs(const std::string& dir) {
  REQUIRE(sh("mkdir -p " + dir + "/bin " + dir + "/proc " + dir + "/sys " + dir + "/dev " + dir + "/etc " + dir + "/tmp " +
             dir + "/usr/lib && cp /bin/busybox " + dir + "/bin/ && for l in sh sleep hostname cat; do ln -sf busybox " +
             dir + "/bin/$l; done && echo ID=nsview-test > " + dir + "/usr/lib/os-release")
              .status == 0);
}

// Cgroup directories a test caused, removed deepest first at scope exit: engines leave empty
// ones in every hierarchy. Patterns are shell globs below /sys/fs/cgroup/HIERARCHY/.
struct CgroupLeftovers {
  std::vector<std::string> patterns;
  ~CgroupLeftovers() {
    for (const auto& p : patterns)
      sh("for h in " + kCgroupRoot + "/*/; do for d in ${h}" + p + "; do [ -d \"$d\" ] || continue; " +
         "find \"$d\" -depth -type d | while read -r x; do for i in $(seq 50); do rmdir \"$x\" 2>/dev/null && break; " +
         "[ -d \"$x\" ] || break; sleep 0.1; done; done; done; done");
  }
};

// Whether a cgroup directory exists in any hierarchy (LXC shares lxc.pivot between containers:
// remove it only when this test made it).
bool cgroup_anywhere(const std::string& name) { return sh("ls -d " + kCgroupRoot + "/*/" + name + " >/dev/null 2>&1").status == 0; }

json ps_container(const std::string& id) {
  auto r = run({nsview_bin(), "ps", "-J", "--no-trunc"});
  REQUIRE(r.status == 0);
  const json all = json::parse(r.out);
  for (const auto& c : all["containers"])
    if (c["id"] == id) return c;
  FAIL("nsview ps -J has no container " << id << "\n" << r.out);
  return {};
}

json top_row(const std::string& name) {
  auto r = run({nsview_bin(), "top", "-b", "-J", "-n", "2", "-d", "0.5", "--group", "container"});
  REQUIRE(r.status == 0);
  CHECK(r.err.empty());
  std::istringstream in(r.out);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  const json sample = json::parse(last);
  for (const auto& row : sample["rows"])
    if (row["name"] == name) return row;
  FAIL("nsview top has no row " << name << "\n" << last);
  return {};
}

// The namespaces of init that are not the host's: `list -o +CONTAINER` names the container.
void check_list_rows(pid_t init, const std::string& name, std::size_t members) {
  auto r = run({nsview_bin(), "list", "-J", "-o", "+CONTAINER"});
  REQUIRE(r.status == 0);
  std::map<uint64_t, json> by_ns;
  const json listed = json::parse(r.out);
  for (const auto& row : listed["namespaces"]) by_ns[row["ns"].get<uint64_t>()] = row;
  for (const auto& t : kNsTypes) {
    INFO("type " << t);
    const uint64_t ns = ns_of(init, t);
    REQUIRE(by_ns.count(ns));
    const json& row = by_ns[ns];
    CHECK(row["type"] == t);
    if (ns == ns_of(getpid(), t)) {  // this test runs in the host's namespaces (pid 1 may be unreadable)
      CHECK(row["container"] == "host");
    } else {
      CHECK(row["container"] == name);
      CHECK(row["nprocs"] == members);
      CHECK(row["pid"] == init);
    }
  }
}

void check_namespaces(const json& c, pid_t init) {
  for (const auto& t : kNsTypes) {
    INFO("type " << t);
    CHECK(c["namespaces"][t] == ns_of(init, t));
  }
}

// ---- LXC ----

// Members are destroyed in reverse order, also when the constructor fails half way: the
// container is stopped and destroyed first, then its cgroup directories go.
struct LxcContainer {
  std::string name, conf_dir;
  CgroupLeftovers leftovers;
  Cleanup destroy;
  explicit LxcContainer(const std::string& n, const std::string& extra_config = {})
      : name(n), conf_dir("/tmp/" + n + ".conf.d"),
        destroy("lxc-stop -k -n " + n + " >/dev/null 2>&1; lxc-destroy -n " + n + " >/dev/null 2>&1; rm -rf /var/lib/lxc/" +
                n + " " + conf_dir) {
    leftovers.patterns = {"lxc.payload." + name, "lxc.payload." + name + "-[0-9]*", "lxc.monitor." + name,
                          "lxc.monitor." + name + "-[0-9]*"};
    if (!cgroup_anywhere("lxc.pivot")) leftovers.patterns.push_back("lxc.pivot");
    REQUIRE(sh("mkdir -p " + conf_dir).status == 0);
    const std::string rootfs = "/var/lib/lxc/" + name + "/rootfs";
    make_rootfs(rootfs);  // lxc-create -t none wants it in place
    write_file(conf_dir + "/config", "lxc.net.0.type = empty\nlxc.apparmor.profile = unconfined\n"
                                     "lxc.init.cmd = /bin/sleep 1000\nlxc.console.path = none\n"
                                     "lxc.rootfs.path = dir:" + rootfs + "\n" + extra_config);
    auto r = sh("lxc-create -t none -n " + name + " -f " + conf_dir + "/config 2>&1");
    INFO(r.out);
    REQUIRE(r.status == 0);
  }
  void start() {
    auto r = sh("lxc-start -n " + name + " 2>&1");
    INFO(r.out);
    REQUIRE(r.status == 0);
    REQUIRE(Child::wait_for([&] { return state() == "RUNNING" && init_pid() > 0; }));
  }
  std::string state() { return trimmed(sh("lxc-info -n " + name + " -s -H 2>/dev/null").out); }
  pid_t init_pid() {
    auto s = trimmed(sh("lxc-info -n " + name + " -p -H 2>/dev/null").out);
    return s.empty() ? 0 : std::stoi(s);
  }
  LxcContainer(const LxcContainer&) = delete;
  LxcContainer& operator=(const LxcContainer&) = delete;
};

bool lxc_ready() {
  if (!have("lxc-create") || !have("lxc-start")) {
    WARN("SKIPPED: LXC is not installed (apt-get install lxc busybox-static)");
    return false;
  }
  REQUIRE(is_root());
  return true;
}

// ---- systemd-nspawn ----

// A container started the way a host without systemd as PID 1 allows: the test makes
// machine.slice/machine-NAME.scope in the name=systemd and unified hierarchies (what machined
// would), moves the launcher in, and runs nspawn with --register=no --keep-unit.
struct NspawnContainer {
  std::string name, root, scope;
  CgroupLeftovers leftovers;
  Cleanup remove_root;
  std::unique_ptr<Child> launcher;
  explicit NspawnContainer(const std::string& n)
      : name(n), root("/tmp/" + n + ".root"), scope("/machine.slice/machine-" + n + ".scope"), remove_root("rm -rf " + root) {
    // machine.slice only when this test made it (rmdir leaves a non-empty one alone).
    leftovers.patterns = {scope.substr(1)};
    if (!cgroup_anywhere("machine.slice")) leftovers.patterns.push_back("machine.slice");
    make_rootfs(root);
    REQUIRE(sh("mkdir -p " + kCgroupRoot + "/systemd" + scope + " " + kCgroupRoot + "/unified" + scope).status == 0);
  }
  ~NspawnContainer() {
    // Everything in the scope (the supervisor and the payload) is ours: cgroup.kill ends it.
    sh("echo 1 > " + kCgroupRoot + "/unified" + scope + "/cgroup.kill 2>/dev/null");
    launcher.reset();
    Child::wait_for([&] { return slurp(kCgroupRoot + "/unified" + scope + "/cgroup.events").find("populated 1") == std::string::npos; }, 5000);
  }
  void start() {
    launcher = std::make_unique<Child>(
        "for h in systemd unified; do echo $$ > " + kCgroupRoot + "/$h" + scope + "/cgroup.procs || exit 1; done; " +
        "exec systemd-nspawn --register=no --keep-unit -q -D " + root + " -M " + name + " /bin/sleep 1000 </dev/null");
    // Until it execs, the payload's process is nspawn's own child (cmdline systemd-nspawn).
    REQUIRE(Child::wait_for([&] {
      pid_t p = init_pid();
      return p > 0 && slurp("/proc/" + std::to_string(p) + "/cmdline").rfind("/bin/sleep", 0) == 0;
    }));
  }
  // The payload's only process: the container's init.
  pid_t init_pid() {
    auto s = trimmed(slurp(kCgroupRoot + "/unified" + scope + "/payload/cgroup.procs"));
    return s.empty() || s.find('\n') != std::string::npos ? 0 : std::stoi(s);
  }
  NspawnContainer(const NspawnContainer&) = delete;
  NspawnContainer& operator=(const NspawnContainer&) = delete;
};

bool nspawn_ready() {
  if (!have("systemd-nspawn")) {
    WARN("SKIPPED: systemd-nspawn is not installed (apt-get install systemd-container busybox-static)");
    return false;
  }
  REQUIRE(is_root());
  return true;
}

}  // namespace

TEST_CASE("lxc: a container's monitor, init, hostname, namespaces and cgroup as lxc-info and /proc say", "[lxc][engines]") {
  if (!lxc_ready()) return;
  const std::string name = unique("lxc-mon");
  LxcContainer c(name, "lxc.uts.name = h-" + std::to_string(getpid()) + "\n");
  c.start();
  const pid_t init = c.init_pid();
  const pid_t monitor = ppid_of(init);
  // The real monitor: one argv string with spaces.
  CHECK(slurp("/proc/" + std::to_string(monitor) + "/cmdline") == "[lxc monitor] /var/lib/lxc " + name + '\0');
  // lxc-ls agrees: running (its table pads the columns).
  std::istringstream fancy(sh("lxc-ls --fancy --fancy-format NAME,STATE 2>/dev/null").out);
  bool listed = false;
  for (std::string line; std::getline(fancy, line);)
    if (line.rfind(name + " ", 0) == 0) listed = line.find("RUNNING") != std::string::npos;
  CHECK(listed);

  json j = ps_container(name);
  CHECK(j["name"] == name);
  CHECK(j["engine"] == "lxc");
  CHECK(j["pid"] == init);
  CHECK(j["monitor_pid"] == monitor);
  CHECK(j["pids"] == json::array({init}));
  CHECK(j["state"] == "running");
  CHECK(j["cgroup"] == "/lxc.payload." + name);
  CHECK(cgroups_of(init)[""] == "/lxc.payload." + name);
  const std::string hostname = trimmed(sh("lxc-attach -n " + name + " -- /bin/hostname").out);
  CHECK(hostname == "h-" + std::to_string(getpid()));
  CHECK(j["hostname"] == hostname);
  CHECK(j["command"] == "/bin/sleep 1000");
  check_namespaces(j, init);

  auto r = run({nsview_bin(), "enter", name, "--", "hostname"});
  CHECK(r.status == 0);
  CHECK(trimmed(r.out) == hostname);
  CHECK(r.err.empty());
  check_list_rows(init, name, 1);
}

TEST_CASE("lxc: a process lxc-attach started is in the container, its top row is the payload cgroup's", "[lxc][engines]") {
  if (!lxc_ready()) return;
  const std::string name = unique("lxc-att");
  LxcContainer c(name);
  c.start();
  const pid_t init = c.init_pid();
  Child attach({"lxc-attach", "-n", name, "--", "/bin/sleep", "999"});
  // In v1 the attached process joins lxc.payload.NAME; in the unified tree LXC 5 puts it in
  // lxc.payload.NAME/.lxc (below the container's own cgroup, so still the container's).
  // lxc-attach's own children pass through the cgroup first: wait for the exec'd command.
  const std::string command("/bin/sleep\0" "999\0", 15);
  pid_t attached = 0;
  REQUIRE(Child::wait_for([&] {
    std::istringstream in(slurp(kCgroupRoot + "/pids/lxc.payload." + name + "/cgroup.procs"));
    int members = 0;
    for (std::string pid; std::getline(in, pid);)
      if (!pid.empty() && ++members && std::stoi(pid) != init && slurp("/proc/" + pid + "/cmdline") == command)
        attached = std::stoi(pid);
    return attached > 0 && members == 2;
  }));
  CHECK(cgroups_of(attached)[""] == "/lxc.payload." + name + "/.lxc");

  json j = ps_container(name);
  CHECK(j["pid"] == init);  // the attached process is younger and its parent is outside
  CHECK(j["pids"] == json::array({std::min(init, attached), std::max(init, attached)}));
  CHECK(j["monitor_pid"] == ppid_of(init));
  CHECK(j["hostname"].is_null());  // no lxc.uts.name: the host's name at start, not known
  for (const auto& t : kNsTypes) CHECK(ns_of(attached, t) == ns_of(init, t));
  check_list_rows(init, name, 2);

  // top: the payload cgroup's files, in the hierarchies that hold them; nothing outside.
  const std::string payload = "/lxc.payload." + name;
  json row = top_row(name);
  CHECK(row["id"] == name);
  CHECK(row["engine"] == "lxc");
  CHECK(row["cgroup"] == payload);
  CHECK(row["pid"] == init);
  CHECK(row["nprocs"] == 2);
  CHECK(row["pids_current"] == std::stoull(slurp(kCgroupRoot + "/pids" + payload + "/pids.current")));
  CHECK(row["pids_limit"] == "max");
  REQUIRE(row["mem_bytes"].is_number());
  // memory.usage_in_bytes moves a little between reads: within a page or so of it.
  const double mem = std::stod(slurp(kCgroupRoot + "/memory" + payload + "/memory.usage_in_bytes"));
  CHECK(std::abs(row["mem_bytes"].get<double>() - mem) <= 256 * 1024);
  CHECK(row["mem_bytes"].get<double>() < 64.0 * 1024 * 1024);  // two sleeps, not a session's memory
  REQUIRE(row["cpu_pct"].is_number());
  CHECK(row["cpu_pct"].get<double>() < 10.0);  // two sleeping processes
  CHECK(row["sources"]["cpu"] == "cpuacct");
  CHECK(row["sources"]["memory"] == "memory");
  CHECK(row["sources"]["pids"] == "pids");
  CHECK(row["sources"]["pressure"] == "unified");
  CHECK(row["outside_cgroups"] == json::object());
}

TEST_CASE("lxc: lxc-freeze shows as paused, lxc-unfreeze as running again", "[lxc][engines]") {
  if (!lxc_ready()) return;
  const std::string name = unique("lxc-frz");
  LxcContainer c(name);
  c.start();
  const pid_t init = c.init_pid();
  Cleanup thaw("lxc-unfreeze -n " + name + " >/dev/null 2>&1");
  REQUIRE(sh("lxc-freeze -n " + name).status == 0);
  REQUIRE(c.state() == "FROZEN");
  CHECK(trimmed(slurp(kCgroupRoot + "/freezer/lxc.payload." + name + "/freezer.state")) == "FROZEN");
  json j = ps_container(name);
  CHECK(j["state"] == "paused");
  CHECK(j["pid"] == init);
  CHECK(j["monitor_pid"] == ppid_of(init));
  auto r = run({nsview_bin(), "ps", "--engine", "lxc"});
  REQUIRE(r.status == 0);
  CHECK(r.out.find("paused") != std::string::npos);
  REQUIRE(sh("lxc-unfreeze -n " + name).status == 0);
  REQUIRE(c.state() == "RUNNING");
  CHECK(ps_container(name)["state"] == "running");
}

TEST_CASE("lxc: a stale payload cgroup of the same name: LXC starts in NAME-1, nsview still names the container NAME",
          "[lxc][engines]") {
  if (!lxc_ready()) return;
  const std::string name = unique("lxc-stale");
  LxcContainer c(name);
  // What a crashed earlier run leaves: an empty lxc.payload.NAME in every hierarchy.
  REQUIRE(sh("for h in " + kCgroupRoot + "/*/; do mkdir -p ${h}lxc.payload." + name + "; done").status == 0);
  c.start();
  const pid_t init = c.init_pid();
  const std::string payload = cgroups_of(init)[""];
  CHECK(payload == "/lxc.payload." + name + "-1");
  json j = ps_container(name);
  CHECK(j["name"] == name);
  CHECK(j["monitor_pid"] == ppid_of(init));
  CHECK(j["cgroup"] == payload);
  auto r = run({nsview_bin(), "enter", name, "--", "hostname"});
  CHECK(r.status == 0);
  CHECK(trimmed(r.out) == trimmed(sh("lxc-attach -n " + name + " -- /bin/hostname").out));
}

TEST_CASE("nspawn: a container in a machine.slice scope made by hand, as /proc and its cgroup files say", "[nspawn][engines]") {
  if (!nspawn_ready()) return;
  const std::string name = unique("nsp");
  NspawnContainer c(name);
  c.start();
  const pid_t init = c.init_pid();
  const pid_t monitor = c.launcher->pid();  // the shell exec'd systemd-nspawn
  CHECK(ppid_of(init) == monitor);
  CHECK(trimmed(slurp("/proc/" + std::to_string(monitor) + "/comm")) == "systemd-nspawn");
  CHECK(trimmed(slurp(kCgroupRoot + "/unified" + c.scope + "/supervisor/cgroup.procs")) == std::to_string(monitor));

  json j = ps_container(name);
  CHECK(j["name"] == name);
  CHECK(j["engine"] == "nspawn");
  CHECK(j["pid"] == init);
  CHECK(j["monitor_pid"] == monitor);
  CHECK(j["pids"] == json::array({init}));
  CHECK(j["state"] == "running");
  CHECK(j["cgroup"] == c.scope + "/payload");
  CHECK(j["command"] == "/bin/sleep 1000");
  auto r = run({"nsenter", "-t", std::to_string(init), "-u", "hostname"});
  REQUIRE(r.status == 0);
  CHECK(trimmed(r.out) == name);  // nspawn's default hostname: the machine name
  CHECK(j["hostname"] == name);
  check_namespaces(j, init);

  r = run({nsview_bin(), "enter", name, "--", "hostname"});
  CHECK(r.status == 0);
  CHECK(trimmed(r.out) == name);
  CHECK(r.err.empty());
  check_list_rows(init, name, 1);
}

TEST_CASE("nspawn: top never reads the root's or the launcher's v1 cgroups as the container's (hybrid host)",
          "[nspawn][engines][top]") {
  if (!nspawn_ready()) return;
  const std::string name = unique("nsp-top");
  NspawnContainer c(name);
  c.start();
  const pid_t init = c.init_pid();
  const std::string payload = c.scope + "/payload";
  // The shape of the bug: its v1 controller cgroups are not at or below its own.
  auto cg = cgroups_of(init);
  CHECK(cg[""] == payload);
  CHECK(cg["name=systemd"] == payload);
  std::map<std::string, std::string> expect_outside;
  for (const std::string h : {"cpu", "cpuacct", "memory", "pids", "blkio"}) {
    INFO(h);
    REQUIRE(cg.count(h));
    CHECK(cg[h].rfind(c.scope, 0) != 0);
    expect_outside[h] = cg[h];
  }

  json row = top_row(name);
  CHECK(row["id"] == name);
  CHECK(row["engine"] == "nspawn");
  CHECK(row["cgroup"] == payload);
  CHECK(row["pid"] == init);
  CHECK(row["nprocs"] == 1);
  // Memory, pids and io have no cgroup of the container here: unknown, never the root's or
  // the launcher's session's (323 MiB before the fix).
  CHECK(row["mem_bytes"].is_null());
  CHECK(row["mem_limit_bytes"].is_null());
  CHECK(row["pids_current"].is_null());
  CHECK(row["io_read_bps"].is_null());
  CHECK(row["throttled_pct"].is_null());
  // cpu from the unified tree's cpu.stat of the payload (56.7 % of the root's before the fix).
  REQUIRE(row["cpu_pct"].is_number());
  CHECK(row["cpu_pct"].get<double>() < 10.0);
  CHECK(slurp(kCgroupRoot + "/unified" + payload + "/cpu.stat").find("usage_usec") != std::string::npos);
  CHECK(row["sources"]["cpu"] == "unified");
  CHECK(row["sources"]["memory"].is_null());
  CHECK(row["sources"]["pids"].is_null());
  CHECK(row["sources"]["pressure"] == "unified");
  std::map<std::string, std::string> outside = row["outside_cgroups"];
  CHECK(outside == expect_outside);

  // The same row in text: '-' for what is unknown.
  auto r = run({nsview_bin(), "top", "-b", "-n", "1", "--group", "container", "-o", "NAME,MEM,PIDS", "-Q",
                "NAME == \"" + name + "\"", "--noheadings"});
  REQUIRE(r.status == 0);
  CHECK(r.out.find(name) != std::string::npos);
  CHECK(r.out.find(" - ") != std::string::npos);

  // The cgroup group: the payload row, labelled, cpu from the unified tree; no v1 values.
  r = run({nsview_bin(), "top", "-b", "-J", "-n", "2", "-d", "0.5", "--group", "cgroup", c.scope});
  REQUIRE(r.status == 0);
  std::istringstream in(r.out);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  bool seen = false;
  const json groups = json::parse(last);
  for (const auto& g : groups["rows"]) {
    if (g["cgroup"] != payload) continue;
    seen = true;
    CHECK(g["container"] == name);
    CHECK(g["nprocs"] == 1);
    CHECK(g["mem_bytes"].is_null());
    CHECK(g["sources"]["cpu"] == "unified");
    REQUIRE(g["cpu_pct"].is_number());
    CHECK(g["cpu_pct"].get<double>() < 10.0);
  }
  CHECK(seen);
}
