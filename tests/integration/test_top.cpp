// The Sampler and `nsview top` against real cgroups and podman containers made here: a busy
// loop's cpu, a process touching 100 MiB, a pids limit, a cgroup removed between samples, a
// container in a pod; values checked against the cgroup files and podman inspect. Only
// cgroups named nsview-test-<pid>-* and containers/pods named the same way are touched.
#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "nsinspect/sampler.hpp"
#include "cgroups.hpp"
#include "podman.hpp"
#include "run.hpp"
#include "tmux.hpp"

using namespace nsinspect;
using namespace testsupport;

namespace {

std::string unique(const std::string& what) { return "nsview-test-" + std::to_string(getpid()) + "-top-" + what; }

Sampler cgroup_sampler(const std::string& name) {
  SamplerOptions o;
  o.group = UsageGroup::cgroup;
  o.cgroup_root = "/" + name;
  o.cgroup_depth = 0;
  return Sampler(o);
}

const UsageRow* row(const UsageSample& s, const std::string& id) {
  for (const auto& r : s.rows)
    if (r.id == id) return &r;
  return nullptr;
}

}  // namespace

TEST_CASE("top: a busy loop in its own cpu,cpuacct cgroup shows about one core", "[top][integration]") {
  REQUIRE(is_root());
  TestCgroups cg(unique("busy"), {"cpu", "cpuacct"});
  // Other work on this shared 2-core machine must not starve the loop: a large cpu.shares
  // for the group (v1 schedules groups against each other) and a raised priority within it.
  REQUIRE(sh("echo 20000 > " + cg.dirs[0] + "/cpu.shares").status == 0);
  Child busy(std::vector<std::string>{"nice", "-n", "-15", "sh", "-c", "while :; do :; done"});
  cg.add(busy.pid());
  Sampler s = cgroup_sampler(cg.name);
  auto first = s.sample();
  REQUIRE(first.rows.size() == 1);
  CHECK(first.rows[0].id == "/" + cg.name);
  CHECK_FALSE(first.rows[0].cpu_pct);  // the first sample has no rate
  CHECK(first.rows[0].nprocs == 1);
  const uint64_t u0 = std::stoull(slurp(cg.dirs[1] + "/cpuacct.usage"));
  sleep_ms(1500);
  auto second = s.sample();
  const uint64_t u1 = std::stoull(slurp(cg.dirs[1] + "/cpuacct.usage"));
  REQUIRE(second.rows.size() == 1);
  CHECK(second.rows[0].nprocs == 1);  // no /proc scan this time: carried (no pids cgroup here)
  REQUIRE(second.rows[0].cpu_pct);
  const double pct = *second.rows[0].cpu_pct;
  INFO("cpu " << pct << "% over " << second.interval_s << " s");
  CHECK(pct >= 70.0);
  CHECK(pct <= 130.0);
  // Ground truth: cpuacct.usage read around the samples bounds the sampler's delta.
  const double truth = static_cast<double>(u1 - u0) / (second.interval_s * 1e9) * 100.0;
  CHECK(pct == Approx(truth).epsilon(0.15));
  REQUIRE(second.rows[0].throttled_pct);
  CHECK(*second.rows[0].throttled_pct == 0.0);  // no quota set
}

