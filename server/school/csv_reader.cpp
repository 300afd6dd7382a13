#include "csv_reader.hpp"

#include <csv.h>

#include <set>
#include <utility>

namespace werkex::school {
namespace {

// libcsv's parser state between records (ROW_NOT_BEGUN in libcsv.c). csv.h makes the
// struct public but not the state names; we read it only to learn where a record starts,
// which libcsv's callbacks do not tell (the first field is reported at its delimiter,
// possibly lines later when it is quoted and holds newlines).
constexpr int kRowNotBegun = 0;

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t extra = 0;
    unsigned min = 0;
    unsigned cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1, min = 0x80, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2, min = 0x800, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3, min = 0x10000, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;  // truncated at the end
    for (size_t k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

// Owns one libcsv parser: csv_init in the constructor (and reset), csv_free in the
// destructor, so no path leaks its buffer. Not copyable: the buffer has one owner.
class CsvParser {
 public:
  explicit CsvParser(char separator) : separator_(separator) { init(); }
  ~CsvParser() { csv_free(&p_); }
  CsvParser(const CsvParser&) = delete;
  CsvParser& operator=(const CsvParser&) = delete;

  // Forgets a half-read record after a parse error so reading can go on.
  void reset() {
    csv_free(&p_);
    init();
  }
  bool idle() const { return p_.pstate == kRowNotBegun; }
  // One byte; false on a strict-mode parse error (then call reset()).
  template <typename Sink>
  bool feed(char byte, Sink& sink) {
    return csv_parse(&p_, &byte, 1, &Sink::on_field, &Sink::on_row, &sink) == 1;
  }
  // Ends the input (a last record without a line end); false when a quote was never closed.
  template <typename Sink>
  bool finish(Sink& sink) {
    return csv_fini(&p_, &Sink::on_field, &Sink::on_row, &sink) == 0;
  }
  std::string error() { return csv_strerror(csv_error(&p_)); }

 private:
  void init() {
    // STRICT: a stray quote is an error, not data; STRICT_FINI: so is a quote never closed.
    // csv_init only fails for a null parser, which this cannot be.
    csv_init(&p_, CSV_STRICT | CSV_STRICT_FINI);
    csv_set_delim(&p_, static_cast<unsigned char>(separator_));
  }
  csv_parser p_{};
  char separator_;
};

// Receives libcsv's callbacks and turns rows into the header and records.
struct Collector {
  CsvTable& table;
  std::vector<std::string> fields;
  size_t row_line = 1;  // where the record being read started
  bool have_header = false;

  void problem(size_t line, std::string column, std::string what) {
    table.problems.push_back({table.file, line, std::move(column), std::move(what)});
  }
  static void on_field(void* data, size_t n, void* self) {
    auto* c = static_cast<Collector*>(self);
    c->fields.emplace_back(data ? static_cast<const char*>(data) : "", data ? n : 0);
  }
  static void on_row(int, void* self) {
    auto* c = static_cast<Collector*>(self);
    c->end_row();
    c->fields.clear();
  }
  void check_utf8() {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (valid_utf8(fields[i])) continue;
      std::string column = have_header && i < table.header.size() ? table.header[i] : "";
      problem(row_line, std::move(column), "is not valid UTF-8");
    }
  }
  void end_row();
};

void Collector::end_row() {
  check_utf8();
  if (!have_header) {
    have_header = true;
    std::set<std::string> seen;
    for (const auto& name : fields) {
      if (!seen.insert(name).second) problem(1, name, "is in the header twice");
    }
    table.header = std::move(fields);
    return;
  }
  if (fields.size() != table.header.size()) {
    problem(row_line, "",
            "has " + std::to_string(fields.size()) + " fields, the header has " +
                std::to_string(table.header.size()));
    return;
  }
  table.records.push_back({row_line, std::move(fields)});
}

constexpr std::string_view kBom = "\xEF\xBB\xBF";

}  // namespace

std::optional<size_t> CsvTable::column(std::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  return std::nullopt;
}

std::string_view CsvTable::value(const CsvRecord& record, std::string_view name) const {
  const auto i = column(name);
  if (!i || *i >= record.fields.size()) return {};
  return record.fields[*i];
}

CsvTable read_csv(std::string_view bytes, std::string file, char separator) {
  CsvTable table;
  table.file = std::move(file);
  Collector sink{table, {}, 1, false};
  if (separator != ',' && separator != ';') {
    sink.problem(0, "", "separator must be ',' or ';'");
    return table;
  }
  if (bytes.starts_with(kBom)) bytes.remove_prefix(kBom.size());
  CsvParser parser(separator);
  size_t line = 1;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (parser.idle()) sink.row_line = line;
    if (!parser.feed(bytes[i], sink)) {
      sink.problem(sink.row_line, "", "bad quoting (libcsv: " + parser.error() + ")");
      parser.reset();
      sink.fields.clear();
      while (i < bytes.size() && bytes[i] != '\n') ++i;  // resume on the next line
    }
    if (i < bytes.size() && bytes[i] == '\n') ++line;
  }
  if (!parser.finish(sink)) {
    sink.problem(sink.row_line, "", "has a quoted field that is never closed");
  }
  if (!sink.have_header) sink.problem(0, "", "is empty (no header row)");
  return table;
}

}  // namespace werkex::school
