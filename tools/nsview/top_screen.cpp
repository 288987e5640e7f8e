#include "top_screen.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <poll.h>
#include <stdexcept>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

namespace nsview::top {

namespace {

termios saved_termios;
volatile sig_atomic_t active = 0;
volatile sig_atomic_t stop_requested = 0;  // the signal that asked to stop

// Async-signal-safe: write() and tcsetattr() only.
void restore_terminal() {
  if (!active) return;
  active = 0;
  static const char leave[] = "\x1b[?25h\x1b[?1049l";  // show cursor, leave the alternate screen
  ssize_t n = ::write(STDOUT_FILENO, leave, sizeof leave - 1);
  (void)n;
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_termios);
}

void on_signal(int sig) { stop_requested = sig; }

}  // namespace

Screen::Screen() {
  if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_termios) != 0)
    throw std::runtime_error("standard input is not a terminal");
  termios raw = saved_termios;
  raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
  raw.c_cc[VMIN] = 0;
  raw.c_cc[VTIME] = 0;
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
  active = 1;
  static bool registered = false;
  if (!registered) {
    registered = true;
    std::atexit(restore_terminal);
  }
  struct sigaction sa {};
  sa.sa_handler = on_signal;  // no SA_RESTART: poll() returns EINTR and the loop ends
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
  static const char enter[] = "\x1b[?1049h\x1b[?25l";  // alternate screen, hide cursor
  ssize_t n = ::write(STDOUT_FILENO, enter, sizeof enter - 1);
  (void)n;
}

Screen::~Screen() { restore_terminal(); }

int Screen::stop_signal() const { return stop_requested; }

void Screen::draw(const std::string& frame) {
  std::string out = "\x1b[H\x1b[2J" + frame;
  const char* p = out.data();
  std::size_t left = out.size();
  while (left > 0) {
    ssize_t n = ::write(STDOUT_FILENO, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

int Screen::key(double timeout_s) {
  if (stop_requested) return -1;
  pollfd p{STDIN_FILENO, POLLIN, 0};
  int rc = ::poll(&p, 1, static_cast<int>(timeout_s * 1000));
  if (stop_requested) return -1;
  if (rc <= 0) return 0;
  unsigned char c = 0;
  if (::read(STDIN_FILENO, &c, 1) != 1) return -1;  // EOF on the terminal: stop
  return c;
}

int Screen::rows() const {
  winsize w{};
  return ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_row > 0 ? w.ws_row : 24;
}

int Screen::cols() const {
  winsize w{};
  return ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 0 ? w.ws_col : 80;
}

}  // namespace nsview::top
