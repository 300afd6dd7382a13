// The portfolio page: a pupil's dossier export (dossier_export.hpp) as one self-contained
// Dutch HTML page that a parent or an mbo intake opens from a USB stick, on screen or
// printed (issue 11, "Dossiers out").
//
// What it shows: the pupil's name, school and groups; the career competencies covered
// (every name of the schema's competency enum, covered or not); the placements; the cycles
// as a timeline, newest first, each following the references of the dossier: the activity
// and its why → preparation → experiences (note, emotion, observations, photos) →
// reflection → next step, with a link from a next step to the activity it became and back;
// comments under the entry they are on (replies nested); the sign-offs with their status in
// Dutch (geldig, verouderd, ongeldig, ingetrokken, in afwachting, geweigerd), hours and the
// valid hours per placement; the pupil's network contacts (names and roles only: their
// phone numbers and addresses are not for readers outside school).
//
// Invariants:
// - self-contained: no script, no external URL, no link outside the page; the CSS is
//   inline (with a print stylesheet) and photos are data:image/jpeg;base64 URIs;
// - every piece of text from the dossier is HTML-escaped: a note holding "<script>" shows
//   those characters, a name like "Daan 't Hart" shows as written;
// - a photo whose export entry has left_out true (it shows others and the pupil did not
//   allow it in exports) is left out entirely: one line says how many were left out;
// - a photo for which thumbnail_jpeg gives nothing (a format this libvips cannot read, a
//   file not on the server yet) shows as a placeholder box with its caption;
// - any missing or mistyped field of the export reads as empty: the page is always made.
// Pure: no I/O besides what thumbnail_jpeg does; safe to call from several threads.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "werkex/merge.hpp"  // werkex::json

namespace werkex::exporter {

// `thumbnail_jpeg(sha)` gives the JPEG bytes to embed for a photo, or nullopt.
std::string portfolio_html(
    const json& export_doc,
    const std::function<std::optional<std::string>(const std::string& sha)>& thumbnail_jpeg);

}  // namespace werkex::exporter