TEST_CASE("top: a process touching 100 MiB shows it in its memory cgroup", "[top][integration]") {
  REQUIRE(is_root());
  TestCgroups cg(unique("mem"), {"memory"});
  Child c({helper_path("touch_mem"), "100"});
  REQUIRE(c.read_line() == "ready");
  cg.add(c.pid());
  ::kill(c.pid(), SIGUSR1);
  REQUIRE(c.read_line() == "touched");
  Sampler s = cgroup_sampler(cg.name);
  auto sample = s.sample();
  REQUIRE(sample.rows.size() == 1);
  const UsageRow& r = sample.rows[0];
  REQUIRE(r.mem_bytes);
  CHECK(*r.mem_bytes >= 100ull << 20);
  const uint64_t file = std::stoull(slurp(cg.dirs[0] + "/memory.usage_in_bytes"));
  CHECK(std::llabs(static_cast<long long>(file) - static_cast<long long>(*r.mem_bytes)) < (2 << 20));
  CHECK(r.mem_limit.is_unlimited());
  CHECK_FALSE(r.mem_pct);
  // A limit makes a percentage.
  REQUIRE(sh("echo 1073741824 > " + cg.dirs[0] + "/memory.limit_in_bytes").status == 0);
  auto limited = s.sample();
  REQUIRE(limited.rows.size() == 1);
  CHECK(limited.rows[0].mem_limit == Limit::of(1073741824));
  REQUIRE(limited.rows[0].mem_pct);
  CHECK(*limited.rows[0].mem_pct == Approx(100.0 * static_cast<double>(*limited.rows[0].mem_bytes) / 1073741824.0));
  CHECK(limited.rows[0].oom_kills == 0u);
  // The process group sees the same process's RSS from /proc.
  SamplerOptions po;
  po.group = UsageGroup::process;
  auto procs = Sampler(po).sample();
  const UsageRow* p = row(procs, std::to_string(c.pid()));
  REQUIRE(p);
  REQUIRE(p->mem_bytes);
  CHECK(*p->mem_bytes >= 100ull << 20);
}

TEST_CASE("top: a pids limit shows, with the current count", "[top][integration]") {
  REQUIRE(is_root());
  TestCgroups cg(unique("pids"), {"pids"});
  REQUIRE(sh("echo 37 > " + cg.dirs[0] + "/pids.max").status == 0);
  Child a(std::vector<std::string>{"sleep", "1000"});
  cg.add(a.pid());
  auto sample = cgroup_sampler(cg.name).sample();
  REQUIRE(sample.rows.size() == 1);
  CHECK(sample.rows[0].pids_limit == Limit::of(37));
  CHECK(sample.rows[0].pids == std::stoull(slurp(cg.dirs[0] + "/pids.current")));
  CHECK(sample.rows[0].pids == 1u);
}

TEST_CASE("top: a cgroup removed between samples disappears without error", "[top][integration]") {
  REQUIRE(is_root());
  auto gone = std::make_unique<TestCgroups>(unique("gone"), std::vector<std::string>{"cpu", "cpuacct", "memory", "pids"});
  const std::string name = gone->name;
  TestCgroups stay(unique("stay"), {"cpu", "cpuacct", "memory", "pids"});
  SamplerOptions o;
  o.group = UsageGroup::cgroup;
  o.cgroup_depth = 1;
  Sampler s(o);
  auto first = s.sample();
  REQUIRE(row(first, "/" + name));
  REQUIRE(row(first, "/" + stay.name));
  gone.reset();  // rmdir in every hierarchy
  auto second = s.sample();
  CHECK_FALSE(row(second, "/" + name));
  const UsageRow* st = row(second, "/" + stay.name);
  REQUIRE(st);
  REQUIRE(st->cpu_pct);
  CHECK(*st->cpu_pct == 0.0);  // empty cgroup: a known zero
  // The command line too: batch output succeeds and the row is gone.
  auto r = run({nsview_bin(), "top", "-b", "-n", "1", "--group", "cgroup", "--depth", "1", "-o", "NAME"});
  CHECK(r.status == 0);
  CHECK(r.out.find("/" + name) == std::string::npos);
  CHECK(r.out.find("/" + stay.name) != std::string::npos);
}

