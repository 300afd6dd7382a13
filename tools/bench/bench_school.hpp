// werkex-bench's school: seeded into the sync server with the server app's own code, and the
// pupils' phones whose syncs the load client replays.
//
// Seeding writes through the server's Replica under the admin role (people, classes) and the
// counsellor role (company, placement), as the roster import and the counsellor's phone
// would, so the schema's write rules apply. Each phone is a real synclib Replica enrolled
// through AuthStore (invite, redeem with its replica id); its work is recorded through the
// domain API and its requests are built as SyncSession builds them (changes_since of its own
// changes, protocol::to_json), before any clock starts.
#pragma once

#include <string>
#include <vector>

#include "app.hpp"
#include "bench.hpp"
#include "load_client.hpp"

namespace bench {

struct BenchSchool {
  std::string id, bucket;
  std::vector<std::string> pupils;  // one simulated phone each
  std::string dossier_pupil;        // placed with the supervisor (the first-sync dossier)
  std::string supervisor;
  std::string placement;  // dossier_pupil's with supervisor: the part of the dossier she sees
  size_t entities = 0;    // in the school bucket
};

// `pupils` pupils in classes of 25, each class with its mentor; a counsellor; one more pupil
// placed at a company with a supervisor, the placement running from a week ago to in 2 weeks.
BenchSchool seed_school(werkex::server::App& app, size_t pupils);

// What the phones will push, per sync round (round 0, the catch-up, pushes nothing).
struct PhoneWork {
  std::vector<size_t> changes_per_round;  // summed over the phones
  double raw_value_bytes = 0;             // summed over every pushed change
};

// The phones of school.pupils[0, count): per phone `rounds` + 1 request bodies. Round 0 is
// the catch-up (nothing to push, the school bucket in one page); round 1 pushes an activity
// and an experience, each later round one experience (nine field changes). Uses two threads
// (the phones' replicas live under `phone_dir`, each removed once its requests are built).
std::vector<DeviceScript> prepare_phones(werkex::server::App& app, const BenchSchool& school,
                                         size_t count, size_t rounds, const std::string& phone_dir,
                                         PhoneWork& work);

}  // namespace bench
