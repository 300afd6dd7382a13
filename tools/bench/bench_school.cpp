// werkex-bench's school and pupils' phones (bench_school.hpp).
#include "bench_school.hpp"

#include <algorithm>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

#include "access.hpp"
#include "werkex/ids.hpp"
#include "werkex/protocol.hpp"

namespace bench {

namespace {

using werkex::json;
using werkex::server::App;

// Writes `doc` as `writer` would (the schema's write rules apply to the seed).
std::string put(werkex::server::DossierStore& r, const werkex::Identity& writer, const json& doc) {
  return check(r.put_as(writer, doc), "seed a " + doc.value("type", std::string("?")));
}

// protocol::to_json(req) as text, cut where the load client puts the live clock and cursors.
SyncBody split_body(const std::string& text) {
  const std::string clock = "\"clock\":1,", cursors = "\"cursors\":{}";
  size_t c = text.find(clock);
  size_t k = text.find(cursors);
  if (c == std::string::npos || k == std::string::npos || k < c)
    throw Failure("unexpected sync request layout: " + text.substr(0, 200));
  size_t clock_at = c + clock.size() - 2, cursors_at = k + cursors.size() - 2;
  return {text.substr(0, clock_at), text.substr(clock_at + 1, cursors_at - clock_at - 1),
          text.substr(cursors_at + 2)};
}

// The views of the buckets the server filters for `person` (the answer to a catch-up carries
// them; a SyncSession sends them back, so its next pull does not start again from 0).
std::map<std::string, std::string> views_of(App& app, const std::string& person) {
  std::lock_guard lock(app.dossier_mutex());
  const std::string today = werkex::rfc3339_utc(app.now_ms()).substr(0, 10);
  auto access = check(werkex::server::compute_access(app.store(), person, today,
                                                     app.config().supervisor_grace_days),
                      "access of " + person);
  std::map<std::string, std::string> views;
  if (access.school_entities) views[access.school_bucket] = access.school_view;
  return views;
}

struct PhoneResult {
  DeviceScript script;
  PhoneWork work;
};

PhoneResult prepare_phone(App& app, const BenchSchool& s, const std::string& pupil,
                          const std::string& path, size_t rounds,
                          const std::vector<Experience>& data, size_t data_from) {
  PhoneResult out;
  out.work.changes_per_round.assign(rounds + 1, 0);
  const uint64_t now = app.now_ms();
  std::string code = check(app.auth().create_invite(pupil, 24, now), "invite");
  werkex::ReplicaOptions options;
  options.durable = false;
  {
    auto replica = check(werkex::Replica::open(path, options), "open " + path);
    auto [token, person] =
        check(app.auth().redeem_invite(code, werkex::replica_to_hex(replica->replica_id()), now),
              "enrol");
    out.script.token = token;
    out.script.bucket = "pupil:" + person;
    out.script.views = views_of(app, person);
    check(replica->set_identity({person, "pupil", out.script.bucket, s.bucket}), "identity");
    werkex::Dossier dossier(*replica);
    werkex::ChangeFilter mine;
    mine.skip_from_server = true;  // as SyncSession: never push back what came from the server
    uint64_t mark = 0;
    std::string activity;
    for (size_t r = 0; r <= rounds; ++r) {
      if (r == 1) activity = plan_activity(*replica, 0);
      if (r >= 1)
        check(dossier.record_experience(draft_of(data[(data_from + r) % data.size()], activity)),
              "record experience");
      werkex::protocol::SyncRequest req;
      req.replica = replica->replica_id();
      req.device_clock_ms = 1;  // the load client sends the clock of the moment
      req.schema_version = replica->schema().version();
      req.limit = r == 0 ? 5000 : 200;  // the catch-up takes the whole school in one page
      req.push = check(replica->changes_since(mark, 200, mine), "changes_since");
      mark = req.push.upto_seq;
      out.work.changes_per_round[r] = req.push.changes.size();
      for (const werkex::Change& c : req.push.changes)
        out.work.raw_value_bytes += double(raw_value_bytes(c));
      out.script.rounds.push_back(split_body(werkex::protocol::to_json(req).dump()));
    }
  }
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
  return out;
}

}  // namespace

BenchSchool seed_school(App& app, size_t pupils) {
  std::lock_guard lock(app.dossier_mutex());
  werkex::server::DossierStore& r = app.store();
  BenchSchool s;
  s.id = "0190b000-0000-7000-8000-00000000be01";
  s.bucket = "school:" + s.id;
  const werkex::Identity admin{"server", "admin", "", s.bucket};
  const werkex::Identity counsellor{"server", "counsellor", "", s.bucket};
  // The school's id names its bucket, so it is created under that id (as demo.cpp does).
  check(r.create_as(admin, {{"id", s.id}, {"type", "school"}, {"name", "Bench College"}}).status(),
        "seed the school");
  auto person = [&](const std::string& name, const std::string& role, json extra = json::object()) {
    json doc = {{"type", "person"}, {"name", name}, {"role", role}, {"school", s.id}};
    doc.update(extra);
    return put(r, admin, doc);
  };
  check(r.together([&]() -> werkex::Status {
    std::vector<std::string> classes;
    for (size_t g = 0; g < std::max<size_t>(1, pupils / 25); ++g) {
      std::string mentor = person("Mentor " + std::to_string(g + 1), "teacher");
      classes.push_back(put(r, admin,
                            json{{"type", "group"},
                                 {"name", "Klas " + std::to_string(g + 1)},
                                 {"school", s.id},
                                 {"mentors", {mentor}}}));
    }
    person("Decaan", "counsellor");
    for (size_t i = 0; i < pupils; ++i)
      s.pupils.push_back(person("Leerling " + std::to_string(i + 1), "pupil",
                                {{"groups", {classes[i % classes.size()]}}}));
    s.dossier_pupil = person("Sem", "pupil", {{"groups", {classes[0]}}});
    s.supervisor = person("Ans Bakker", "supervisor");
    return werkex::Status::ok();
  }),
        "seed the people");
  std::string company =
      put(r, counsellor, json{{"type", "company"}, {"name", "Bistro Noord"}, {"sector", "horeca"}});
  const std::string today = werkex::rfc3339_utc(app.now_ms()).substr(0, 10);
  s.placement = put(r, counsellor,
                    json{{"type", "placement"},
                         {"pupil", s.dossier_pupil},
                         {"company", company},
                         {"supervisor", s.supervisor},
                         {"start_date", werkex::server::add_days(today, -7)},
                         {"end_date", werkex::server::add_days(today, 14)},
                         {"kind", "snuffelstage"}});
  werkex::Query q;
  q.bucket = s.bucket;
  s.entities = check(r.list(q), "count the school").size();
  return s;
}

std::vector<DeviceScript> prepare_phones(App& app, const BenchSchool& school, size_t count,
                                         size_t rounds, const std::string& phone_dir,
                                         PhoneWork& work) {
  const std::vector<Experience> data = make_experiences(997, 5);
  std::vector<PhoneResult> results(count);
  // Two threads, each its own phones: replicas are independent, AuthStore is thread-safe.
  std::exception_ptr failed[2];
  auto part = [&](size_t which) {
    try {
      for (size_t i = which; i < count; i += 2)
        results[i] = prepare_phone(app, school, school.pupils.at(i),
                                   phone_dir + "/" + std::to_string(i) + ".db", rounds, data,
                                   i * (rounds + 1));
    } catch (...) {
      failed[which] = std::current_exception();
    }
  };
  std::thread other(part, 1);
  part(0);
  other.join();
  for (auto& e : failed)
    if (e) std::rethrow_exception(e);
  std::vector<DeviceScript> scripts;
  work.changes_per_round.assign(rounds + 1, 0);
  for (auto& r : results) {
    for (size_t k = 0; k <= rounds; ++k) work.changes_per_round[k] += r.work.changes_per_round[k];
    work.raw_value_bytes += r.work.raw_value_bytes;
    scripts.push_back(std::move(r.script));
  }
  return scripts;
}

}  // namespace bench
