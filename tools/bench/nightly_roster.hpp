// werkex-bench's generated school for the nightly figures (issue 11): a OneRoster 1.1 bulk
// set of `pupils` pupils in groups of `per_group`, a mentor per group and two administrators,
// with Dutch names (diacritics, tussenvoegsels). `prefix` keeps two generated schools apart.
// Deterministic: the same arguments give the same bytes.
#pragma once

#include <map>
#include <string>

#include "app.hpp"

namespace bench {

// Reads one generated school (make_roster's files) and imports it through the server app's
// own service (what POST /v1/admin/roster runs); returns its answer (new_people with codes).
werkex::json import_school(werkex::server::App& app,
                           const std::map<std::string, std::string>& files);

std::map<std::string, std::string> make_roster(size_t pupils, size_t per_group,
                                               const std::string& prefix);

}  // namespace bench
