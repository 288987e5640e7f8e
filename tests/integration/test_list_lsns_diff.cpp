// nsview list run as `lsns` (through a link of that name) next to util-linux's lsns, byte
// for byte: stdout, stderr and exit code, over a table of argument vectors. The rows are
// restricted to namespaces this test makes (unshare'd sleepers, an `ip netns` bind mount),
// whose contents do not churn. Only behaviour that lsns 2.38 (installed) and 2.42 share is
// compared here; 2.42-only behaviour (-Q, -P, LIBSMARTCOLS_JSON) has unit tests.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <regex>

#include "nsfixtures.hpp"
#include "run.hpp"

using namespace testsupport;

namespace {

// Replaces {NAME} in each argument.
std::vector<std::string> expand(const std::vector<std::string>& args, const std::map<std::string, std::string>& vars) {
  std::vector<std::string> out;
  for (std::string a : args) {
    for (auto& [k, v] : vars)
      for (auto p = a.find("{" + k + "}"); p != std::string::npos; p = a.find("{" + k + "}"))
        a.replace(p, k.size() + 2, v);
    out.push_back(a);
  }
  return out;
}

}  // namespace

TEST_CASE("list through an lsns link prints what lsns prints, byte for byte", "[list][lsns-diff]") {
  REQUIRE(is_root());
  // A link named lsns: nsview then names itself lsns in messages, as util-linux does.
  std::string dir = sh_out("mktemp -d /tmp/nsview-lsns-diff.XXXXXX");
  Cleanup rmdir("rm -rf " + dir);
  REQUIRE(sh("ln -s " + nsview_bin() + " " + dir + "/lsns").status == 0);
  const std::string ours = dir + "/lsns";

  // Namespaces of our own: uts+ipc+net+mnt+pid (a sleeper under unshare --fork), a user
  // namespace owning a uts namespace, and a named network namespace with a sleeper in it.
  Child a({"unshare", "--uts", "--ipc", "--net", "--mount", "--pid", "--fork", "sleep", "1000"});
  Child u({"unshare", "--user", "--map-root-user", "--uts", "--fork", "sleep", "1000"});
  std::string netns = unique_name("lsnsdiff");
  REQUIRE(sh("ip netns add " + netns).status == 0);
  Cleanup del("ip netns del " + netns + " 2>/dev/null");
  Child n({"ip", "netns", "exec", netns, "sleep", "1000"});
  pid_t a_sleep = descendant(a.pid(), 1);
  pid_t u_sleep = descendant(u.pid(), 1);
  REQUIRE(Child::wait_for([&] { return ns_inode(n.pid(), "net") == path_inode("/run/netns/" + netns); }));
  const std::map<std::string, std::string> vars = {
      {"P", std::to_string(a_sleep)},
      {"U", std::to_string(u_sleep)},
      {"N", std::to_string(n.pid())},
      {"UTS", std::to_string(ns_inode(a_sleep, "uts"))},
      {"IPC", std::to_string(ns_inode(a_sleep, "ipc"))},
      {"UUTS", std::to_string(ns_inode(u_sleep, "uts"))},
  };

  const std::vector<std::vector<std::string>> cases = {
      // table, -n, -l, -r, -J, -u, -W over one or two of our namespaces
      {"-p", "{P}", "-t", "uts"},
      {"-p", "{P}", "-t", "uts", "-n"},
      {"-p", "{P}", "-t", "uts", "-l"},
      {"-p", "{P}", "-t", "ipc", "-r"},
      {"-p", "{P}", "-t", "ipc", "-r", "-n"},
      {"-p", "{P}", "-t", "uts", "-J"},
      {"-p", "{P}", "-t", "uts", "-J", "-l"},
      {"-p", "{P}", "-t", "uts", "-t", "ipc"},
      {"-p", "{P}", "-t", "uts", "-t", "ipc", "-J"},
      {"-p", "{P}", "-t", "pid", "-u", "-W"},
      {"-p", "{P}", "-t", "mnt", "--task", "{P}"},
      // -o lists: replace, extend, a column twice, every lsns column but the churning ones
      {"-p", "{P}", "-t", "uts", "-o", "NS,TYPE,PATH,NPROCS,PID,PPID,COMMAND,UID,USER"},
      {"-p", "{P}", "-t", "uts", "-o", "ns,type,command", "-r"},
      {"-p", "{P}", "-t", "uts", "-o", "+PID"},
      {"-p", "{P}", "-t", "uts", "-o", "+PID", "-J"},
      {"-p", "{P}", "-t", "uts", "--output", "+PATH,PPID", "-l"},
      // network namespaces: NETNSID and the NSFS bind mount of ip netns
      {"-p", "{N}", "-t", "net"},
      {"-p", "{N}", "-t", "net", "-J"},
      {"-p", "{N}", "-t", "net", "-r"},
      {"-p", "{N}", "-t", "net", "-o", "NS,NSFS,NETNSID", "-W"},
      {"-p", "{P}", "-t", "net", "-o", "NS,TYPE,NETNSID,NSFS"},
      // <namespace>: the member processes (a process tree unless -l), with -o, -J, -r, -l
      {"{UTS}"},
      {"{UTS}", "-J"},
      {"{UTS}", "-l"},
      {"{UTS}", "-r"},
      {"{UTS}", "-n", "-o", "PID,COMMAND"},
      {"{UTS}", "-o", "NS,TYPE,NPROCS,PID,PATH,COMMAND"},
      {"{IPC}", "-t", "ipc"},
      {"{UUTS}", "-J", "-o", "PID,PPID,UID,COMMAND"},
      // trees: process (the default), owner and parent, also as -T=rel and --tree=rel
      {"-p", "{P}", "-t", "uts", "-T", "process"},
      {"-p", "{P}", "-t", "uts", "-Tprocess"},
      // (not with -t: lsns 2.38 adds the owners as rows without processes, 2.42 leaves out
      // owners of other types, nsview shows them as they are; and without NPROCS, since the
      // host's namespaces that come in as owners churn)
      {"-p", "{U}", "-T", "-o", "NS,TYPE,PID"},
      {"-p", "{U}", "-Towner", "-o", "NS,TYPE,PID,USER", "-J"},
      {"-p", "{U}", "--tree=parent", "-o", "NS,TYPE,PID"},
      {"-p", "{U}", "-Tparent", "-o", "NS,TYPE,PID,USER", "-J"},
      {"-p", "{U}", "-t", "user", "-T", "-o", "NS,TYPE,PID,PPID"},
      {"-p", "{U}", "-t", "user", "-o", "NS,TYPE,PID,PNS,ONS"},
      // bad usage: message and exit code
      {"-J", "-r"},
      {"-T", "parent"},  // "parent" is then the <namespace> operand
      {"-t", "foo"},
      {"-T", "foo"},
      {"--tree=sideways"},
      {"-p", "abc"},
      {"-p", "99999999999"},
      {"-p", ""},
      {"abc"},
      {"-5"},
      {"-o", "FOO"},
      {"-o", "NS,FOO,TYPE"},
      {"--bogus"},
      {"-x"},
      {"--output"},
      {"{UTS}", "-p", "{P}"},
      {"{UTS}", "-t", "ipc"},
      {"1"},
      // a pid that is not there: nothing, exit 0
      {"-p", "2147483000"},
      {"-p", "2147483000", "-J"},
  };
  for (const auto& c : cases) {
    auto args = expand(c, vars);
    std::vector<std::string> theirs_argv{"lsns"}, ours_argv{ours};
    theirs_argv.insert(theirs_argv.end(), args.begin(), args.end());
    ours_argv.insert(ours_argv.end(), args.begin(), args.end());
    std::string shown;
    for (auto& x : args) shown += " " + x;
    Result t = run(theirs_argv), o = run(ours_argv);
    // lsns 2.38 exits 1 with no word when a process vanishes mid-read (fixed in 2.42): retry.
    for (int i = 0; i < 5 && t.status == 1 && t.out.empty() && t.err.empty(); ++i) t = run(theirs_argv);
    INFO("lsns" << shown << "\n--- lsns (" << t.status << "):\n" << t.out << t.err << "--- nsview (" << o.status
                << "):\n" << o.out << o.err);
    CHECK(o.status == t.status);
    CHECK(o.out == t.out);
    CHECK(o.err == t.err);
  }
}

TEST_CASE("list -H as lsns 2.42: HOLDER TYPE DESCRIPTION, no headings, and -J: lsns-columns", "[list][lsns-diff]") {
  Result t = run({nsview_bin(), "list", "-H"});
  REQUIRE(t.status == 0);
  CHECK(t.out.rfind("       NS <integer> namespace identifier (inode number)\n"
                    "     TYPE <string>  kind of namespace\n", 0) == 0);
  Result j = run({nsview_bin(), "list", "-J", "-H"});
  CHECK(j.out.rfind("{\n   \"lsns-columns\": [\n      {\n         \"holder\": \"NS\",\n"
                    "         \"type\": \"<integer>\",\n", 0) == 0);
  // As lsns: -H lists at once, so an option after it is not even read.
  CHECK(run({nsview_bin(), "list", "-H", "--bogus"}).status == 0);
}
