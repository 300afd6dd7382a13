// The dashboard bench's heaviest pupil (dashboard_pupil.hpp).
#include "dashboard_pupil.hpp"

#include <vector>

#include "bench.hpp"
#include "nightly_photos.hpp"
#include "werkex/blob_store.hpp"
#include "werkex/dossier.hpp"

namespace bench {

namespace {

using werkex::json;
using werkex::Replica;

size_t count_of(Replica& r, const std::string& bucket, const char* type) {
  werkex::Query q;
  q.bucket = bucket;
  q.type = type;
  return check(r.count(q), "count a dossier");
}

// One more activity with its preparation: two entities.
std::string next_activity(werkex::Dossier& d, size_t k) {
  werkex::ActivityPlan plan;
  plan.kind = k % 2 ? "bedrijfsbezoek" : "meeloopdag";
  plan.title = "Verkenning " + std::to_string(k + 1);
  plan.extra = {{"planned_date", "2026-11-" + std::to_string(10 + k % 18)},
                {"competencies", {"werkexploratie"}}};
  std::string activity = check(d.plan_activity(plan), "plan an activity");
  werkex::PreparationDraft prep;
  prep.activity = activity;
  prep.want_to_find_out = "Wat doe je op een gewone dag?";
  prep.learning_verbs = {"leren"};
  check(d.prepare(prep).status(), "prepare");
  return activity;
}

}  // namespace

HeavyDossier make_heavy_dossier(BenchServer& server, const std::string& pupil, size_t entries,
                                size_t photos) {
  werkex::server::App& app = server.app();
  ServerBlobs blobs(app.config().data_dir);
  const std::string bucket = "pupil:" + pupil;
  std::lock_guard lock(app.dossier_mutex());
  Replica& r = app.sqlite_replica();
  json person = check(r.get(pupil), "the heavy pupil");
  check(r.set_identity({pupil, "pupil", bucket, person.value("bucket", "")}), "identity pupil");
  werkex::Dossier d(r);
  werkex::Query all;
  all.bucket = bucket;
  size_t have = check(r.count(all), "count a dossier");
  size_t have_photos = count_of(r, bucket, "blob");
  std::string activity;
  std::vector<std::string> uploads;
  for (size_t k = 0; have < entries || have_photos < photos; ++k) {
    if (k % 5 == 0) activity = next_activity(d, k / 5), have += 2;
    werkex::ExperienceDraft e;
    e.activity = activity;
    e.occurred_at = "2026-11-" + std::to_string(10 + k % 18) + "T10:00:00Z";
    e.note = "Ervaring " + std::to_string(k + 1) + ": vandaag meegeholpen in de werkplaats.";
    e.emotion = k % 3 ? "trots" : "nieuwsgierig";
    std::string sha, jpeg;
    if (have_photos < photos) {
      jpeg = make_photo_jpeg(900000 + k);
      sha = werkex::sha256_hex(jpeg);
      e.photos = {sha};
    }
    std::string exp = check(d.record_experience(e), "an experience");
    ++have;
    if (sha.empty()) continue;
    check(r.put({{"type", "blob"},
                 {"sha256", sha},
                 {"size", jpeg.size()},
                 {"mime", "image/jpeg"},
                 {"attached_to", exp},
                 {"caption", "Foto " + std::to_string(have_photos + 1)}})
              .status(),
          "a photo");
    ++have, ++have_photos;
    uploads.push_back(std::move(jpeg));
  }
  check(r.set_identity({"server", "admin", "", ""}), "identity");
  // The bytes after the entities, as a phone uploads them after the sync that carried them.
  for (const std::string& jpeg : uploads) blobs.store(bucket, jpeg, app.now_ms());
  return {have, have_photos};
}

}  // namespace bench
