// Child process of the crash tests: writes in a loop and reports on stdout the number of
// each write whose call has returned, until it is killed.
//   werkex_crash_writer DB ACTIVITY_ID FIRST_NUMBER
//       experiences of the activity, one put() each
//   werkex_crash_writer DB REFLECTION_ID FIRST_NUMBER from-next-step
//       a next step of the reflection, then an activity planned from it (Dossier, which
//       writes the activity and the next step's back link)
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "werkex/dossier.hpp"
#include "werkex/store.hpp"

namespace {

werkex::Result<std::string> write_experience(werkex::Replica& r, const char* activity, long n) {
  return r.put({{"type", "experience"},
                {"activity", activity},
                {"occurred_at", "2026-11-28T10:00:00Z"},
                {"note", "write " + std::to_string(n)},
                {"competencies", {"werkexploratie"}}});
}

werkex::Result<std::string> write_step_and_activity(werkex::Replica& r, const char* reflection,
                                                    long n) {
  auto step = r.put({{"type", "next_step"},
                     {"reflection", reflection},
                     {"description", "step " + std::to_string(n)}});
  if (!step) return step;
  werkex::ActivityPlan plan;
  plan.kind = "meeloopdag";
  plan.title = "write " + std::to_string(n);
  plan.from_next_step = *step;
  return werkex::Dossier(r).plan_activity(plan);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && !(argc == 5 && std::strcmp(argv[4], "from-next-step") == 0)) {
    std::fprintf(stderr,
                 "usage: werkex_crash_writer DB ACTIVITY_ID FIRST_NUMBER\n"
                 "       werkex_crash_writer DB REFLECTION_ID FIRST_NUMBER from-next-step\n");
    return 2;
  }
  auto replica = werkex::Replica::open(argv[1]);
  if (!replica) {
    std::fprintf(stderr, "open: %s\n", replica.error().to_string().c_str());
    return 1;
  }
  const bool steps = argc == 5;
  for (long n = std::atol(argv[3]);; ++n) {
    auto id = steps ? write_step_and_activity(**replica, argv[2], n)
                    : write_experience(**replica, argv[2], n);
    if (!id) {
      std::fprintf(stderr, "write %ld: %s\n", n, id.error().to_string().c_str());
      return 1;
    }
    // Only now is the write acknowledged to the parent.
    std::printf("%ld\n", n);
    std::fflush(stdout);
  }
}
