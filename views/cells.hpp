// The one set of cell makers. Each quantity becomes a Cell holding the text people read and
// the value behind it (bytes shown as "1.5M" are 1572864), so list, tree, ps, top and the TUI
// format it alike, and JSON, sorting and -Q filters use the value, never the rendered text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "nsinspect/cgroups.hpp"
#include "table.hpp"

namespace nsview {

Cell number_cell(std::optional<uint64_t> v);          // ids and counts: "12"
Cell bytes_cell(std::optional<uint64_t> v);           // "1.5M"
Cell rate_cell(std::optional<double> bytes_per_s);    // "1.5M" (per second)
Cell percent_cell(std::optional<double> v);           // "12.5"
Cell decimal_cell(std::optional<double> v);           // "1.25": seconds, cores
Cell limit_cell(const nsinspect::Limit& l, bool bytes);  // "max", else bytes or a count
Cell text_cell(const std::string& s);                 // empty: unknown

// What a cell shows: "-" unknown, "12+" partial, "" none.
std::string cell_text(const Cell& c);
// The cell's value as a JSON value of the column's type (null when unknown or none).
nlohmann::json cell_json(const Cell& c, JsonType type);
// A number cell's value, for sorting; nullopt when unknown, none or not a number.
std::optional<long double> cell_number(const Cell& c);

}  // namespace nsview
