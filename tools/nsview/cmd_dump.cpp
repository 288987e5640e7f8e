// nsview dump: the whole snapshot as one JSON document.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "nsinspect/json.hpp"
#include "nsinspect/scan.hpp"
#include "subcommand.hpp"
#include "unreadable_warning.hpp"

namespace {

int run(int argc, char** argv) {
  CLI::App app{"Print the whole snapshot graph (processes, namespaces, ...) as one JSON document.\n"
               "The schema is docs/dump.schema.json.", "nsview dump"};
  bool json = false;
  std::string root = "/";
  app.add_flag("-J,--json", json, "JSON output (the only format; accepted for symmetry)");
  app.add_option("--root", root, "read ROOT/proc instead of /proc (a host's / mounted in a container)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    nsinspect::ScanOptions opt;
    opt.root = root;
    auto snap = nsinspect::scan(opt);
    std::cout << nsinspect::to_json(snap).dump(2) << "\n" << std::flush;
    nsview::warn_unreadable("nsview dump", snap.stats);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nsview dump: %s\n", e.what());
    return 1;
  }
  return 0;
}

nsview::RegisterSubcommand reg({"dump", "print the whole snapshot as JSON", run, 90});

}  // namespace
