#include "signoff_check.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "werkex/blob_store.hpp"  // sha256_hex
#include "werkex/signoff.hpp"

namespace werkex::server {

namespace {

std::string str(const json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The document without the fields the signature or PIN proof does not vouch for (the
// revocation, written later by the signer or a counsellor, and the server's verified_at), to
// tell whether a push changes what is signed.
json signed_part(json doc) {
  for (const char* k : {"revoked_at", "revoked_reason", "verified_at", "_conflicts"}) doc.erase(k);
  return doc;
}

// The sign-off as it would stand with the pushed changes over the server's copy. Pushed
// values win here even where the merge would keep the server's (an earlier first write):
// checking the pushed value is never weaker than checking the merged one.
void overlay(json& flat, const Change& c) {
  if (!c.element.is_null()) {  // one element of a set (covers)
    json& arr = flat[c.field];
    if (!arr.is_array()) arr = json::array();
    auto it = std::find(arr.begin(), arr.end(), c.element);
    if (c.state.present() && it == arr.end()) arr.push_back(c.element);
    if (!c.state.present() && it != arr.end()) arr.erase(it);
    std::sort(arr.begin(), arr.end());
    if (arr.empty()) flat.erase(c.field);
    return;
  }
  if (c.state.value.is_null())
    flat.erase(c.field);
  else
    flat[c.field] = c.state.value;
}

class Checker {
 public:
  Checker(const DossierStore& dossiers, AuthStore& auth, const Access& access,
          const std::map<std::string, std::string>& codes, uint64_t now_ms)
      : dossiers_(dossiers), auth_(auth), a_(access), codes_(codes), now_(now_ms) {}

  // OK to accept; the error to refuse every change of the sign-off with. `verified` is set
  // when the sign-off was checked whole and passed (the server then writes verified_at; for
  // method pin its one-time code was right and is burned for it).
  Status check(const std::string& id, const std::vector<const Change*>& changes, bool& verified) {
    verified = false;
    auto held = dossiers_.get(id);
    if (!held && held.error().code != WX_NOT_FOUND) return held.error();
    if (held && str(*held, "type") != "signoff") return Status::ok();  // apply refuses it
    json flat =
        held ? *held : json{{"id", id}, {"type", "signoff"}, {"bucket", changes.front()->bucket}};
    flat.erase("_conflicts");
    const json before = signed_part(flat);
    bool revokes = false;
    for (const Change* c : changes) {
      if (c->field == "deleted")
        return make_error(WX_PERMISSION_DENIED,
                          "a sign-off is never deleted; revoke it (revoked_at) instead");
      revokes = revokes || c->field == "revoked_at" || c->field == "revoked_reason";
      overlay(flat, *c);
    }
    if (revokes && a_.role == "supervisor" && str(flat, "signer") != a_.person)
      return make_error(WX_PERMISSION_DENIED, "only its signer revokes a sign-off");
    const bool unchanged = held && signed_part(flat) == before;
    if (unchanged && (str(flat, "method") != "pin" || flat.contains("verified_at")))
      return Status::ok();  // nothing new to vouch for: a revocation or a retry

    if (a_.role != "supervisor" && a_.role != "pupil")
      return make_error(
          WX_PERMISSION_DENIED,
          "only a supervisor or the pupil's phone writes a sign-off, not a " + a_.role);
    if (a_.role == "supervisor" && str(flat, "signer") != a_.person)
      return make_error(WX_PERMISSION_DENIED, "a supervisor signs only as themselves");
    const std::string method = str(flat, "method");
    if (method == "key" && (!flat.contains("signature") || flat.contains("pin_proof")))
      return make_error(WX_PERMISSION_DENIED,
                        "a key sign-off carries a signature and no PIN proof");
    if (method == "pin" &&
        (flat.contains("pin_proof") || flat.contains("signature") || flat.contains("key_id")))
      return make_error(WX_PERMISSION_DENIED,
                        "a PIN sign-off carries no pin_proof, signature or key: its one-time "
                        "code goes to the server beside the push, never into the sign-off");
    // Judged as it stands now: a verified_at it may already carry vouches for nothing new.
    json unverified = flat;
    unverified.erase("verified_at");
    WX_RETURN_IF_ERROR(dossiers_.check_signoff_authority(unverified));
    // The authority check knows the placement's supervisor; the dossier is ours to check.
    auto placement = dossiers_.get(str(flat, "placement"));
    if (!placement) return placement.error();
    if (str(flat, "bucket") != "pupil:" + str(*placement, "pupil"))
      return make_error(WX_PERMISSION_DENIED,
                        "the sign-off's placement belongs to another pupil's dossier");
    if (method == "pin") WX_RETURN_IF_ERROR(check_code(id, flat));
    verified = true;
    return Status::ok();
  }

 private:
  Status check_code(const std::string& id, const json& flat) {
    auto denied = [](std::string m) { return make_error(WX_PERMISSION_DENIED, std::move(m)); };
    const std::string placement = str(flat, "placement");
    auto given = codes_.find(id);
    if (given == codes_.end())
      return denied(
          "the sign-off's one-time code did not come with it: only the phone it was typed on "
          "sends it, at its next sync");
    WX_ASSIGN_OR_RETURN(auto record, auth_.pin(placement));
    if (!record)
      return denied("no sign-off codes were issued for this placement; ask the school for them");
    if (record->locked_ms)
      return denied("sign-off codes locked after " + std::to_string(kMaxPinFailures) +
                    " wrong attempts; ask the school for new ones");
    const std::string code = normalise_pin_code(given->second);
    // A code serves one sign-off: its id and exactly what it says.
    const std::string used_for = id + " " + sha256_hex(signoff_message(flat));
    CodeUse use = CodeUse::unknown;
    if (!code.empty()) {
      WX_ASSIGN_OR_RETURN(use, auth_.use_pin_code(placement, code, used_for, now_));
    }
    if (use == CodeUse::used_by_this) return Status::ok();  // a retried push
    if (use == CodeUse::fresh) {
      WX_RETURN_IF_ERROR(auth_.pin_succeeded(placement));
      return auth_.audit(now_, a_.person, "pin_accepted", placement, "signoff " + id);
    }
    const std::string why = use == CodeUse::used_by_other
                                ? "this one-time code was used already; take the next one"
                                : "wrong code";
    // The same wrong attempt (a retried push) counts once.
    WX_ASSIGN_OR_RETURN(
        bool seen, auth_.attempt_seen(
                       sha256_hex("werkex-pin-attempt:v1\n" + placement + "\n" + id + "\n" + code),
                       placement, now_));
    if (seen) return denied(why);
    WX_ASSIGN_OR_RETURN(PinRecord after, auth_.pin_failed(placement, kMaxPinFailures, now_));
    WX_RETURN_IF_ERROR(
        auth_.audit(now_, a_.person, "pin_failed", placement,
                    "signoff " + id + ": " + why + ", failure " + std::to_string(after.failed)));
    if (after.locked_ms) {
      WX_RETURN_IF_ERROR(auth_.audit(now_, a_.person, "pin_locked", placement,
                                     std::to_string(after.failed) + " failed attempts"));
      std::fprintf(stdout, "{\"event\":\"pin_locked\",\"placement\":\"%s\",\"by\":\"%s\"}\n",
                   placement.c_str(), a_.person.c_str());
      std::fflush(stdout);
    }
    return denied(why);
  }

  const DossierStore& dossiers_;
  AuthStore& auth_;
  const Access& a_;
  const std::map<std::string, std::string>& codes_;
  uint64_t now_;
};

}  // namespace

Result<SignoffVerdicts> verify_pushed_signoffs(const DossierStore& dossiers, AuthStore& auth,
                                               const Access& access,
                                               const std::vector<Change>& changes,
                                               const std::map<std::string, std::string>& pin_codes,
                                               uint64_t now_ms) {
  std::map<std::string, std::vector<const Change*>> by_signoff;
  for (const Change& c : changes)
    if (c.type == "signoff") by_signoff[c.entity].push_back(&c);
  SignoffVerdicts out;
  Checker checker(dossiers, auth, access, pin_codes, now_ms);
  for (auto& [id, group] : by_signoff) {
    bool verified = false;
    Status s = checker.check(id, group, verified);
    // A failing database is the server's problem, not the sign-off's: answer 500 and let
    // the device retry. Anything else refuses this sign-off only.
    if (!s && s.code() == WX_IO) return s.error();
    if (!s) {
      out.refused.insert(id);
      for (const Change* c : group) out.rejected.push_back({c->entity, c->field, s.error()});
    } else if (verified) {
      out.verified.push_back(id);
      if (access.role != "supervisor") out.notify.push_back(id);
    }
  }
  return out;
}

Status stamp_verified(DossierStore& dossiers, const std::vector<std::string>& ids,
                      uint64_t now_ms) {
  for (const std::string& id : ids) {
    WX_ASSIGN_OR_RETURN(json doc, dossiers.get(id));
    if (doc.contains("verified_at")) continue;
    WX_RETURN_IF_ERROR(dossiers.put({{"id", id}, {"verified_at", rfc3339_utc(now_ms)}}).status());
  }
  return Status::ok();
}

}  // namespace werkex::server
