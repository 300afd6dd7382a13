// The device side of supervisor sign-off: the flows a phone runs over its Replica.
//
//   sign          supervisor's phone, online: signs covered entries of a pupil it holds with
//                 the device key (settings "signing.secret_key", "signing.key_id", made by
//                 SyncSession::enroll) and stores the sign-off; it syncs like any entity.
//   request       pupil's phone, offline: a `werkex-sign:v1:` payload (QR) carrying the
//                 canonical content of the entries, so the supervisor can see and hash them.
//   sign_request  supervisor's phone, offline: signs such a payload, answers `werkex-sig:v1:`
//                 with the complete sign-off; the supervisor's phone stores nothing.
//   accept        pupil's phone: checks the payload (content hash against its own entries;
//                 the signature and the signer's authority if it holds the signing_key) and
//                 stores the sign-off under its signed id. A key that has not synced to this
//                 phone yet is no reason to refuse: the sign-off is stored and its status is
//                 invalid "unknown key …" until the key arrives.
//   sign_with_pin pupil's phone: the supervisor types one of her placement's one-time codes
//                 (`werkex-admin pin` prints them); the phone stores a method-pin sign-off
//                 with no proof and keeps the code beside it in the local-only setting
//                 "signoff.pin_codes" (one transaction). SyncSession sends the code with the
//                 sign-off's push and forgets it once the server answered; the server burns
//                 the code. The phone cannot check a code: the status stays pending until the
//                 server wrote verified_at. A relayed copy (bundle to the pupil's PC) carries
//                 no code, so only the phone it was typed on can get it verified.
//   revoke        supervisor or counsellor: sets revoked_at / revoked_reason.
//
// Payload forms: prefix + base64url (no padding) of CBOR.
//   werkex-sign:v1:  {"p": placement, "s": signer, "d": statement_date,
//                     "c": [canonical contents], "b": pupil bucket}
//   werkex-sig:v1:   the sign-off as a flat entity: {"id","type":"signoff","bucket",…fields}
// Damaged payloads (prefix, base64, CBOR, missing or mistyped keys) are WX_INVALID_ARGUMENT
// naming what is wrong; a hash or signature that does not match is WX_INVALID_ARGUMENT too.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "werkex/signoff.hpp"

namespace werkex {

inline constexpr std::string_view kSignRequestPrefix = "werkex-sign:v1:";
inline constexpr std::string_view kSignaturePrefix = "werkex-sig:v1:";

// What the supervisor states. Empty strings / nullopt: not stated.
struct Statement {
  std::string date;       // statement_date; default: today (device clock)
  std::string placement;  // "" = the one placement that fits the pupil, signer and date
  std::optional<double> hours;
  std::string attendance;  // aanwezig, deels_aanwezig, afwezig
  std::string assessment;
};

struct SignRequest {
  std::string placement, signer, date, bucket;
  std::vector<json> contents;  // canonical contents of the covered entries
  std::vector<std::string> covers() const;
};

std::string encode_sign_request(const SignRequest& request);
Result<SignRequest> decode_sign_request(std::string_view payload);
std::string encode_signature_payload(const json& signoff);
Result<json> decode_signature_payload(std::string_view payload);

// The one-time codes typed for PIN sign-offs and not yet answered by the server: sign-off
// id -> code (digits). Local to this replica: never an entity, never in a bundle.
Result<std::map<std::string, std::string>> unsent_pin_codes(const Replica& replica);
// Drops the codes of these sign-offs (the server answered the push that carried them).
Status forget_pin_codes(Replica& replica, const std::vector<std::string>& signoff_ids);

class Signoffs {
 public:
  explicit Signoffs(Replica& replica) : replica_(replica) {}

  // Returns the new sign-off's id.
  Result<std::string> sign(const std::vector<std::string>& covers, const Statement& statement);
  // Returns a werkex-sign:v1: payload.
  Result<std::string> request(const std::vector<std::string>& covers, const Statement& statement);
  // Returns a werkex-sig:v1: payload. statement.date / placement must be empty or match.
  Result<std::string> sign_request(std::string_view payload, const Statement& statement);
  // Returns the stored sign-off's id (accepting the same payload again is harmless).
  Result<std::string> accept(std::string_view payload);
  // `code`: one of the placement's one-time codes as typed (digits; spaces, dashes ignored).
  Result<std::string> sign_with_pin(const std::vector<std::string>& covers,
                                    const Statement& statement, std::string_view code);
  Status revoke(const std::string& signoff_id, const std::string& reason);

 private:
  Result<json> load_covers(const std::vector<std::string>& covers, std::string& bucket);
  Result<std::string> pick_placement(const Statement& st, const std::string& pupil,
                                     const std::string& supervisor, const std::string& date);
  json new_signoff(const std::string& placement, const std::vector<std::string>& covers,
                   const std::string& hash, const std::string& date, const std::string& signer,
                   const std::string& bucket, const Statement& st);
  std::string today();

  Replica& replica_;
};

}  // namespace werkex
