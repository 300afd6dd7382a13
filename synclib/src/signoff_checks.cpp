// The checks behind a sign-off's status: key and signature, placement and date, and which
// covered entries changed after signing. Plus the small hex/hash helpers they share.
#include <sodium.h>

#include <algorithm>

#include "signoff_util.hpp"

namespace werkex::signoff_detail {

std::string to_hex(const unsigned char* data, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, n);
  out.pop_back();
  return out;
}

bool is_hex(std::string_view s, size_t digits) {
  return s.size() == digits && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::optional<std::vector<unsigned char>> from_hex(std::string_view hex, size_t bytes) {
  if (!is_hex(hex, bytes * 2)) return std::nullopt;
  std::vector<unsigned char> out(bytes);
  size_t len = 0;
  if (sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &len, nullptr) != 0 ||
      len != bytes)
    return std::nullopt;
  return out;
}

std::string str(const json& doc, const char* key) {
  if (!doc.is_object()) return "";
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> covers_of(const json& signoff) {
  std::vector<std::string> out;
  auto it = signoff.find("covers");
  if (it == signoff.end() || !it->is_array()) return out;
  for (const json& c : *it)
    if (c.is_string()) out.push_back(c.get<std::string>());
  std::sort(out.begin(), out.end());
  return out;
}

int64_t day_number(std::string_view d) {
  // Howard Hinnant's days_from_civil.
  int64_t y = std::stoi(std::string(d.substr(0, 4)));
  int64_t m = std::stoi(std::string(d.substr(5, 2)));
  int64_t day = std::stoi(std::string(d.substr(8, 2)));
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Result<std::optional<json>> find_signing_key(const EntityReader& replica,
                                             const std::string& key_id) {
  Query q = Query::where("signing_key", "", "key_id", key_id);
  WX_ASSIGN_OR_RETURN(auto keys, replica.list(q));
  // A key id is a hash prefix: a second entity with the same id would be a server bug; the
  // public key decides (a wrong one fails the id check below).
  if (keys.empty()) return std::optional<json>();
  return std::optional<json>(keys.front());
}

Status check_key_signature(const EntityReader& replica, const json& signoff) {
  auto denied = [](std::string m) { return make_error(WX_PERMISSION_DENIED, std::move(m)); };
  std::string key_id = str(signoff, "key_id");
  std::string signature = str(signoff, "signature");
  if (!is_hex(key_id, 16))
    return make_error(WX_INVALID_ARGUMENT, "a key sign-off needs a key_id of 16 hex digits");
  if (!is_hex(signature, 128))
    return make_error(WX_INVALID_ARGUMENT,
                      "a key sign-off needs a signature of 128 lowercase hex digits");
  WX_ASSIGN_OR_RETURN(auto key, find_signing_key(replica, key_id));
  if (!key) return denied("unknown key " + key_id + " (not registered, or not synced here yet)");
  std::string public_key = str(*key, "public_key");
  if (signing_key_id(public_key) != key_id)
    return denied("signing key " + key_id + " does not match its public key");
  if (str(*key, "person") != str(signoff, "signer"))
    return denied("key " + key_id + " belongs to " + str(*key, "person") + ", not to the signer " +
                  str(signoff, "signer"));
  if (key->contains("revoked_at")) {
    std::string why = str(*key, "revoked_reason");
    return denied("key " + key_id + " was revoked at " + str(*key, "revoked_at") +
                  (why.empty() ? "" : ": " + why));
  }
  if (!verify_message(public_key, signoff_message(signoff), signature))
    return denied("the signature does not verify: the sign-off was forged or altered");
  return Status::ok();
}

Status check_placement(const EntityReader& replica, const json& signoff) {
  auto denied = [](std::string m) { return make_error(WX_PERMISSION_DENIED, std::move(m)); };
  std::string placement_id = str(signoff, "placement");
  std::string signer = str(signoff, "signer");
  std::string date = str(signoff, "statement_date");
  if (!is_valid_date(date))
    return make_error(WX_INVALID_ARGUMENT, "statement_date must be a date YYYY-MM-DD");
  if (!is_hex(str(signoff, "content_hash"), 64))
    return make_error(WX_INVALID_ARGUMENT, "content_hash must be 64 lowercase hex digits");
  if (covers_of(signoff).empty())
    return make_error(WX_INVALID_ARGUMENT, "a sign-off covers at least one entry");
  auto placement = replica.get(placement_id);
  if (!placement || placement->value("type", "") != "placement" ||
      placement->value("deleted", false))
    return denied("placement " + placement_id + " is not known here");
  const json& p = *placement;
  std::string bucket = str(signoff, "bucket");
  if (bucket.rfind("pupil:", 0) == 0 && "pupil:" + str(p, "pupil") != bucket)
    return denied("placement " + placement_id + " is not a placement of " + bucket);
  // The server checked the supervisor and the date against the placement as it stood when
  // it accepted the sign-off; later edits of the placement (ended early, supervisor cleared
  // or changed) cannot undo what was valid then. Only the server writes verified_at.
  if (signoff.contains("verified_at")) return Status::ok();
  if (str(p, "supervisor") != signer)
    return denied("signer " + signer + " is not the supervisor of placement " + placement_id);
  std::string start = str(p, "start_date"), end = str(p, "end_date");
  if (!is_valid_date(start) || !is_valid_date(end))
    return denied("placement " + placement_id + " has no valid period");
  int64_t day = day_number(date);
  if (day < day_number(start) || day > day_number(end))
    return denied("statement date " + date + " is outside placement " + placement_id + " (" +
                  start + " to " + end + ")");
  return Status::ok();
}

ChangedFields changed_after(const std::vector<Change>& signoff_states,
                            const std::vector<json>& canonical_contents,
                            const EntityReader& replica) {
  // The sign-off was written after its writer had seen the signed states (the supervisor's
  // replica held them, or the pupil's replica checked the hash when accepting), so a covered
  // state stamped after the sign-off's own write is a change made after signing.
  Hlc signed_at;
  for (const Change& c : signoff_states)
    if (c.field == "content_hash") signed_at = c.state.stamp.hlc;
  ChangedFields out;
  for (const json& content : canonical_contents) {
    std::string id = str(content, "id");
    auto states = replica.field_states(id);
    if (!states) continue;
    std::vector<std::string> fields;
    for (const Change& c : *states) {
      Hlc newest = c.state.stamp.hlc;
      for (const Stamp& a : c.state.adds) newest = std::max(newest, a.hlc);
      if (newest > signed_at && (fields.empty() || fields.back() != c.field))
        fields.push_back(c.field);
    }
    if (!fields.empty()) out.emplace_back(id, std::move(fields));
  }
  return out;
}

std::string describe_changes(const ChangedFields& changes) {
  std::string out = "changed after signing:";
  for (size_t i = 0; i < changes.size(); ++i) {
    out += (i ? "; " : " ") + changes[i].first + " (";
    for (size_t k = 0; k < changes[i].second.size(); ++k)
      out += (k ? ", " : "") + changes[i].second[k];
    out += ")";
  }
  return out;
}

}  // namespace werkex::signoff_detail
