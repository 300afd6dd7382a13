// Reading one CSV file of a school's roster into a header and records, with Debian's libcsv
// doing the parsing (quotes, separators, newlines inside quoted fields) and this file adding
// what the import needs around it: the UTF-8 BOM stripped, CRLF and LF both line ends, the
// 1-based line where each record starts (the header is line 1; a quoted field holding
// newlines moves later records down), UTF-8 checked, and every defect reported as a
// RosterProblem rather than an exception.
//
// Lines are counted by LF: a file that ends lines with a lone CR (classic Mac) parses, but
// reports every record on line 1.
//
// Invariants of a CsvTable: every record has exactly header.size() fields (a row with
// another count is a problem and is left out); records are in file order with strictly
// increasing lines; blank lines are skipped. Pure: no I/O, no global state; safe to call
// from several threads at once.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "roster.hpp"

namespace werkex::school {

struct CsvRecord {
  size_t line = 0;  // where the record starts; the header is line 1
  std::vector<std::string> fields;
};

struct CsvTable {
  std::string file;  // the name problems carry, e.g. "users.csv"
  std::vector<std::string> header;
  std::vector<CsvRecord> records;
  std::vector<RosterProblem> problems;  // in line order

  // The index of the header column with that exact name; nullopt when there is none.
  std::optional<size_t> column(std::string_view name) const;
  // The record's value in that column; "" when the column is absent.
  std::string_view value(const CsvRecord& record, std::string_view name) const;
};

// Reads `bytes` (the whole file) with `separator` (',' or ';'; anything else is a problem
// and nothing is read). A quoting error that libcsv reports (strict mode: a quote inside an
// unquoted field, text after a closing quote, a quote never closed) is a problem at the line
// where that record starts; reading resumes on the next line so later defects are found too.
CsvTable read_csv(std::string_view bytes, std::string file, char separator = ',');

}  // namespace werkex::school
