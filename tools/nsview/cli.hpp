// The one error idiom of the CLI11 subcommands, util-linux's: a usage error is
// `nsview SUB: message` and `Try 'nsview SUB --help' for more information.` on stderr, exit 1
// (CLI11's own exit codes are 105-114 and its lines are unprefixed); --help goes to stdout.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>
#include <string>

#include "output.hpp"

namespace nsview {

// Parses argv; returns the exit code when the program should stop here (help or an error).
inline std::optional<int> parse_cli(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::fputs(app.help("", CLI::AppFormatMode::All).c_str(), stdout);
    return 0;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "%s: %s\nTry '%s --help' for more information.\n", program_name().c_str(), e.what(),
                 program_name().c_str());
    return 1;
  }
  return std::nullopt;
}

// A usage error found after parsing (a bad value, an option that does nothing here).
inline int usage_error(const std::string& msg) {
  std::fprintf(stderr, "%s: %s\nTry '%s --help' for more information.\n", program_name().c_str(), msg.c_str(),
               program_name().c_str());
  return 1;
}

}  // namespace nsview
