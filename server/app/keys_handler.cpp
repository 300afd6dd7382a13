// POST /v1/keys: a supervisor's device registers its Ed25519 public key (signing_keys.hpp).
#include <sodium.h>

#include "app.hpp"
#include "http/negotiation.hpp"
#include "signing_keys.hpp"
#include "werkex/json_object.hpp"
#include "werkex/signoff.hpp"

namespace werkex::server {

namespace {

bool is_lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

constexpr std::string_view kExpected = "expected {\"public_key\": \"<64 lowercase hex>\"}";

Error bad(const std::string& why) {
  return json_object::invalid(kExpected, why);
}

}  // namespace

Result<std::string> parse_key_request(const json& body) {
  WX_RETURN_IF_ERROR(json_object::require_object(body, {"public_key"}, kExpected));
  WX_ASSIGN_OR_RETURN(const std::string pk, json_object::text(body, "public_key", kExpected));
  if (pk.size() != 2 * crypto_sign_PUBLICKEYBYTES)
    return bad("'public_key' has " + std::to_string(pk.size()) + " characters");
  if (!is_lower_hex(pk)) return bad("'public_key' is not lowercase hex");
  unsigned char raw[crypto_sign_PUBLICKEYBYTES];
  if (sodium_hex2bin(raw, sizeof raw, pk.data(), pk.size(), nullptr, nullptr, nullptr) != 0 ||
      crypto_core_ed25519_is_valid_point(raw) != 1)
    return bad("'public_key' is not an Ed25519 public key");
  return pk;
}

Result<std::string> register_signing_key(DossierStore& dossiers, AuthStore& auth,
                                         const Access& access, const std::string& public_key,
                                         uint64_t now_ms) {
  const std::string key_id = signing_key_id(public_key);
  if (key_id.empty()) return make_error(WX_INTERNAL, "no key id for a checked public key");
  // The same key, or another key with the same id (a 64-bit prefix collision), held by
  // anyone: one key id must name one person's key everywhere.
  std::vector<json> held;
  for (const char* field : {"public_key", "key_id"}) {
    const std::string& value = field == std::string("key_id") ? key_id : public_key;
    WX_ASSIGN_OR_RETURN(auto found, dossiers.list(Query::where("signing_key", "", field, value)));
    held.insert(held.end(), found.begin(), found.end());
  }
  for (const json& k : held) {
    if (k.value("person", "") != access.person || k.value("public_key", "") != public_key)
      return make_error(WX_CONFLICT,
                        "this public key (key id " + key_id + ") is registered to someone else");
  }
  if (!held.empty()) return key_id;  // registered before by this person: idempotent
  json doc = {{"type", "signing_key"},   {"bucket", access.school_bucket},
              {"person", access.person}, {"public_key", public_key},
              {"key_id", key_id},        {"registered_at", rfc3339_utc(now_ms)}};
  WX_RETURN_IF_ERROR(dossiers.put(doc).status());
  WX_RETURN_IF_ERROR(auth.audit(now_ms, access.person, "key_registered", key_id));
  return key_id;
}

Status apply_key_revocations(DossierStore& dossiers, AuthStore& auth, uint64_t now_ms,
                             const std::function<Status()>& before_writing) {
  WX_ASSIGN_OR_RETURN(auto pending, auth.pending_key_revocations());
  if (!pending.empty() && before_writing) WX_RETURN_IF_ERROR(before_writing());
  for (const KeyRevocation& r : pending) {
    WX_ASSIGN_OR_RETURN(auto keys,
                        dossiers.list(Query::where("signing_key", "", "key_id", r.key_id)));
    if (!keys.empty() && !keys.front().contains("revoked_at")) {
      json update = {{"id", keys.front()["id"]}, {"revoked_at", rfc3339_utc(r.requested_ms)}};
      if (!r.reason.empty()) update["revoked_reason"] = r.reason;
      WX_RETURN_IF_ERROR(dossiers.put(update).status());
    }
    // A key unknown here (werkex-admin checked it existed) has nothing left to revoke.
    WX_RETURN_IF_ERROR(auth.key_revocation_applied(r.key_id, now_ms));
  }
  return Status::ok();
}

http::Response App::handle_keys(const http::Request& req, http::RequestLog& log) {
  auto device = authenticate(req, log);
  if (!device) return refuse(req, device.error());
  http::DecodedBody body = http::decode_request(req);
  if (body.refusal) return std::move(*body.refusal);
  auto public_key = parse_key_request(body.value);
  if (!public_key) return http::error_response(req, public_key.error());

  std::lock_guard lock(mu_);
  const uint64_t now = now_ms();
  auto shared = access_of(device->person);
  if (!shared) return http::error_response(req, shared.error());
  const Access& access = **shared;
  if (access.role != "supervisor")
    return http::error_response(
        req, make_error(WX_PERMISSION_DENIED,
                        "only a supervisor registers a signing key; this is a " + access.role));
  auto key_id = register_signing_key(*store_, *auth_, access, *public_key, now);
  if (!key_id) return http::error_response(req, key_id.error());
  log.note = "key " + *key_id;
  return http::negotiated_response(req, 200, {{"key_id", *key_id}});
}

}  // namespace werkex::server
