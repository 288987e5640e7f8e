// `nsview top`'s view of a UsageSample: its columns, cells (text for people, plain numbers
// for -Q filters), sorting, and the JSON Lines object of a sample (docs/top.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "nsinspect/sampler.hpp"
#include "cells.hpp"
#include "table.hpp"

namespace nsview::top {

enum TopColumn {
  T_ID, T_NAME, T_CGROUP, T_CONTAINER, T_POD, T_ENGINE, T_PID, T_NPROCS, T_DEPTH,
  T_CPU, T_MEM, T_MEMLIMIT, T_MEMPCT, T_IOR, T_IOW, T_PIDS, T_PIDSLIMIT, T_THROTTLED, T_OOM,
  T_PSI_CPU, T_PSI_MEM, T_PSI_IO, T_COUNT
};

const std::vector<Column>& columns();
std::vector<int> default_columns(nsinspect::UsageGroup g);
int column_index(std::string_view name);  // case-insensitive; -1 if unknown
// Parses "CPU,MEM" (or "+COLS" to extend the defaults); throws std::invalid_argument naming
// an unknown column.
std::vector<int> parse_columns(const std::string& list, nsinspect::UsageGroup g);

// A column of a row: text "12.5", "1.5G" with the value behind it (what filters compare),
// unknown and partial marked (views/cells.hpp).
Cell cell(const nsinspect::UsageRow& r, int col);
// The numeric value of a column, if it is a number column and known.
std::optional<double> number_of(const nsinspect::UsageRow& r, int col);
bool is_numeric(int col);
// Whether a column of this row is a lower bound (UsageRow::partial: sums over members of
// which some could not be read): text shows "12+", JSON adds "<key>_partial": true.
bool is_partial(const nsinspect::UsageRow& r, int col);

// Sorts by a column: numbers high to low, text A to Z, unknown last; reverse flips the
// known ones. Stable, so equal rows keep the sampler's order.
void sort_rows(std::vector<const nsinspect::UsageRow*>& rows, int col, bool reverse);


nlohmann::json row_json(const nsinspect::UsageRow& r, nsinspect::UsageGroup g);
// One line of JSON Lines (no newline): {"time", "interval_s", "group", "rows": [...]}.
std::string json_line(const nsinspect::UsageSample& s, const std::vector<const nsinspect::UsageRow*>& rows);

}  // namespace nsview::top
