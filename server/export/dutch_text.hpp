// The Dutch words and dates the portfolio and the progress CSV show: labels for the
// schema's enum values and sign-off states, and dates as a Dutch reader writes them.
//
// Invariants: every function returns something printable for any input: an enum value
// this table does not know (a newer schema) is shown as it is, with underscores as spaces;
// a date that does not parse is shown unchanged. Times are shown in Dutch local time
// (Europe/Amsterdam: CET, CEST between the last Sundays of March and October, 01:00 UTC),
// because the store keeps UTC and a parent reads the clock of the day it happened.
#pragma once

#include <string>
#include <vector>

namespace werkex::exporter {

// valid → geldig, stale → verouderd, invalid → ongeldig, revoked → ingetrokken,
// pending → in afwachting, refused → geweigerd.
std::string signoff_state_label(const std::string& state);

// A Dutch label for a value of one of the schema's enums, by enum name: "activity_kind"
// (snuffelstage → Snuffelstage, vakman_op_stap → Vakman op stap), "emotion", "competency",
// "attendance", "reflection_partner", "learning_verb", "conversation_rule",
// "picture_direction", "next_step_action", "placement_kind", "signoff_method", "vmbo_track"
// (bb → basisberoepsgerichte leerweg).
std::string enum_label(const std::string& enum_name, const std::string& value);

// The competencies in the schema's order (the built-in schema's competency enum).
const std::vector<std::string>& competency_names();

// "2026-11-30" → "30 november 2026".
std::string dutch_date(const std::string& date);
// "2026-11-30T08:30:00Z" → "30 november 2026, 09:30" (Dutch local time).
std::string dutch_datetime(const std::string& rfc3339);
// The Dutch local calendar date of an RFC 3339 time ("2026-11-30"), or its first ten
// characters when it does not parse: what "last activity" columns show.
std::string local_date(const std::string& rfc3339);

}  // namespace werkex::exporter
