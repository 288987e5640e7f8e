#include <catch2/catch.hpp>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "table.hpp"

using namespace nsview;

namespace {
std::string rendered(const Table& t, const RenderOptions& o) { return render_to_string(t, o); }

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

// libsmartcols' layout (list, the lsns drop-in): expected bytes follow util-linux 2.42's
// lib/jsonwrt.c and libsmartcols/src/print.c.
namespace {
Table lsns_like() {
  Table t;
  t.columns = {{"NS", "", JsonType::number, true, false},
               {"TYPE", "", JsonType::string, false, false},
               {"USER", "", JsonType::string, false, false},
               {"COMMAND", "", JsonType::string, false, true}};
  t.rows = {{"4026531837", "user", "root", "init"},
            {"4026532304", "uts", "root", "sh -c x"},
            {"4026532306", "uts", "root", "sleep 1"},
            {"4026532400", "net", std::nullopt, std::nullopt}};
  t.parent = {-1, -1, 1, -1};
  t.tree_column = 3;
  return t;
}
RenderOptions scols_json(JsonFormat f) {
  RenderOptions o;
  o.scols = true;
  o.json = true;
  o.json_name = "namespaces";
  o.json_format = f;
  return o;
}
}  // namespace

TEST_CASE("scols JSON: 3-space indent, },{ between objects, children nested, keys in column order") {
  CHECK(rendered(lsns_like(), scols_json(JsonFormat::pretty)) ==
        "{\n"
        "   \"namespaces\": [\n"
        "      {\n"
        "         \"ns\": 4026531837,\n"
        "         \"type\": \"user\",\n"
        "         \"user\": \"root\",\n"
        "         \"command\": \"init\"\n"
        "      },{\n"
        "         \"ns\": 4026532304,\n"
        "         \"type\": \"uts\",\n"
        "         \"user\": \"root\",\n"
        "         \"command\": \"sh -c x\",\n"
        "         \"children\": [\n"
        "            {\n"
        "               \"ns\": 4026532306,\n"
        "               \"type\": \"uts\",\n"
        "               \"user\": \"root\",\n"
        "               \"command\": \"sleep 1\"\n"
        "            }\n"
        "         ]\n"
        "      },{\n"
        "         \"ns\": 4026532400,\n"
        "         \"type\": \"net\",\n"
        "         \"user\": null,\n"
        "         \"command\": null\n"
        "      }\n"
        "   ]\n"
        "}\n");
}

TEST_CASE("scols JSON: compact and JSON Lines (LIBSMARTCOLS_JSON)") {
  Table t = lsns_like();
  t.rows.resize(3);
  t.parent.resize(3);
  CHECK(rendered(t, scols_json(JsonFormat::compact)) ==
        "{\"namespaces\":[{\"ns\":4026531837,\"type\":\"user\",\"user\":\"root\",\"command\":\"init\"},"
        "{\"ns\":4026532304,\"type\":\"uts\",\"user\":\"root\",\"command\":\"sh -c x\",\"children\":["
        "{\"ns\":4026532306,\"type\":\"uts\",\"user\":\"root\",\"command\":\"sleep 1\"}]}]}\n");
  CHECK(rendered(t, scols_json(JsonFormat::lines)) ==
        "{\"ns\":4026531837,\"type\":\"user\",\"user\":\"root\",\"command\":\"init\"}\n"
        "{\"ns\":4026532304,\"type\":\"uts\",\"user\":\"root\",\"command\":\"sh -c x\",\"children\":["
        "{\"ns\":4026532306,\"type\":\"uts\",\"user\":\"root\",\"command\":\"sleep 1\"}]}\n");
  t.rows.clear();
  t.parent.clear();
  CHECK(rendered(t, scols_json(JsonFormat::lines)).empty());
  CHECK(rendered(t, scols_json(JsonFormat::pretty)) == "{\n   \"namespaces\": [\n\n   ]\n}\n");
}

TEST_CASE("scols JSON: a column given twice is written twice, escapes, invalid UTF-8 kept in KEY_raw") {
  Table t;
  t.columns = {{"PID", "", JsonType::number, true, false},
               {"COMMAND", "", JsonType::string, false, true},
               {"PID", "", JsonType::number, true, false}};
  t.rows = {{"7", "a\"b\\c\td\x01 \xff", "7"}};
  CHECK(rendered(t, scols_json(JsonFormat::compact)) ==
        "{\"namespaces\":[{\"pid\":7,\"command\":\"a\\\"b\\\\c\\td\\u0001 \xef\xbf\xbd\","
        "\"command_raw\":\"a\\\"b\\\\c\\td\\u0001 \\\\xff\",\"pid\":7}]}\n");
}

TEST_CASE("scols text: no output for no rows, header width with -n, separator before an empty last cell") {
  RenderOptions o;
  o.scols = true;
  Table t = lsns_like();
  t.parent.clear();
  t.tree_column = -1;
  CHECK(rendered(t, o) ==
        "        NS TYPE USER COMMAND\n"
        "4026531837 user root init\n"
        "4026532304 uts  root sh -c x\n"
        "4026532306 uts  root sleep 1\n"
        "4026532400 net       \n");
  o.headings = false;
  t.rows = {{"1", "uts", "root", "x"}};
  CHECK(rendered(t, o) == " 1 uts  root x\n");  // NS and TYPE as wide as their headers
  t.rows.clear();
  CHECK(rendered(t, o).empty());
  o.raw = true;
  CHECK(rendered(t, o).empty());
}

TEST_CASE("scols text: widths count wide and combining characters, cut without a mark") {
  Table t;
  t.columns = {{"NS", "", JsonType::number, true, false}, {"COMMAND", "", JsonType::string, false, true},
               {"USER", "", JsonType::string, false, false}};
  // U+6F22 U+5B57 are two columns wide each; e + U+0301 (combining acute) is one column.
  t.rows = {{"1", "\u6f22\u5b57 e\u0301 tail of the line", "root"}, {"22", "cafe\u0301", "me"}};
  RenderOptions o;
  o.scols = true;
  CHECK(rendered(t, o) ==
        "NS COMMAND" + std::string(17, ' ') + "USER\n"
        " 1 \u6f22\u5b57 e\u0301 tail of the line root\n"
        "22 cafe\u0301" + std::string(20, ' ') + "me\n");
  o.width = 20;  // COMMAND shrinks to 20 - 3 - 5 = 12 columns; a wide character is not split
  CHECK(rendered(t, o) ==
        "NS COMMAND      USER\n"
        " 1 \u6f22\u5b57 e\u0301 tail  root\n"
        "22 cafe\u0301" + std::string(9, ' ') + "me\n");
  o.width = 10;  // never below the header's width
  CHECK(rendered(t, o) ==
        "NS COMMAND USER\n"
        " 1 \u6f22\u5b57 e\u0301  root\n"
        "22 cafe\u0301    me\n");
}

TEST_CASE("scols text: a multi-line cell continues under its column, tree art kept") {
  Table t;
  t.columns = {{"NS", "", JsonType::number, true, false},
               {"NSFS", "", JsonType::string, false, false, true},
               {"COMMAND", "", JsonType::string, false, true}};
  t.rows = {{"1", "/run/a\n/run/b", "init"}, {"2", "/x\n/y", "child"}, {"3", std::nullopt, "grandchild"}};
  t.parent = {-1, 0, 1};
  t.tree_column = 2;
  RenderOptions o;
  o.scols = true;
  CHECK(rendered(t, o) ==
        "NS NSFS   COMMAND\n"
        " 1 /run/a init\n"
        "   /run/b \u2502 \n"
        " 2 /x     \u2514\u2500child\n"
        "   /y       \u2502 \n"
        " 3" + std::string(10, ' ') + "\u2514\u2500grandchild\n");
}
