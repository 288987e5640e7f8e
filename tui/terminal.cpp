// Curses lifetime, colours, signals, and handing the terminal to another program.
#include "terminal.hpp"

#include <cerrno>
#include <clocale>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <langinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curses.h>

namespace nsview::tui {

namespace {

volatile std::sig_atomic_t g_signal = 0;

void on_signal(int sig) { g_signal = sig; }

void install(int sig, void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: getch returns so the loop sees the signal
  sigaction(sig, &sa, nullptr);
}

}  // namespace

Terminal::Terminal() {
  std::setlocale(LC_ALL, "");
  utf8_ = std::strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
  // Our handlers before initscr: curses then leaves SIGINT/SIGTERM alone and we restore
  // the terminal ourselves in the main loop (endwin is not async-signal-safe).
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) install(sig, on_signal);
  if (!initscr()) throw std::runtime_error("cannot initialise the terminal");
  cbreak();
  noecho();
  keypad(stdscr, TRUE);
  curs_set(0);
  set_escdelay(25);
  const char* no_color = std::getenv("NO_COLOR");  // set and not empty: no colour
  if (has_colors() && !(no_color && *no_color)) {
    colors_ = true;
    start_color();
    use_default_colors();
    init_pair(kTitle, COLOR_BLACK, COLOR_CYAN);
    init_pair(kTabActive, COLOR_BLACK, COLOR_GREEN);
    init_pair(kHeader, COLOR_BLACK, COLOR_GREEN);
    init_pair(kCursor, COLOR_BLACK, COLOR_CYAN);
    init_pair(kNs, COLOR_BLUE, -1);
    init_pair(kMark, COLOR_YELLOW, -1);
    init_pair(kGroup, COLOR_MAGENTA, -1);
    init_pair(kStatus, COLOR_CYAN, -1);
    init_pair(kWarn, COLOR_RED, -1);
  }
}

Terminal::~Terminal() { end(); }

void Terminal::end() {
  if (ended_) return;
  ended_ = true;
  if (!isendwin()) endwin();
}

int Terminal::pending_signal() { return g_signal; }

int Terminal::attr(ColorPair p) const {
  if (colors_) {
    int a = COLOR_PAIR(p);
    if (p == kTabActive || p == kGroup) a |= A_BOLD;
    return a;
  }
  switch (p) {
    case kTitle:
    case kHeader:
    case kCursor: return A_REVERSE;
    case kTabActive: return A_REVERSE | A_BOLD;
    case kGroup:
    case kWarn: return A_BOLD;
    default: return A_NORMAL;
  }
}

int Terminal::run_program(const std::vector<std::string>& argv, std::string* error) {
  def_prog_mode();
  endwin();
  // While the program runs, the keyboard's ^C and ^\ are its own: ignore them here.
  struct sigaction ign {}, old_int {}, old_quit {};
  ign.sa_handler = SIG_IGN;
  sigemptyset(&ign.sa_mask);
  sigaction(SIGINT, &ign, &old_int);
  sigaction(SIGQUIT, &ign, &old_quit);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int status = -1;
  pid_t pid = fork();
  if (pid == 0) {
    signal(SIGINT, SIG_DFL);
    signal(SIGQUIT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    execv(args[0], args.data());
    _exit(127);
  }
  if (pid < 0) {
    if (error) *error = std::string("fork: ") + std::strerror(errno);
  } else {
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }
  // A shell with job control made its own group the terminal's foreground; take it back,
  // or the next write to the terminal stops us with SIGTTOU.
  struct sigaction old_ttou {};
  sigaction(SIGTTOU, &ign, &old_ttou);
  if (isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) != getpgrp()) tcsetpgrp(STDIN_FILENO, getpgrp());
  sigaction(SIGTTOU, &old_ttou, nullptr);
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGQUIT, &old_quit, nullptr);
  reset_prog_mode();
  clearok(stdscr, TRUE);
  refresh();
  return status;
}

}  // namespace nsview::tui