// The cgroup group lists a directory again only when inotify reported a change in it, so a
// change anywhere below unchanged parents must still show on the next sample. Both ways of
// walking are checked: with inotify watches and listing every directory every time.
TEST_CASE("top: cgroups made, removed, recreated and renamed deep in the tree show on the next sample", "[top][integration]") {
  REQUIRE(is_root());
  const bool watch = GENERATE(true, false);
  INFO("watch_cgroups " << watch);
  const std::vector<std::string> hiers{"cpu", "cpuacct", "memory", "pids"};
  TestCgroups top(unique(watch ? "walk-watch" : "walk-list"), hiers);
  const std::string base = "/" + top.name;
  // The subdirectories made below are removed before the top ones, also on failure.
  Cleanup below("for h in cpu cpuacct memory pids; do find " + kCgroupRoot + "/$h" + base +
                " -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null; done; true");
  auto in_all = [&](const std::string& cmd) {
    for (const auto& h : hiers) REQUIRE(sh("cd " + kCgroupRoot + "/" + h + base + " && " + cmd).status == 0);
  };
  SamplerOptions o;
  o.group = UsageGroup::cgroup;
  o.cgroup_root = base;
  o.watch_cgroups = watch;
  Sampler s(o);
  auto ids = [](const UsageSample& smp) {
    std::vector<std::string> v;
    for (const auto& r : smp.rows) v.push_back(r.id);
    return v;
  };
  using V = std::vector<std::string>;
  CHECK(ids(s.sample()) == V{base});

  in_all("mkdir -p a/b");
  CHECK(ids(s.sample()) == V{base, base + "/a", base + "/a/b"});
  // A process moved in: counted on the next sample (cgroup.procs, not the walk).
  Child sleeper(std::vector<std::string>{"sleep", "1000"});
  for (const auto& h : hiers)
    REQUIRE(sh("echo " + std::to_string(sleeper.pid()) + " > " + kCgroupRoot + "/" + h + base + "/a/b/cgroup.procs").status == 0);
  auto unchanged = s.sample();
  CHECK(ids(unchanged) == V{base, base + "/a", base + "/a/b"});
  REQUIRE(row(unchanged, base + "/a/b"));
  CHECK(row(unchanged, base + "/a/b")->nprocs == 1);

  // Deep below two directories that did not change.
  in_all("mkdir a/b/c");
  auto deep = s.sample();
  CHECK(ids(deep) == V{base, base + "/a", base + "/a/b", base + "/a/b/c"});
  const UsageRow* c1 = row(deep, base + "/a/b/c");
  REQUIRE(c1);
  CHECK_FALSE(c1->cpu_pct);  // its first sample
  auto twice = s.sample();  // rows point into the sample: keep it
  const UsageRow* c2 = row(twice, base + "/a/b/c");
  REQUIRE(c2);
  REQUIRE(c2->cpu_pct);      // the same cgroup, sampled twice: a rate

  // Removed and made again between two samples: a new inode, so no rate across the two.
  in_all("rmdir a/b/c && mkdir a/b/c");
  auto again = s.sample();
  const UsageRow* c3 = row(again, base + "/a/b/c");
  REQUIRE(c3);
  CHECK_FALSE(c3->cpu_pct);

  // Renamed (v1 allows it within the parent): the new name only.
  in_all("mv a/b/c a/b/d");
  CHECK(ids(s.sample()) == V{base, base + "/a", base + "/a/b", base + "/a/b/d"});
  // Made below the renamed directory: seen through its watch under the new name.
  in_all("mkdir a/b/d/e");
  CHECK(ids(s.sample()) == V{base, base + "/a", base + "/a/b", base + "/a/b/d", base + "/a/b/d/e"});

  // Removed: gone on the next sample, and nothing else changes.
  in_all("rmdir a/b/d/e a/b/d");
  CHECK(ids(s.sample()) == V{base, base + "/a", base + "/a/b"});
  // Checked against the hierarchy itself.
  auto r = sh_out("cd " + kCgroupRoot + "/pids" + base + " && find . -mindepth 1 -type d | sort");
  CHECK(r == "./a\n./a/b");  // sh_out trims the last newline
}

