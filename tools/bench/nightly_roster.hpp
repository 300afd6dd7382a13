// werkex-bench's generated school for the nightly figures (issue 11): a OneRoster 1.1 bulk
// set of `pupils` pupils in groups of `per_group`, a mentor per group and two administrators,
// with Dutch names (diacritics, tussenvoegsels). `prefix` keeps two generated schools apart.
// Deterministic: the same arguments give the same bytes.
#pragma once

#include <map>
#include <string>

namespace bench {

std::map<std::string, std::string> make_roster(size_t pupils, size_t per_group,
                                               const std::string& prefix);

}  // namespace bench
