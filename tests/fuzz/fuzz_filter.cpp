// The -Q filter language (nsview list, top): parse, then evaluate against rows.
// Input: EXPRESSION \0 CELL \0 CELL ... (cells of the columns below; a missing cell is
// unknown, as a value nsview could not read).
#include <string>

#include "filter.hpp"
#include "fuzz_input.hpp"

using namespace nsview;

namespace {
const std::vector<Column>& columns() {
  static const std::vector<Column> cols = {{"NS", "", JsonType::number, true, false},
                                           {"TYPE", "", JsonType::string, false, false},
                                           {"NPROCS", "", JsonType::number, true, false},
                                           {"COMMAND", "", JsonType::string, false, true},
                                           {"MEM", "", JsonType::number, true, false},
                                           {"PAUSED", "", JsonType::boolean, false, false}};
  return cols;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const auto& cols = columns();
  auto p = fuzz::parts(fuzz::text(data, size), cols.size() + 1);
  Filter f;
  try {
    f = Filter::parse(p[0], cols);
  } catch (const FilterError&) {
    return 0;  // the documented failure; anything else escaping is a finding
  }
  for (int c : f.used_columns()) FUZZ_REQUIRE(c >= 0 && static_cast<std::size_t>(c) < cols.size());
  std::vector<Cell> row;
  for (std::size_t i = 1; i < p.size(); ++i) row.push_back(p[i].empty() ? Cell() : Cell(std::string(p[i])));
  (void)f.matches(row);
  (void)f.matches(std::vector<Cell>(cols.size()));  // every value unknown
  (void)f.matches({Cell("4026531836"), Cell("net"), Cell("12"), Cell("sleep 100"), Cell("1.5M"), Cell("1")});
  return 0;
}
