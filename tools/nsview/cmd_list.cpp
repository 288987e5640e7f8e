// nsview list: a drop-in for util-linux lsns (same options, columns, JSON and exit codes)
// that also lists namespaces held only by threads, fds, sockets or bind mounts elsewhere.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cerrno>
#include <climits>
#include <cstring>
#include <functional>
#include <getopt.h>
#include <optional>
#include <set>
#include <string>
#include <unistd.h>
#include <unordered_map>


#include "filter.hpp"
#include "ns_columns.hpp"
#include "nsinspect/scan.hpp"
#include "output.hpp"
#include "subcommand.hpp"
#include "table.hpp"
#include "unreadable_warning.hpp"

namespace {

using namespace nsview;
using nsinspect::Namespace;
using nsinspect::NsType;

enum class Tree { none, process, owner, parent };

struct Options {
  bool json = false, list = false, headings = true, raw = false, notrunc = false, nowrap = false;
  bool output_all = false, persistent = false, list_columns = false;
  std::optional<Tree> tree;
  std::string output;
  std::optional<pid_t> pid;
  std::set<NsType> types;
  std::string filter;
  std::optional<nsinspect::NsInode> ns;
  bool ns_operand = false;  // a <namespace> was given (0 lists as usual, as in lsns)
  std::string root = "/";
};

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "%s: %s\n", program_name().c_str(), msg.c_str());
  std::exit(1);
}

void usage() {
  std::printf(
      "\nUsage:\n nsview list [options] [<namespace>]\n\n"
      "List system namespaces - every one: those of processes and threads, and those held\n"
      "only by an open file descriptor, a socket or a bind mount in any mount namespace.\n"
      "A drop-in for lsns(8).\n\nOptions:\n"
      " -J, --json             use JSON output format\n"
      " -l, --list             use list format output\n"
      " -n, --noheadings       don't print headings\n"
      " -o, --output <list>    define which output columns to use (+LIST extends the default)\n"
      "     --output-all       output all columns\n"
      " -P, --persistent       namespaces without processes\n"
      " -p, --task <pid>       print process namespaces\n"
      " -Q, --filter <expr>    show only namespaces for which <expr> is true\n"
      " -r, --raw              use the raw output format\n"
      " -u, --notruncate       don't truncate text in columns\n"
      " -W, --nowrap           don't use multi-line representation\n"
      " -t, --type <name>      namespace type (mnt, net, ipc, user, pid, uts, cgroup, time)\n"
      " -T, --tree[=<rel>]     use tree format (parent, owner, or process; default owner)\n"
      " -H, --list-columns     list the available columns\n"
      "     --root <dir>       read <dir>/proc (a host's / mounted inside a container)\n\n"
      " -h, --help             display this help\n"
      " -V, --version          display version\n\nAvailable output columns:\n");
  for (const auto& c : ns_columns()) std::printf(" %11s  %s\n", c.name.c_str(), c.help.c_str());
  std::printf("\nFilter expressions: see nsview-list(1), e.g. -Q 'TYPE == \"net\" && NPROCS == 0'.\n"
              "Exit status: 0 success, 1 failure.\n");
}

int column_index(std::string_view name) {
  const auto& cols = ns_columns();
  for (std::size_t i = 0; i < cols.size(); ++i)
    if (strncasecmp(cols[i].name.c_str(), name.data(), name.size()) == 0 && cols[i].name.size() == name.size())
      return static_cast<int>(i);
  return -1;
}

