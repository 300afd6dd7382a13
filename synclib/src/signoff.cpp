// Sign-off content, hashes, signatures, one-time codes and the derived status (signoff.hpp).
#include "werkex/signoff.hpp"

#include <sodium.h>

#include <algorithm>

#include "signoff_util.hpp"
#include "werkex/blob_store.hpp"  // sha256_hex
#include "werkex/signoff_count.hpp"

namespace werkex {

namespace so = signoff_detail;

const char* signoff_state_name(SignoffState state) {
  switch (state) {
    case SignoffState::valid:
      return "valid";
    case SignoffState::stale:
      return "stale";
    case SignoffState::invalid:
      return "invalid";
    case SignoffState::revoked:
      return "revoked";
    case SignoffState::pending:
      return "pending";
    case SignoffState::refused:
      return "refused";
    case SignoffState::superseded:
      return "superseded";
  }
  return "invalid";
}

json SignoffStatus::to_json() const {
  json j = {{"state", signoff_state_name(state)},
            {"method", method},
            {"reason", reason},
            {"changed", changed}};
  if (!explanation.empty()) j["explanation"] = explanation;
  if (!why.empty()) j["why"] = why;
  if (!superseded_by.empty()) j["superseded_by"] = superseded_by;
  return j;
}

Result<SigningKey> generate_signing_key() {
  if (sodium_init() < 0) return make_error(WX_INTERNAL, "libsodium failed to initialise");
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  if (crypto_sign_keypair(pk, sk) != 0) return make_error(WX_INTERNAL, "key generation failed");
  SigningKey key;
  key.public_key = so::to_hex(pk, sizeof pk);
  key.secret_key = so::to_hex(sk, sizeof sk);
  sodium_memzero(sk, sizeof sk);
  key.key_id = signing_key_id(key.public_key);
  return key;
}

std::string signing_key_id(std::string_view public_key_hex) {
  auto pk = so::from_hex(public_key_hex, crypto_sign_PUBLICKEYBYTES);
  if (!pk) return "";
  return werkex::sha256_hex(std::string_view(reinterpret_cast<const char*>(pk->data()), pk->size()))
      .substr(0, 16);
}

Result<json> canonical_content(const EntityReader& replica, const std::string& entity_id) {
  WX_ASSIGN_OR_RETURN(auto states, replica.field_states(entity_id));
  json fields = json::object();
  std::string type;
  bool deleted = false;
  for (const Change& c : states) {
    type = c.type;
    if (c.field == "deleted" && c.state.value == true) {
      deleted = true;
      fields = json::object({{"deleted", {{"v", true}, {"t", hlc_to_string(c.state.stamp.hlc)}}}});
      break;
    }
  }
  if (!deleted) {
    // States come in (field, element) order, so a set's elements are adjacent.
    for (size_t i = 0; i < states.size();) {
      const Change& c = states[i];
      if (c.state.rule != MergeRule::set) {
        if (c.field != "deleted")
          fields[c.field] = {{"v", c.state.value}, {"t", hlc_to_string(c.state.stamp.hlc)}};
        ++i;
        continue;
      }
      json elements = json::array();
      Hlc top;
      for (; i < states.size() && states[i].field == c.field; ++i) {
        const FieldState& s = states[i].state;
        if (!s.present()) continue;
        elements.push_back(states[i].element);
        for (const Stamp& a : s.adds) top = std::max(top, a.hlc);
      }
      if (elements.empty()) continue;
      std::sort(elements.begin(), elements.end());
      fields[c.field] = {{"v", std::move(elements)}, {"t", hlc_to_string(top)}};
    }
  }
  return json{{"id", entity_id}, {"type", type}, {"fields", std::move(fields)}};
}

std::string content_hash_of(const std::vector<json>& canonical_contents) {
  std::vector<std::pair<std::string, std::string>> by_id;
  for (const json& c : canonical_contents) {
    std::string id = c.is_object() && c.contains("id") && c["id"].is_string()
                         ? c["id"].get<std::string>()
                         : std::string();
    by_id.emplace_back(std::move(id), c.dump(-1, ' ', false, json::error_handler_t::replace));
  }
  std::sort(by_id.begin(), by_id.end());
  std::string text = "werkex-content:v1\n";
  for (size_t i = 0; i < by_id.size(); ++i) {
    if (i) text += '\n';
    text += by_id[i].second;
  }
  return werkex::sha256_hex(text);
}

Result<std::string> content_hash(const EntityReader& replica,
                                 const std::vector<std::string>& entity_ids) {
  std::vector<json> contents;
  for (const std::string& id : entity_ids) {
    WX_ASSIGN_OR_RETURN(json c, canonical_content(replica, id));
    contents.push_back(std::move(c));
  }
  return content_hash_of(contents);
}

std::string signoff_message(const json& signoff) {
  static const char* const kSigned[] = {
      "id",    "placement",  "covers", "content_hash", "statement_date", "attendance",
      "hours", "assessment", "signer", "method",       "key_id",         "signed_at"};
  json m = json::object();
  if (signoff.is_object()) {
    for (const char* k : kSigned) {
      auto it = signoff.find(k);
      if (it == signoff.end() || it->is_null()) continue;
      json v = *it;
      if (v.is_array()) std::sort(v.begin(), v.end());
      m[k] = std::move(v);
    }
  }
  return "werkex-signoff:v1\n" + m.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<std::string> sign_message(std::string_view secret_key_hex, std::string_view message) {
  auto sk = so::from_hex(secret_key_hex, crypto_sign_SECRETKEYBYTES);
  if (!sk)
    return make_error(WX_INVALID_ARGUMENT, "the signing key is not 128 lowercase hex digits");
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), sk->data());
  sodium_memzero(sk->data(), sk->size());
  return so::to_hex(sig, sizeof sig);
}

