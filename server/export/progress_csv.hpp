// The progress CSV of one group: one row per pupil, made from their dossier exports
// (dossier_export.hpp), for the mentor and management to open in Excel (issue 11).
//
// Columns (Dutch headers, the first row):
//   Naam; Status (actief / vertrokken); Activiteiten; Voorbereidingen; Ervaringen;
//   Reflecties; Vervolgstappen (the phases of the cycle reached, as counts);
//   Competenties (the covered ones, in the schema's order, comma-separated);
//   Uren per stage ("Bakkerij De Korenaar: 6 | Garage Smit: 12,5": the hours of the valid
//   sign-offs per placement, every placement listed, 0 when none is valid); Uren totaal;
//   Aftekeningen geldig; Aftekeningen in afwachting; Aftekeningen verouderd;
//   Aftekeningen ongeldig (revoked and refused sign-offs count in none of these);
//   Laatste activiteit (YYYY-MM-DD, Dutch local date of the newest dated entry: an
//   experience, a preparation or reflection conversation, a sign-off, a comment; empty if
//   none).
// Rows in the order of `exports` (the caller sorts).
// Invariants, so that Excel opens it as meant:
// - RFC 4180 quoting: a field holding the separator, a quote, CR or LF is quoted, quotes
//   doubled; lines end in CRLF;
// - `separator` ';' is what Dutch Excel expects; then numbers use a decimal comma, with ','
//   a decimal point;
// - `bom` puts a UTF-8 byte order mark first: without it Excel reads UTF-8 as Windows-1252
//   and "Daniëlle" turns into "DaniÃ«lle";
// - a text field starting with = + - @ or a tab gets a leading apostrophe, so a name can
//   never run as an Excel formula (CSV injection).
// Pure and safe to call from several threads; never throws on malformed exports.
#pragma once

#include <string>
#include <vector>

#include "werkex/merge.hpp"  // werkex::json

namespace werkex::exporter {

std::string progress_csv(const std::vector<json>& exports, char separator, bool bom);

// The same in two steps, for a caller that keeps rows between runs (export_state.hpp):
// progress_csv(exports) == progress_csv_of_rows(progress_csv_row(each export)).
std::string progress_csv_row(const json& export_doc, char separator);  // no CRLF
std::string progress_csv_of_rows(const std::vector<std::string>& rows, char separator, bool bom);

// One field as progress_csv writes it (quoted when needed), for tests and other CSVs.
std::string csv_field(const std::string& value, char separator);

}  // namespace werkex::exporter
