// Sign-off flows: the offline QR hand-over, tampered payloads, payload sizes.
#include <sodium.h>

#include "signoff_world.hpp"

using namespace werkex;
using test::expect_ok;
using test::state_of;

namespace {

// Re-encodes a payload's CBOR after `edit` changed its decoded form.
std::string reencode(std::string_view prefix, json value) {
  std::vector<uint8_t> cbor = json::to_cbor(value);
  std::string b64(sodium_base64_encoded_len(cbor.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(b64.data(), b64.size(), cbor.data(), cbor.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  b64.pop_back();
  return std::string(prefix) + b64;
}

std::vector<uint8_t> raw(std::string_view payload, std::string_view prefix) {
  std::string_view b64 = payload.substr(prefix.size());
  std::vector<uint8_t> bin(b64.size());
  size_t len = 0;
  REQUIRE(sodium_base642bin(bin.data(), bin.size(), b64.data(), b64.size(), nullptr, &len, nullptr,
                            sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0);
  bin.resize(len);
  return bin;
}

std::string from_raw(std::string_view prefix, const std::vector<uint8_t>& bin) {
  std::string b64(sodium_base64_encoded_len(bin.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(b64.data(), b64.size(), bin.data(), bin.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  b64.pop_back();
  return std::string(prefix) + b64;
}

std::string error_of(const Result<std::string>& r) {
  REQUIRE_FALSE(r.is_ok());
  CHECK((r.error().code == WX_INVALID_ARGUMENT || r.error().code == WX_CORRUPT));
  return r.error().message;
}

}  // namespace

TEST_CASE("signoff flow: QR hand-over with both phones offline, then both sync", "[signoff][qr]") {
  test::SignoffWorld w;  // Ans's phone has the roster but none of the pupil's entries
  Statement when;
  when.date = "2026-11-30";
  std::string request = expect_ok(Signoffs(*w.pupil).request({w.exp1, w.exp2}, when));
  CHECK(request.rfind("werkex-sign:v1:", 0) == 0);
  SignRequest decoded = expect_ok(decode_sign_request(request));
  CHECK(decoded.signer == w.ans_id);
  CHECK(decoded.placement == w.placement);
  CHECK(decoded.bucket == "pupil:" + w.pupil_id);
  CHECK(content_hash_of(decoded.contents) == expect_ok(content_hash(*w.pupil, {w.exp1, w.exp2})));

  Statement too_long = w.day();
  too_long.hours = 25;
  CHECK_THAT(Signoffs(*w.ans).sign_request(request, too_long).error().message,
             Catch::Contains("field 'hours'"));
  std::string sig = expect_ok(Signoffs(*w.ans).sign_request(request, w.day()));
  CHECK(sig.rfind("werkex-sig:v1:", 0) == 0);
  CHECK(expect_ok(w.ans->count({})) == expect_ok(w.school->count({})));  // stored nothing
  // Only the supervisor the request names can sign it.
  auto bert = test::open_replica(w.dir.file("bert.db"), w.clock,
                                 test::role_identity("supervisor", "", w.bert_id));
  expect_ok(bert->set_setting("signing.secret_key", w.bert_key.secret_key));
  expect_ok(bert->set_setting("signing.key_id", w.bert_key.key_id));
  CHECK(Signoffs(*bert).sign_request(request, w.day()).error().code == WX_PERMISSION_DENIED);

  std::string id = expect_ok(Signoffs(*w.pupil).accept(sig));
  CHECK(expect_ok(Signoffs(*w.pupil).accept(sig)) == id);  // scanning twice is harmless
  CHECK(state_of(*w.pupil, id) == "valid");
  json doc = expect_ok(w.pupil->get(id));
  CHECK(doc["assessment"] == "Werkt netjes en vraagt goed door.");
  CHECK(doc["signer"] == w.ans_id);

  test::exchange(*w.pupil, *w.ans);
  test::exchange(*w.pupil, *w.ans);
  CHECK(expect_ok(signoff_status(*w.ans, id)).to_json() ==
        expect_ok(signoff_status(*w.pupil, id)).to_json());
  CHECK(state_of(*w.ans, id) == "valid");
  CHECK(expect_ok(w.ans->dump()) == expect_ok(w.pupil->dump()));
}

TEST_CASE("signoff flow: accepted before the supervisor's key synced: invalid until it does",
          "[signoff][qr]") {
  test::SignoffWorld w(false);
  std::string request = expect_ok(Signoffs(*w.pupil).request({w.exp1}, {}));
  std::string id = expect_ok(
      Signoffs(*w.pupil).accept(expect_ok(Signoffs(*w.ans).sign_request(request, w.day()))));
  SignoffStatus st = expect_ok(signoff_status(*w.pupil, id));
  CHECK(st.state == SignoffState::invalid);
  CHECK_THAT(st.reason, Catch::Contains("unknown key " + w.ans_key.key_id));
  test::send(*w.school, *w.pupil);
  CHECK(state_of(*w.pupil, id) == "valid");
}

TEST_CASE("signoff flow: tampered payload strings are refused with a clear error",
          "[signoff][qr][tamper]") {
  test::SignoffWorld w;
  Signoffs pupil(*w.pupil), ans(*w.ans);
  std::string request = expect_ok(pupil.request({w.exp1, w.exp2}, {}));
  const std::string_view rp = kSignRequestPrefix, sp = kSignaturePrefix;

  CHECK_THAT(error_of(ans.sign_request("werkex-sign:v2:" + request.substr(rp.size()), w.day())),
             Catch::Contains("does not start with werkex-sign:v1:"));
  CHECK_THAT(error_of(ans.sign_request(std::string(rp), w.day())),
             Catch::Contains("nothing after the prefix"));
  std::string bad_b64 = request;
  bad_b64[rp.size() + 5] = '*';
  CHECK_THAT(error_of(ans.sign_request(bad_b64, w.day())), Catch::Contains("base64url"));
  std::vector<uint8_t> bin = raw(request, rp);
  std::vector<uint8_t> cut(bin.begin(), bin.begin() + static_cast<long>(bin.size() / 2));
  CHECK_THAT(error_of(ans.sign_request(from_raw(rp, cut), w.day())), Catch::Contains("CBOR"));
  CHECK_THAT(error_of(ans.sign_request(request.substr(0, request.size() / 2), w.day())),
             Catch::Contains("sign request payload"));
  json fields = expect_ok(decode_sign_request(request)).contents;
  CHECK_THAT(error_of(ans.sign_request(reencode(rp, {{"p", w.placement}}), w.day())),
             Catch::Contains("missing text \"s\""));

  std::string sig = expect_ok(ans.sign_request(request, w.day()));
  CHECK_THAT(error_of(pupil.accept(request)),
             Catch::Contains("does not start with werkex-sig:v1:"));
  std::vector<uint8_t> sbin = raw(sig, sp);
  CHECK_THAT(error_of(pupil.accept(from_raw(sp, {sbin.begin(), sbin.end() - 7}))),
             Catch::Contains("CBOR"));

  // A flipped byte inside a note of the request: Ans signs what she was shown, which is not
  // what the pupil's phone holds.
  std::string note = "Klanten geholpen";
  auto at = std::search(bin.begin(), bin.end(), note.begin(), note.end());
  REQUIRE(at != bin.end());
  std::vector<uint8_t> flipped = bin;
  flipped[static_cast<size_t>(at - bin.begin())] ^= 0x01;
  std::string over_altered = expect_ok(ans.sign_request(from_raw(rp, flipped), w.day()));
  CHECK_THAT(error_of(pupil.accept(over_altered)), Catch::Contains("content hash does not match"));

  json s = expect_ok(decode_signature_payload(sig));
  json edited = s;
  edited["hours"] = 9;
  CHECK_THAT(error_of(pupil.accept(reencode(sp, edited))),
             Catch::Contains("signature does not verify"));
  // The signature of another, genuine sign-off swapped in.
  json other = expect_ok(decode_signature_payload(
      expect_ok(ans.sign_request(expect_ok(pupil.request({w.exp1}, {})), w.day()))));
  json swapped = s;
  swapped["signature"] = other["signature"];
  CHECK_THAT(error_of(pupil.accept(reencode(sp, swapped))),
             Catch::Contains("signature does not verify"));
  json no_sig = s;
  no_sig.erase("signature");
  CHECK_THAT(error_of(pupil.accept(reencode(sp, no_sig))), Catch::Contains("\"signature\""));
  Query signoffs;
  signoffs.type = "signoff";
  CHECK(expect_ok(w.pupil->count(signoffs)) == 0);
  CHECK(expect_ok(pupil.accept(sig)).size() == 36);
}

TEST_CASE("signoff flow: payload sizes for a typical day fit a QR code", "[signoff][qr][size]") {
  test::SignoffWorld w;
  const std::string note1 =
      "Vandaag begon ik om half acht in de bakkerij. Eerst heb ik samen met Ans het deeg voor de "
      "broden gekneed en afgewogen. Daarna mocht ik de ovens vullen en de temperatuur in de gaten "
      "houden. Het was warm en druk, maar ik vond het leuk om te zien hoe alles op tijd klaar "
      "moest zijn voor de winkel opende om acht uur.";
  const std::string note2 =
      "Na de pauze stond ik in de winkel. Ik heb klanten geholpen met brood kiezen en ik heb "
      "geleerd hoe de kassa werkt. Een klant vroeg naar glutenvrij brood en ik wist het "
      "antwoord niet, dus ik heb het aan Ans gevraagd. Ik merkte dat ik het fijn vind om met "
      "mensen te praten, meer dan achter de oven staan.";
  REQUIRE(note1.size() >= 290);
  REQUIRE(note2.size() >= 290);
  expect_ok(w.pupil->put({{"id", w.activity},
                          {"builds_on", "Ik bak thuis graag taarten met mijn oma."},
                          {"expected_yield", "Weten of ik vroeg opstaan en drukte aankan."},
                          {"planned_date", "2026-11-30"},
                          {"competencies", {"werkexploratie", "motievenreflectie"}}}));
  expect_ok(w.pupil->put({{"id", w.exp1}, {"note", note1}, {"emotion", "trots"}}));
  expect_ok(w.pupil->put({{"id", w.exp2},
                          {"note", note2},
                          {"emotion", "blij"},
                          {"competencies", {"kwaliteitenreflectie"}}}));
  std::string request = expect_ok(Signoffs(*w.pupil).request({w.activity, w.exp1, w.exp2}, {}));
  Statement st = w.day();
  st.assessment =
      "Sem was op tijd, werkte netjes en durfde vragen te stellen. Volgende keer meer zelf "
      "beginnen.";
  std::string sig = expect_ok(Signoffs(*w.ans).sign_request(request, st));
  WARN("werkex-sign:v1 payload for 2 experiences (~300-char notes) + 1 activity: "
       << request.size() << " bytes; werkex-sig:v1 payload: " << sig.size()
       << " bytes (QR version 40 holds 2953 bytes in binary mode)");
  CHECK(request.size() <= 2953);
  CHECK(sig.size() <= 1500);  // a small QR code (version 25 or so)
  CHECK(state_of(*w.pupil, expect_ok(Signoffs(*w.pupil).accept(sig))) == "valid");
}
