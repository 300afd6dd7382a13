// Which sign-offs count: the one rule for "the hours of a placement" that the CLI, the apps,
// the staff dashboard, the progress export and the portfolio all use, so a day signed twice
// (a correction, or signed again after the pupil edited the entry) is counted once.
//
// A sign-off S is superseded by T when T has the same placement, pupil (bucket), signer and
// statement_date, T covers every entry S covers, T was signed later (signed_at; equal
// signed_at: the greater id), and T's own status is valid or stale: a pending, refused,
// invalid or revoked sign-off replaces nothing (a wrong PIN cannot wipe out a signed day).
// Only sign-offs whose status is `valid` count: not stale, not superseded, not pending.
// Reads only; derived from replicated data, so every replica counts the same.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "werkex/signoff.hpp"

namespace werkex {

// Whether a sign-off in this state counts for hours (valid only).
bool counts_for_hours(SignoffState state);
// The newest sign-off that replaces this one, or nullopt when none does.
Result<std::optional<std::string>> superseding_signoff(const EntityReader& replica,
                                                       const std::string& signoff_id);
// The sign-offs of a placement that count, by statement_date then id.
Result<std::vector<std::string>> counting_signoffs(const EntityReader& replica,
                                                   const std::string& placement_id);
// The hours of a placement: the sum over its counting sign-offs.
Result<double> placement_hours(const EntityReader& replica, const std::string& placement_id);
// The same sum over sign-offs already reported as JSON objects {"status","placement","hours"}
// (the export's and dashboard's form, whose status came from signoff_status()).
double signed_hours(const json& reported_signoffs, const std::string& placement_id);

}  // namespace werkex
