// The bundle decoder (bundle_from_text, as `werkex import` and the sync bodies use it): any
// input is an error or a bundle whose own encoding decodes to the same bundle.
#include "fuzz_support.hpp"
#include "werkex/bundle.hpp"

using namespace werkex;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto bundle = bundle_from_text(fuzz::text_of(data, size));
  if (!bundle) return 0;
  json encoded = bundle_to_json(*bundle);
  auto again = bundle_from_json(encoded);
  if (!again) fuzz::finding("a bundle's own encoding does not decode: " + again.error().message);
  if (bundle_to_json(*again) != encoded) fuzz::finding("a bundle's encoding is not stable");
  return 0;
}
