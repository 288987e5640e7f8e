#include "tmux.hpp"

#include <sstream>
#include <unistd.h>

#include <catch2/catch.hpp>

namespace testsupport {

namespace {
std::string P(long n) { return std::to_string(n); }
}  // namespace

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> w;
  for (std::string x; in >> x;) w.push_back(x);
  return w;
}

Tmux::Tmux(int w, int h, const std::string& dir)
    : sock_("nsview-test-" + P(getpid())),
      // kill-server leaves the socket file behind: remove it too.
      kill_("tmux -L " + sock_ + " kill-server 2>/dev/null; rm -f /tmp/tmux-" + P(getuid()) + "/" + sock_) {
  sh_out("tmux -L " + sock_ + " new-session -d -x " + P(w) + " -y " + P(h) + " -c " + dir +
         " 'env -u NO_COLOR LANG=C.UTF-8 PS1=\"prompt$ \" sh'");
}

void Tmux::keys(const std::vector<std::string>& k) {
  std::vector<std::string> argv = {"tmux", "-L", sock_, "send-keys"};
  argv.insert(argv.end(), k.begin(), k.end());
  REQUIRE(run(argv).status == 0);
}

void Tmux::type(const std::string& text) { keys({"-l", text}); }

std::string Tmux::screen() { return run({"tmux", "-L", sock_, "capture-pane", "-p"}).out; }

std::string Tmux::display(const std::string& fmt) { return sh_out("tmux -L " + sock_ + " display -p '" + fmt + "'"); }

void Tmux::resize(int w, int h) { sh_out("tmux -L " + sock_ + " resize-window -x " + P(w) + " -y " + P(h)); }

bool Tmux::wait_for(const std::string& text, int ms, const std::string& absent) {
  return Child::wait_for([&] {
    std::string s = screen();
    return s.find(text) != std::string::npos && (absent.empty() || s.find(absent) == std::string::npos);
  }, ms);
}

std::string Tmux::line_with(const std::string& text) {
  std::istringstream in(screen());
  for (std::string l; std::getline(in, l);)
    if (l.find(text) != std::string::npos) return l;
  return {};
}

}  // namespace testsupport