TEST_CASE("top on a terminal: rows, sort keys, q exits 0 and SIGTERM 143, the terminal restored", "[top][integration]") {
  REQUIRE(is_root());
  TestCgroups cg(unique("screen"), {"cpu", "cpuacct", "memory", "pids"});
  Child sleeper(std::vector<std::string>{"sleep", "1000"});
  cg.add(sleeper.pid());
  const std::string dir = "/tmp/" + cg.name;
  Cleanup rm("rm -rf " + dir);
  REQUIRE(sh("mkdir -p " + dir).status == 0);
  Tmux t(160, 40, dir);
  const std::string cmd = nsview_bin() + " top --group cgroup -d 0.5 /" + cg.name;
  t.type("sh -c 'echo $$ > pid; exec " + cmd + "'; echo DONE-$?");
  t.keys({"Enter"});
  REQUIRE(t.wait_for("nsview top - cgroup - 1 rows"));
  CHECK(t.display("#{alternate_on}") == "1");
  // The row: its path and one process (cgroup.procs of the pids hierarchy).
  auto w = words(t.line_with("/" + cg.name));
  REQUIRE(w.size() >= 2);
  CHECK(w[0] == "/" + cg.name);
  CHECK(w[1] == "1");
  CHECK(slurp(cg.dirs[3] + "/cgroup.procs") == std::to_string(sleeper.pid()) + "\n");
  t.keys({"p"});
  CHECK(t.wait_for("sort PIDS"));
  t.keys({"r"});
  CHECK(t.wait_for("(reversed)"));
  t.keys({"q"});
  REQUIRE(t.wait_for("DONE-0"));
  CHECK(t.display("#{alternate_on}") == "0");

  // SIGTERM: the terminal is restored and top dies of the signal (143 in sh), as the TUI.
  t.type("sh -c 'echo $$ > pid; exec " + cmd + "'; echo DONE-$?");
  t.keys({"Enter"});
  REQUIRE(t.wait_for("nsview top - cgroup"));
  REQUIRE(sh("kill -TERM $(cat " + dir + "/pid)").status == 0);
  REQUIRE(t.wait_for("DONE-143"));
  CHECK(t.display("#{alternate_on}") == "0");
  t.type("stty -a | grep -o ' icanon' ; echo prompt-works-$((40+2))");
  t.keys({"Enter"});
  CHECK(t.wait_for("prompt-works-42"));
  CHECK(t.screen().find(" icanon") != std::string::npos);  // canonical mode is back
}

TEST_CASE("top -J: JSON Lines, null rates on the first sample, numbers on the second", "[top][integration]") {
  REQUIRE(is_root());
  TestCgroups cg(unique("json"), {"cpu", "cpuacct", "memory", "pids"});
  REQUIRE(sh("echo 99 > " + cg.dirs[3] + "/pids.max").status == 0);
  Child c(std::vector<std::string>{"sleep", "1000"});
  cg.add(c.pid());
  auto r = run({nsview_bin(), "top", "-J", "-n", "2", "-d", "0.3", "--group", "cgroup", "/" + cg.name});
  REQUIRE(r.status == 0);
  CHECK(r.err.empty());
  std::vector<nlohmann::json> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0]["group"] == "cgroup");
  CHECK(lines[0]["interval_s"] == 0.0);
  CHECK(lines[1]["interval_s"].get<double>() > 0.25);
  CHECK(lines[1]["time"].get<double>() > lines[0]["time"].get<double>());
  REQUIRE(lines[0]["rows"].size() == 1);
  const auto& a = lines[0]["rows"][0];
  CHECK(a["cgroup"] == "/" + cg.name);
  CHECK(a["id"] == "/" + cg.name);
  CHECK(a["depth"] == 0);
  CHECK(a["nprocs"] == 1);
  CHECK(a["container"].is_null());
  CHECK(a["pod"].is_null());
  for (const char* k : {"cpu_pct", "io_read_bps", "io_write_bps", "throttled_pct", "oom_kills"}) {
    INFO(k);
    CHECK(a[k].is_null());
  }
  CHECK(a["pids_current"] == 1);
  CHECK(a["pids_limit"] == 99);
  CHECK(a["mem_limit_bytes"] == "max");
  CHECK(a["mem_bytes"] == std::stoull(slurp(cg.dirs[2] + "/memory.usage_in_bytes")));
  const auto& b = lines[1]["rows"][0];
  CHECK(b["cpu_pct"].is_number());
  CHECK(b["throttled_pct"].is_number());
  CHECK(b["oom_kills"] == 0);
  // No blkio cgroup was made: io stays unknown (null), never 0.
  CHECK(b["io_read_bps"].is_null());
}

