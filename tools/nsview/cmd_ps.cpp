// nsview ps: the containers of every engine on the node, like `podman ps` / `crictl ps`,
// identified without any engine API (see libnsinspect's containers module).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <set>
#include <unistd.h>

#include "nsinspect/container_lookup.hpp"
#include "nsinspect/json.hpp"
#include "nsinspect/scan.hpp"
#include "cli.hpp"
#include "json_writer.hpp"
#include "ps_columns.hpp"
#include "table.hpp"
#include "text.hpp"
#include "subcommand.hpp"
#include "unreadable_warning.hpp"

namespace {

using nsinspect::Container;
using nsinspect::Pod;
using nsinspect::Snapshot;

const std::set<std::string> kEngines = {"podman", "docker", "containerd", "cri-o", "lxc", "nspawn"};

std::string dash(const std::string& s) { return s.empty() ? "-" : s; }

// "5 seconds ago", "3 minutes ago", ... as podman prints CREATED.
std::string age(std::optional<int64_t> when, int64_t now) {
  if (!when) return "-";
  int64_t d = std::max<int64_t>(0, now - *when);
  auto unit = [](int64_t n, const char* u) {
    return std::to_string(n) + " " + u + (n == 1 ? "" : "s") + " ago";
  };
  if (d < 60) return unit(d, "second");
  if (d < 3600) return unit(d / 60, "minute");
  if (d < 86400) return unit(d / 3600, "hour");
  return unit(d / 86400, "day");
}

struct Options {
  bool json = false, no_trunc = false, pods = false, quiet = false, no_headings = false;
  std::vector<std::string> engines;
  std::string root = "/";
};

std::vector<std::string> container_row(const Container& c, const Options& o, int64_t now) {
  std::string pod = c.pod ? (c.pod->name.empty() ? c.pod->id.substr(0, 12) : c.pod->name) : "-";
  return {nsinspect::display_name(c),
          o.no_trunc ? c.id : c.id.substr(0, 12),
          dash(c.engine),
          pod,
          c.init_pid ? std::to_string(*c.init_pid) : "-",
          c.state,
          dash(c.image),
          age(c.created, now)};
}

int show(const Snapshot& snap, const Options& o) {
  auto wanted = [&](const std::string& engine) {
    return o.engines.empty() || std::find(o.engines.begin(), o.engines.end(), engine) != o.engines.end();
  };
  if (o.json) {
    nlohmann::json j{{"containers", nlohmann::json::array()}, {"pods", nlohmann::json::array()}};
    for (const auto& c : snap.containers)
      if (wanted(c.engine)) j["containers"].push_back(nsinspect::to_json(c));
    for (const auto& p : snap.pods)
      if (wanted(p.engine)) j["pods"].push_back(nsinspect::to_json(p));
    nsview::write_json(stdout, j, 2);
    return 0;
  }
  if (o.quiet) {
    for (const auto& c : snap.containers)
      if (wanted(c.engine)) std::printf("%s\n", nsview::safe_text(o.no_trunc ? c.id : c.id.substr(0, 12)).c_str());
    return 0;
  }
  const int64_t now = std::time(nullptr);
  // One table renderer for every view: cells are made terminal-safe there, and --pods draws
  // the same tree lines as list and tree.
  nsview::Table t;
  t.columns = o.pods ? nsview::ps_pod_columns() : nsview::ps_columns();
  auto add = [&](std::vector<std::string> row, int parent) {
    t.rows.emplace_back(row.begin(), row.end());
    t.parent.push_back(parent);
    return static_cast<int>(t.rows.size()) - 1;
  };
  if (!o.pods) {
    for (const auto& c : snap.containers)
      if (wanted(c.engine)) add(container_row(c, o, now), -1);
  } else {
    // --pods: each pod, then its containers (infra first) as its branches; then the others.
    t.tree_column = nsview::PS_NAME;
    for (const auto& p : snap.pods) {
      if (!wanted(p.engine)) continue;
      const Container* infra = nsinspect::container_by_id(snap, p.infra_container);
      std::optional<int64_t> created;
      bool all_paused = !p.containers.empty();
      for (const auto& id : p.containers)
        if (const Container* c = nsinspect::container_by_id(snap, id)) {
          if (c->created && (!created || *c->created < *created)) created = c->created;
          all_paused &= c->state == "paused";
        }
      const int pod_row = add({nsinspect::display_name(p), o.no_trunc ? p.id : p.id.substr(0, 12), dash(p.engine),
                               dash(p.namespace_), infra && infra->init_pid ? std::to_string(*infra->init_pid) : "-",
                               all_paused ? "paused" : "running", "-", age(created, now)},
                              -1);
      for (const auto& id : p.containers)
        if (const Container* c = nsinspect::container_by_id(snap, id)) {
          auto row = container_row(*c, o, now);
          row[nsview::PS_POD] = "-";
          add(std::move(row), pod_row);
        }
    }
    for (const auto& c : snap.containers)
      if (!c.pod && wanted(c.engine)) {
        auto row = container_row(c, o, now);
        row[nsview::PS_POD] = "-";
        add(std::move(row), -1);
      }
  }
  if (t.tree_column < 0) t.parent.clear();
  nsview::RenderOptions ro;
  ro.headings = !o.no_headings;
  ro.ascii = !nsview::locale_is_utf8();
  ro.color = nsview::want_color(STDOUT_FILENO);
  ro.truncate = false;
  nsview::render(t, ro, stdout);
  return 0;
}

int run(int argc, char** argv) {
  CLI::App app{"List the containers of every engine on the node (podman, docker, containerd, CRI-O,\n"
               "LXC, systemd-nspawn), identified from cgroups, monitors, OCI bundles and runtime\n"
               "state: no engine socket is used, so it also works when an engine hangs.",
               "nsview ps"};
  Options o;
  app.add_flag("-J,--json", o.json, "JSON output: {\"containers\": [...], \"pods\": [...]} (docs/ps.md)");
  app.add_flag("--no-trunc", o.no_trunc, "show full 64-character ids");
  app.add_flag("--pods", o.pods, "group containers by pod (infra container first)");
  app.add_flag("-q,--quiet", o.quiet, "print only container ids");
  app.add_flag("-n,--noheadings", o.no_headings, "do not print a header line");
  app.add_option("--engine", o.engines, "only containers of ENGINE (repeatable): podman, docker, containerd, "
                                        "cri-o, lxc, nspawn");
  app.add_option("--root", o.root, "read ROOT/proc, ROOT/run, ROOT/var/lib instead of / (a host's / mounted elsewhere)");
  if (auto rc = nsview::parse_cli(app, argc, argv)) return *rc;
  for (const auto& e : o.engines)
    if (!kEngines.count(e)) {
      std::fprintf(stderr, "nsview ps: unknown engine '%s' (podman, docker, containerd, cri-o, lxc, nspawn)\n",
                   e.c_str());
      return 1;
    }
  // Containers, their processes' namespaces and command lines; not the namespace graph's extras.
  using namespace nsinspect;
  nsview::warn_capabilities(o.root);
  auto snap = scan(scan_options_for(kFindContainers | src_namespaces | src_cmdline, o.root));
  int rc = show(snap, o);
  nsview::warn_unreadable(snap.stats);
  return rc;
}

nsview::RegisterSubcommand reg({"ps", "list containers and pods of every engine", run, 30});

}  // namespace
