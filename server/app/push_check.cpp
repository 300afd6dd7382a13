#include "push_check.hpp"

#include <map>

#include "werkex/ids.hpp"
#include "werkex/trash.hpp"

namespace werkex::server {

namespace {

using FieldKey = std::pair<std::string, std::string>;  // field, element key ("" for registers)
using HeldFields = std::map<FieldKey, FieldState>;

FieldKey key_of(const Change& c) {
  return {c.field, c.state.rule == MergeRule::set ? element_key(c.element) : std::string()};
}

bool is_staff(const std::string& role) {
  return role == "teacher" || role == "supervisor" || role == "counsellor";
}

// The writes (stamps) in `pushed` that `held` has not seen.
std::vector<Stamp> new_writes(const FieldState& pushed, const FieldState* held) {
  std::vector<Stamp> out;
  auto unseen = [&](Stamp s) { return !held || !has_seen(*held, s); };
  switch (pushed.rule) {
    case MergeRule::lww:  // the context holds every write the state has seen, siblings too
      for (const Stamp& s : pushed.context)
        if (unseen(s)) out.push_back(s);
      break;
    case MergeRule::once:
      if (!pushed.stamp.is_zero() && unseen(pushed.stamp)) out.push_back(pushed.stamp);
      break;
    case MergeRule::set:
      for (const Stamp& s : pushed.adds)
        if (unseen(s)) out.push_back(s);
      break;
  }
  return out;
}

class Judge {
 public:
  Judge(const DossierStore& dossiers, AuthStore& auth, const Access& access)
      : dossiers_(dossiers), auth_(auth), access_(access) {}

  Result<PushVerdict> run(const std::vector<Change>& push) {
    PushVerdict v;
    for (const Change& c : push) {
      WX_ASSIGN_OR_RETURN(const HeldFields* held_fields, held(c.entity));
      auto it = held_fields->find(key_of(c));
      const FieldState* state = it == held_fields->end() ? nullptr : &it->second;
      if (state && may_read(c) && merge(*state, c.state) == *state) {
        v.held.push_back(c);
        continue;
      }
      WX_ASSIGN_OR_RETURN(Status verdict, judge(c, state, push, *held_fields));
      if (!verdict) {
        v.rejected.push_back({c.entity, c.field, verdict.error()});
        continue;
      }
      if (c.type == "comment" && held_fields->empty() && !pushed_value(push, c.entity, "author"))
        v.new_comments_without_author.insert(c.entity);
      v.accepted.push_back(c);
    }
    return v;
  }

 private:
  // Result<Status>: the outer error is the server's own failure, the inner the verdict.
  Result<Status> judge(const Change& c, const FieldState* held, const std::vector<Change>& push,
                       const HeldFields& held_fields) {
    if (Status s = authorize(access_, dossiers_.schema(), c); !s) return s;
    for (const Stamp& w : new_writes(c.state, held)) {
      WX_ASSIGN_OR_RETURN(std::string writer, person_of(w.replica));
      if (writer != access_.person)
        return refuse(WX_PERMISSION_DENIED,
                      "it carries a write by replica " + replica_to_hex(w.replica) +
                          ", which is not one of this person's devices; the server takes it "
                          "from its author");
    }
    if (c.state.rule == MergeRule::once && held && !held->stamp.is_zero() &&
        held->stamp != c.state.stamp)
      return refuse(WX_CONFLICT, "field '" + c.field +
                                     "' is written once and the server "
                                     "already holds its first write");
    if (Status s = within_view(c, push, held_fields); !s) return s;
    if (Status s = within_consent(c, push, held_fields); !s) return s;
    if (c.type == "comment") {
      WX_ASSIGN_OR_RETURN(Status s, judge_comment(c, push, held_fields));
      if (!s) return s;
    }
    if (c.field == "held_by" && c.state.rule == MergeRule::lww && !c.state.value.is_null() &&
        c.state.value != access_.person && (!held || merge(*held, c.state).value != held->value))
      return refuse(WX_PERMISSION_DENIED,
                    "held_by names who held the conversation: only that person records it");
    if (Status s = within_trash_days(c, held); !s) return s;
    if (held && c.state.rule == MergeRule::lww) return protect_staff_value(c, *held);
    return Status::ok();
  }

