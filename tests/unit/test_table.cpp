#include <catch2/catch.hpp>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "table.hpp"

using namespace nsview;

namespace {
std::string rendered(const Table& t, RenderOptions o) {
  char* buf = nullptr;
  size_t len = 0;
  FILE* f = open_memstream(&buf, &len);
  render(t, o, f);
  std::fclose(f);
  std::string s(buf, len);
  free(buf);
  return s;
}

Table sample() {
  Table t;
  t.columns = {{"NS", "", JsonType::number, true, false},
               {"TYPE", "", JsonType::string, false, false},
               {"PIDS", "", JsonType::number_list, false, true},
               {"COMMAND", "", JsonType::string, false, true}};
  t.rows = {{"10", "user", "1,2", "init"}, {"200", "net", std::nullopt, "a b"}, {"3", "pid", "7", std::nullopt}};
  return t;
}
}  // namespace

TEST_CASE("table aligns numbers right and text left, no trailing blanks") {
  RenderOptions o;
  CHECK(rendered(sample(), o) ==
        " NS TYPE PIDS COMMAND\n"
        " 10 user 1,2  init\n"
        "200 net       a b\n"
        "  3 pid  7\n");
}

TEST_CASE("raw output escapes blanks and non-ASCII") {
  RenderOptions o;
  o.raw = true;
  Table t = sample();
  t.rows[0][3] = "\u2514x";
  CHECK(rendered(t, o) ==
        "NS TYPE PIDS COMMAND\n"
        "10 user 1,2 \\xe2\\x94\\x94x\n"
        "200 net  a\\x20b\n"
        "3 pid 7 \n");
}

TEST_CASE("tree lines, UTF-8 and ASCII") {
  Table t = sample();
  t.parent = {-1, 0, 1};
  t.tree_column = 0;
  RenderOptions o;
  o.headings = false;
  CHECK(rendered(t, o) ==
        "10    user 1,2 init\n"
        "\u2514\u2500200 net      a b\n"
        "  \u2514\u25003 pid  7\n");
  o.ascii = true;
  CHECK(rendered(t, o) ==
        "10    user 1,2 init\n"
        "`-200 net      a b\n"
        "  `-3 pid  7\n");
}

TEST_CASE("JSON: typed values, nulls, nested children only for trees") {
  RenderOptions o;
  o.json = true;
  o.json_name = "namespaces";
  auto flat = nlohmann::json::parse(rendered(sample(), o));
  REQUIRE(flat["namespaces"].size() == 3);
  CHECK(flat["namespaces"][0]["ns"] == 10);
  CHECK(flat["namespaces"][0]["pids"] == nlohmann::json::array({1, 2}));
  CHECK(flat["namespaces"][1]["pids"].is_null());
  CHECK(flat["namespaces"][2]["command"].is_null());
  Table t = sample();
  t.parent = {-1, 0, 0};
  t.tree_column = 0;
  auto tree = nlohmann::json::parse(rendered(t, o));
  REQUIRE(tree["namespaces"].size() == 1);
  CHECK(tree["namespaces"][0]["children"].size() == 2);
  CHECK(tree["namespaces"][0]["children"][1]["ns"] == 3);
}

TEST_CASE("truncation shrinks only truncatable columns to the width") {
  Table t;
  t.columns = {{"NS", "", JsonType::number, true, false}, {"COMMAND", "", JsonType::string, false, true}};
  t.rows = {{"1", "a very long command line indeed"}};
  RenderOptions o;
  o.width = 16;
  std::string s = rendered(t, o);
  CHECK(s == "NS COMMAND\n 1 a very long\u2026\n");
  o.truncate = false;
  CHECK(rendered(t, o) == "NS COMMAND\n 1 a very long command line indeed\n");
}
