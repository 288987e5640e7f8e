// -Q/--filter: a small expression language over a table's columns, as lsns 2.42 has it.
//   NPROCS > 1 && (TYPE == "net" || TYPE eq 'pid') && !(COMMAND =~ "^sleep")
// Operators: == != < > <= >= (or eq ne lt gt le ge), =~ !~ (regex), && || ! (or and or not),
// parentheses. Operands: column names (any case), "strings", 'strings', numbers. A bare
// column is true when it has a value other than "" and "0".
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
  // Throws FilterError with a message naming the problem and its position.
  static Filter parse(std::string_view expr, const std::vector<Column>& columns);
  bool matches(const std::vector<Cell>& row) const;
  // Columns the expression reads (indexes into the column list given to parse).
  const std::vector<int>& used_columns() const { return used_; }

  struct Node;
  Filter();
  ~Filter();
  Filter(Filter&&) noexcept;
  Filter& operator=(Filter&&) noexcept;

 private:
  std::unique_ptr<Node> root_;
  std::vector<int> used_;
};

}  // namespace nsview
