// The gaps in one pupil's dossier (werkex/todo.hpp): what the pupil has still to do, in the
// pupil's words ("je") or, for their mentor, in the third person.
#include <map>

#include "todo_detail.hpp"
#include "werkex/signoff.hpp"

namespace werkex::todo_detail {

namespace {

constexpr int64_t kPrepareWithinDays = 7;  // an activity this close needs its preparation
constexpr int64_t kReflectAfterDays = 14;  // an experience this old needs its reflection

// One pupil's dossier as the gap finders read it, and the list they add to.
struct Gaps {
  const Scope& s;
  std::string pupil, bucket, name;
  View view;
  std::vector<TodoItem>& out;

  // The text in the pupil's words ("je") or in the third person for staff.
  std::string say(const std::string& to_pupil, const std::string& to_staff) const {
    return view == View::pupil ? to_pupil : to_staff;
  }
  void add(const char* kind, const std::string& entity, std::string due, std::string text) {
    out.push_back({kind, entity, pupil, std::move(due), std::move(text)});
  }
  Result<std::vector<json>> all(const char* type) const {
    Query q;
    q.type = type;
    q.bucket = bucket;
    return s.replica.list(q);
  }
  Result<bool> any(const char* type, const char* field, const std::string& id) const {
    WX_ASSIGN_OR_RETURN(size_t n, s.replica.count(Query::where(type, bucket, field, id)));
    return n > 0;
  }
};

std::string title_of(const json& activity) {
  std::string t = str(activity, "title");
  return "'" + (t.empty() ? str(activity, "kind") : t) + "'";
}

// Who assigned an activity, as the pupil says it: "Je decaan" when the assigner is known to
// be the counsellor, else "Je mentor" (a pupil's phone may not hold the mentor's person).
std::string assigner(const Gaps& d, const json& activity) {
  const std::string by = str(activity, "assigned_by");
  if (by.empty()) return "Je mentor";
  auto person = d.s.replica.get(by);
  return person && str(*person, "role") == "counsellor" ? "Je decaan" : "Je mentor";
}

Status activity_gaps(Gaps& d) {
  WX_ASSIGN_OR_RETURN(auto activities, d.all("activity"));
  for (const json& a : activities) {
    const std::string id = str(a, "id"), planned = str(a, "planned_date");
    WX_ASSIGN_OR_RETURN(bool prepared, d.any("preparation", "activity", id));
    // Once experiences are recorded the activity has happened: preparing it is past.
    WX_ASSIGN_OR_RETURN(bool happened, d.any("experience", "activity", id));
    if (prepared || happened) continue;
    const std::string t = title_of(a);
    if (a.value("chosen_by_pupil", true) == false) {
      d.add("prepare_assigned", id, planned,
            d.say(assigner(d, a) + " heeft een activiteit voor je gepland: " + t +
                      (planned.empty() ? "" : " op " + planned) + ". Bereid je voor.",
                  d.name + " heeft de toegewezen activiteit " + t + " nog niet voorbereid."));
      continue;
    }
    int64_t day = day_of(planned);
    if (day < d.s.today_day || day > d.s.today_day + kPrepareWithinDays) continue;
    d.add("prepare_activity", id, planned,
          d.say("Bereid " + t + " voor: het staat gepland op " + planned + ".",
                d.name + " heeft " + t + " op " + planned + " gepland en nog niet voorbereid."));
  }
  return Status::ok();
}

Status experience_gaps(Gaps& d) {
  WX_ASSIGN_OR_RETURN(auto experiences, d.all("experience"));
  for (const json& e : experiences) {
    const std::string id = str(e, "id"), when = str(e, "occurred_at").substr(0, 10);
    int64_t day = day_of(when);
    if (day < 0 || d.s.today_day - day < kReflectAfterDays) continue;
    WX_ASSIGN_OR_RETURN(bool reflected, d.any("reflection", "experiences", id));
    if (reflected) continue;
    d.add("reflect_experience", id, date_of_day(day + kReflectAfterDays),
          d.say("Reflecteer op je ervaring van " + when + ": dat is al twee weken geleden.",
                d.name + " heeft nog niet gereflecteerd op de ervaring van " + when + "."));
  }
  return Status::ok();
}

Status reflection_gaps(Gaps& d) {
  WX_ASSIGN_OR_RETURN(auto reflections, d.all("reflection"));
  for (const json& r : reflections) {
    const std::string id = str(r, "id"), held = str(r, "held_on");
    WX_ASSIGN_OR_RETURN(bool stepped, d.any("next_step", "reflection", id));
    if (stepped) continue;
    const std::string which = held.empty() ? "" : " van " + held;
    d.add("choose_next_step", id, "",
          d.say("Kies een vervolgstap na je reflectie" + which + ".",
                d.name + " heeft na de reflectie" + which + " nog geen vervolgstap gekozen."));
  }
  return Status::ok();
}

Status comment_gaps(Gaps& d) {
  WX_ASSIGN_OR_RETURN(auto comments, d.all("comment"));
  // Who replied under each comment: the pupil, someone else, or both.
  std::map<std::string, std::pair<bool, bool>> replied;
  for (const json& c : comments) {
    const std::string author = str(c, "author");
    if (author.empty()) continue;
    auto& r = replied[str(c, "on")];
    (author == d.pupil ? r.first : r.second) = true;
  }
  for (const json& c : comments) {
    const std::string id = str(c, "id"), author = str(c, "author");
    if (author.empty()) continue;
    const auto& r = replied[id];
    const std::string quote = "'" + excerpt(str(c, "body")) + "'";
    if (author != d.pupil && !r.first) {
      // A pupil's phone holds only some staff (their supervisors): a mentor may be nameless.
      const std::string who = name_of(d.s.replica, author);
      d.add("answer_comment", id, "",
            d.say((who.empty() ? "Nieuwe opmerking: " : who + " schreef ") + quote +
                      ". Geef antwoord.",
                  d.name + " heeft nog niet geantwoord op " +
                      (who.empty() ? std::string() : who + ": ") + quote + "."));
    } else if (author == d.pupil && !r.second && d.view == View::staff) {
      d.add("answer_pupil_comment", id, "", d.name + " schreef " + quote + ". Geef antwoord.");
    }
  }
  return Status::ok();
}

Status signoff_gaps(Gaps& d) {
  WX_ASSIGN_OR_RETURN(auto signoffs, d.all("signoff"));
  WX_ASSIGN_OR_RETURN(auto current, signed_now(d.s.replica, d.bucket));
  for (const json& so : signoffs) {
    const std::string id = str(so, "id"), date = str(so, "statement_date");
    WX_ASSIGN_OR_RETURN(SignoffStatus st, signoff_status(d.s.replica, id));
    if (st.state == SignoffState::pending) {
      d.add(
          "signoff_pending", id, "",
          d.say("Je aftekening van " + date + " wacht nog op controle: synchroniseer je telefoon.",
                "De aftekening van " + date + " van " + d.name + " wacht op controle."));
      continue;
    }
    if (st.state != SignoffState::stale) continue;
    // Signed again since (a newer sign-off covers every entry): nothing left to do.
    bool resigned = true;
    for (const json& c : so.value("covers", json::array()))
      if (c.is_string() && !current.count(c.get<std::string>())) resigned = false;
    if (resigned) continue;
    d.add("signoff_stale", id, "",
          d.say("Je aftekening van " + date +
                    " geldt niet meer: je hebt het werk daarna "
                    "aangepast. Vraag opnieuw om een handtekening.",
                "De aftekening van " + date + " van " + d.name +
                    " geldt niet meer: het werk is daarna aangepast."));
  }
  return Status::ok();
}

}  // namespace

Status pupil_gaps(const Scope& s, const std::string& pupil, const std::string& name, View view,
                  std::vector<TodoItem>& out) {
  Gaps d{s, pupil, "pupil:" + pupil, name.empty() ? "De leerling" : name, view, out};
  WX_RETURN_IF_ERROR(activity_gaps(d));
  WX_RETURN_IF_ERROR(experience_gaps(d));
  WX_RETURN_IF_ERROR(reflection_gaps(d));
  WX_RETURN_IF_ERROR(comment_gaps(d));
  return signoff_gaps(d);
}

Status refused_items(const Scope& s, const std::string& pupil, std::vector<TodoItem>& out) {
  WX_ASSIGN_OR_RETURN(auto refused, refused_signoffs(s.replica));
  for (const std::string& id : refused) {
    WX_ASSIGN_OR_RETURN(SignoffStatus st, signoff_status(s.replica, id));
    out.push_back({"signoff_refused", id, pupil, "",
                   "Je aftekening is geweigerd (" + st.reason +
                       "). Vraag je praktijkbegeleider opnieuw, of haal haar weg."});
  }
  return Status::ok();
}

}  // namespace werkex::todo_detail
