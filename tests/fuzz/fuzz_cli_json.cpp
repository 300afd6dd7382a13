// The device CLI's JSON arguments (`werkex put --json …`, `--json` extra fields of the cycle
// commands): read_json_arg, then what the command does with the document on a pupil's replica.
#include "cli.hpp"
#include "fuzz_support.hpp"
#include "werkex/dossier.hpp"

using namespace werkex;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(fuzz::text_of(data, size));
  if (text == "-" || (!text.empty() && text.front() == '@')) return 0;  // stdin / a file
  auto doc = cli::read_json_arg("json", text);
  if (!doc || !doc->is_object()) return 0;
  ManualClockSource clock(fuzz::kMillis);
  auto replica = fuzz::memory_replica(clock, fuzz::pupil());
  (void)replica->put(*doc);  // werkex put --json
  ActivityPlan plan;         // werkex activity --json (extra fields)
  plan.kind = "meeloopdag";
  plan.extra = *doc;
  (void)Dossier(*replica).plan_activity(plan);
  fuzz::read_back_everything(*replica);
  return 0;
}