TEST_CASE("top: bad input is one line on stderr, a Try line and exit status 1", "[top][integration]") {
  for (std::vector<std::string> args : {std::vector<std::string>{"--group", "bogus"}, {"-d", "0"}, {"-d", "x"},
                                        {"-n", "-3"}, {"--sort", "nope"}, {"-o", "CPU,NOPE"}, {"-Q", "CPU >"},
                                        {"--frobnicate"}, {"-t", "nett", "-g", "namespace"}, {"--depth", "-1"},
                                        {"-g", "pod", "--depth", "2"}, {"-n"}}) {
    args.insert(args.begin(), {nsview_bin(), "top", "-b"});
    INFO(args[3]);
    auto r = run(args);
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    REQUIRE_FALSE(r.err.empty());
    // The message, then util-linux's pointer to --help.
    auto nl = r.err.find('\n');
    CHECK(r.err.substr(nl + 1) == "Try 'nsview top --help' for more information.\n");
    CHECK(r.err.rfind("nsview top: ", 0) == 0);
  }
}

TEST_CASE("top: a podman container in a pod carries its name and pod", "[top][podman][integration]") {
  if (!have_podman()) {
    WARN("SKIPPED: podman is not installed");
    return;
  }
  REQUIRE(is_root());
  podman_env();
  const std::string pod = unique("pod"), name = unique("c");
  Cleanup rm_pod(podman_pod_rm(pod));
  Cleanup rm_c("podman rm -f -t 0 " + name + " >/dev/null 2>&1");
  sh_out("podman pod create --name " + pod + " >/dev/null 2>&1");
  std::string id = sh_out("podman run -d --pod " + pod + " --name " + name + " " + kPodmanImage + " sleep 1000 2>/dev/null");
  REQUIRE(id.size() == 64);
  const std::string init = sh_out("podman inspect --format '{{.State.Pid}}' " + name);
  const std::string pod_id = sh_out("podman pod inspect --format '{{.Id}}' " + pod);
  REQUIRE(sh_out("podman inspect --format '{{.Pod}}' " + name) == pod_id);

  SamplerOptions o;
  o.group = UsageGroup::container;
  Sampler s(o);
  auto first = s.sample();
  sleep_ms(300);
  auto second = s.sample();
  const UsageRow* r = row(second, id);
  REQUIRE(r);
  CHECK(r->name == name);
  CHECK(r->container == name);
  CHECK(r->pod == pod);
  CHECK(r->engine == "podman");
  CHECK(std::to_string(r->pid) == init);
  CHECK(r->nprocs == 1);
  REQUIRE(r->cpu_pct);
  CHECK(*r->cpu_pct < 20.0);  // a sleeping container
  REQUIRE(r->mem_bytes);
  CHECK(*r->mem_bytes > 0);
  CHECK(r->pids == 1u);

  o.group = UsageGroup::pod;
  auto pods = Sampler(o).sample();
  const UsageRow* pr = row(pods, pod_id);
  REQUIRE(pr);
  CHECK(pr->name == pod);
  CHECK(pr->nprocs == 2);  // infra + the container
  // The pod's cgroup (podman's /libpod_parent/POD_ID, with the conmons) against its file.
  CHECK(pr->cgroup == "/libpod_parent/" + pod_id);
  INFO("pod cgroup " << pr->cgroup);
  CHECK(pr->pids == std::stoull(slurp(kCgroupRoot + "/pids" + pr->cgroup + "/pids.current")));

  // The command line's JSON carries them too.
  auto j = run({nsview_bin(), "top", "-J", "-n", "1", "--group", "container", "-Q", "NAME == \"" + name + "\""});
  REQUIRE(j.status == 0);
  auto line = nlohmann::json::parse(j.out);
  REQUIRE(line["rows"].size() == 1);
  CHECK(line["rows"][0]["container"] == name);
  CHECK(line["rows"][0]["pod"] == pod);
  CHECK(line["rows"][0]["pid"] == std::stoi(init));
  CHECK(line["rows"][0]["cpu_pct"].is_null());
}

