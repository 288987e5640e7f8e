// `nsview tui`: the interactive ncurses UI. The entry point the subcommand calls.
#pragma once

#include <string>

#include "views.hpp"

namespace nsview::tui {

struct TuiOptions {
  double delay_s = 2.0;  // refresh interval
  ViewId view = ViewId::containers;
  bool ascii = false;    // force ASCII tree lines
  std::string root = "/";  // read ROOT/proc, ROOT's cgroup mounts, ROOT/run, ROOT/var/lib
};

// Runs until q (returns 0), a fatal error (message on stderr after the terminal is
// restored, returns 1) or SIGINT/SIGTERM/SIGHUP (terminal restored, then the signal's
// default action).
int run(const TuiOptions& options);

}  // namespace nsview::tui
