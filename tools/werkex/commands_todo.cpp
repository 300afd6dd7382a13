// The to-do list (werkex/todo.hpp) as a command: what an app shows and schedules local
// notifications from, computed from this replica alone.
#include "cli.hpp"
#include "werkex/todo.hpp"

namespace werkex::cli {

namespace {

Outcome cmd_todo(Context& ctx, const Args& args) {
  TodoOptions o;
  o.today = args.value("today");
  o.person = args.value("person");
  WX_ASSIGN_OR_RETURN(auto items, todo_list(*ctx.replica, o));
  print_json(ctx, todo_json(items));
  return Outcome();
}

}  // namespace

std::vector<Command> todo_commands() {
  return {
      {"todo",
       "[--today YYYY-MM-DD] [--person ID]",
       "Print this person's to-do list as a JSON array of {kind, entity, pupil, due, text}\n"
       "      (default: this device's person, today from its clock).",
       {{"today"}, {"person"}},
       0,
       0,
       true,
       cmd_todo},
  };
}

}  // namespace werkex::cli
