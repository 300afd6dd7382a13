// Enrolment letters for the people a roster import created: one printable HTML page per
// group (A4, one letter per page) with the person's name, group and one-time code, and the
// code as a QR image (libqrencode, inline SVG) that the app scans. Self-contained: no
// network, no scripts, so a mentor prints it from any browser.
#pragma once

#include <string>

#include "werkex/error.hpp"
#include "werkex/merge.hpp"  // json

namespace werkex::exporter {

// The QR code of `text` as an SVG element (black modules on white, 4-module quiet zone).
Result<std::string> qr_svg(const std::string& text);

// `new_people`: the import's answer, [{"name","role","groups":[...],"code"}, ...]. Writes
// DIR/<group>.html per group (people in no group: DIR/zonder-groep.html, without a group
// line); returns the pages.
Result<size_t> write_letters(const std::string& dir, const json& new_people);

}  // namespace werkex::exporter
