// werkex-bench's generated dossiers (nightly_dossiers.hpp).
#include "nightly_dossiers.hpp"

#include <array>
#include <exception>
#include <functional>
#include <map>
#include <thread>

#include "access.hpp"
#include "nightly_photos.hpp"
#include "werkex/blob_store.hpp"
#include "werkex/clock.hpp"
#include "werkex/signoff_flow.hpp"

namespace bench {

namespace {

using werkex::json;
using werkex::Replica;
using werkex::Status;

constexpr size_t kCompanies = 20;
constexpr size_t kPhotos = 3;  // one per experience

constexpr std::array<const char*, 5> kCompanyNames = {
    "Bakkerij De Korenaar", "Garage Smit", "Bistro Noord", "Kapsalon Knip", "Zorgcentrum De Linde"};
constexpr std::array<const char*, 5> kSectors = {"food", "techniek", "horeca",
                                                 "uiterlijke verzorging", "zorg"};
constexpr std::array<const char*, 4> kNotes = {
    "Deeg gekneed en broodjes gevormd; de oven was heter dan ik dacht.",
    "Klanten geholpen bij de balie en de kassa opgemaakt.",
    "Een band verwisseld met de monteur, daarna de werkplaats geveegd.",
    "Koffie rondgebracht en met een bewoner een spelletje gedaan."};
constexpr std::array<const char*, 4> kEmotions = {"trots", "nieuwsgierig", "verrast", "onzeker"};

struct Supervisor {
  std::string id, company;
  werkex::SigningKey key;
};

// The people around the dossiers: who places, who mentors, who signs.
struct Staff {
  std::string school_bucket, counsellor, today, now;
  std::map<std::string, std::string> mentors;  // group name -> teacher id
  std::vector<Supervisor> supervisors;
  std::string day(int offset) const { return werkex::server::add_days(today, offset); }
};

void as(Replica& r, const Staff& s, const std::string& user, const std::string& role,
        const std::string& bucket = "") {
  check(r.set_identity({user, role, bucket, s.school_bucket}), "identity " + role);
}

std::string put(Replica& r, const json& doc) {
  return check(r.put(doc), "write a " + doc.value("type", std::string("?")));
}

Staff make_staff(Replica& r, const json& people, uint64_t now_ms) {
  Staff s;
  s.now = werkex::rfc3339_utc(now_ms);
  s.today = s.now.substr(0, 10);
  std::string school;
  for (const json& p : people) {
    const std::string role = p["role"], id = p["id"];
    if (role == "counsellor" && s.counsellor.empty()) s.counsellor = id;
    if (role == "teacher")
      for (const json& g : p["groups"]) s.mentors[g.get<std::string>()] = id;
    if (role == "pupil" && school.empty()) school = check(r.get(id), "a pupil")["school"];
  }
  if (school.empty() || s.counsellor.empty())
    throw Failure("the roster has no pupil or counsellor");
  s.school_bucket = "school:" + school;
  for (size_t c = 0; c < kCompanies; ++c) {
    Supervisor sup;
    as(r, s, s.counsellor, "counsellor");
    sup.company = put(r, {{"type", "company"},
                          {"name", std::string(kCompanyNames[c % 5]) + " " + std::to_string(c)},
                          {"sector", kSectors[c % 5]}});
    as(r, s, "server", "admin");
    sup.id = put(r, {{"type", "person"},
                     {"name", "Praktijkbegeleider " + std::to_string(c + 1)},
                     {"role", "supervisor"},
                     {"school", school},
                     {"company", sup.company}});
    sup.key = check(werkex::generate_signing_key(), "a signing key");
    put(r, {{"type", "signing_key"},
            {"person", sup.id},
            {"public_key", sup.key.public_key},
            {"key_id", sup.key.key_id},
            {"registered_at", s.now}});
    s.supervisors.push_back(std::move(sup));
  }
  return s;
}

// One pupil's dossier in the making.
struct Pupil {
  size_t n = 0;  // index among the school's pupils: picks the content
  std::string id, bucket, group, placement, exp1, exp2;
  const Supervisor* supervisor = nullptr;
  std::array<std::string, kPhotos> jpegs, shas;
};

werkex::ExperienceDraft experience(const Pupil& p, const std::string& activity,
                                   const std::string& at, size_t k) {
  werkex::ExperienceDraft e;
  e.activity = activity;
  e.occurred_at = at;
  e.note = kNotes[(p.n + k) % kNotes.size()];
  e.emotion = kEmotions[(p.n + k) % kEmotions.size()];
  e.photos = {p.shas[k]};
  e.extra = {{"competencies", {"werkexploratie"}},
             {"observed_goals", "Wat doet een " + std::string(k ? "monteur" : "bakker") + "?"}};
  return e;
}

Status photo_entity(Replica& r, const Pupil& p, size_t k, const std::string& on) {
  json blob = {{"type", "blob"},
               {"sha256", p.shas[k]},
               {"size", p.jpegs[k].size()},
               {"mime", "image/jpeg"},
               {"file_name", "IMG_" + std::to_string(1000 + p.n * kPhotos + k) + ".jpg"},
               {"attached_to", on},
               {"caption", "Foto " + std::to_string(k + 1)},
               {"shows_others", (p.n * kPhotos + k) % 5 == 0}};
  return r.put(blob).status();
}

// The cycle through the placement: plan, prepare, two experiences with photos.
Status first_activity(Replica& r, const Staff& s, Pupil& p) {
  werkex::Dossier d(r);
  werkex::ActivityPlan plan;
  plan.kind = "snuffelstage";
  plan.title = "Snuffelstage bij " + std::string(kCompanyNames[p.n % 5]);
  plan.builds_on = "Ik help thuis vaak mee";
  plan.expected_yield = "Weten of dit werk bij me past";
  plan.use_of_yield = "Kiezen voor een profiel";
  plan.extra = {{"placement", p.placement},
                {"planned_date", s.day(-39)},
                {"competencies", {"werkexploratie"}}};
  WX_ASSIGN_OR_RETURN(std::string activity, d.plan_activity(plan));
  werkex::PreparationDraft prep;
  prep.activity = activity;
  prep.known_about_self = "Ik ben precies en werk graag met mijn handen";
  prep.want_to_find_out = "Hoe vroeg begint de dag?";
  prep.learning_goals = "Zelf iets maken en klanten helpen";
  prep.learning_verbs = {"leren", "uitproberen"};
  WX_RETURN_IF_ERROR(d.prepare(prep).status());
  WX_ASSIGN_OR_RETURN(p.exp1,
                      d.record_experience(experience(p, activity, s.day(-39) + "T08:30:00Z", 0)));
  WX_ASSIGN_OR_RETURN(p.exp2,
                      d.record_experience(experience(p, activity, s.day(-38) + "T13:00:00Z", 1)));
  WX_RETURN_IF_ERROR(photo_entity(r, p, 0, p.exp1));
  return photo_entity(r, p, 1, p.exp2);
}

// A meeloopdag with its experience, a reflection on all three, a next step and its activity.
Status second_cycle(Replica& r, const Staff& s, const Pupil& p) {
  werkex::Dossier d(r);
  werkex::ActivityPlan day;
  day.kind = "meeloopdag";
  day.title = "Meelopen op de open dag";
  day.extra = {{"planned_date", s.day(-20)}};
  WX_ASSIGN_OR_RETURN(std::string activity, d.plan_activity(day));
  WX_ASSIGN_OR_RETURN(std::string exp3,
                      d.record_experience(experience(p, activity, s.day(-20) + "T10:00:00Z", 2)));
  WX_RETURN_IF_ERROR(photo_entity(r, p, 2, exp3));
  werkex::ReflectionDraft refl;
  refl.experiences = {p.exp1, p.exp2, exp3};
  refl.with_whom = {"mentor"};
  refl.qualities = {"nauwkeurig"};
  refl.motives = {"samenwerken"};
  refl.red_thread = "Ik werk graag met mensen en met mijn handen";
  refl.conversation_rules = {"ruimte_geven", "inzoomen"};
  refl.extra = {{"competencies", {"kwaliteitenreflectie"}}, {"held_on", s.day(-15)}};
  WX_ASSIGN_OR_RETURN(std::string reflection, d.reflect(refl));
  werkex::NextStepDraft step;
  step.reflection = reflection;
  step.description = "Een dag meelopen in een ander bedrijf";
  step.action = "uitproberen";
  step.direction = {"verbreden"};
  WX_ASSIGN_OR_RETURN(std::string next_step, d.choose_next_step(step));
  werkex::ActivityPlan next;
  next.kind = "bedrijfsbezoek";
  next.title = "Bezoek aan " + std::string(kCompanyNames[(p.n + 2) % 5]);
  next.from_next_step = next_step;
  next.extra = {{"planned_date", s.day(10)}};
  WX_RETURN_IF_ERROR(d.plan_activity(next).status());
  if (p.n % 2) return Status::ok();
  return d.add_contact("Piet Smit", {{"role", "monteur"}}).status();
}

// The supervisor signs the pupil's entries through the QR hand-over.
void sign(Replica& r, Replica& phone, const Staff& s, const Pupil& p,
          const std::vector<std::string>& covers, const std::string& date, double hours) {
  werkex::Statement st;
  st.date = date;
  st.placement = p.placement;
  as(r, s, p.id, "pupil", p.bucket);
  std::string request = check(werkex::Signoffs(r).request(covers, st), "sign request");
  werkex::Statement said;
  said.hours = hours;
  said.attendance = "aanwezig";
  said.assessment = "Werkt netjes en vraagt goed door.";
  std::string answer = check(werkex::Signoffs(phone).sign_request(request, said), "sign");
  check(werkex::Signoffs(r).accept(answer).status(), "accept the sign-off");
}

// The parts written by others than the pupil: the mentor's comment, the sign-offs.
size_t comment_and_sign(Replica& r, Replica& phone, const Staff& s, const Pupil& p) {
  auto mentor = s.mentors.find(p.group);
  if (mentor != s.mentors.end()) {
    as(r, s, mentor->second, "teacher", p.bucket);
    check(werkex::Dossier(r).comment(p.exp1, "Mooi gedaan, vertel er in de les meer over!"),
          "comment");
  }
  const Supervisor& sup = *p.supervisor;
  check(phone.set_identity({sup.id, "supervisor", "", s.school_bucket}), "supervisor");
  check(phone.set_setting("signing.secret_key", sup.key.secret_key), "supervisor key");
  check(phone.set_setting("signing.key_id", sup.key.key_id), "supervisor key id");
  if (p.n % 2 == 0) {
    sign(r, phone, s, p, {p.exp1, p.exp2}, s.day(-38), 12);
    return 1;
  }
  sign(r, phone, s, p, {p.exp1}, s.day(-39), 6);
  sign(r, phone, s, p, {p.exp2}, s.day(-38), 6);
  return 2;
}

void write_dossier(BenchServer& server, Replica& phone, const Staff& s, Pupil& p,
                   DossierTotals& t) {
  Replica& r = server.app().sqlite_replica();
  std::lock_guard lock(server.app().dossier_mutex());
  as(r, s, s.counsellor, "counsellor");
  p.placement = put(r, {{"type", "placement"},
                        {"pupil", p.id},
                        {"company", p.supervisor->company},
                        {"supervisor", p.supervisor->id},
                        {"start_date", s.day(-40)},
                        {"end_date", s.day(-31)},
                        {"kind", "snuffelstage"}});
  as(r, s, p.id, "pupil", p.bucket);
  check(r.write_together([&]() -> Status {
    WX_RETURN_IF_ERROR(first_activity(r, s, p));
    return second_cycle(r, s, p);
  }),
        "the pupil's entries");
  t.signoffs += comment_and_sign(r, phone, s, p);
  check(r.set_identity({"server", "admin", "", ""}), "identity");
  werkex::Query mine;
  mine.bucket = p.bucket;
  t.entities += check(r.count(mine), "count a dossier");
}

// fn(0) .. fn(count - 1) on `threads` threads; rethrows the first failure.
void on_threads(size_t threads, size_t count, const std::function<void(size_t)>& fn) {
  std::vector<std::exception_ptr> failed(threads);
  std::vector<std::thread> pool;
  for (size_t w = 0; w < threads; ++w)
    pool.emplace_back([&, w] {
      try {
        for (size_t i = w; i < count; i += threads) fn(i);
      } catch (...) {
        failed[w] = std::current_exception();
      }
    });
  for (auto& t : pool) t.join();
  for (auto& e : failed)
    if (e) std::rethrow_exception(e);
}

// A batch of pupils: photos made (CPU: two threads), dossiers written, then the photos'
// bytes stored as uploads after the sync that carried their entities (fsync-bound: four).
void write_batch(BenchServer& server, ServerBlobs& blobs, Replica& phone, const Staff& s,
                 std::vector<Pupil>& batch, DossierTotals& t) {
  on_threads(2, batch.size() * kPhotos, [&](size_t i) {
    Pupil& p = batch[i / kPhotos];
    p.jpegs[i % kPhotos] = make_photo_jpeg(p.n * kPhotos + i % kPhotos);
    p.shas[i % kPhotos] = werkex::sha256_hex(p.jpegs[i % kPhotos]);
  });
  for (Pupil& p : batch) write_dossier(server, phone, s, p, t);
  on_threads(4, batch.size() * kPhotos, [&](size_t i) {
    blobs.store(batch[i / kPhotos].bucket, batch[i / kPhotos].jpegs[i % kPhotos],
                server.app().now_ms());
  });
  for (const Pupil& p : batch)
    for (size_t k = 0; k < kPhotos; ++k) {
      t.photo_bytes += p.jpegs[k].size();
      t.shows_others += (p.n * kPhotos + k) % 5 == 0;
      ++t.photos;
    }
}

}  // namespace

DossierTotals generate_dossiers(BenchServer& server, const json& people, const TempDir& dir) {
  auto t0 = Clock::now();
  DossierTotals t;
  Staff staff;
  {
    std::lock_guard lock(server.app().dossier_mutex());
    staff = make_staff(server.app().sqlite_replica(), people, server.app().now_ms());
  }
  werkex::ReplicaOptions options;
  options.durable = false;
  auto phone = check(Replica::open(dir.file("supervisor-phone.db"), options), "supervisor phone");
  ServerBlobs blobs(server.app().config().data_dir);
  std::vector<Pupil> batch;  // one group's worth at a time: photos are made per batch
  auto flush = [&] {
    write_batch(server, blobs, *phone, staff, batch, t);
    batch.clear();
  };
  for (const json& person : people) {
    if (person["role"] != "pupil") continue;
    Pupil p;
    p.n = t.pupils++;
    p.id = person["id"];
    p.bucket = "pupil:" + p.id;
    p.group = person["groups"].empty() ? "" : person["groups"][0].get<std::string>();
    p.supervisor = &staff.supervisors[p.n % staff.supervisors.size()];
    batch.push_back(std::move(p));
    if (batch.size() == 20) flush();
  }
  flush();
  t.seconds = seconds_since(t0);
  return t;
}

}  // namespace bench
