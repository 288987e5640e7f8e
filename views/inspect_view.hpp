// `nsview inspect`: an Inspection as sections of tables (text) and as one JSON document
// (docs/inspect.md has the schema). The TUI's detail pane can reuse inspect_sections().
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "nsinspect/inspect.hpp"
#include "table.hpp"

namespace nsview {

struct InspectSection {
  std::string title;  // "SECURITY", "CAPABILITIES", "PSS", "MOUNTS", ...
  Table table;
};

// The sections in the order they are printed; `sections` picks by name (security, pss,
// mounts, network); empty picks all.
std::vector<InspectSection> inspect_sections(const nsinspect::inspect::Inspection& in,
                                             const std::vector<std::string>& sections = {});
// A one-line header: what was inspected, and the two PSS verdicts.
std::string inspect_headline(const nsinspect::inspect::Inspection& in);
// The text form as lines (the TUI's detail pane), made terminal-safe.
std::vector<std::string> inspect_lines(const nsinspect::inspect::Inspection& in, const std::vector<std::string>& sections,
                                       const RenderOptions& o);
void render_inspect_text(const nsinspect::inspect::Inspection& in, const std::vector<std::string>& sections,
                         const RenderOptions& o, std::FILE* out);
void write_inspect_json(const nsinspect::inspect::Inspection& in, std::FILE* out, int indent);

}  // namespace nsview
