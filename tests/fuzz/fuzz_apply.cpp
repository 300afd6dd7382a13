// Replica::apply of a decoded bundle (what a device does with a pulled or imported bundle, and
// the server with a push): afterwards every entity must read back, applying again must work,
// and a second replica fed this one's changes must end identical.
#include "fuzz_support.hpp"
#include "werkex/bundle.hpp"

using namespace werkex;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto bundle = bundle_from_text(fuzz::text_of(data, size));
  if (!bundle) return 0;
  ManualClockSource clock(fuzz::kMillis);
  auto replica = fuzz::memory_replica(clock, fuzz::pupil());
  auto report = replica->apply(*bundle);
  if (!report) fuzz::finding("apply failed as a whole: " + report.error().message);
  fuzz::read_back_everything(*replica);
  if (auto again = replica->apply(*bundle); !again)
    fuzz::finding("applying again failed: " + again.error().message);
  fuzz::read_back_everything(*replica);

  auto copy = fuzz::memory_replica(clock, fuzz::pupil());
  auto changes = replica->changes_since(0);
  if (!changes) fuzz::finding("changes_since: " + changes.error().message);
  auto copied = copy->apply(*changes);
  if (!copied) fuzz::finding("applying a replica's own changes failed: " + copied.error().message);
  if (!copied->rejected.empty())
    fuzz::finding("a replica's own changes were refused: " + copied->rejected[0].error.message);
  if (copy->dump().value() != replica->dump().value())
    fuzz::finding("a replica fed another's changes differs from it");
  return 0;
}
