// -Q/--filter: libsmartcols' filter language, as lsns 2.42 has it.
//   NPROCS > 1 && (TYPE == "net" || TYPE eq 'pid') && !(COMMAND =~ "^sleep")
// Operators: == != < > <= >= (or eq ne lt gt le ge, also in upper case), =~ !~ (POSIX
// extended regex), && || ! (or and/AND, or/OR, not/NOT), parentheses. && and || share one
// precedence level, left to right (as scols' grammar). Operands: column names (any case),
// "strings" and 'strings' (no escapes), numbers with an optional size suffix (1K = 1024,
// 1MiB), N.N floats, true/false. A bare column is true when it has a value other than ""
// and 0. A number column compares as a number.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "table.hpp"

namespace nsview {

struct FilterError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Filter {
 public:
  // Throws FilterError with scols' message ("syntax error, unexpected HOLDER", ...).
  // Names that are no column do not throw: see unknown_columns().
  static Filter parse(std::string_view expr, const std::vector<Column>& columns);
  bool matches(const std::vector<Cell>& row) const;
  // Columns the expression reads (indexes into the column list given to parse).
  const std::vector<int>& used_columns() const { return used_; }
  // Names used as columns that the column list does not have (lsns reports each).
  const std::vector<std::string>& unknown_columns() const { return unknown_; }

  struct Node;
  Filter();
  ~Filter();
  Filter(Filter&&) noexcept;
  Filter& operator=(Filter&&) noexcept;

 private:
  std::unique_ptr<Node> root_;
  std::vector<int> used_;
  std::vector<std::string> unknown_;
  const std::vector<Column>* columns_ = nullptr;
};

}  // namespace nsview
