// nsview tree pid|user|proc|cgroup: the node's hierarchies as trees (like lsns -T, pstree,
// systemd-cgls), as text or nested JSON. Views only: all knowledge is in libnsinspect.
#include <CLI/CLI.hpp>
#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <langinfo.h>
#include <unistd.h>

#include "nsinspect/scan.hpp"
#include "cli.hpp"
#include "json_writer.hpp"
#include "subcommand.hpp"
#include "tree_model.hpp"
#include "unreadable_warning.hpp"

namespace {

using namespace nsview::tree;

std::vector<std::string> split_columns(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s + ",") {
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

int run(int argc, char** argv) {
  CLI::App app{"Show the node's hierarchies as trees:\n"
               "  pid     pid namespaces nested by parent, with their processes (pid at every level: 4711/1)\n"
               "  user    user namespaces nested by parent, with the namespaces they own and their processes\n"
               "  proc    the process tree, marking new namespaces [+pid,net] and cgroup changes (cg=PATH)\n"
               "  cgroup  one cgroup hierarchy with member processes and readings (like systemd-cgls)",
               "nsview tree"};
  std::string kind, root, columns, hierarchy;
  bool json = false, all = false, ascii = false, noheadings = false, list_columns = false;
  int depth = -1;
  std::string scan_root = "/";
  app.add_option("kind", kind, "pid, user, proc or cgroup")->required()->check(CLI::IsMember({"pid", "user", "proc", "cgroup"}));
  app.add_option("root", root, "show one subtree: a pid, a namespace inode or a cgroup path");
  app.add_flag("-J,--json", json, "nested JSON output (\"children\"); see docs/tree.md");
  app.add_option("--depth", depth, "show at most N levels below the root (member processes always shown)")->check(CLI::Range(0, 100000));
  app.add_option("-o,--output", columns, "columns, comma-separated (see --list-columns)");
  app.add_flag("--list-columns", list_columns, "list the columns of this kind and exit");
  app.add_flag("-a,--all", all, "cgroup: show empty cgroups too; proc: show kernel threads");
  app.add_option("--hierarchy", hierarchy, "cgroup/proc: the hierarchy (v1 controller, 'systemd', 'unified'); default the primary one");
  app.add_flag("--ascii", ascii, "draw the tree with ASCII characters");
  app.add_flag("-n,--noheadings", noheadings, "do not print a header line");
  app.add_option("--root", scan_root, "read ROOT/proc and ROOT's cgroup mounts instead of / (a host's / mounted elsewhere)");
  // The spelling of the first release; every subcommand says --root.
  app.add_option("--root-dir", scan_root)->group("");
  if (auto rc = nsview::parse_cli(app, argc, argv)) return *rc;
  // Options that would do nothing for this kind are errors, not silently ignored.
  if (!hierarchy.empty() && kind != "cgroup" && kind != "proc")
    return nsview::usage_error("--hierarchy applies to the cgroup and proc trees only");
  if (all && kind != "cgroup" && kind != "proc") return nsview::usage_error("--all applies to the cgroup and proc trees only");

  const std::vector<Column>& avail = kind == "cgroup" ? cgroup_columns() : kind == "proc" ? proc_columns() : ns_columns();
  if (list_columns) {
    for (const auto& c : avail) std::printf("%-10s %s\n", c.name.c_str(), c.help.c_str());
    return 0;
  }
  Options o;
  o.table = &avail;
  if (columns.empty()) {
    if (kind == "cgroup") o.columns = {"NPROCS", "MEM", "MEMLIMIT", "CPUTIME", "PIDS", "PIDSLIMIT"};
    else if (kind == "proc") o.columns = {"USER", "COMMAND"};
    else o.columns = {"TYPE", "NPROCS", "PID", "UID", "USER", "COMMAND"};
  } else {
    o.columns = split_columns(columns);
    for (const auto& c : o.columns)
      if (std::none_of(avail.begin(), avail.end(), [&](auto& a) { return a.name == c; })) {
        std::fprintf(stderr, "nsview tree: unknown column '%s' for %s (see --list-columns)\n", c.c_str(), kind.c_str());
        return 1;
      }
  }
  o.depth = depth;
  o.headings = !noheadings;
  o.label_header = kind == "cgroup" ? "CGROUP" : kind == "proc" ? "PROCESS" : "NS";
  std::setlocale(LC_CTYPE, "");
  o.ascii = ascii || std::string(nl_langinfo(CODESET)) != "UTF-8";
  o.color = isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");

  try {
    using namespace nsinspect;
    // Each kind's preset, and what its shown columns need. The cgroup tree shows no
    // namespaces (and must not warn of them); its members are labelled by command line.
    // The others label processes by comm and NSpid (status) and tag containers.
    Sources base = kind == "cgroup" ? src_cgroup_tree | src_cmdline
                                    : src_namespaces | src_status | src_containers |
                                          (kind == "proc" ? Sources{0} : Sources{src_hierarchy});
    std::vector<int> shown;
    for (const auto& c : o.columns)
      for (std::size_t i = 0; i < avail.size(); ++i)
        if (avail[i].name == c) shown.push_back(static_cast<int>(i));
    nsview::warn_capabilities(scan_root);
    auto snap = scan(scan_options_for(base | needs_of(avail, shown), scan_root));
    BuildArgs a{snap, root, all, hierarchy, o.columns};
    std::vector<Row> rows = kind == "pid"    ? build_ns_tree(a, nsinspect::NsType::pid)
                            : kind == "user" ? build_ns_tree(a, nsinspect::NsType::user)
                            : kind == "proc" ? build_proc_tree(a)
                                             : build_cgroup_tree(a);
    if (json) {
      nlohmann::json doc;
      const std::string key = kind == "cgroup" ? "cgroups" : kind == "proc" ? "processes" : "namespaces";
      doc[key] = render_json(rows, o);
      // Rows that may be missing: namespaces seen only through unreadable processes,
      // processes refused outright (hidepid).
      const auto& st = snap.stats;
      if ((key == "namespaces" && st.namespaces_missing()) || (key == "processes" && st.partial() && st.processes_denied))
        doc[key + "_partial"] = true;
      if (kind == "cgroup") {
        const auto* t = hierarchy.empty() ? snap.cgroup_tree.primary() : snap.cgroup_tree.by_name(hierarchy);
        doc["hierarchy"] = snap.cgroup_tree.layout.hierarchies[t->hierarchy].name;
        doc["mode"] = nsinspect::cgroup_mode_name(snap.cgroup_tree.layout.mode);
      }
      nsview::write_json(stdout, doc, 2);
    } else {
      render_text(rows, o, stdout);
    }
    nsview::warn_unreadable(snap.stats);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "nsview tree: %s\n", e.what());
    return 1;
  }
  return 0;
}

nsview::RegisterSubcommand reg({"tree", "namespaces, processes and cgroups as trees", run, 30});

}  // namespace