  // A restore (the tombstone written back to false, werkex/trash.hpp) only within the trash's
  // days after the delete, measured between the two writes' stamps; after that the delete
  // stays, whatever a device's clock says (a stamp far ahead is refused as clock skew).
  static Status within_trash_days(const Change& c, const FieldState* held) {
    if (c.field != "deleted" || !held || held->value != true) return Status::ok();
    if (merge(*held, c.state).value != false) return Status::ok();
    if (c.state.stamp.hlc.millis() <= held->stamp.hlc.millis() + kTrashMillis) return Status::ok();
    return refuse(WX_CONFLICT, "it was deleted more than " + std::to_string(kTrashDays) +
                                   " days before; it can no longer be restored");
  }

  // Who reads a filtered view of a dossier (a supervisor: pupil_view.hpp) writes only within
  // it: no change to an entry outside it, a new comment only on an entry in it, a sign-off
  // covering only entries in it (else it would be hers and yet not shown to her, and her
  // write would tell her what exists).
  Status within_view(const Change& c, const std::vector<Change>& push,
                     const HeldFields& held_fields) const {
    if (!access_.pupil_views.count(c.bucket)) return Status::ok();
    auto seen = [&](const json* id) {
      return id && id->is_string() && access_.sees(c.bucket, id->get<std::string>());
    };
    const Status outside =
        refuse(WX_PERMISSION_DENIED, "that entry is not part of this supervisor's placement");
    if (c.type == "reflection") return reflection_in_view(c, push, held_fields, outside);
    if (!held_fields.empty()) return access_.sees(c.bucket, c.entity) ? Status::ok() : outside;
    if (c.type == "comment" && !seen(pushed_value(push, c.entity, "on"))) return outside;
    if (c.type == "signoff" && c.field == "covers" && !seen(&c.element)) return outside;
    return Status::ok();
  }

  // The schema's only_with rule (a contact's phone and e-mail only with consent), checked on
  // what the entity would hold after this push, as the library checks it on the device: a
  // modified app cannot store a number without consent, nor withdraw consent and keep it.
  Status within_consent(const Change& c, const std::vector<Change>& push,
                        const HeldFields& held_fields) const {
    const TypeSpec* t = dossiers_.schema().type(c.type);
    if (!t) return Status::ok();
    auto after = [&](const std::string& field) {
      auto it = held_fields.find({field, ""});
      json value = it == held_fields.end() ? json() : it->second.value;
      for (const Change& p : push)
        if (p.entity == c.entity && p.field == field)
          value = it == held_fields.end() ? p.state.value : merge(it->second, p.state).value;
      return value;
    };
    auto has_value = [](const json& v) {
      return !v.is_null() && !(v.is_string() && v.get_ref<const std::string&>().empty());
    };
    for (const auto& [name, f] : t->fields) {
      if (f.only_with.empty() || (c.field != name && c.field != f.only_with)) continue;
      if (has_value(after(name)) && after(f.only_with) != true)
        return refuse(WX_INVALID_ARGUMENT,
                      "field '" + name + "' is stored only while '" + f.only_with + "' is true");
    }
    return Status::ok();
  }

  // A reflection she records with the pupil (issue 13): on experiences in her view only, and
  // she changes only the reflections she held herself, not the pupil's own or a mentor's.
  Status reflection_in_view(const Change& c, const std::vector<Change>& push,
                            const HeldFields& held_fields, const Status& outside) const {
    if (c.field == "experiences" &&
        !access_.sees(c.bucket,
                      c.element.is_string() ? c.element.get<std::string>() : std::string()))
      return outside;
    if (!held_fields.empty()) {
      auto by = held_fields.find({"held_by", ""});
      const bool hers = by != held_fields.end() && by->second.value == access_.person;
      return access_.sees(c.bucket, c.entity) && hers ? Status::ok() : outside;
    }
    // New: it must be on at least one of her experiences, or she would write what she
    // never sees.
    for (const Change& p : push)
      if (p.entity == c.entity && p.field == "experiences" && p.element.is_string() &&
          access_.sees(c.bucket, p.element.get<std::string>()))
        return Status::ok();
    return outside;
  }

