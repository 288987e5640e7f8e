// nsview tui: the interactive ncurses UI (tui/); this file only parses the options.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <unistd.h>

#include "cli.hpp"
#include "subcommand.hpp"
#include "tui.hpp"
#include "unreadable_warning.hpp"

namespace {

int run(int argc, char** argv) {
  CLI::App app{"The node at a glance, live: containers by pod, namespaces, cgroups and the process\n"
               "tree, with a detail pane, filters, and one key to enter (e), signal (k) or dump (J)\n"
               "the selection. Press ? inside for every key; see nsview-tui(1) and docs/tui.md.",
               "nsview tui"};
  double delay = 2.0;
  std::string view = "containers";
  bool ascii = false;
  std::string root = "/";
  app.add_option("-d,--delay", delay, "seconds between refreshes (default 2)")->check(CLI::Range(0.2, 3600.0));
  app.add_option("--view", view, "the view to start on: containers, namespaces, cgroups or processes");
  app.add_flag("--ascii", ascii, "draw tree lines with ASCII characters");
  app.add_option("--root", root, "read ROOT/proc, ROOT's cgroup mounts, ROOT/run and ROOT/var/lib (a host's / mounted in a container)");
  if (auto rc = nsview::parse_cli(app, argc, argv)) return *rc;
  auto v = nsview::tui::view_from_name(view);
  if (!v) {
    std::fprintf(stderr, "nsview tui: unknown view '%s' (containers, namespaces, cgroups, processes)\n", view.c_str());
    return 1;
  }
  if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
    std::fprintf(stderr, "nsview tui: needs a terminal (for scripts: nsview ps, list, tree, dump)\n");
    return 1;
  }
  nsview::warn_capabilities(root);
  return nsview::tui::run({delay, *v, ascii, root});
}

nsview::RegisterSubcommand reg({"tui", "the interactive UI (default on a terminal)", run, 5});

}  // namespace
