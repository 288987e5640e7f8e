// Output you can trust: a process whose names carry terminal escapes, a newline and a byte
// that is not UTF-8 reaches every text output escaped (\xNN, as lsns prints it) and every
// JSON output exact or losslessly escaped (KEY_raw), in valid JSON. A failed write is one
// line and exit 1; a reader that goes away ends the program quietly; bad usage is util-linux's.
#include <catch2/catch.hpp>

#include <functional>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "run.hpp"
#include "tmux.hpp"

using namespace testsupport;

namespace {

// argv[0] of the sleeper and the name of its executable (so comm is hostile too).
const std::string kArgv0 = "X\x1b[2J\x1b[31mbad\xff\nline";
const std::string kExe = "E\x1b[31m\xff";
const std::string kArgv0Text = "X\\x1b[2J\\x1b[31mbad\\xff\\x0aline";  // as lsns prints it
const std::string kExeText = "E\\x1b[31m\\xff";

struct Hostile {
  std::string dir = "/tmp/nsview-test-" + std::to_string(getpid()) + "-hostile";
  Cleanup rm{"rm -rf " + dir};
  std::unique_ptr<Child> sleeper;
  Hostile() {
    sh_out("mkdir -p " + dir + " && cp /bin/sleep " + dir + "/");
    REQUIRE(::rename((dir + "/sleep").c_str(), (dir + "/" + kExe).c_str()) == 0);
    // Its own net and uts namespaces, so it is the PID and COMMAND of a namespace row.
    sleeper = std::make_unique<Child>(std::vector<std::string>{
        "unshare", "-n", "-u", "--", "bash", "-c", "exec -a \"$0\" \"$1\" 300", kArgv0, dir + "/" + kExe});
    REQUIRE(Child::wait_for([&] { return trimmed(sh("cat /proc/" + pid() + "/comm").out) == kExe; }));
  }
  std::string pid() const { return std::to_string(sleeper->pid()); }
};

// Every object (at any depth) for which pred holds.
void find_all(const nlohmann::json& j, const std::function<bool(const nlohmann::json&)>& pred,
              std::vector<nlohmann::json>& out) {
  if (j.is_object() && pred(j)) out.push_back(j);
  if (j.is_object() || j.is_array())
    for (const auto& v : j) find_all(v, pred, out);
}

std::vector<nlohmann::json> objects_with_pid(const nlohmann::json& j, pid_t pid) {
  std::vector<nlohmann::json> out;
  find_all(j, [&](const nlohmann::json& o) { return o.contains("pid") && o["pid"] == pid; }, out);
  return out;
}

const std::string kBad = "\xef\xbf\xbd";  // U+FFFD

}  // namespace

TEST_CASE("hostile names are escaped in every text output", "[hostile]") {
  REQUIRE(is_root());
  Hostile h;
  struct Case {
    std::string sub;
    std::vector<std::string> args;
    std::string expect;  // the escaped name that must appear
  };
  const std::vector<Case> cases = {
      {"list", {}, kArgv0Text + " 300"},
      {"list", {"-t", "net", "-o", "NS,PID,COMMAND"}, kArgv0Text + " 300"},
      {"list", {"-l", "-u", "-W"}, kArgv0Text + " 300"},
      {"list", {"-T", "-o", "NS,COMMAND"}, kArgv0Text + " 300"},
      {"tree", {"proc"}, kExeText},
      {"tree", {"proc", h.pid()}, kArgv0Text + " 300"},
      {"top", {"-b", "-n", "1", "-g", "process"}, kExeText},
      {"top", {"-b", "-n", "1", "-g", "namespace", "-t", "uts"}, ""},
  };
  for (const auto& c : cases) {
    INFO("nsview " << c.sub << " " << (c.args.empty() ? "" : c.args[0]));
    Result r = nsview_run(c.sub, c.args);
    CHECK(r.status == 0);
    CHECK(r.out.find('\x1b') == std::string::npos);
    CHECK(r.out.find('\xff') == std::string::npos);
    if (!c.expect.empty()) CHECK(r.out.find(c.expect) != std::string::npos);
  }
  // lsns prints the same row for it: COMMAND escaped the same way.
  Result ours = nsview_run("list", {"-n", "-t", "uts", "-o", "NS,PID,COMMAND", "-p", h.pid()});
  Result lsns = run({"lsns", "-n", "-t", "uts", "-o", "NS,PID,COMMAND", "-p", h.pid()});
  REQUIRE(lsns.status == 0);
  CHECK(ours.out == lsns.out);
}

