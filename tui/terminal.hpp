// The terminal: curses set up and torn down in every path (normal exit, exception, signal),
// colours from terminfo unless NO_COLOR, and running another program on the real terminal.
#pragma once

#include <string>
#include <vector>

namespace nsview::tui {

enum ColorPair : short { kTitle = 1, kTabActive, kHeader, kCursor, kNs, kMark, kGroup, kStatus, kWarn };

class Terminal {
 public:
  Terminal();   // initscr, cbreak, keypad, colours; installs the signal handlers
  ~Terminal();  // endwin (if still in curses mode)
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  bool colors() const { return colors_; }
  bool utf8() const { return utf8_; }
  // An attribute for a role; falls back to bold/reverse without colours.
  int attr(ColorPair p) const;
  // SIGINT/SIGTERM/SIGHUP seen (0 if none); the main loop ends on it.
  static int pending_signal();
  // Restores the terminal, runs argv (argv[0] a path) and waits, then resumes curses.
  // Returns the exit status (128+signal), or -1 with *error set when it could not start.
  int run_program(const std::vector<std::string>& argv, std::string* error);
  // Ends curses now (before printing an error, or re-raising a signal).
  void end();

 private:
  bool colors_ = false;
  bool utf8_ = false;
  bool ended_ = false;
};

}  // namespace nsview::tui
