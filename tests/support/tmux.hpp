// A tmux server of the test's own (a unique socket) to drive full-screen tools end to end:
// send-keys in, capture-pane out. Killed at scope exit, also when a check fails.
#pragma once

#include <string>
#include <vector>

#include "run.hpp"

namespace testsupport {

// The blank-separated words of a line (a screen line's cells).
std::vector<std::string> words(const std::string& line);

class Tmux {
 public:
  // A plain sh with the prompt "prompt$ ", in a UTF-8 locale, NO_COLOR unset, in `dir`.
  Tmux(int w, int h, const std::string& dir);
  void keys(const std::vector<std::string>& k);
  void type(const std::string& text);  // literal text
  std::string screen();                // what the pane shows now
  std::string display(const std::string& fmt);  // tmux display -p FORMAT
  void resize(int w, int h);
  // Waits until the screen holds `text` (and, if given, not `absent`).
  bool wait_for(const std::string& text, int ms = 15000, const std::string& absent = "");
  std::string line_with(const std::string& text);  // the first screen line holding text

 private:
  std::string sock_;
  Cleanup kill_;
};

}  // namespace testsupport