TEST_CASE("hostile names are exact or losslessly escaped in every JSON output", "[hostile][json]") {
  REQUIRE(is_root());
  Hostile h;
  const pid_t pid = h.sleeper->pid();
  const std::string argv0_raw = "X\x1b[2J\x1b[31mbad\\xff\nline";  // only the bad byte escaped
  const std::string argv0_json = "X\x1b[2J\x1b[31mbad" + kBad + "\nline";
  const std::string exe_raw = "E\x1b[31m\\xff", exe_json = "E\x1b[31m" + kBad;

  auto parse = [](const Result& r) {
    REQUIRE(r.status == 0);
    return nlohmann::json::parse(r.out);  // throws on invalid UTF-8 or syntax
  };
  SECTION("list -J") {
    auto rows = objects_with_pid(parse(nsview_run("list", {"-J", "-o", "NS,TYPE,PID,COMMAND"})), pid);
    REQUIRE(rows.size() >= 2);  // its net and uts namespaces
    for (const auto& r : rows) {
      CHECK(r["command"] == argv0_json + " 300");
      CHECK(r["command_raw"] == argv0_raw + " 300");
    }
  }
  SECTION("tree proc -J") {
    auto rows = objects_with_pid(parse(nsview_run("tree", {"proc", "-J"})), pid);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0]["comm"] == exe_json);
    CHECK(rows[0]["comm_raw"] == exe_raw);
  }
  SECTION("dump -J") {
    auto rows = objects_with_pid(parse(nsview_run("dump", {"-J"}))["processes"], pid);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0]["comm"] == exe_json);
    CHECK(rows[0]["comm_raw"] == exe_raw);
    CHECK(rows[0]["cmdline"] == nlohmann::json({argv0_json, "300"}));
    CHECK(rows[0]["cmdline_raw"] == nlohmann::json({argv0_raw, nullptr}));
  }
  SECTION("top -J -g process") {
    Result r = nsview_run("top", {"-b", "-n", "1", "-J", "-g", "process"});
    REQUIRE(r.status == 0);
    auto rows = objects_with_pid(nlohmann::json::parse(r.out), pid);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0]["name"] == exe_json);
    CHECK(rows[0]["name_raw"] == exe_raw);
  }
}

TEST_CASE("hostile names are escaped on the TUI screen", "[hostile][tui]") {
  REQUIRE(is_root());
  Hostile h;
  Tmux t(200, 50, h.dir);
  t.type(nsview_bin() + " tui --view processes\n");
  REQUIRE(t.wait_for("PID"));
  t.type("/" + h.pid() + "\n");  // search for it
  CHECK(t.wait_for(kExeText));
  const std::string screen = t.screen();
  CHECK(screen.find('\x1b') == std::string::npos);
  t.type("q");
}

TEST_CASE("a failed write is an error, a reader that goes away is not", "[output]") {
  REQUIRE(is_root());
  const std::vector<std::string> subs = {"list", "list -J", "tree proc", "tree cgroup", "tree pid -J",
                                         "ps", "ps -J", "dump -J", "top -b -n 1", "top -b -J -n 1"};
  const std::string bin = nsview_bin();
  for (const auto& s : subs) {
    INFO("nsview " << s);
    const std::string name = "nsview " + s.substr(0, s.find(' '));
    Result full = sh(bin + " " + s + " >/dev/full");
    CHECK(full.status == 1);
    CHECK(full.err == name + ": write error: No space left on device\n");
    Result closed = sh(bin + " " + s + " >&-");
    CHECK(closed.status == 1);
    CHECK(closed.err == name + ": write error: Bad file descriptor\n");
    Result head = sh(bin + " " + s + " | head -c 1 >/dev/null");
    CHECK(head.err.empty());
  }
  // inspect's JSON and a subcommand's --help (CLI11 writes it, not our writer) alike.
  for (const std::string s : {"inspect -J 1", "serve --help"}) {
    INFO("nsview " << s);
    const std::string name = "nsview " + s.substr(0, s.find(' '));
    Result full = sh(bin + " " + s + " >/dev/full");
    CHECK(full.status == 1);
    CHECK(full.err == name + ": write error: No space left on device\n");
  }
  // A monitoring loop with no end stops on the first failed write.
  Result loop = sh("timeout 20 " + bin + " top -b -J -d 0.2 >/dev/full");
  CHECK(loop.status == 1);
  CHECK(loop.err == "nsview top: write error: No space left on device\n");
  // EPIPE with SIGPIPE ignored (a parent may have set it so): quiet, like util-linux.
  Result ign = sh("trap '' PIPE; " + bin + " dump -J | head -c 1 >/dev/null");
  CHECK(ign.err.empty());
}

TEST_CASE("bad usage is one util-linux error line, a Try line and exit 1, in every subcommand", "[usage]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"list", "--bogus"}, {"tree", "--bogus"}, {"tree", "nosuchkind"}, {"ps", "--bogus"},
      {"dump", "--bogus"}, {"top", "--bogus"},  {"top", "-g"},          {"tui", "--bogus"},
      {"enter", "--bogus"}, {"ps", "--engine=nosuch"}, {"top", "-n 0"}, {"tree", "--depth -1 proc"}};
  for (const auto& [sub, args] : cases) {
    INFO("nsview " << sub << " " << args);
    Result r = sh(nsview_bin() + " " + sub + " " + args + " </dev/null >/dev/null");
    CHECK(r.status == 1);
    const std::string prefix = "nsview " + sub + ": ";
    CHECK(r.err.compare(0, prefix.size(), prefix) == 0);
    auto nl = r.err.find('\n');
    REQUIRE(nl != std::string::npos);
    std::string rest = r.err.substr(nl + 1);
    CHECK((rest.empty() || rest == "Try 'nsview " + sub + " --help' for more information.\n"));
  }
  Result unknown = sh(nsview_bin() + " nosuch");
  CHECK(unknown.status == 1);
  CHECK(unknown.err == "nsview: unknown command 'nosuch'\nTry 'nsview --help' for more information.\n");
}
