// nsview dump: the whole snapshot as one JSON document.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "nsinspect/json.hpp"
#include "nsinspect/scan.hpp"
#include "cli.hpp"
#include "json_writer.hpp"
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
  if (auto rc = nsview::parse_cli(app, argc, argv)) return *rc;
  nsinspect::ScanOptions opt;
  opt.root = root;
  nsview::warn_capabilities(root);
  auto snap = nsinspect::scan(opt);
  nsview::write_json(stdout, nsinspect::to_json(snap), 2);
  nsview::warn_unreadable(snap.stats);
  return 0;
}

nsview::RegisterSubcommand reg({"dump", "print the whole snapshot as JSON", run, 90});

}  // namespace
