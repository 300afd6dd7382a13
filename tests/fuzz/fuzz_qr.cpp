// The sign-off QR payloads as a phone scans them. The first byte picks the form: 'T' the rest
// is the scanned text as is; 'R' / 'S' the rest is the CBOR inside a werkex-sign:v1: /
// werkex-sig:v1: payload (base64url added here, so the fuzzer reaches the CBOR). A decoded
// request goes through the supervisor's sign_request, a signature through the pupil's accept.
#include <sodium.h>

#include "fuzz_support.hpp"
#include "werkex/signoff_flow.hpp"

using namespace werkex;

namespace {

std::string base64url(std::string_view bin) {
  std::string out(sodium_base64_encoded_len(bin.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bin.data()),
                    bin.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);
  return out;
}

struct Phones {
  ManualClockSource clock{fuzz::kMillis};
  std::unique_ptr<Replica> pupil = fuzz::memory_replica(clock, fuzz::pupil());
  std::unique_ptr<Replica> supervisor = fuzz::memory_replica(
      clock, Identity{"0190a000-0000-7000-8000-0000000000aa", "supervisor", "", "school:demo"});
  Phones() {
    // The pupil holds one activity, made exactly as the corpus's sign-offs expect (same id,
    // clock and fields), so accept() gets past the content hash to the authority checks.
    auto made = pupil->create({{"id", "0190a000-0000-7000-8000-0000000000a1"},
                               {"type", "activity"},
                               {"kind", "snuffelstage"},
                               {"title", "Bistro Noord"}});
    if (!made) fuzz::finding("activity: " + made.error().message);
    auto key = generate_signing_key();
    if (!key) fuzz::finding("key: " + key.error().message);
    if (!supervisor->set_setting("signing.secret_key", key->secret_key) ||
        !supervisor->set_setting("signing.key_id", key->key_id))
      fuzz::finding("cannot store the signing key");
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Phones phones;  // neither flow below stores anything unless the payload checks out
  if (size == 0) return 0;
  std::string_view rest = fuzz::text_of(data + 1, size - 1);
  std::string payload;
  switch (data[0]) {
    case 'R':
      payload = std::string(kSignRequestPrefix) + base64url(rest);
      break;
    case 'S':
      payload = std::string(kSignaturePrefix) + base64url(rest);
      break;
    default:
      payload = std::string(rest);
  }
  if (auto request = decode_sign_request(payload)) {
    (void)content_hash_of(request->contents);
    auto again = decode_sign_request(encode_sign_request(*request));
    if (!again) fuzz::finding("a sign request's own encoding is refused: " + again.error().message);
    (void)Signoffs(*phones.supervisor).sign_request(payload, Statement{});
  }
  if (auto signoff = decode_signature_payload(payload)) {
    (void)signoff_message(*signoff);
    (void)Signoffs(*phones.pupil).accept(payload);
    fuzz::read_back_everything(*phones.pupil);
  }
  return 0;
}
