#include "access.hpp"
#include "werkex/messages.hpp"

#include <ctime>

#include "werkex/blob_store.hpp"  // sha256_hex

namespace werkex::server {

namespace {

std::string str(const json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The ids of the signing_key entities of `owner` (issue 4: sign-off keys).
Status add_signing_keys(const DossierStore& dossiers, const std::string& school_bucket,
                        const std::string& owner, std::set<std::string>& ids) {
  WX_ASSIGN_OR_RETURN(auto keys,
                      dossiers.list(Query::where("signing_key", school_bucket, "person", owner)));
  for (auto& k : keys) ids.insert(str(k, "id"));
  return Status::ok();
}

// The filtered view's digest over `ids` without the signing keys `keys`.
std::string view_digest(const std::set<std::string>& ids, const std::set<std::string>& keys) {
  std::string text;
  for (const std::string& id : ids)
    if (!keys.count(id)) text += id + "\n";
  return sha256_hex(text).substr(0, 16);
}

// The supervisor's placements that give her a dossier today: running, or ended and in the
// grace days. A dossier with a running placement is hers for every day, one with only ended
// placements lists their days in `a.ended`; of each she sees only the part that belongs to
// these placements (`a.pupil_views`).
Status add_supervised(const DossierStore& dossiers, const std::string& today, int grace_days,
                      Access& a, std::set<std::string>& ids) {
  WX_ASSIGN_OR_RETURN(auto placements, dossiers.list(Query::where("placement", a.school_bucket,
                                                                  "supervisor", a.person)));
  std::set<std::string> running;
  std::map<std::string, std::set<std::string>> hers;  // bucket -> her placements there
  for (auto& p : placements) {
    std::string start = str(p, "start_date"), end = str(p, "end_date");
    if (start.empty() || end.empty() || today < start || today > add_days(end, grace_days))
      continue;
    const std::string bucket = "pupil:" + str(p, "pupil");
    a.read.insert(bucket);
    a.write.insert(bucket);
    hers[bucket].insert(str(p, "id"));
    if (today <= end)
      running.insert(bucket);
    else
      a.ended[bucket].push_back({start, end});
    for (const char* k : {"id", "company", "pupil"})
      if (!str(p, k).empty()) ids.insert(str(p, k));
  }
  for (const std::string& b : running) a.ended.erase(b);
  for (const auto& [bucket, ids_there] : hers) {
    WX_ASSIGN_OR_RETURN(a.pupil_views[bucket], compute_pupil_view(dossiers, bucket, ids_there));
  }
  return Status::ok();
}

// Whether a parent's child `pupil` (a person document) lets them in today.
bool parent_may_read(const json& pupil, const std::string& today) {
  if (str(pupil, "role") != "pupil" || str(pupil, "status") == "left") return false;
  if (pupil.value("parent_access", false) != true) return false;
  const std::string born = str(pupil, "birth_date");
  if (born.size() < 10) return true;  // unknown: the school's switch alone
  const std::string sixteen = std::to_string(std::stoi(born.substr(0, 4)) + 16) + born.substr(4, 6);
  return today < sixteen || pupil.value("parent_consent", false) == true;
}

// A parent (ouder/verzorger): each child's dossier while it lets them in; of the school
// bucket only their own person and those children.
Status add_children(const DossierStore& dossiers, const std::string& today, Access& a) {
  a.read = {a.school_bucket};
  std::set<std::string> ids = {a.person};
  WX_ASSIGN_OR_RETURN(auto children,
                      dossiers.list(Query::where("person", a.school_bucket, "parents", a.person)));
  for (auto& c : children) {
    if (!parent_may_read(c, today)) continue;
    a.read.insert("pupil:" + str(c, "id"));
    a.write.insert("pupil:" + str(c, "id"));  // the schema lets a parent write comments only
    ids.insert(str(c, "id"));
  }
  a.school_view = view_digest(ids, {});
  a.school_entities = std::move(ids);
  return Status::ok();
}

// Management's device: the school and its groups, nothing else (no person, no company, no
// placement, no dossier): what a manager needs to pick a group or year on the aggregates
// page, which the server computes (dashboard/aggregates.hpp). Reads only.
Status add_manager_view(const DossierStore& dossiers, const std::string& school, Access& a) {
  a.read = {a.school_bucket};
  std::set<std::string> ids = {school};
  Query groups;
  groups.type = "group";
  groups.bucket = a.school_bucket;
  WX_ASSIGN_OR_RETURN(auto docs, dossiers.list(groups));
  for (auto& g : docs) ids.insert(str(g, "id"));
  a.school_view = view_digest(ids, {});
  a.school_entities = std::move(ids);
  return Status::ok();
}

// The company network a pupil may choose from (issue 13): every company of the school that
// offers an activity kind, without the counsellor's notes on it (hidden_fields). Companies
// only: no placement of another pupil, no supervisor.
Status add_network(const DossierStore& dossiers, Access& a, std::set<std::string>& ids) {
  Query companies;
  companies.type = "company";
  companies.bucket = a.school_bucket;
  WX_ASSIGN_OR_RETURN(auto docs, dossiers.list(companies));
  for (auto& c : docs) {
    auto offers = c.find("offers");
    if (offers != c.end() && offers->is_array() && !offers->empty()) ids.insert(str(c, "id"));
  }
  a.hidden_fields["company"] = {"notes"};
  return Status::ok();
}

// A pupil: their own dossier, and of the school bucket their school, person, groups, the
// company network (add_network), their
// placements with the companies and supervisors, the signers of their sign-offs, and those
// people's sign-off keys (so the pupil's phone verifies sign-offs itself).
Status add_pupil(const DossierStore& dossiers, const json& me, Access& a) {
  a.read = {a.own_bucket(), a.school_bucket};
  a.write = {a.own_bucket()};
  std::set<std::string> ids = {str(me, "school"), a.person};
  if (me.contains("groups"))
    for (auto& g : me["groups"]) ids.insert(g.get<std::string>());
  WX_ASSIGN_OR_RETURN(auto placements,
                      dossiers.list(Query::where("placement", a.school_bucket, "pupil", a.person)));
  std::set<std::string> supervisors, keys;
  for (auto& p : placements) {
    for (const char* k : {"id", "company", "supervisor"})
      if (!str(p, k).empty()) ids.insert(str(p, k));
    if (!str(p, "supervisor").empty()) supervisors.insert(str(p, "supervisor"));
  }
  // And the supervisors who signed in their dossier, though no longer their placement's: the
  // sign-off stays verifiable on the phone, which purges what leaves its view. Only
  // supervisors: a sign-off naming anyone else as signer shows the pupil nobody.
  WX_ASSIGN_OR_RETURN(auto signers, signers_in(dossiers, a.own_bucket()));
  for (const std::string& s : signers) {
    auto signer = dossiers.get(s);
    if (!signer && signer.error().code != WX_NOT_FOUND) return signer.error();
    if (!signer || str(*signer, "role") != "supervisor") continue;
    ids.insert(s);
    supervisors.insert(s);
  }
  for (const std::string& s : supervisors) {
    WX_RETURN_IF_ERROR(add_signing_keys(dossiers, a.school_bucket, s, keys));
  }
  WX_RETURN_IF_ERROR(add_network(dossiers, a, ids));
  a.school_view = view_digest(ids, keys);
  ids.insert(keys.begin(), keys.end());
  a.school_entities = std::move(ids);
  return Status::ok();
}

// A teacher: the dossiers of the active pupils in the groups they mentor, and the school bucket.
Status add_mentored(const DossierStore& dossiers, Access& a) {
  a.read = {a.school_bucket};
  WX_ASSIGN_OR_RETURN(auto groups,
                      dossiers.list(Query::where("group", a.school_bucket, "mentors", a.person)));
  for (auto& g : groups) {
    WX_ASSIGN_OR_RETURN(auto pupils,
                        dossiers.list(Query::where("person", a.school_bucket, "groups", g["id"])));
    for (auto& p : pupils)
      if (str(p, "role") == "pupil" && str(p, "status") != "left") {
        a.read.insert("pupil:" + str(p, "id"));
        a.write.insert("pupil:" + str(p, "id"));
      }
  }
  return Status::ok();
}

// A counsellor: every active pupil's dossier of the school, and the school bucket.
Status add_school_pupils(const DossierStore& dossiers, const std::string& school, Access& a) {
  WX_ASSIGN_OR_RETURN(auto pupils,
                      dossiers.list(Query::where("person", a.school_bucket, "role", "pupil")));
  for (auto& p : pupils)
    if (str(p, "school") == school && str(p, "status") != "left") {
      a.read.insert("pupil:" + str(p, "id"));
      a.write.insert("pupil:" + str(p, "id"));
    }
  return Status::ok();
}

// Above this many dossiers to check, one list of the school's persons is cheaper than a get
// each (a counsellor's whole school; a mentor's groups stay below it).
constexpr size_t kListPersonsAbove = 64;

// The ids among `pupils` whose person is in `school_bucket`.
Result<std::set<std::string>> persons_in_school(const DossierStore& dossiers,
                                                const std::string& school_bucket,
                                                const std::set<std::string>& pupils) {
  std::set<std::string> out;
  if (pupils.size() > kListPersonsAbove) {
    Query persons;
    persons.type = "person";
    persons.bucket = school_bucket;
    persons.include_deleted = true;
    WX_ASSIGN_OR_RETURN(auto docs, dossiers.list(persons));
    for (auto& p : docs)
      if (pupils.count(str(p, "id"))) out.insert(str(p, "id"));
    return out;
  }
  for (const std::string& id : pupils) {
    auto p = dossiers.get(id);
    if (!p && p.error().code != WX_NOT_FOUND) return p.error();
    if (p && str(*p, "type") == "person" && str(*p, "bucket") == school_bucket) out.insert(id);
  }
  return out;
}

// Schools are tenants (docs/design.md §8): whatever a role's rules found, a person reaches
// only their own school's bucket and the dossiers of pupils whose person is in it. One check
// for every role, after the rules, so no rule has to get it right: a reference to another
// school's pupil (a placement naming one, which whoever writes placements can make) or
// bucket opens nothing. Depends only on the own school bucket, as AccessCache assumes.
Status confine_to_school(const DossierStore& dossiers, Access& a) {
  std::set<std::string> buckets = a.read, pupils;
  buckets.insert(a.write.begin(), a.write.end());
  for (const std::string& b : buckets)
    if (b.rfind("pupil:", 0) == 0 && b != a.own_bucket()) pupils.insert(b.substr(6));
  WX_ASSIGN_OR_RETURN(auto ours, persons_in_school(dossiers, a.school_bucket, pupils));
  for (const std::string& b : buckets) {
    const bool own = b == a.school_bucket || b == a.own_bucket() ||
                     (b.rfind("pupil:", 0) == 0 && ours.count(b.substr(6)));
    if (own) continue;
    a.read.erase(b);
    a.write.erase(b);
    a.pupil_views.erase(b);
    a.ended.erase(b);
  }
  return Status::ok();
}

}  // namespace

Result<std::set<std::string>> signers_in(const DossierStore& dossiers, const std::string& bucket) {
  Query signed_off;
  signed_off.type = "signoff";
  signed_off.bucket = bucket;
  WX_ASSIGN_OR_RETURN(auto signoffs, dossiers.list(signed_off));
  std::set<std::string> out;
  for (auto& so : signoffs)
    if (!str(so, "signer").empty()) out.insert(str(so, "signer"));
  return out;
}

std::string add_days(const std::string& date, int days) {
  std::tm tm{};
  tm.tm_year = std::stoi(date.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(date.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(date.substr(8, 2)) + days;
  tm.tm_hour = 12;
  std::time_t t = timegm(&tm);
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

Result<Access> compute_access(const DossierStore& dossiers, const std::string& person,
                              const std::string& today, int grace_days) {
  const Error unknown =
      make_error(WX_UNAUTHENTICATED, "this device's person is not an active member of the roster");
  auto me = dossiers.get(person);
  if (!me) return me.error().code == WX_NOT_FOUND ? unknown : me.error();
  if (str(*me, "type") != "person" || me->value("deleted", false) || str(*me, "status") == "left")
    return unknown;
  Access a;
  a.person = person;
  a.role = str(*me, "role");
  a.school_bucket = str(*me, "bucket");
  const std::string school = str(*me, "school");
  if (a.role == "pupil") {
    WX_RETURN_IF_ERROR(add_pupil(dossiers, *me, a));
  } else if (a.role == "teacher") {
    WX_RETURN_IF_ERROR(add_mentored(dossiers, a));
  } else if (a.role == "counsellor" || a.role == "admin") {
    a.read = {a.school_bucket};
    a.write = {a.school_bucket};
    if (a.role == "counsellor") WX_RETURN_IF_ERROR(add_school_pupils(dossiers, school, a));
  } else if (a.role == "supervisor") {
    std::set<std::string> ids = {school, person}, keys;
    WX_RETURN_IF_ERROR(add_supervised(dossiers, today, grace_days, a, ids));
    a.read.insert(a.school_bucket);
    WX_RETURN_IF_ERROR(add_signing_keys(dossiers, a.school_bucket, person, keys));
    a.school_view = view_digest(ids, keys);
    ids.insert(keys.begin(), keys.end());
    a.school_entities = std::move(ids);
  } else if (a.role == "manager") {
    WX_RETURN_IF_ERROR(add_manager_view(dossiers, school, a));
  } else if (a.role == "parent") {
    WX_RETURN_IF_ERROR(add_children(dossiers, today, a));
  }
  WX_RETURN_IF_ERROR(confine_to_school(dossiers, a));
  return a;
}

bool Access::hides(const Change& c) const {
  auto it = hidden_fields.find(c.type);
  return it != hidden_fields.end() && it->second.count(c.field) > 0;
}

bool Access::sees(const std::string& bucket, const std::string& entity) const {
  if (!read.count(bucket)) return false;
  if (bucket == school_bucket) return !school_entities || school_entities->count(entity) > 0;
  auto view = pupil_views.find(bucket);
  return view == pupil_views.end() || view->second.entities.count(entity) > 0;
}

Status authorize(const Access& a, const Schema& schema, const Change& c) {
  // A pupil's one write in the school bucket: their own person, in the fields the schema
  // gives the pupil (parent_consent), so from 16 they decide on their parents' access.
  const bool own_person = a.role == "pupil" && c.bucket == a.school_bucket && c.type == "person" &&
                          c.entity == a.person && c.field != "deleted";
  if (!a.write.count(c.bucket) && !own_person)
    return error_of(WX_PERMISSION_DENIED, Msg::bucket_not_writable,
                    {{"role", a.role}, {"bucket", c.bucket}});
  const TypeSpec* t = schema.type(c.type);
  if (!t) return error_of(WX_INVALID_ARGUMENT, Msg::unknown_type, {{"type", c.type}});
  const char* prefix = t->bucket == BucketKind::pupil ? "pupil:" : "school:";
  if (c.bucket.rfind(prefix, 0) != 0)
    return error_of(WX_INVALID_ARGUMENT, Msg::wrong_bucket_kind,
                    {{"type", c.type}, {"prefix", prefix}, {"bucket", c.bucket}});
  if (c.field == "deleted") {
    if (std::find(t->write_roles.begin(), t->write_roles.end(), a.role) == t->write_roles.end())
      return error_of(WX_PERMISSION_DENIED, Msg::role_may_not_delete,
                      {{"role", a.role}, {"type", c.type}});
    return Status::ok();
  }
  const FieldSpec* f = t->field(c.field);
  if (!f)
    return error_of(WX_INVALID_ARGUMENT, Msg::unknown_field_of,
                    {{"field", c.field}, {"type", c.type}});
  if (!Schema::may_write(*f, a.role))
    return error_of(WX_PERMISSION_DENIED, Msg::role_may_not_write_field_of,
                    {{"role", a.role}, {"field", c.field}, {"type", c.type}});
  return Status::ok();
}

}  // namespace werkex::server
