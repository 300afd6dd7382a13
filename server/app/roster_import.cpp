// Applies a roster to the dossiers (roster_import.hpp). Four passes inside one transaction:
// schools, people (without their groups), groups (without their mentors), then who is in or
// mentors which group, so every reference points at an entity that exists by then.
#include "roster_import.hpp"

#include <map>
#include <set>

#include "roster_ids.hpp"
#include "werkex/ids.hpp"

namespace werkex::server {

namespace {

using school::Roster;

// The register fields the import owns per type: written from the roster, cleared when the
// roster stops giving them. Other fields (a supervisor's company) are never touched.
const std::map<std::string, std::vector<std::string>> kOwned = {
    {"school", {"name", "brin", "external_id"}},
    {"group", {"name", "school", "school_year", "year", "level", "external_id"}},
    {"person", {"name", "role", "school", "email", "external_id", "status", "left_on"}},
};

std::string str(const json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The school a group or person belongs to: the bucket it lives in (an entity never moves),
// whatever its `school` field says. A row an older import pointed at another school (a
// pupil who moved) stays its old school's.
std::string school_of_doc(const json& doc) {
  const std::string bucket = str(doc, "bucket");
  return bucket.rfind("school:", 0) == 0 ? bucket.substr(7) : std::string();
}

json or_null(const std::string& s) {
  return s.empty() ? json() : json(s);
}

class Import {
 public:
  Import(DossierStore& r, const Roster& roster, std::string today, uint64_t now_ms,
         std::string only_school)
      : r_(r),
        roster_(roster),
        today_(std::move(today)),
        now_ms_(now_ms),
        only_school_(std::move(only_school)) {}

  Status run() {
    WX_RETURN_IF_ERROR(load_existing());
    for (const auto& g : roster_.groups) group_school_[g.external_id] = g.school;
    for (const auto& p : roster_.persons) person_school_[p.external_id] = p.school;
    // A school or class a delta marks tobedeleted keeps its entity: people's history points
    // at it. Its memberships end through their own rows.
    for (const auto& s : roster_.schools)
      if (!s.left) WX_RETURN_IF_ERROR(upsert_school(s));
    for (const auto& p : roster_.persons) WX_RETURN_IF_ERROR(upsert_person(p));
    for (const auto& g : roster_.groups)
      if (!g.left) WX_RETURN_IF_ERROR(upsert_group(g));
    WX_RETURN_IF_ERROR(roster_.delta ? write_membership_changes() : write_memberships());
    if (!roster_.delta) WX_RETURN_IF_ERROR(mark_absent_left());
    return Status::ok();
  }

  RosterOutcome outcome() const;

 private:
  Status load_existing();
  Status upsert_school(const school::RosterSchool& s);
  Status upsert_person(const school::RosterPerson& p);
  Status upsert_group(const school::RosterGroup& g);
  Status write_memberships();
  Status write_membership_changes();
  Status mark_absent_left();
  Status mark_left(const std::string& id);
  // Creates (in `school`, the school's own id for a school) or updates the entity.
  Result<std::string> upsert(const std::string& type, const std::string& school,
                             const std::string& ext, json desired);
  // The entity the roster's `ext` names, in `school` ("": the one school that has it);
  // WX_INVALID_ARGUMENT naming `needed_by` when none does.
  Result<std::string> id_of(const std::string& type, const std::string& school,
                            const std::string& ext, const std::string& needed_by) const;
  // The school entity id of a roster row's school external id ("" if unknown).
  std::string school_id(const std::string& school_ext) const;
  // The group and person of a membership row, the person looked up in the group's school.
  Result<std::pair<std::string, std::string>> membership(const school::RosterMembership& m) const;
  Status act_for_school(const std::string& school_id);
  Status act_for_entity(const std::string& id);
  Status put_counted(const json& doc);
  void note_new_person(const std::string& id, const school::RosterPerson& p);

  // The writes as `as_`: the admin of the school whose bucket they go in (act_for_*).
  Result<std::string> put(const json& doc) { return r_.put_as(as_, doc); }

  DossierStore& r_;
  const Roster& roster_;
  std::string today_;
  uint64_t now_ms_;
  std::string only_school_;  // a school's admin token: its school's entity id
  Identity as_{"server", "admin", "", ""};
  // What earlier runs made, then what this one made too (roster_ids.hpp).
  RosterIds ids_;
  // The roster's own groups and people: external id → their school's external id.
  std::map<std::string, std::string> group_school_, person_school_;
  std::map<std::string, json> docs_;          // entity id → document before this run
  std::map<std::string, std::string> types_;  // entity id → type, for the tallies
  std::set<std::string> created_, changed_, left_;
  std::set<std::string> in_roster_;  // entity ids the roster names
  std::vector<NewPerson> new_people_;
};

Status Import::load_existing() {
  for (const char* type : {"school", "group", "person"}) {
    Query q;
    q.type = type;
    WX_ASSIGN_OR_RETURN(auto docs, r_.list(q));
    for (json& d : docs) {
      std::string ext = str(d, "external_id"), id = str(d, "id");
      if (ext.empty()) continue;
      // Its school is the bucket it lives in (an entity never moves), whatever its `school`
      // field says: a row an older import pointed at another school stays its old school's.
      ids_.add(type, school_of_doc(d), ext, id);
      types_[id] = type;
      docs_[id] = std::move(d);
    }
  }
  return Status::ok();
}

Result<std::string> Import::id_of(const std::string& type, const std::string& school,
                                  const std::string& ext, const std::string& needed_by) const {
  WX_ASSIGN_OR_RETURN(std::string id, ids_.find(type, school, ext));
  if (!id.empty()) return id;
  return make_error(WX_INVALID_ARGUMENT, needed_by + " names " + type + " '" + ext +
                                             "', which is neither in this roster nor imported "
                                             "before; nothing was applied");
}

std::string Import::school_id(const std::string& school_ext) const {
  auto id = ids_.find("school", "", school_ext);
  return id ? *id : std::string();
}

Result<std::pair<std::string, std::string>> Import::membership(
    const school::RosterMembership& m) const {
  // The school the roster gives the person, else the group (a delta's row may list neither).
  std::string school;
  if (auto p = person_school_.find(m.person); p != person_school_.end())
    school = school_id(p->second);
  else if (auto g = group_school_.find(m.group); g != group_school_.end())
    school = school_id(g->second);
  WX_ASSIGN_OR_RETURN(std::string gid, id_of("group", school, m.group, "enrollments " + m.group));
  WX_ASSIGN_OR_RETURN(std::string pid,
                      id_of("person", ids_.school_of(gid), m.person, "enrollments " + m.person));
  return std::make_pair(gid, pid);
}

// Writes go in as the admin of the school whose bucket holds them; with a school's admin
// token, only that school's (docs/design.md §8): any other fails the whole import.
Status Import::act_for_school(const std::string& school_id) {
  if (!only_school_.empty() && school_id != only_school_)
    return make_error(WX_PERMISSION_DENIED, "this admin token acts for school " + only_school_ +
                                                " only; the roster writes into school " +
                                                school_id + ": nothing was applied");
  as_.school_bucket = "school:" + school_id;
  return Status::ok();
}

Status Import::put_counted(const json& doc) {
  const uint64_t before = r_.last_seq();
  WX_RETURN_IF_ERROR(put(doc).status());
  if (r_.last_seq() != before) changed_.insert(doc["id"].get<std::string>());
  return Status::ok();
}

// Creates the entity, or writes the owned fields whose value differs from the roster's.
Result<std::string> Import::upsert(const std::string& type, const std::string& school,
                                   const std::string& ext, json desired) {
  desired["external_id"] = ext;
  WX_ASSIGN_OR_RETURN(std::string known, ids_.find(type, school, ext));
  if (known.empty()) {
    json doc = {{"type", type}};
    for (auto& [k, v] : desired.items())
      if (!v.is_null()) doc[k] = v;
    WX_ASSIGN_OR_RETURN(std::string id, type == "school" ? r_.create_as(as_, doc) : put(doc));
    ids_.add(type, school, ext, id);
    types_[id] = type;
    created_.insert(id);
    in_roster_.insert(id);
    return id;
  }
  const std::string id = known;
  in_roster_.insert(id);
  const json& before = docs_[id];
  json doc = {{"id", id}};
  for (const std::string& f : kOwned.at(type)) {
    auto want = desired.find(f);
    if (want != desired.end() && !want->is_null())
      doc[f] = *want;
    else if (want != desired.end() && before.contains(f))
      doc[f] = nullptr;  // the roster no longer gives it
  }
  WX_RETURN_IF_ERROR(put_counted(doc));
  return id;
}

Status Import::upsert_school(const school::RosterSchool& s) {
  json desired = {{"name", s.name}, {"brin", or_null(s.brin)}};
  const std::string known = school_id(s.external_id);
  if (!only_school_.empty() && known != only_school_)
    return make_error(WX_PERMISSION_DENIED,
                      "this admin token acts for school " + only_school_ +
                          " only; the roster's "
                          "orgs " +
                          s.external_id + " (" + s.name + ") is " +
                          (known.empty() ? "a new school (only the deployment's "
                                           "token adds schools)"
                                         : "another school") +
                          ": nothing was applied");
  if (known.empty()) {
    // A new school's id names its bucket, so it is chosen here.
    std::string id = new_uuid_v7(now_ms_);
    WX_RETURN_IF_ERROR(act_for_school(id));
    desired["id"] = id;
    desired["bucket"] = "school:" + id;
  } else {
    WX_RETURN_IF_ERROR(act_for_school(known));
  }
  return upsert("school", "", s.external_id, std::move(desired)).status();
}

Status Import::upsert_person(const school::RosterPerson& p) {
  const std::string who = "users " + p.external_id;
  if (p.left) {  // a delta's tobedeleted: only someone imported before can leave
    WX_ASSIGN_OR_RETURN(std::string known, ids_.find("person", school_id(p.school), p.external_id));
    if (known.empty()) return Status::ok();
    in_roster_.insert(known);
    return mark_left(known);
  }
  WX_ASSIGN_OR_RETURN(std::string school, id_of("school", "", p.school, who));
  WX_RETURN_IF_ERROR(act_for_school(school));
  json desired = {{"name", p.display_name()},  {"role", p.role},     {"school", school},
                  {"email", or_null(p.email)}, {"status", "active"}, {"left_on", nullptr}};
  WX_ASSIGN_OR_RETURN(std::string id, upsert("person", school, p.external_id, std::move(desired)));
  if (created_.count(id)) note_new_person(id, p);
  return Status::ok();
}

Status Import::upsert_group(const school::RosterGroup& g) {
  const std::string who = "classes " + g.external_id;
  WX_ASSIGN_OR_RETURN(std::string school, id_of("school", "", g.school, who));
  WX_RETURN_IF_ERROR(act_for_school(school));
  json desired = {{"name", g.name},
                  {"school", school},
                  {"school_year", or_null(g.school_year)},
                  {"year", g.year > 0 ? json(g.year) : json()},
                  {"level", or_null(g.level)}};
  return upsert("group", school, g.external_id, std::move(desired)).status();
}

Status Import::mark_left(const std::string& id) {
  const json& before = docs_[id];
  if (str(before, "status") == "left") return Status::ok();
  WX_RETURN_IF_ERROR(act_for_school(school_of_doc(before)));
  WX_RETURN_IF_ERROR(put({{"id", id}, {"status", "left"}, {"left_on", today_}}).status());
  left_.insert(id);
  return Status::ok();
}

void Import::note_new_person(const std::string& id, const school::RosterPerson& p) {
  new_people_.push_back({id, p.external_id, p.display_name(), p.role, {}});
}

Status Import::act_for_entity(const std::string& id) {
  WX_ASSIGN_OR_RETURN(json doc, r_.get(id));
  return act_for_school(school_of_doc(doc));
}

// Bulk: the roster's memberships are the whole truth: each group's mentors and each
// person's groups are set to exactly them (put() writes only the elements that differ).
Status Import::write_memberships() {
  std::map<std::string, std::string> group_names;
  for (const auto& g : roster_.groups) group_names[g.external_id] = g.name;
  std::map<std::string, json> mentors, groups;            // entity id → array of ids
  std::map<std::string, std::vector<std::string>> names;  // person id → group names
  for (const auto& m : roster_.memberships) {
    WX_ASSIGN_OR_RETURN(auto ids, membership(m));
    const auto& [gid, pid] = ids;
    (m.mentor ? mentors[gid] : groups[pid]).push_back(m.mentor ? pid : gid);
    names[pid].push_back(group_names.count(m.group) ? group_names[m.group] : m.group);
  }
  for (const auto& g : roster_.groups) {
    WX_ASSIGN_OR_RETURN(std::string gid, ids_.find("group", school_id(g.school), g.external_id));
    WX_RETURN_IF_ERROR(act_for_entity(gid));
    json list = mentors.count(gid) ? mentors[gid] : json::array();
    WX_RETURN_IF_ERROR(put_counted({{"id", gid}, {"mentors", list}}));
  }
  for (const auto& p : roster_.persons) {
    WX_ASSIGN_OR_RETURN(std::string pid, ids_.find("person", school_id(p.school), p.external_id));
    WX_RETURN_IF_ERROR(act_for_entity(pid));
    json list = groups.count(pid) ? groups[pid] : json::array();
    WX_RETURN_IF_ERROR(put_counted({{"id", pid}, {"groups", list}}));
  }
  for (NewPerson& n : new_people_) n.groups = names[n.id];
  return Status::ok();
}

// Delta: each membership row adds or (tobedeleted) removes one element.
Status Import::write_membership_changes() {
  std::map<std::string, std::vector<std::string>> names;
  for (const auto& m : roster_.memberships) {
    WX_ASSIGN_OR_RETURN(auto ids, membership(m));
    const auto& [gid, pid] = ids;
    const std::string& target = m.mentor ? gid : pid;
    WX_RETURN_IF_ERROR(act_for_entity(target));
    json edit = {{m.left ? "remove" : "add", json::array({m.mentor ? pid : gid})}};
    WX_RETURN_IF_ERROR(put_counted({{"id", target}, {m.mentor ? "mentors" : "groups", edit}}));
    if (!m.left) {
      WX_ASSIGN_OR_RETURN(json group, r_.get(gid));
      names[pid].push_back(str(group, "name"));
    }
  }
  for (NewPerson& n : new_people_) n.groups = names[n.id];
  return Status::ok();
}

// Bulk: whoever of the roster's schools was imported before and is no longer listed left.
Status Import::mark_absent_left() {
  std::set<std::string> schools, listed;
  for (const auto& s : roster_.schools) schools.insert(school_id(s.external_id));
  for (const auto& p : roster_.persons) {
    WX_ASSIGN_OR_RETURN(std::string id, ids_.find("person", school_id(p.school), p.external_id));
    listed.insert(id);
  }
  for (const std::string& id : ids_.all("person")) {
    if (listed.count(id) || !docs_.count(id)) continue;
    if (schools.count(school_of_doc(docs_[id]))) WX_RETURN_IF_ERROR(mark_left(id));
  }
  return Status::ok();
}

RosterOutcome Import::outcome() const {
  RosterOutcome o;
  std::set<std::string> all = in_roster_;  // a delta's memberships touch people it does not list
  all.insert(left_.begin(), left_.end());
  all.insert(changed_.begin(), changed_.end());
  for (const std::string& id : all) {
    const std::string& type = types_.at(id);
    RosterTally& t = type == "school" ? o.schools : type == "group" ? o.groups : o.persons;
    if (created_.count(id))
      ++t.created;
    else if (left_.count(id))
      ++t.left;
    else if (changed_.count(id))
      ++t.updated;
    else
      ++t.unchanged;
  }
  o.new_people = new_people_;
  o.left_people.assign(left_.begin(), left_.end());
  return o;
}

}  // namespace

json RosterTally::to_json() const {
  return {{"created", created}, {"updated", updated}, {"unchanged", unchanged}, {"left", left}};
}

size_t RosterOutcome::changes() const {
  size_t n = 0;
  for (const RosterTally* t : {&schools, &groups, &persons}) n += t->created + t->updated + t->left;
  return n;
}

json RosterOutcome::to_json() const {
  return {{"changes", changes()},
          {"schools", schools.to_json()},
          {"groups", groups.to_json()},
          {"persons", persons.to_json()}};
}

Result<RosterOutcome> apply_roster(DossierStore& dossiers, const school::Roster& roster,
                                   const std::string& today, uint64_t now_ms,
                                   const std::function<Status(const RosterOutcome&)>& before_commit,
                                   const std::string& only_school) {
  Import import(dossiers, roster, today, now_ms, only_school);
  WX_RETURN_IF_ERROR(dossiers.together([&]() -> Status {
    WX_RETURN_IF_ERROR(import.run());
    return before_commit ? before_commit(import.outcome()) : Status::ok();
  }));
  return import.outcome();
}

}  // namespace werkex::server
