// The to-do list of one person, computed on the device from the replicated data alone (no
// server needed): what an app shows as "te doen" and turns into local notifications.
//
// For a pupil, the gaps in their own dossier (kinds are stable ids, texts Dutch):
//   prepare_activity    an activity planned within 7 days of today without a preparation
//   prepare_assigned    an activity assigned by a teacher (chosen_by_pupil false), unprepared:
//                       "Je mentor heeft een activiteit voor je gepland: …"
//   reflect_experience  an experience at least 14 days old that no reflection covers
//   choose_next_step    a reflection without a next step
//   answer_comment      a comment by someone else with no reply by the pupil under it
//   signoff_pending     a PIN sign-off the server has not verified yet
//   signoff_stale       a sign-off made stale by an edit, its entries not signed again since
//   signoff_refused     a sign-off the server refused, still in this device's quarantine
// For a mentor (teacher): the same gaps of every active pupil in the groups they mentor
// (text in the third person; signoff_refused is local to the pupil's phone, so never), and
//   answer_pupil_comment  a pupil's comment with no reply under it by someone else.
// For a supervisor:
//   signoff_waiting     an experience in an activity of her placement (started by today)
//                       that no valid or pending sign-off covers
// Other roles get an empty list.
//
// Invariants: every item names its entity and its pupil (person id); an item disappears as
// soon as the gap is closed (the preparation, reflection, reply or new sign-off exists on
// this replica); the list is sorted (items with a due date first, earliest first, then by
// pupil, kind and entity), so equal replicas give equal lists. Comments without an author
// (written on a replica without the roster, before the server filled it in) count for
// nobody. Dates are UTC calendar dates (YYYY-MM-DD), compared as such.
#pragma once

#include <string>
#include <vector>

#include "werkex/store.hpp"

namespace werkex {

struct TodoItem {
  std::string kind;      // one of the ids above
  std::string entity;    // the entry the item is about (activity, experience, comment, sign-off)
  std::string pupil;     // the pupil's person id
  std::string due;       // YYYY-MM-DD, or "" when nothing is due on a given day
  std::string text;      // Dutch, for the person whose list it is
  json to_json() const;  // {"kind","entity","pupil","due","text"}
};

struct TodoOptions {
  std::string today;   // YYYY-MM-DD; "": the UTC date of the replica's clock
  std::string person;  // whose list; "": the replica's identity (user and role)
  std::string role;    // that person's role; "": the identity's, or the person entity's
  // Whether the list is the store's own user's (a pupil then sees her refused sign-offs,
  // which only her device holds). Set by the Replica overload.
  bool own = false;
};

// The list for `options.person` from what `replica` holds (read only; not const because the
// default today reads its clock). WX_INVALID_ARGUMENT for a
// malformed `today`; other errors are the store's.
Result<std::vector<TodoItem>> todo_list(Replica& replica, const TodoOptions& options = {});
// The list from any store (the server's on either engine), for a person named outright:
// options.today, person and role must be given (WX_INVALID_ARGUMENT otherwise, or for a
// malformed today). Refusals show only with options.own, from the store's quarantine.
Result<std::vector<TodoItem>> todo_list(const EntityReader& store, const TodoOptions& options);
// The items as a JSON array of TodoItem::to_json().
json todo_json(const std::vector<TodoItem>& items);

}  // namespace werkex
