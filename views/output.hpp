// Standard output that cannot fail silently. A failed write (a full disk, a closed stdout)
// is one line `PROG: write error: REASON` and exit 1, as util-linux's close_stdout does; a
// reader that went away (EPIPE) ends the program quietly.
#pragma once

#include <string>

namespace nsview {

// The name errors are prefixed with: "nsview list", or "lsns" when run through that link.
const std::string& program_name();
void set_program_name(std::string name);

// Registers the exit-time check of stdout (once; main calls it).
void check_stdout_at_exit();

// Flushes stdout before something goes to stderr; returns the errno of a failed write (kept
// for the exit-time message), 0 when all is well.
int flush_stdout();

// For loops that write until stopped (top in batch mode): flushes stdout and, when a write
// failed, reports it as above and exits (1, or 0 for EPIPE).
void flush_stdout_or_exit();

}  // namespace nsview
