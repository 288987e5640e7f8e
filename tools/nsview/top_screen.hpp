// A small full-screen terminal for `nsview top`: raw mode (termios) and ANSI escapes,
// restored on exit and on SIGINT/SIGTERM/SIGHUP (the caller then dies of the signal).
#pragma once

#include <string>

namespace nsview::top {

class Screen {
 public:
  Screen();   // enters raw mode and the alternate screen; throws std::runtime_error if stdin is no terminal
  ~Screen();  // restores the terminal
  Screen(const Screen&) = delete;
  Screen& operator=(const Screen&) = delete;
  void draw(const std::string& frame);  // replaces the screen's contents
  // Waits up to timeout_s for a key; returns it, 0 on timeout, -1 when a signal asked to stop.
  int key(double timeout_s);
  // The signal (SIGINT, SIGTERM, SIGHUP) that made key() return -1; 0 if none.
  int stop_signal() const;
  int rows() const;
  int cols() const;
};

}  // namespace nsview::top
