// `nsview tui` end to end: the real binary in a tmux server of its own (tests/support/tmux.*),
// driven with send-keys and read with capture-pane, against podman containers made here.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "podman.hpp"
#include "run.hpp"
#include "tmux.hpp"

using namespace testsupport;

namespace {

std::string P(long n) { return std::to_string(n); }

}  // namespace

TEST_CASE("tui: containers by pod, views, filter, detail, enter with e, resize, quit", "[tui][podman]") {
  if (!have_podman()) {
    WARN("SKIPPED: podman is not installed");
    return;
  }
  REQUIRE(is_root());
  podman_env();
  const std::string tag = "nsview-test-" + P(getpid()) + "-tui";
  const std::string one = tag + "-one", two = tag + "-two", pod = tag + "-pod", dir = "/tmp/" + tag;
  Cleanup rm("podman rm -f -t 0 " + one + " >/dev/null 2>&1; podman rm -f -t 0 " + two +
             " >/dev/null 2>&1; " + podman_pod_rm(pod) + "; rm -rf " + dir);
  const std::string id = sh_out("podman run -d --name " + one + " --hostname h-" + P(getpid()) + " " + kPodmanImage +
                                " sleep 1000 2>/dev/null");
  sh_out("podman pod create --name " + pod + " >/dev/null 2>&1");
  sh_out("podman run -d --pod " + pod + " --name " + two + " " + kPodmanImage + " sleep 1000 >/dev/null 2>&1");
  const std::string pid = podman_inspect(one, "{{.State.Pid}}");
  const std::string hostname = podman_inspect(one, "{{.Config.Hostname}}");
  REQUIRE(hostname == "h-" + P(getpid()));
  sh_out("mkdir -p " + dir);

  Tmux t(120, 40, dir);
  t.type(nsview_bin() + " tui -d 1; echo DONE-$?");
  t.keys({"Enter"});
  // Containers: both by name, the pod member under its pod, live usage after two samples.
  REQUIRE(t.wait_for("1 Containers"));
  REQUIRE(t.wait_for(one));
  CHECK(t.wait_for("pod/" + pod));
  CHECK(t.wait_for("\u2514\u2500" + two));  // the pod's last member, drawn as its branch
  REQUIRE(t.wait_for(id.substr(0, 12)));
  // NAME ID ENGINE STATE CPU MEM MEMPCT PIDS IMAGE: pids.current of its cgroup, a CPU number.
  std::string cg = sh_out("grep -m1 ':pids:' /proc/" + pid + "/cgroup | cut -d: -f3");
  std::string pids_current = sh_out("cat /sys/fs/cgroup/pids" + cg + "/pids.current");
  CHECK(Child::wait_for([&] {
    auto w = words(t.line_with(one));
    return w.size() >= 9 && w[4] != "-" && w[7] == pids_current;
  }, 10000));
  {
    auto w = words(t.line_with(one));
    REQUIRE(w.size() >= 9);
    CHECK(w[1] == id.substr(0, 12));
    CHECK(w[2] == "podman");
    CHECK(w[3] == "running");
    CHECK(w[7] == pids_current);
    // The image, cut to its column (the tmux pane is UTF-8: '\u2026' marks the cut).
    const std::string mark = "\u2026";
    std::string image = w[8];
    if (image.size() > mark.size() && image.compare(image.size() - mark.size(), mark.size(), mark) == 0)
      image.resize(image.size() - mark.size());
    CHECK(image.size() >= 10);
    CHECK(podman_inspect(one, "{{.ImageName}}").rfind(image, 0) == 0);
  }

  // Filter: only the first container stays.
  t.keys({"/"});
  t.type(one);
  t.keys({"Enter"});
  REQUIRE(t.wait_for("filter \"" + one + "\"", 5000, two));

  // Detail pane: its id, hostname and the inode of its network namespace.
  t.keys({"Enter"});
  REQUIRE(t.wait_for("Container " + one));
  CHECK(t.wait_for("  id       " + id));
  CHECK(t.wait_for("hostname " + hostname));
  std::string net = readlink_str("/proc/" + pid + "/ns/net");
  std::string net_inode = net.substr(net.find('[') + 1, net.find(']') - net.find('[') - 1);
  CHECK(t.wait_for("  net    " + net_inode + "   only this container"));
  // ...ending in what `nsview inspect` shows: the init's row of the security table carries
  // the seccomp mode and no_new_privs of /proc/PID/status (40 lines show it unscrolled).
  REQUIRE(t.wait_for("Inspect (as nsview inspect"));
  {
    const std::string seccomp = sh_out("awk '/^Seccomp:/ { print $2 }' /proc/" + pid + "/status");
    const std::string nnp = sh_out("awk '/^NoNewPrivs:/ { print $2 }' /proc/" + pid + "/status");
    REQUIRE(t.wait_for("  " + pid + " sleep "));  // PID COMM UIDS ...: not the Processes list's "PID  sleep"
    const std::string row = t.line_with("  " + pid + " sleep ");
    INFO(row);
    CHECK(row.find(seccomp == "2" ? "filter" : seccomp == "0" ? "disabled" : "strict") != std::string::npos);
    CHECK(row.find(nnp == "1" ? " yes " : " no ") != std::string::npos);
  }

  // J writes the selection as JSON in the current directory.
  t.keys({"J"});
  REQUIRE(t.wait_for("wrote " + dir + "/nsview-container-" + id + ".json"));
  {
    std::ifstream f(dir + "/nsview-container-" + id + ".json");
    auto j = nlohmann::json::parse(f);
    CHECK(j["name"] == one);
    CHECK(j["id"] == id);
    CHECK(j["pid"] == std::stoi(pid));
  }

  // e: a shell in the container (nsview enter), `hostname` there, exit, back in the TUI.
  t.keys({"e"});
  REQUIRE(t.wait_for("nsview enter: in container " + one));
  t.type("busybox hostname");
  t.keys({"Enter"});
  CHECK(t.wait_for("\n" + hostname + "\n"));
  t.type("exit");
  t.keys({"Enter"});
  REQUIRE(t.wait_for("back from nsview enter " + id + " (exit status 0)"));
  CHECK(t.wait_for("1 Containers"));
  t.keys({"Escape"});  // the detail pane
  t.keys({"Escape"});  // the filter
  REQUIRE(t.wait_for(two));

  // The other views.
  t.keys({"2"});
  REQUIRE(t.wait_for("all types by owner"));
  t.keys({"/"});
  t.type(net_inode);
  t.keys({"Enter"});
  CHECK(t.wait_for("net " + net_inode + " {" + one + "}"));
  t.keys({"Escape"});
  t.keys({"3"});
  REQUIRE(t.wait_for("CGROUP"));
  // Filtered: on a node with many containers its row may be below the screen.
  t.keys({"/"});
  t.type(id.substr(0, 20));
  t.keys({"Enter"});
  CHECK(t.wait_for("libpod-" + id.substr(0, 20)));
  t.keys({"Escape"});
  t.keys({"4"});
  REQUIRE(t.wait_for("PROCESS"));
  t.keys({"/"});
  t.type(pid);
  t.keys({"Enter"});
  {
    bool tagged = t.wait_for(pid + " sleep [+mnt,net,pid,uts,ipc] {" + one.substr(0, 10));
    INFO(t.screen());
    CHECK(tagged);
  }
  t.keys({"Escape"});
  t.keys({"1"});
  REQUIRE(t.wait_for("NAME"));

  // Resize to 80x24: the tab bar and the containers are still there, nothing past column 80.
  t.resize(80, 24);
  REQUIRE(t.wait_for(" 1 Containers   2 Namespaces   3 Cgroups   4 Processes"));
  CHECK(t.wait_for(one.substr(0, 20)));
  {
    std::istringstream in(t.screen());
    int lines = 0;
    for (std::string l; std::getline(in, l); ++lines) CHECK(l.size() <= 80 * 3);
    CHECK(lines <= 24);
    CHECK(t.display("#{window_width}x#{window_height}") == "80x24");
  }

  // q: exit status 0, the alternate screen gone, the shell prompt works.
  t.keys({"q"});
  REQUIRE(t.wait_for("DONE-0"));
  CHECK(t.display("#{alternate_on}") == "0");
  CHECK(t.screen().find("1 Containers") == std::string::npos);
  t.type("echo prompt-works-$((40+2))");
  t.keys({"Enter"});
  CHECK(t.wait_for("prompt-works-42"));
}

