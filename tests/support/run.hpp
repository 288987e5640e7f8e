// Helpers for tests that run real commands and make real kernel objects.
#pragma once

#include <string>
#include <vector>
#include <sys/types.h>

namespace testsupport {

struct Result {
  int status = -1;  // exit code, or 128+signal
  std::string out, err;
};

// Runs argv (no shell), capturing stdout and stderr.
Result run(const std::vector<std::string>& argv, const std::string& input = {});
// Runs a /bin/sh -c command line.
Result sh(const std::string& cmdline);
// Runs a shell command line and returns its trimmed stdout; throws if it fails.
std::string sh_out(const std::string& cmdline);
// The text of tests/fixtures/REL; fails the test when the file is missing.
std::string fixture_text(const std::string& rel);

// Runs a shell command at scope exit (cleanup that also happens when a test fails).
class Cleanup {
 public:
  explicit Cleanup(std::string cmdline) : cmd_(std::move(cmdline)) {}
  ~Cleanup();
  Cleanup(const Cleanup&) = delete;
  Cleanup& operator=(const Cleanup&) = delete;
 private:
  std::string cmd_;
};

// A process started by the test in its own process group; killed (the whole group) and
// reaped at scope exit. Its stdout lines can be read with read_line().
class Child {
 public:
  explicit Child(const std::vector<std::string>& argv);
  explicit Child(const std::string& shell_cmdline);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  pid_t pid() const { return pid_; }
  // Sends sig to the child alone and waits up to timeout_ms for it to exit: its status (exit
  // code or 128+signal), or -1 when it did not exit (the destructor then kills its group).
  int terminate(int sig, int timeout_ms = 10000);
  // Reads one line of the child's stdout (without the newline); empty on EOF/timeout.
  std::string read_line(int timeout_ms = 10000);
  // Waits until pred() holds or timeout; returns whether it held.
  template <class F> static bool wait_for(F pred, int timeout_ms = 10000);
 private:
  void start(const std::vector<std::string>& argv);
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string buf_;
};

void sleep_ms(int ms);
std::string helper_path(const std::string& name);  // a test helper binary
std::string nsview_bin();
// Runs `nsview SUBCOMMAND ARGS...` with input on stdin.
Result nsview_run(const std::string& subcommand, std::vector<std::string> args, const std::string& input = {});
std::string trimmed(std::string s);  // without trailing newlines and blanks
std::string readlink_str(const std::string& path);  // "" when unreadable
bool is_root();

template <class F> bool Child::wait_for(F pred, int timeout_ms) {
  for (int waited = 0; waited < timeout_ms; waited += 20) {
    if (pred()) return true;
    sleep_ms(20);
  }
  return pred();
}

}  // namespace testsupport