bool verify_message(std::string_view public_key_hex, std::string_view message,
                    std::string_view sig_hex) {
  auto pk = so::from_hex(public_key_hex, crypto_sign_PUBLICKEYBYTES);
  auto sig = so::from_hex(sig_hex, crypto_sign_BYTES);
  if (!pk || !sig || sodium_init() < 0) return false;
  return crypto_sign_verify_detached(sig->data(),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), pk->data()) == 0;
}

std::string normalise_pin_code(std::string_view typed) {
  std::string digits;
  for (char c : typed) {
    if (c == ' ' || c == '-') continue;
    if (c < '0' || c > '9') return "";
    digits += c;
  }
  return digits.size() >= 6 && digits.size() <= 12 ? digits : std::string();
}

Status check_signoff_authority(const EntityReader& replica, const json& signoff) {
  if (!signoff.is_object()) return make_error(WX_INVALID_ARGUMENT, "a sign-off is an object");
  std::string method = so::str(signoff, "method");
  if (method == "key") {
    WX_RETURN_IF_ERROR(so::check_key_signature(replica, signoff));
  } else if (method == "pin") {
    // Anything code-derived on a replica could be tested offline (issue 10 item 11).
    for (const char* k : {"pin_proof", "signature", "key_id"})
      if (signoff.contains(k))
        return make_error(WX_INVALID_ARGUMENT, std::string("a PIN sign-off carries no ") + k +
                                                   " (its one-time code goes to the server only)");
  } else {
    return make_error(WX_INVALID_ARGUMENT,
                      "method must be \"key\" or \"pin\", not \"" + method + "\"");
  }
  return so::check_placement(replica, signoff);
}

namespace {

// The server's refusal of a sign-off this device pushed: its quarantine entries, which keep
// the sign-off's values after it was withdrawn from this device. Empty if it refused none.
Result<std::vector<QuarantinedChange>> refusals_of(const EntityReader& replica,
                                                   const std::string& signoff_id) {
  WX_ASSIGN_OR_RETURN(auto entries, replica.quarantined());
  std::vector<QuarantinedChange> out;
  for (QuarantinedChange& q : entries)
    if (q.entity == signoff_id && q.withdrawn) out.push_back(std::move(q));
  return out;
}

SignoffStatus refused_status(const std::vector<QuarantinedChange>& refusals) {
  SignoffStatus st;
  st.state = SignoffState::refused;
  st.reason = "refused by the server: " + refusals.front().message;
  for (const QuarantinedChange& q : refusals)
    if (q.field == "method" && q.value.is_string()) st.method = q.value.get<std::string>();
  return st;
}

// A stale sign-off's status: which entries changed after signing, in stamps and in words.
Result<SignoffStatus> stale_status(const EntityReader& replica, const json& doc,
                                   std::vector<std::string> covers,
                                   const std::vector<json>& contents, SignoffStatus st) {
  const std::string signoff_id = so::str(doc, "id");
  st.state = SignoffState::stale;
  WX_ASSIGN_OR_RETURN(auto own, replica.field_states(signoff_id));
  auto changes = so::changed_after(own, contents, replica);
  for (auto& [id, fields] : changes) st.changed.push_back(id);
  st.reason = so::describe_changes(changes);
  auto words = so::explain_changes(replica, doc, changes);
  st.explanation = changes_in_words(words);
  for (const FieldChange& c : words) st.why.push_back(c.to_json());
  if (st.changed.empty()) {
    // Concurrent edits stamped before the sign-off, or a removed set element: the hash
    // says something changed but the stamps cannot say what.
    st.changed = covers;
    st.reason = "the signed content changed (which entry cannot be told from the stamps)";
    st.explanation = "De afgetekende inhoud is daarna gewijzigd.";
  }
  return st;
}

}  // namespace