TEST_CASE("tui: k signals the selected process after a y - SIGTERM restores the terminal", "[tui]") {
  REQUIRE(is_root());
  const std::string dir = "/tmp/nsview-test-" + P(getpid()) + "-tui-k";
  Cleanup rm("rm -rf " + dir);
  sh_out("mkdir -p " + dir);
  Child victim({"sleep", "4711" + P(getpid())});
  Tmux t(120, 40, dir);
  t.type("sh -c 'echo $$ > " + dir + "/pid; exec " + nsview_bin() + " tui --view processes'; echo DONE-$?");
  t.keys({"Enter"});
  REQUIRE(t.wait_for("4 Processes"));
  t.keys({"/"});
  t.type("4711" + P(getpid()));
  t.keys({"Enter"});
  REQUIRE(t.wait_for(P(victim.pid()) + " sleep"));
  REQUIRE(t.wait_for("filter"));
  // The filter keeps the ancestors: go to the victim's line.
  t.keys({"End"});
  t.keys({"k"});
  REQUIRE(t.wait_for("Send SIGTERM to pid " + P(victim.pid()) + " (sleep)? y/n"));
  t.keys({"Right"});  // KILL
  REQUIRE(t.wait_for("Send SIGKILL to pid " + P(victim.pid())));
  t.keys({"Left"});
  t.keys({"n"});
  REQUIRE(t.wait_for("not sent"));
  CHECK(sh_out("awk '{print $3}' /proc/" + P(victim.pid()) + "/stat") != "Z");
  t.keys({"k"});
  REQUIRE(t.wait_for("Send SIGTERM"));
  t.keys({"y"});
  REQUIRE(t.wait_for("sent SIGTERM to pid " + P(victim.pid())));
  // Our child: a zombie now, killed by SIGTERM.
  CHECK(Child::wait_for([&] { return sh_out("awk '{print $3}' /proc/" + P(victim.pid()) + "/stat") == "Z"; }, 5000));

  // SIGTERM to the TUI: it restores the terminal and dies of the signal (143 in sh).
  std::string tui_pid = sh_out("cat " + dir + "/pid");
  sh_out("kill -TERM " + tui_pid);
  REQUIRE(t.wait_for("DONE-143"));
  CHECK(t.display("#{alternate_on}") == "0");
  t.type("echo prompt-works-$((40+2))");
  t.keys({"Enter"});
  CHECK(t.wait_for("prompt-works-42"));
}

TEST_CASE("tui: bad options and no terminal give one line on stderr", "[tui]") {
  Result r = run({nsview_bin(), "tui", "--view", "nope"});
  CHECK(r.status == 1);
  CHECK(r.err == "nsview tui: unknown view 'nope' (containers, namespaces, cgroups, processes)\n");
  r = run({nsview_bin(), "tui"});  // stdin/stdout are pipes here
  CHECK(r.status == 1);
  CHECK(r.err == "nsview tui: needs a terminal (for scripts: nsview ps, list, tree, dump)\n");
  r = run({nsview_bin(), "tui", "-d", "0"});
  CHECK(r.status != 0);
  CHECK(r.err.find("-d") != std::string::npos);
}
