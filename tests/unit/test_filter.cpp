#include <catch2/catch.hpp>

#include "filter.hpp"

using namespace nsview;

namespace {
const std::vector<Column> cols = {{"NS", "", JsonType::number, true, false},
                                  {"TYPE", "", JsonType::string, false, false},
                                  {"NPROCS", "", JsonType::number, true, false},
                                  {"COMMAND", "", JsonType::string, false, true},
                                  {"NETNSID", "", JsonType::string, true, false}};
bool m(const std::string& expr, std::vector<Cell> row) { return Filter::parse(expr, cols).matches(row); }
const std::vector<Cell> net_row = {"4026532000", "net", "0", std::nullopt, "unassigned"};
const std::vector<Cell> pid_row = {"4026531836", "pid", "12", "sleep 100", std::nullopt};
}  // namespace

TEST_CASE("filter comparisons, numeric and string") {
  CHECK(m("TYPE == \"net\"", net_row));
  CHECK_FALSE(m("TYPE == \"net\"", pid_row));
  CHECK(m("type eq 'pid'", pid_row));
  CHECK(m("NPROCS > 9", pid_row));  // numeric, not string, comparison
  CHECK_FALSE(m("NPROCS < 9", pid_row));
  CHECK(m("NPROCS >= 12 && NPROCS <= 12", pid_row));
  CHECK(m("NPROCS != 0", pid_row));
  CHECK(m("NPROCS == 0", net_row));
  CHECK(m("NS gt 4026531999", net_row));
}

TEST_CASE("filter logic, precedence and parentheses") {
  CHECK(m("TYPE == 'pid' || TYPE == 'net' && NPROCS > 100", pid_row));  // && binds tighter
  CHECK_FALSE(m("(TYPE == 'pid' || TYPE == 'net') && NPROCS > 100", pid_row));
  CHECK(m("!(TYPE == 'net')", pid_row));
  CHECK(m("not TYPE == 'net' and NPROCS > 1", pid_row));
  CHECK(m("TYPE == 'x' or NPROCS", pid_row));  // bare column: truthy
  CHECK_FALSE(m("NPROCS", net_row));            // "0" is false
  CHECK_FALSE(m("COMMAND", net_row));           // unknown is false
}

TEST_CASE("filter regular expressions and unknown values") {
  CHECK(m("COMMAND =~ \"^sleep\"", pid_row));
  CHECK_FALSE(m("COMMAND =~ \"^sleep\"", net_row));  // unknown never matches
  CHECK(m("COMMAND !~ \"^sleep\"", net_row));
  CHECK(m("NETNSID == 'unassigned'", net_row));
  CHECK_FALSE(m("COMMAND > 'a'", net_row));  // ordering against unknown is false
  CHECK(m("COMMAND == ''", net_row));        // unknown equals empty
}

TEST_CASE("filter parse errors name the problem") {
  auto err = [](const std::string& e) {
    try {
      Filter::parse(e, cols);
    } catch (const FilterError& x) {
      return std::string(x.what());
    }
    return std::string("no error");
  };
  CHECK(err("NPROCS >") == "expression ends too early at position 9");
  CHECK(err("FOO == 1").find("unknown column 'FOO'") == 0);
  CHECK(err("(TYPE == 'net'").find("missing ')'") == 0);
  CHECK(err("TYPE == 'net").find("unterminated string") == 0);
  CHECK(err("COMMAND =~ '('").find("invalid regular expression") == 0);
  CHECK(err("'lit'").find("a literal alone") == 0);
  CHECK(err("TYPE == 'net' )").find("unexpected ')'") == 0);
  CHECK(err("TYPE $ 1").find("unexpected '$'") == 0);
}

TEST_CASE("filter reports the columns it reads") {
  auto f = Filter::parse("TYPE == 'net' && NPROCS > 0", cols);
  CHECK(f.used_columns() == std::vector<int>{1, 2});
}
