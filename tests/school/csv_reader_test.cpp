// The libcsv wrapper on each tricky input a school's export may hold.
#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "school/csv_reader.hpp"

using werkex::school::CsvTable;
using werkex::school::read_csv;
using Fields = std::vector<std::string>;

namespace {

std::vector<size_t> lines_of(const CsvTable& table) {
  std::vector<size_t> out;
  for (const auto& r : table.records) out.push_back(r.line);
  return out;
}

std::vector<std::string> problems_of(const CsvTable& table) {
  std::vector<std::string> out;
  for (const auto& p : table.problems) out.push_back(p.to_string());
  return out;
}

}  // namespace

TEST_CASE("csv: a UTF-8 BOM is stripped and CRLF and LF both end lines", "[csv]") {
  const CsvTable t = read_csv("\xEF\xBB\xBFid,naam\r\n1,Zoë\n2,Daan\r\n", "a.csv");
  CHECK(t.problems.empty());
  CHECK(t.header == Fields{"id", "naam"});
  REQUIRE(t.records.size() == 2);
  CHECK(t.records[0].fields == Fields{"1", "Zoë"});
  CHECK(t.records[1].fields == Fields{"2", "Daan"});
  CHECK(lines_of(t) == std::vector<size_t>{2, 3});
  CHECK(t.column("id") == 0u);  // the BOM is not part of the first column's name
}

TEST_CASE("csv: quoted fields keep commas, doubled quotes and newlines", "[csv]") {
  const CsvTable t = read_csv(
      "id,naam,notitie\n"
      "1,\"Berg, van der\",\"zegt \"\"hoi\"\"\"\n"
      "2,Hart,\"regel een\r\nregel twee\"\n",
      "a.csv");
  CHECK(t.problems.empty());
  REQUIRE(t.records.size() == 2);
  CHECK(t.records[0].fields == Fields{"1", "Berg, van der", "zegt \"hoi\""});
  CHECK(t.records[1].fields == Fields{"2", "Hart", "regel een\r\nregel twee"});
}

TEST_CASE("csv: records after a quoted newline start on their later lines", "[csv]") {
  const CsvTable t = read_csv(
      "id,notitie\r\n"
      "1,\"a\r\nb\r\nc\"\r\n"  // lines 2-4
      "2,d\r\n"                // line 5
      "\r\n"                   // line 6, blank
      "\"3\r\n\",e\r\n"        // lines 7-8: the first field holds the newline
      "4,f",                   // line 9, no line end
      "a.csv");
  CHECK(t.problems.empty());
  CHECK(lines_of(t) == std::vector<size_t>{2, 5, 7, 9});
  CHECK(t.records[2].fields == Fields{"3\r\n", "e"});
}

TEST_CASE("csv: the separator can be a semicolon", "[csv]") {
  const CsvTable t =
      read_csv("nr;naam;klas\n7;\"Vries; de\";1KB-a\n8;Gómez,L.;2BB-b\n", "a.csv", ';');
  CHECK(t.problems.empty());
  REQUIRE(t.records.size() == 2);
  CHECK(t.records[0].fields == Fields{"7", "Vries; de", "1KB-a"});
  CHECK(t.records[1].fields == Fields{"8", "Gómez,L.", "2BB-b"});
}

TEST_CASE("csv: invalid UTF-8 is a problem at its line and column", "[csv]") {
  // Latin-1 "ë" (0xEB) as an old Excel writes it, and a truncated two-byte sequence.
  const CsvTable t = read_csv("id,naam\n1,Zo\xEB\n2,Daan\n3,x\xC3\n", "users.csv");
  CHECK(problems_of(t) == std::vector<std::string>{"users.csv:2: naam: is not valid UTF-8",
                                                   "users.csv:4: naam: is not valid UTF-8"});
  CHECK(t.records.size() == 3);  // kept, so later checks still see the row
}

TEST_CASE("csv: a row with another column count is a problem and left out", "[csv]") {
  const CsvTable t = read_csv("a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n", "x.csv");
  CHECK(problems_of(t) == std::vector<std::string>{"x.csv:3: has 2 fields, the header has 3",
                                                   "x.csv:4: has 4 fields, the header has 3"});
  CHECK(lines_of(t) == std::vector<size_t>{2, 5});
}

TEST_CASE("csv: an unterminated quote is a problem at the line its record starts", "[csv]") {
  const CsvTable t = read_csv("a,b\n1,2\n3,\"open\nnever closed\n", "x.csv");
  CHECK(problems_of(t) ==
        std::vector<std::string>{"x.csv:3: has a quoted field that is never closed"});
  CHECK(lines_of(t) == std::vector<size_t>{2});
}

TEST_CASE("csv: a stray quote is a libcsv parse error and reading resumes", "[csv]") {
  const CsvTable t = read_csv("a,b\n1,\"x\"y\n2,ok\n3,\"z\"\n", "x.csv");
  REQUIRE(t.problems.size() == 1);
  CHECK(t.problems[0].line == 2);
  CHECK(t.problems[0].what.starts_with("bad quoting (libcsv: "));
  CHECK(lines_of(t) == std::vector<size_t>{3, 4});
  CHECK(t.records[1].fields == Fields{"3", "z"});
}

TEST_CASE("csv: blank lines and an empty trailing line are skipped", "[csv]") {
  const CsvTable t = read_csv("a,b\r\n\r\n1,2\r\n\r\n", "x.csv");
  CHECK(t.problems.empty());
  CHECK(lines_of(t) == std::vector<size_t>{3});
}

TEST_CASE("csv: an empty file and a bad separator are problems", "[csv]") {
  CHECK(problems_of(read_csv("\xEF\xBB\xBF", "x.csv")) ==
        std::vector<std::string>{"x.csv: is empty (no header row)"});
  CHECK(problems_of(read_csv("a\tb\n", "x.csv", '\t')) ==
        std::vector<std::string>{"x.csv: separator must be ',' or ';'"});
}

TEST_CASE("csv: a header naming a column twice is a problem", "[csv]") {
  const CsvTable t = read_csv("id,naam,id\n1,a,2\n", "x.csv");
  CHECK(problems_of(t) == std::vector<std::string>{"x.csv:1: id: is in the header twice"});
}

TEST_CASE("csv: values are read by header name in any column order", "[csv]") {
  const CsvTable t = read_csv("naam,id\nSem,7\n", "x.csv");
  REQUIRE(t.records.size() == 1);
  CHECK(t.value(t.records[0], "id") == "7");
  CHECK(t.value(t.records[0], "naam") == "Sem");
  CHECK(t.value(t.records[0], "klas").empty());
  CHECK_FALSE(t.column("klas").has_value());
}