  Result<Status> judge_comment(const Change& c, const std::vector<Change>& push,
                               const HeldFields& held_fields) {
    if (c.field == "author") {
      if (c.state.value != access_.person)
        return refuse(WX_PERMISSION_DENIED, "a comment's author is the person who writes it");
      return Status::ok();
    }
    if (access_.role == "counsellor" && c.field == "deleted") return Status::ok();  // moderation
    const json* author = pushed_value(push, c.entity, "author");
    auto it = held_fields.find({"author", ""});
    if (it != held_fields.end()) author = &it->second.value;
    if (author && *author != access_.person)
      return refuse(WX_PERMISSION_DENIED, "only the author of a comment changes it");
    if (!author && !held_fields.empty())
      return refuse(WX_PERMISSION_DENIED, "this comment has no author, so nobody may change it");
    return Status::ok();
  }

  // A value a staff member wrote into a field stays the field's value until they (or a
  // counsellor) change it; a concurrent lower write still merges in, as a lost write.
  Result<Status> protect_staff_value(const Change& c, const FieldState& held) {
    if (held.stamp.is_zero() || access_.role == "counsellor") return Status::ok();
    if (merge(held, c.state).stamp == held.stamp) return Status::ok();
    WX_ASSIGN_OR_RETURN(std::string writer, person_of(held.stamp.replica));
    if (writer.empty() || writer == access_.person) return Status::ok();
    WX_ASSIGN_OR_RETURN(std::string role, role_of(writer));
    if (!is_staff(role)) return Status::ok();
    return refuse(WX_PERMISSION_DENIED,
                  "field '" + c.field + "' was written by a " + role + "; only they may change it");
  }

  static Status refuse(ErrorCode code, const std::string& why) { return make_error(code, why); }

  static const json* pushed_value(const std::vector<Change>& push, const std::string& entity,
                                  const char* field) {
    for (const Change& c : push)
      if (c.entity == entity && c.field == field) return &c.state.value;
    return nullptr;
  }

  bool may_read(const Change& c) const { return access_.sees(c.bucket, c.entity); }

  Result<const HeldFields*> held(const std::string& entity) {
    auto [it, fresh] = held_.try_emplace(entity);
    if (!fresh) return &it->second;
    auto states = dossiers_.field_states(entity);
    if (!states && states.error().code != WX_NOT_FOUND) return states.error();
    if (states)
      for (Change& c : *states) it->second.emplace(key_of(c), std::move(c.state));
    return &it->second;
  }

  // "admin" for the server's own writes, "" for a replica enrolled for nobody (or several).
  Result<std::string> person_of(uint64_t replica) {
    if (replica == dossiers_.replica_id()) return std::string("admin");
    auto [it, fresh] = persons_.try_emplace(replica);
    if (!fresh) return it->second;
    WX_ASSIGN_OR_RETURN(auto persons, auth_.persons_of_device(replica_to_hex(replica)));
    if (persons.size() == 1) it->second = persons.front();
    return it->second;
  }

  Result<std::string> role_of(const std::string& person) {
    if (person == "admin") return person;
    auto doc = dossiers_.get(person);
    if (doc) return doc->value("role", std::string());
    if (doc.error().code == WX_NOT_FOUND) return std::string();
    return doc.error();
  }

  const DossierStore& dossiers_;
  AuthStore& auth_;
  const Access& access_;
  std::map<std::string, HeldFields> held_;
  std::map<uint64_t, std::string> persons_;
};

}  // namespace

Result<PushVerdict> judge_push(const DossierStore& dossiers, AuthStore& auth, const Access& access,
                               const std::vector<Change>& push) {
  return Judge(dossiers, auth, access).run(push);
}

Status fill_comment_authors(DossierStore& dossiers, const std::set<std::string>& ids,
                            const Access& access) {
  for (const std::string& id : ids) {
    auto doc = dossiers.get(id);
    if (!doc) {
      if (doc.error().code == WX_NOT_FOUND) continue;  // every change of it was refused
      return doc.status();
    }
    if (doc->contains("author") || doc->value("deleted", false)) continue;
    // Written as the pusher (who may write comments, the server's own role may not), under
    // the server's replica id.
    const Identity writer{access.person, access.role, doc->value("bucket", ""),
                          access.school_bucket};
    WX_RETURN_IF_ERROR(dossiers.put_as(writer, {{"id", id}, {"author", access.person}}).status());
  }
  return Status::ok();
}

}  // namespace werkex::server