Result<std::vector<std::string>> refused_signoffs(const EntityReader& replica) {
  WX_ASSIGN_OR_RETURN(auto entries, replica.quarantined());
  std::vector<std::string> out;
  for (const QuarantinedChange& q : entries) {
    if (!q.withdrawn || q.type != "signoff") continue;
    if (std::find(out.begin(), out.end(), q.entity) != out.end()) continue;
    auto held = replica.get(q.entity);
    if (!held && held.error().code == WX_NOT_FOUND) out.push_back(q.entity);
  }
  return out;
}

Status remove_refused_signoff(Replica& replica, const std::string& signoff_id) {
  WX_ASSIGN_OR_RETURN(auto refusals, refusals_of(replica, signoff_id));
  if (refusals.empty())
    return make_error(WX_NOT_FOUND, "no refused sign-off " + signoff_id + " on this device");
  if (replica.get(signoff_id))
    return make_error(WX_CONFLICT, "sign-off " + signoff_id + " is still stored on this device");
  WX_ASSIGN_OR_RETURN(auto all, replica.quarantined());
  for (const QuarantinedChange& q : all)
    if (q.entity == signoff_id) WX_RETURN_IF_ERROR(replica.drop_quarantined(q.entity, q.field));
  return Status::ok();
}

Result<SignoffStatus> signoff_status(const EntityReader& replica, const std::string& signoff_id) {
  WX_ASSIGN_OR_RETURN(SignoffStatus st, so::own_status(replica, signoff_id));
  if (st.state != SignoffState::valid && st.state != SignoffState::stale) return st;
  WX_ASSIGN_OR_RETURN(auto by, superseding_signoff(replica, signoff_id));
  if (!by) return st;
  st.state = SignoffState::superseded;
  st.superseded_by = *by;
  st.reason = "replaced by the newer sign-off " + *by + " of the same day";
  st.explanation = "Vervangen door een nieuwere aftekening van dezelfde dag.";
  st.why = json::array();
  return st;
}

Result<SignoffStatus> signoff_detail::own_status(const EntityReader& replica,
                                                 const std::string& signoff_id) {
  WX_ASSIGN_OR_RETURN(auto refusals, refusals_of(replica, signoff_id));
  auto found = replica.get(signoff_id);
  if (!found && found.error().code == WX_NOT_FOUND && !refusals.empty())
    return refused_status(refusals);
  if (!found) return found.error();
  const json& doc = *found;
  if (doc.value("type", "") != "signoff")
    return make_error(WX_INVALID_ARGUMENT, signoff_id + " is not a signoff");
  SignoffStatus st;
  st.method = so::str(doc, "method");
  if (doc.value("deleted", false)) {
    st.reason = "the sign-off was deleted";
    return st;
  }
  if (doc.contains("revoked_at")) {
    st.state = SignoffState::revoked;
    st.reason = "revoked at " + so::str(doc, "revoked_at");
    if (doc.contains("revoked_reason")) st.reason += ": " + so::str(doc, "revoked_reason");
    return st;
  }
  if (Status s = check_signoff_authority(replica, doc); !s) {
    st.reason = s.error().message;
    return st;
  }
  if (!doc.contains("verified_at") && !refusals.empty()) return refused_status(refusals);
  if (st.method == "pin" && !doc.contains("verified_at")) {
    st.state = SignoffState::pending;
    st.reason = "PIN sign-off not verified by the server yet (it checks the code at sync)";
    return st;
  }
  std::vector<std::string> covers = so::covers_of(doc);
  std::vector<json> contents;
  for (const std::string& id : covers) {
    auto c = canonical_content(replica, id);
    if (!c) {
      st.reason = "covered entry " + id + " is not on this replica";
      return st;
    }
    contents.push_back(std::move(c).value());
  }
  if (content_hash_of(contents) == so::str(doc, "content_hash")) {
    st.state = SignoffState::valid;
    return st;
  }
  return stale_status(replica, doc, std::move(covers), contents, std::move(st));
}

}  // namespace werkex
