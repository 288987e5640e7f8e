// nsview: dispatch to a subcommand. Tools hold no Linux knowledge: they call libnsinspect.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <malloc.h>
#include <string>
#include <unistd.h>

#include "output.hpp"
#include "text.hpp"
#include "subcommand.hpp"

namespace nsview {

std::vector<Subcommand>& subcommands() {
  static std::vector<Subcommand> all;
  return all;
}

}  // namespace nsview

namespace {

const nsview::Subcommand* find(std::string_view name) {
  for (const auto& s : nsview::subcommands())
    if (s.name == name) return &s;
  return nullptr;
}

void usage(FILE* out) {
  auto all = nsview::subcommands();
  std::sort(all.begin(), all.end(), [](auto& a, auto& b) { return a.order < b.order; });
  std::fprintf(out,
               "Usage:\n nsview <command> [options]\n\n"
               "Show what a Linux node is made of: namespaces, cgroups, containers, pods and\n"
               "their processes.\n\nCommands:\n");
  for (const auto& s : all)
    std::fprintf(out, " %-8s %.*s\n", std::string(s.name).c_str(), static_cast<int>(s.summary.size()),
                 s.summary.data());
  std::fprintf(out,
               "\nRun 'nsview <command> --help' for a command's options.\n"
               "With no command on a terminal, nsview opens the interactive UI (tui).\n");
}

}  // namespace

int main(int argc, char** argv) {
  // One malloc arena for every thread (the scan's readers, serve's HTTP workers): a second
  // arena only keeps its own peak resident (list -J at 4,000 processes: 1.2 MiB), and the
  // scan's two readers measured no slower sharing one.
  mallopt(M_ARENA_MAX, 1);
  // Invoked as lsns or nsenter through a symlink: behave as that tool.
  // Every subcommand's output is checked at exit: a failed write is an error, not a success.
  nsview::check_stdout_at_exit();
  std::string self = std::strrchr(argv[0], '/') ? std::strrchr(argv[0], '/') + 1 : argv[0];
  if ((self == "lsns" || self == "nsenter") && find(self == "lsns" ? "list" : "enter")) {
    nsview::set_program_name(self);
    return find(self == "lsns" ? "list" : "enter")->run(argc, argv);
  }

  if (argc < 2) {
    if (isatty(STDOUT_FILENO) && isatty(STDIN_FILENO) && find("tui")) return find("tui")->run(argc, argv);
    usage(stderr);
    return 1;
  }
  std::string_view cmd = argv[1];
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    usage(stdout);
    return 0;
  }
  if (cmd == "-V" || cmd == "--version") {
    std::printf("nsview %s\n", NSVIEW_VERSION);
    return 0;
  }
  const nsview::Subcommand* s = find(cmd);
  if (!s) {
    std::fprintf(stderr, "nsview: unknown command '%s'\nTry 'nsview --help' for more information.\n",
                 nsview::safe_text(argv[1]).c_str());
    return 1;
  }
  nsview::set_program_name("nsview " + std::string(cmd));
  // One error idiom for every subcommand: "nsview SUB: message" and exit 1. A subcommand
  // catches only what it answers otherwise (bad usage, nsenter's exit codes).
  try {
    return s->run(argc - 1, argv + 1);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", nsview::program_name().c_str(), e.what());
    return 1;
  }
}
