// The trash (werkex/trash.hpp) as commands: trash lists what can be restored, restore ID
// (one operand; 'restore ID FIELD' restores a lost value, commands_entities.cpp) brings an
// entry back.
#include "cli.hpp"
#include "werkex/trash.hpp"

namespace werkex::cli {

namespace {

Outcome cmd_trash(Context& ctx, const Args&) {
  WX_ASSIGN_OR_RETURN(auto entries, trash(*ctx.replica));
  print_json(ctx, trash_json(entries));
  return Outcome();
}

}  // namespace

Outcome restore_from_trash(Context& ctx, const std::string& id) {
  WX_RETURN_IF_ERROR(restore(*ctx.replica, id));
  WX_ASSIGN_OR_RETURN(json doc, ctx.replica->get(id));
  print_json(ctx, {{"restored", doc}});
  return Outcome();
}

std::vector<Command> trash_commands() {
  return {
      {"trash",
       "",
       "Print the deleted entries this device may restore (30 days after the delete) as a\n"
       "      JSON array of {id, type, bucket, deleted_at, restorable_until, summary}, newest "
       "first.",
       {},
       0,
       0,
       true,
       cmd_trash},
  };
}

}  // namespace werkex::cli
