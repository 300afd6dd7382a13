// The to-do lists of staff (werkex/todo.hpp): a mentor's (the gaps of the pupils in their
// groups) and a supervisor's (the placement work waiting for her signature).
#include <set>

#include "todo_detail.hpp"

namespace werkex::todo_detail {

namespace {

// The active pupils of the groups `teacher` mentors, as this replica holds the roster.
Result<std::set<std::string>> pupils_of(const EntityReader& replica, const std::string& teacher) {
  WX_ASSIGN_OR_RETURN(auto groups, replica.list(Query::where("group", "", "mentors", teacher)));
  std::set<std::string> out;
  for (const json& g : groups) {
    WX_ASSIGN_OR_RETURN(auto people,
                        replica.list(Query::where("person", "", "groups", str(g, "id"))));
    for (const json& p : people)
      if (str(p, "role") == "pupil" && str(p, "status") != "left") out.insert(str(p, "id"));
  }
  return out;
}

// The experiences of one placement's activities that no valid or pending sign-off covers.
Status unsigned_work(const Scope& s, const json& placement, std::vector<TodoItem>& out) {
  const std::string pupil = str(placement, "pupil"), bucket = "pupil:" + pupil;
  WX_ASSIGN_OR_RETURN(auto activities, s.replica.list(Query::where("activity", bucket, "placement",
                                                                   str(placement, "id"))));
  if (activities.empty()) return Status::ok();
  WX_ASSIGN_OR_RETURN(auto current, signed_now(s.replica, bucket));
  std::string name = name_of(s.replica, pupil);
  if (name.empty()) name = "de leerling";
  for (const json& a : activities) {
    WX_ASSIGN_OR_RETURN(auto experiences, s.replica.list(Query::where("experience", bucket,
                                                                      "activity", str(a, "id"))));
    for (const json& e : experiences) {
      const std::string id = str(e, "id");
      if (current.count(id)) continue;
      const std::string note = str(e, "note");
      out.push_back({"signoff_waiting", id, pupil, str(placement, "end_date"),
                     "Teken het werk van " + name + " van " + str(e, "occurred_at").substr(0, 10) +
                         " af" + (note.empty() ? std::string() : ": '" + excerpt(note) + "'") +
                         "."});
    }
  }
  return Status::ok();
}

}  // namespace

Status mentor_items(const Scope& s, const std::string& teacher, std::vector<TodoItem>& out) {
  WX_ASSIGN_OR_RETURN(auto pupils, pupils_of(s.replica, teacher));
  for (const std::string& pupil : pupils) {
    WX_RETURN_IF_ERROR(pupil_gaps(s, pupil, name_of(s.replica, pupil), View::staff, out));
  }
  return Status::ok();
}

Status supervisor_items(const Scope& s, const std::string& supervisor, std::vector<TodoItem>& out) {
  WX_ASSIGN_OR_RETURN(auto placements,
                      s.replica.list(Query::where("placement", "", "supervisor", supervisor)));
  for (const json& p : placements) {
    int64_t start = day_of(str(p, "start_date"));
    if (start < 0 || start > s.today_day) continue;  // not begun: nothing to sign yet
    WX_RETURN_IF_ERROR(unsigned_work(s, p, out));
  }
  return Status::ok();
}

}  // namespace werkex::todo_detail
