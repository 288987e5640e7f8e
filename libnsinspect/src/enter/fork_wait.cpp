// Entering a pid namespace affects children only, so the command runs in a child. The parent
// stays invisible: it stops when the child stops, passes on termination requests sent to it,
// and ends the way the child ended (its exit status, or dying of the same signal).
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <sys/wait.h>
#include <unistd.h>

#include "enter/enter_impl.hpp"

namespace nsinspect::enter::impl {

namespace {

volatile sig_atomic_t g_child = 0;
constexpr int kForwarded[] = {SIGTERM, SIGHUP, SIGUSR1, SIGUSR2};

void forward(int sig) {
  if (g_child > 0) ::kill(g_child, sig);
}

}  // namespace

void continue_as_child() {
  ::signal(SIGCHLD, SIG_DFL);  // clear inherited settings
  sigset_t block, old;
  sigemptyset(&block);
  for (int s : kForwarded) sigaddset(&block, s);
  sigprocmask(SIG_BLOCK, &block, &old);  // no request is lost between fork and the handlers

  pid_t child = fork();
  if (child < 0) fail_errno("fork failed", errno);
  if (child == 0) {
    sigprocmask(SIG_SETMASK, &old, nullptr);
    return;
  }
  g_child = child;
  struct sigaction sa{};
  sa.sa_handler = forward;
  sigemptyset(&sa.sa_mask);
  for (int s : kForwarded) sigaction(s, &sa, nullptr);
  sigprocmask(SIG_SETMASK, &old, nullptr);

  int status = 0;
  for (;;) {
    pid_t r = waitpid(child, &status, WUNTRACED);
    if (r < 0 && errno == EINTR) continue;
    if (r == child && WIFSTOPPED(status)) {
      // The child suspended: suspend as well, and let it go on when we are continued.
      ::kill(getpid(), SIGSTOP);
      ::kill(child, SIGCONT);
      continue;
    }
    break;
  }
  if (WIFEXITED(status)) std::_Exit(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    ::signal(sig, SIG_DFL);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, sig);
    sigprocmask(SIG_UNBLOCK, &one, nullptr);
    ::kill(getpid(), sig);
  }
  std::_Exit(EXIT_FAILURE);
}

}  // namespace nsinspect::enter::impl
