// Shared by the sign-off integration tests: the demo school's people on real devices, a
// covered entry to sign, the derived status on a device, and hand-made requests.
#pragma once

#include "devices.hpp"
#include "werkex/dossier.hpp"
#include "werkex/ids.hpp"
#include "werkex/signoff.hpp"
#include "werkex/signoff_flow.hpp"

namespace werkex::test {

inline std::string today_on(Device& d) {
  return rfc3339_utc(d.replica->clock().physical_millis()).substr(0, 10);
}

// An activity with one experience in the pupil's dossier; returns the experience's id.
inline std::string record_experience(Device& pupil, const std::string& note) {
  ActivityPlan plan;
  plan.kind = "snuffelstage";
  plan.title = "Bistro Noord";
  plan.extra = at_placement(pupil);
  ExperienceDraft e;
  e.activity = expect_ok(Dossier(*pupil.replica).plan_activity(plan));
  e.note = note;
  return expect_ok(Dossier(*pupil.replica).record_experience(e));
}

// The one placement of this pupil that the device holds.
inline std::string placement_of(Device& d, const std::string& pupil) {
  auto placements = expect_ok(d.replica->list(Query::where("placement", "", "pupil", pupil)));
  REQUIRE(placements.size() == 1);
  return placements[0]["id"].get<std::string>();
}

inline SignoffStatus status_on(Device& d, const std::string& signoff) {
  return expect_ok(signoff_status(*d.replica, signoff));
}

inline std::string state_on(Device& d, const std::string& signoff) {
  return signoff_state_name(status_on(d, signoff).state);
}

inline std::string setting_of(Device& d, const std::string& key) {
  auto v = expect_ok(d.replica->setting(key));
  REQUIRE(v);
  return *v;
}

// A key sign-off over `covers` as the signer's device would make it, signed with
// `secret_key`; `tamper` may change it after signing.
inline json signed_signoff(Device& pupil, const std::string& placement,
                           const std::vector<std::string>& covers, const std::string& signer,
                           const std::string& key_id, const std::string& secret_key) {
  json s = {{"id", new_uuid_v7(pupil.replica->clock().physical_millis())},
            {"type", "signoff"},
            {"bucket", "pupil:" + pupil.user()},
            {"placement", placement},
            {"covers", covers},
            {"content_hash", expect_ok(content_hash(*pupil.replica, covers))},
            {"statement_date", today_on(pupil)},
            {"hours", 6},
            {"signer", signer},
            {"method", "key"},
            {"key_id", key_id},
            {"signed_at", rfc3339_utc(pupil.replica->clock().physical_millis())}};
  s["signature"] = expect_ok(sign_message(secret_key, signoff_message(s)));
  return s;
}

// Stores a flat sign-off on `d` as a hand-built bundle of field states stamped by `d` (so it
// is pushed at the next sync), bypassing every local check a real app makes.
inline void smuggle(Device& d, const json& flat) {
  Bundle b;
  b.from_replica = d.replica->replica_id();
  b.schema_version = d.replica->schema().version();
  const std::string id = flat["id"], bucket = flat["bucket"];
  Stamp stamp{d.replica->clock().now(), d.replica->replica_id()};
  for (auto& [field, value] : flat.items()) {
    if (field == "id" || field == "type" || field == "bucket") continue;
    if (value.is_array()) {
      for (const json& e : value)
        b.changes.push_back(
            {id, "signoff", bucket, field, e, set_add(empty_state(MergeRule::set), stamp)});
      continue;
    }
    FieldState s = register_write(empty_state(MergeRule::once), value, stamp);
    b.changes.push_back({id, "signoff", bucket, field, json(), s});
  }
  auto applied = expect_ok(d.replica->apply(b));
  REQUIRE(applied.rejected.empty());
}

// Every change of `entity` the sync refused, with one shared reason.
inline std::string refusal_of(const SyncReport& r, const std::string& entity) {
  std::string reason;
  size_t n = 0;
  for (const RejectedChange& c : r.rejected)
    if (c.entity == entity) {
      ++n;
      if (reason.empty()) reason = c.error.message;
      CHECK(c.error.message == reason);
      CHECK(c.error.code == WX_PERMISSION_DENIED);
    }
  return n ? reason : std::string();
}

inline bool quarantined(Device& d, const std::string& entity) {
  for (auto& q : expect_ok(d.replica->quarantined()))
    if (q.entity == entity) return true;
  return false;
}

// A hand-made request, as a malicious or broken client would send it.
inline HttpResponse raw_request(const std::string& url, const std::string& path,
                                const std::string& body, const std::string& token) {
  CurlTransport t(quick_curl());
  HttpRequest req{"POST", url + path, {{"Content-Type", "application/json"}}, body};
  if (!token.empty()) req.headers.emplace_back("Authorization", "Bearer " + token);
  return expect_ok(t.send(req));
}

}  // namespace werkex::test
