// The registry of nsview subcommands. Each cmd_*.cpp registers itself, so adding a
// subcommand touches no other file.
#pragma once

#include <string_view>
#include <vector>

namespace nsview {

struct Subcommand {
  std::string_view name;
  std::string_view summary;
  int (*run)(int argc, char** argv);  // argv[0] is the subcommand name
  int order = 50;                     // position in `nsview --help`
};

std::vector<Subcommand>& subcommands();

struct RegisterSubcommand {
  explicit RegisterSubcommand(Subcommand s) { subcommands().push_back(s); }
};

}  // namespace nsview