// -o LIST as util-linux's string_add_to_idarray: "+LIST" appends to the columns so far,
// LIST replaces them. A column may come twice (lsns prints it twice). An unknown name is
// reported with the rest of the list, as lsns's warnx prints it.
void add_column_list(const std::string& arg, std::vector<int>& cols) {
  if (arg.empty()) std::exit(1);
  std::string list = arg;
  if (list[0] == '+') list.erase(0, 1);
  else cols.clear();
  std::size_t start = 0;
  while (start <= list.size()) {
    auto comma = list.find(',', start);
    std::string name = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (name.empty()) std::exit(1);
    int idx = column_index(name);
    if (idx < 0) {
      std::fprintf(stderr, "%s: unknown column: %s\n", program_name().c_str(), list.c_str() + start);
      std::exit(1);
    }
    cols.push_back(idx);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
}

Options parse_args(int argc, char** argv) {
  enum { OPT_OUTPUT_ALL = 1000, OPT_ROOT };
  static const struct option longopts[] = {
      {"json", no_argument, nullptr, 'J'},       {"list", no_argument, nullptr, 'l'},
      {"noheadings", no_argument, nullptr, 'n'}, {"output", required_argument, nullptr, 'o'},
      {"output-all", no_argument, nullptr, OPT_OUTPUT_ALL},
      {"persistent", no_argument, nullptr, 'P'}, {"task", required_argument, nullptr, 'p'},
      {"filter", required_argument, nullptr, 'Q'}, {"raw", no_argument, nullptr, 'r'},
      {"notruncate", no_argument, nullptr, 'u'}, {"nowrap", no_argument, nullptr, 'W'},
      {"type", required_argument, nullptr, 't'}, {"tree", optional_argument, nullptr, 'T'},
      {"list-columns", no_argument, nullptr, 'H'}, {"help", no_argument, nullptr, 'h'},
      {"version", no_argument, nullptr, 'V'},    {"root", required_argument, nullptr, OPT_ROOT},
      {nullptr, 0, nullptr, 0}};
  Options o;
  // getopt's own messages ("invalid option") carry the name errors are prefixed with.
  argv[0] = const_cast<char*>(program_name().c_str());
  optind = 1;
  int c;
  while ((c = getopt_long(argc, argv, "JlnPo:p:Q:ruWt:T::HhV", longopts, nullptr)) != -1) {
    switch (c) {
      case 'J': o.json = true; break;
      case 'l': o.list = true; break;
      case 'n': o.headings = false; break;
      case 'o': o.output = optarg; break;
      case OPT_OUTPUT_ALL: o.output_all = true; break;
      case 'P': o.persistent = true; break;
      case 'p': {
        // As util-linux's strtos32_or_err: any int32; 0 means no filter, as in lsns.
        errno = 0;
        char* end = nullptr;
        long long v = std::strtoll(optarg, &end, 10);
        if (errno == ERANGE || v < INT32_MIN || v > INT32_MAX)
          die(std::string("invalid PID argument: '") + optarg + "': " + std::strerror(ERANGE));
        if (!*optarg || end == optarg || *end) die(std::string("invalid PID argument: '") + optarg + "'");
        if (v) o.pid = static_cast<pid_t>(v);
        else o.pid.reset();
        break;
      }
      case 'Q': o.filter = optarg; break;
      case 'r': o.raw = true; break;
      case 'u': o.notrunc = true; break;
      case 'W': o.nowrap = true; break;
      case 't': {
        auto t = nsinspect::ns_type_from_name(optarg);
        if (!t) die(std::string("unknown namespace type: ") + optarg);
        o.types.insert(*t);
        break;
      }
      case 'T':
        // lsns takes -T=parent too (the short option's optional argument keeps the '=').
        if (optarg && *optarg == '=') ++optarg;
        if (!optarg || !std::strcmp(optarg, "owner")) o.tree = Tree::owner;
        else if (!std::strcmp(optarg, "parent")) o.tree = Tree::parent;
        else if (!std::strcmp(optarg, "process")) o.tree = Tree::process;
        else die(std::string("unknown tree type: ") + optarg);
        break;
      case 'H': o.list_columns = true; return o;  // lsns lists them at once
      case 'h': usage(); std::exit(0);
      case 'V': std::printf("%s from nsview %s\n", program_name().c_str(), NSVIEW_VERSION); std::exit(0);
      case OPT_ROOT: o.root = optarg; break;
      default:
        std::fprintf(stderr, "Try '%s --help' for more information.\n", program_name().c_str());
        std::exit(1);
    }
  }
  if (o.json && o.raw) die("mutually exclusive arguments: --json --raw");
  if (o.persistent && o.pid) die("mutually exclusive arguments: --persistent --task");
  if (o.list && o.tree) die("mutually exclusive arguments: --list --tree");
  if (optind < argc) {
    // As lsns: the first operand only (others are ignored), after the --task check.
    if (o.pid) die("--task is mutually exclusive with <namespace>");
    const char* a = argv[optind];
    errno = 0;
    char* end = nullptr;
    unsigned long long v = std::strtoull(a, &end, 10);
    if (errno == ERANGE) die(std::string("invalid namespace argument: '") + a + "': " + std::strerror(ERANGE));
    if (!*a || *end || end == a || *a == '-') die(std::string("invalid namespace argument: '") + a + "'");
    if (v) o.ns = v;
    o.ns_operand = true;
  }
  return o;
}

RenderOptions render_options(const Options& o, const char* json_name) {
  RenderOptions r;
  r.json = o.json;
  r.raw = o.raw;
  r.headings = o.headings;
  r.truncate = !o.notrunc;
  r.wrap = !o.nowrap;
  r.color = false;  // lsns does not colour (not even the header)
  r.ascii = !locale_is_utf8();
  r.width = terminal_width(STDOUT_FILENO);
  r.json_name = json_name;
  r.json_format = json_format_from_env();
  r.scols = true;
  return r;
}

// -H as lsns 2.42 (util-linux's column-list-table): HOLDER TYPE DESCRIPTION without headings,
// "lsns-columns" in JSON. As in lsns, only -J/-r given before -H count.
int list_columns(const Options& o) {
  Table t;
  t.columns = {{"HOLDER", "", JsonType::string, true, false},
               {"TYPE", "", JsonType::string, false, false},
               {"DESCRIPTION", "", JsonType::string, false, false}};
  const char* type_names[] = {"<string>", "<integer>", "<string>", "<boolean>"};
  for (const auto& c : ns_columns()) t.rows.push_back({c.name, type_names[static_cast<int>(c.json)], c.help});
  RenderOptions r = render_options(o, "lsns-columns");
  r.headings = false;
  render(t, r, stdout);
  return 0;
}

// Tree lines go in COMMAND for a process tree, in NS for owner/parent trees (lsns); without
// that column the table is flat, in text and in JSON alike.
int tree_column(Tree tree, const std::vector<int>& cols) {
  int want = tree == Tree::process ? NS_COMMAND : tree == Tree::none ? -1 : NS_NS;
  auto it = std::find(cols.begin(), cols.end(), want);
  return it == cols.end() ? -1 : static_cast<int>(it - cols.begin());
}

// `nsview list <inode>`: a row per member process of one namespace (lsns).
int list_processes(const Options& o, const NsCellContext& ctx, const Namespace& ns, const std::vector<int>& cols,
                   Tree tree, const Filter& filter) {
  const auto& snap = ctx.snap;
  Table t;
  for (int c : cols) t.columns.push_back(ns_columns()[c]);
  std::unordered_map<pid_t, int> row_of;
  for (pid_t pid : ns.pids) {
    const auto* p = snap.process(pid);
    if (!p) continue;
    if (!o.filter.empty()) {  // -Q on the process rows
      std::vector<Cell> frow(ns_columns().size());
      for (int c : filter.used_columns()) frow[c] = ns_cell(ctx, ns, static_cast<NsColumn>(c), p);
      if (!filter.matches(frow)) continue;
    }
    std::vector<Cell> row;
    for (int c : cols) row.push_back(ns_cell(ctx, ns, static_cast<NsColumn>(c), p));
    row_of[pid] = static_cast<int>(t.rows.size());
    t.rows.push_back(std::move(row));
  }
  t.tree_column = tree_column(tree, cols);
  // A process hangs under its parent when that is a member too.
  if (tree == Tree::process && t.tree_column >= 0) {
    t.parent.assign(t.rows.size(), -1);
    for (pid_t pid : ns.pids)
      if (auto it = row_of.find(pid); it != row_of.end())
        if (auto pp = row_of.find(snap.process(pid)->ppid); pp != row_of.end()) t.parent[it->second] = pp->second;
  }
  t.rows_partial = ns.members_partial;  // members that could not be read are missing
  render(t, render_options(o, "namespaces"), stdout);
  warn_unreadable(snap.stats);
  return 0;
}

int run(int argc, char** argv) {
  Options o = parse_args(argc, argv);
  if (o.list_columns) return list_columns(o);

  // Columns and the default tree as lsns decides them: --output-all, else the defaults
  // (a process tree unless -l), then -o replaces or (+LIST) extends what is there.
  const auto& all = ns_columns();
  std::vector<int> cols;
  Tree tree = o.tree.value_or(Tree::none);
  if (o.output_all)
    for (std::size_t i = 0; i < all.size(); ++i) cols.push_back(static_cast<int>(i));
  if (o.ns_operand) {
    if (!o.tree && !o.list) tree = Tree::process;
    if (cols.empty()) cols = {NS_PID, NS_PPID, NS_USER, NS_COMMAND};
  }
  if (cols.empty()) {
    cols = {NS_NS, NS_TYPE, NS_NPROCS, NS_PID, NS_USER};
    if (o.types.count(NsType::net)) cols.insert(cols.end(), {NS_NETNSID, NS_NSFS});
    cols.push_back(NS_COMMAND);
    if (!o.tree && !o.list) tree = Tree::process;
  }
  if (!o.output.empty()) add_column_list(o.output, cols);
  Filter filter;
  if (!o.filter.empty()) {
    try {
      filter = Filter::parse(o.filter, all);
    } catch (const FilterError& e) {
      die("failed to parse \"" + o.filter + "\": " + e.what());
    }
    if (!filter.unknown_columns().empty()) {
      for (const auto& name : filter.unknown_columns())
        std::fprintf(stderr, "%s: unknown column: %s\n", program_name().c_str(), name.c_str());
      die("failed to initialize filter");
    }
  }

  // Every namespace, and what the shown and filtered columns need (status: NSpid is not shown).
  nsinspect::ScanOptions so = nsinspect::scan_options_for(
      nsinspect::kFindAllNamespaces | needs_of(all, cols) | needs_of(all, filter.used_columns()), o.root);
  so.cmdline_leaders_only = !o.ns;  // COMMAND is that of each namespace's lowest pid
  so.uid_leaders_only = !o.ns;      // ...and UID/USER; `list INODE` shows every member's
  warn_capabilities(o.root);
  nsinspect::Snapshot snap;
  try {
    snap = nsinspect::scan(so);
  } catch (const std::exception& e) {
    die(e.what());
  }

  NsCellContext ctx{snap, 0, o.nowrap || o.raw};
  // NSFS paths as seen from nsview's mount namespace, as lsns shows them; under --root, as
  // the node sees them (its init's mount namespace, when readable), not as /host/run/...
  if (auto node = o.root != "/" ? snap.initial_ns(NsType::mnt) : std::nullopt; node && snap.ns(*node))
    ctx.self_mnt_ns = *node;
  else if (snap.self_pid)
    if (const auto* self = snap.process(snap.self_pid))
      ctx.self_mnt_ns = self->ns_of(NsType::mnt).value_or(0);

  if (o.ns) {
    // -t limits the types lsns reads, so a namespace of another type is not found.
    const Namespace* ns = snap.ns(*o.ns);
    if (!ns || (!o.types.empty() && !o.types.count(ns->type)))
      die("not found namespace: " + std::to_string(*o.ns));
    return list_processes(o, ctx, *ns, cols, tree, filter);
  }

  const nsinspect::Process* task = nullptr;
  if (o.pid) {
    task = snap.process(*o.pid);  // none: lsns lists nothing and exits 0
  }

  // Which namespaces are shown.
  std::vector<const Namespace*> shown;
  for (const auto& ns : snap.namespaces) {
    if (!o.types.empty() && !o.types.count(ns.type)) continue;
    if (o.persistent && ns.nprocs() != 0) continue;
    if (o.pid && (!task || task->ns_of(ns.type) != ns.inode)) continue;
    if (ns.hidden && !o.tree) {
      // Ancestors nobody holds appear in trees, and in the list only when asked for.
      if (!o.persistent && o.filter.empty()) continue;
    }
    if (!o.filter.empty()) {
      std::vector<Cell> row(all.size());
      for (int c : filter.used_columns()) row[c] = ns_cell(ctx, ns, static_cast<NsColumn>(c));
      if (!filter.matches(row)) continue;
    }
    shown.push_back(&ns);
  }

  // Owner and parent trees add the ancestors that connect what is shown, in lsns's order:
  // a namespace comes after its owner (owner tree), or after its parent, else its owner
  // (parent tree), each shown once; rows then print as a tree in that order.
  if (tree == Tree::owner || tree == Tree::parent) {
    std::vector<const Namespace*> ordered;
    std::set<nsinspect::NsInode> done;
    auto known = [&](std::optional<nsinspect::NsInode> ino) { return ino ? snap.ns(*ino) : nullptr; };
    std::function<void(const Namespace*)> show = [&](const Namespace* n) {
      if (!done.insert(n->inode).second) return;
      const Namespace* parent = n->type == NsType::pid || n->type == NsType::user ? known(n->parent) : nullptr;
      const Namespace* owner = known(n->owner);
      if (tree == Tree::owner && owner) show(owner);
      if (tree == Tree::parent && parent) show(parent);
      else if (tree == Tree::parent && owner) show(owner);
      ordered.push_back(n);
    };
    for (const Namespace* n : shown) show(n);
    shown = std::move(ordered);
  }

  Table t;
  for (int c : cols) t.columns.push_back(all[c]);
  t.source_rows = shown.size();
  t.row_source = [&](std::size_t i) {
    std::vector<Cell> row;
    row.reserve(cols.size());
    for (int c : cols) row.push_back(ns_cell(ctx, *shown[i], static_cast<NsColumn>(c)));
    return row;
  };
  t.tree_column = tree_column(tree, cols);
  if (t.tree_column >= 0) {
    std::unordered_map<nsinspect::NsInode, int> row_of_ns;
    for (std::size_t i = 0; i < shown.size(); ++i) row_of_ns[shown[i]->inode] = static_cast<int>(i);
    t.parent.assign(shown.size(), -1);
    if (tree == Tree::process) {
      // As lsns: a line hangs under the latest line whose process is its process's parent.
      std::unordered_map<pid_t, int> line_of_pid;
      for (std::size_t i = 0; i < shown.size(); ++i) {
        const Namespace* n = shown[i];
        if (!n->lowest_pid) continue;
        const auto* p = snap.process(*n->lowest_pid);
        if (p)
          if (auto it = line_of_pid.find(p->ppid); it != line_of_pid.end()) t.parent[i] = it->second;
        line_of_pid[*n->lowest_pid] = static_cast<int>(i);
      }
    } else {
      for (std::size_t i = 0; i < shown.size(); ++i) {
        const Namespace* n = shown[i];
        auto up = tree == Tree::owner ? n->owner : n->parent;
        if (tree == Tree::parent && n->type != NsType::pid && n->type != NsType::user) up.reset();
        if (up)
          if (auto it = row_of_ns.find(*up); it != row_of_ns.end()) t.parent[i] = it->second;
      }
    }
  }
  // Namespaces reachable only through processes that could not be read are missing.
  t.rows_partial = snap.stats.namespaces_missing();
  render(t, render_options(o, "namespaces"), stdout);
  warn_unreadable(snap.stats);
  return 0;
}

nsview::RegisterSubcommand reg({"list", "list namespaces (a drop-in for lsns that finds more)", run, 10});

}  // namespace
