// A demo school for trying werkex on one machine: a school with two groups, three pupils, a
// mentor, a counsellor, two companies with a supervisor, a running and an ended placement,
// and one enrolment code per person. Seeded only into an empty server.
#pragma once

#include <string>
#include <vector>

#include "app.hpp"

namespace werkex::server {

struct DemoPerson {
  std::string name, role, id, code;
};

// Seeds the demo school if the server holds no school yet; returns the people with fresh
// enrolment codes (new codes on every start, since codes are single-use).
Result<std::vector<DemoPerson>> seed_demo_school(App& app);

}  // namespace werkex::server