// The container group keeps its /proc scan while no cgroup comes or goes: a container made
// or removed between samples must still show at once, and process counts (from the scan)
// catch up within kRescanSeconds. Checked against podman inspect and the pids controller.
TEST_CASE("top: containers started and removed between samples show at once, process counts follow", "[top][podman][integration]") {
  if (!have_podman()) {
    WARN("SKIPPED: podman is not installed");
    return;
  }
  REQUIRE(is_root());
  podman_env();
  const std::string a = unique("keep-a"), b = unique("keep-b");
  // One rm each: podman removes none of the names when one of them is already gone.
  Cleanup rm("podman rm -f -t 0 " + a + " >/dev/null 2>&1; podman rm -f -t 0 " + b + " >/dev/null 2>&1");
  const std::string id_a = sh_out("podman run -d --name " + a + " " + kPodmanImage + " sleep 1000 2>/dev/null");
  REQUIRE(id_a.size() == 64);
  double clock = 1000.0;
  SamplerOptions o;
  o.group = UsageGroup::container;
  o.clock = [&] { return clock; };
  Sampler s(o);
  auto first = s.sample();
  REQUIRE(row(first, id_a));
  CHECK(row(first, id_a)->nprocs == 1);

  // A new container: a new cgroup, so a new scan on the very next sample.
  const std::string id_b = sh_out("podman run -d --name " + b + " " + kPodmanImage + " sleep 1000 2>/dev/null");
  REQUIRE(id_b.size() == 64);
  clock += 1;
  auto second = s.sample();
  const UsageRow* rb = row(second, id_b);
  REQUIRE(rb);
  CHECK(rb->name == b);
  CHECK(std::to_string(rb->pid) == podman_inspect(b, "{{.State.Pid}}"));

  // A second process in a: the pids controller shows it at once; the process count by the
  // next scan, at the latest kRescanSeconds later.
  REQUIRE(sh("podman exec -d " + a + " sleep 1001 >/dev/null 2>&1").status == 0);
  const std::string cg = kCgroupRoot + "/pids" + row(second, id_a)->cgroup;
  REQUIRE(Child::wait_for([&] { return slurp(cg + "/pids.current") == "2\n"; }, 5000));
  clock += 1;
  auto third = s.sample();
  REQUIRE(row(third, id_a));
  CHECK(row(third, id_a)->pids == 2u);
  clock += SamplerOptions::kRescanSeconds;
  auto fourth = s.sample();
  REQUIRE(row(fourth, id_a));
  CHECK(row(fourth, id_a)->nprocs == 2);

  // Removed: its cgroup goes, so the next sample scans again and the row is gone.
  REQUIRE(sh("podman rm -f -t 0 " + b + " >/dev/null 2>&1").status == 0);
  clock += 1;
  auto fifth = s.sample();
  CHECK_FALSE(row(fifth, id_b));
  CHECK(row(fifth, id_a));
}
