#include "output.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace nsview {

namespace {

std::string& name_storage() {
  static std::string name = "nsview";
  return name;
}

int first_error = 0;  // the errno of the first failed write (stdio keeps only a flag)

// 0 when everything written so far reached the file, else the errno of the failure.
int stdout_error() {
  errno = 0;
  if (std::fflush(stdout) == 0 && !std::ferror(stdout)) return 0;
  if (!first_error && !errno) {
    // stdio writes a large string straight to the fd and, when that fails, keeps only its
    // error flag: one more byte to the fd says why (the output is lost already).
    if (::write(STDOUT_FILENO, "\n", 1) < 0) first_error = errno;
  }
  if (!first_error) first_error = errno ? errno : EIO;
  return first_error;
}

[[noreturn]] void fail(int err) {
  if (err == EPIPE) _exit(0);
  std::fprintf(stderr, "%s: write error: %s\n", program_name().c_str(), std::strerror(err));
  _exit(1);
}

void at_exit() {
  if (int err = stdout_error()) fail(err);
  // A close that fails (NFS, a device) loses data too.
  if (std::fclose(stdout) != 0 && errno != EBADF) fail(errno);
}

}  // namespace

const std::string& program_name() { return name_storage(); }
void set_program_name(std::string name) { name_storage() = std::move(name); }

void check_stdout_at_exit() {
  static bool done = false;
  if (!done) std::atexit(at_exit);
  done = true;
}

int flush_stdout() { return stdout_error(); }

void flush_stdout_or_exit() {
  if (int err = stdout_error()) fail(err);
}

}  // namespace nsview
