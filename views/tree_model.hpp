// The view model shared by every `nsview tree` kind: rows with a label (drawn as the tree),
// named cells, a JSON object, and children. Kinds build rows from the snapshot; the
// renderer draws them as text (box lines, optional colour) or as nested JSON.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nsinspect/snapshot.hpp"
#include "cells.hpp"
#include "table.hpp"

namespace nsview::tree {

using nsview::Cell;  // text as shown, the value behind it, unknown and partial marks

enum class Style : uint8_t { plain, ns, process, cgroup, mark };

// Extra text after a row's label, by what it says, so a front-end can leave some out.
enum class MarkKind : uint8_t { namespaces, cgroup, container, hidden };
struct Mark {
  MarkKind kind;
  std::string text;  // "[+net,pid]", "cg=/a/b", "{web}", "(hidden)"
};

// What a row is about, so that front-ends never parse its text.
struct Ref {
  pid_t pid = 0;                // a process row
  nsinspect::NsInode ns = 0;    // a namespace row
  std::string cgroup;           // a cgroup row: its path
};

struct Row {
  std::string label;
  std::vector<Mark> marks;
  Ref ref;
  Style style = Style::plain;
  bool member = false;           // a process listed under its group: does not count for --depth
  std::map<std::string, Cell> cells;
  nlohmann::json json = nlohmann::json::object();  // fixed keys; selected columns are added
  std::vector<Row> children;
};

using nsview::Column;  // name as in -o (upper case), help, unit

struct Options {
  std::vector<std::string> columns;  // selected, upper case
  const std::vector<Column>* table = nullptr;  // the kind's columns (JSON keys)
  int depth = -1;                    // -1: unlimited
  bool ascii = false;
  bool color = false;
  bool headings = true;
  std::string label_header;
};

// The marks as one text, blank-separated (cgroup changes left out when asked).
std::string mark_text(const Row& r, bool with_cgroup = true);

void render_text(const std::vector<Row>& roots, const Options& o, std::FILE* out);
nlohmann::json render_json(const std::vector<Row>& roots, const Options& o);

// The kinds. `root` is the user's root argument ("" for all).
struct BuildArgs {
  const nsinspect::Snapshot& snap;
  std::string root;
  bool all = false;                // cgroup: also empty cgroups
  std::string hierarchy;           // cgroup: v1 hierarchy name
  const std::vector<std::string>& columns;
};
// Each returns the roots, or throws std::invalid_argument with a one-line message.
std::vector<Row> build_ns_tree(const BuildArgs& a, nsinspect::NsType type);  // pid or user
std::vector<Row> build_proc_tree(const BuildArgs& a);
std::vector<Row> build_cgroup_tree(const BuildArgs& a);

const std::vector<Column>& ns_columns();
const std::vector<Column>& proc_columns();
const std::vector<Column>& cgroup_columns();

}  // namespace nsview::tree
