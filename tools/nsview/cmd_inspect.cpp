// nsview inspect TARGET: what the kernel enforces on a container or a process - security
// context, volumes, network - and a Pod Security Standards verdict from it (docs/inspect.md).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <unistd.h>

#include "nsinspect/container_lookup.hpp"
#include "nsinspect/enter.hpp"
#include "nsinspect/inspect.hpp"
#include "nsinspect/scan.hpp"
#include "nsinspect/target_scan.hpp"
#include "cli.hpp"
#include "inspect_view.hpp"
#include "subcommand.hpp"
#include "table.hpp"

namespace {

namespace ins = nsinspect::inspect;

[[noreturn]] void fail(const std::string& msg) { throw std::runtime_error(msg); }

ins::InspectTarget resolve(const std::string& text, const std::string& root, bool other_userns) {
  auto spec = nsinspect::enter::parse_target(text);
  if (!spec) fail("invalid target: '" + text + "'");
  if (spec->kind == nsinspect::enter::TargetSpec::Kind::ns_inode || spec->kind == nsinspect::enter::TargetSpec::Kind::ns_path)
    fail("'" + text + "' is a namespace: inspect takes a process or a container");
  nsinspect::ScanOptions o;
  o.root = root;
  // Container identification only (cgroups, monitors, engine state): no namespace links,
  // fds or threads of the node's other processes.
  o.threads = o.fds = o.sockets = o.bind_mounts = o.netnsid = o.cgroup_tree = o.users = false;
  o.namespaces = o.hierarchy = other_userns;  // the user namespace tree, when asked for
  o.status = false;
  // Without -U only the target's processes (and its container's) are read: the container is
  // found from the engines' state. A whole scan when that state cannot say.
  std::optional<nsinspect::Snapshot> part;
  if (!other_userns)
    part = spec->kind == nsinspect::enter::TargetSpec::Kind::pid ? nsinspect::scan_pid_context(spec->pid, o)
                                                                : nsinspect::scan_container_query(text, o);
  if (part && spec->kind != nsinspect::enter::TargetSpec::Kind::pid) {
    auto m = nsinspect::enter::find_container(*part, text);
    if (!m.container && m.candidates.empty()) part.reset();  // no candidate matched after all
  }
  nsinspect::Snapshot snap = part ? std::move(*part) : nsinspect::scan(o);
  ins::InspectTarget t;
  t.initial_ns = ins::initial_namespaces(root);
  if (other_userns) {
    std::vector<ins::UserNs> users;
    for (const auto& n : snap.namespaces)
      if (n.type == nsinspect::NsType::user)
        users.push_back({n.inode, n.parent, n.owner_uid ? std::optional<uint32_t>(*n.owner_uid) : std::nullopt});
    t.user_namespaces = std::move(users);
  }
  const nsinspect::Container* c = nullptr;
  if (spec->kind == nsinspect::enter::TargetSpec::Kind::pid) {
    if (!snap.process(spec->pid)) fail("no process with pid " + std::to_string(spec->pid));
    c = nsinspect::container_of_pid(snap, spec->pid);
  } else {
    auto m = nsinspect::enter::find_container(snap, text);
    if (!m.candidates.empty()) {
      std::string list;
      for (const auto* x : m.candidates)
        list += (list.empty() ? "" : ", ") + x->id.substr(0, 12) + (x->name.empty() ? "" : " (" + x->name + ")");
      fail("'" + text + "' is ambiguous: " + list);
    }
    if (!m.container) fail("no such process or container: " + text);
    c = m.container;
    if (!c->init_pid) fail("container " + nsinspect::display_name(*c) + " has no known process");
  }
  if (c) {
    auto initial = t.initial_ns;
    auto users = std::move(t.user_namespaces);
    t = ins::container_target(snap, *c);
    t.initial_ns = initial;
    t.user_namespaces = std::move(users);
  }
  // A pid target is that one process, in its container's context when it has one.
  if (spec->kind == nsinspect::enter::TargetSpec::Kind::pid) t.pids = {spec->pid};
  t.scanner_mounts = snap.cgroup_tree.layout.scanner_mounts;  // read once for the layout and the host's table
  return t;
}

int run(int argc, char** argv) {
  CLI::App app{"Show what the kernel enforces on a container or process: credentials, capabilities,\n"
               "no_new_privs, seccomp, LSM label, /proc masking, mounts, network, and the Pod Security\n"
               "Standards verdict judged from them. TARGET: a pid, a container name, POD/NAME or an id prefix.",
               "nsview inspect"};
  std::string target, root = "/", sections_arg;
  bool json = false, raw = false, no_netlink = false, other_userns = false;
  app.add_option("TARGET", target, "pid, container name, POD/NAME or container id prefix")->required();
  app.add_flag("-J,--json", json, "JSON output (docs/inspect.md)");
  app.add_flag("-r,--raw", raw, "raw text tables");
  app.add_option("-s,--sections", sections_arg, "comma-separated: security, pss, mounts, network (default: all)");
  app.add_flag("--no-netlink", no_netlink, "read the network only from /proc/PID/net (as an unprivileged user would)");
  app.add_flag("-U,--other-userns", other_userns,
               "also the capabilities held in the node's other user namespaces (reads every process's namespaces)");
  app.add_option("--root", root, "read ROOT/proc instead of /proc");
  if (auto rc = nsview::parse_cli(app, argc, argv)) return *rc;
  std::vector<std::string> sections;
  for (std::size_t pos = 0; !sections_arg.empty() && pos <= sections_arg.size();) {
    auto comma = sections_arg.find(',', pos);
    std::string s = sections_arg.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (s != "security" && s != "pss" && s != "mounts" && s != "network") return nsview::usage_error("unknown section: '" + s + "'");
    sections.push_back(s);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  ins::InspectTarget t = resolve(target, root, other_userns);
  ins::InspectOptions opt;
  opt.root = root;
  opt.netlink = !no_netlink && geteuid() == 0;
  ins::Inspection in = ins::inspect(t, opt);
  if (in.processes.empty()) fail("the target's processes have exited");
  if (json) {
    nsview::write_inspect_json(in, stdout, 2);
  } else {
    nsview::RenderOptions ro;
    ro.raw = raw;
    ro.width = nsview::terminal_width(1);
    nsview::render_inspect_text(in, sections, ro, stdout);
  }
  return 0;
}

nsview::RegisterSubcommand reg({"inspect", "show what the kernel enforces on a container, with a PSS verdict", run, 45});

}  // namespace
