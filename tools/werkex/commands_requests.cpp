// Placement requests (werkex/placement_request.hpp) as commands: the pupil asks
// (ask-placement), the counsellor lists and answers (placement-requests, placement-accept,
// placement-decline).
#include "cli.hpp"
#include "werkex/placement_request.hpp"

namespace werkex::cli {

namespace {

Outcome cmd_ask(Context& ctx, const Args& args) {
  PlacementAsk a;
  a.company = args.operands()[0];
  a.kind = args.value("kind");
  a.preferred_start = args.value("from");
  a.preferred_end = args.value("to");
  a.motivation = args.value("motivation");
  WX_ASSIGN_OR_RETURN(std::string id, ask_placement(*ctx.replica, a));
  print_line(ctx, id);
  return Outcome();
}

Outcome cmd_requests(Context& ctx, const Args& args) {
  WX_ASSIGN_OR_RETURN(auto list, placement_requests(*ctx.replica, !args.has("all")));
  print_json(ctx, json(list));
  return Outcome();
}

Outcome cmd_accept(Context& ctx, const Args& args) {
  PlacementAnswer a;
  a.start_date = args.value("start");
  a.end_date = args.value("end");
  a.kind = args.value("kind");
  a.supervisor = args.value("supervisor");
  a.answer = args.value("answer");
  WX_ASSIGN_OR_RETURN(std::string placement,
                      accept_placement_request(*ctx.replica, args.operands()[0], a));
  print_line(ctx, placement);
  return Outcome();
}

Outcome cmd_decline(Context& ctx, const Args& args) {
  WX_RETURN_IF_ERROR(
      decline_placement_request(*ctx.replica, args.operands()[0], args.value("answer")));
  print_line(ctx, args.operands()[0]);
  return Outcome();
}

}  // namespace

std::vector<Command> request_commands() {
  auto needed = [](std::string_view name) { return OptionSpec{name, true, false, true}; };
  return {
      {"ask-placement",
       "COMPANY-ID [--kind K] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--motivation X]",
       "Ask the counsellor for a placement at a company of the network (pupils); prints the\n"
       "      request's id.",
       {{"kind"}, {"from"}, {"to"}, {"motivation"}},
       1,
       1,
       true,
       cmd_ask},
      {"placement-requests",
       "[--all]",
       "Print the placement requests not answered yet (--all: answered ones too) as JSON.",
       {{"all", false}},
       0,
       0,
       true,
       cmd_requests},
      {"placement-accept",
       "REQUEST-ID --start YYYY-MM-DD --end YYYY-MM-DD [--kind K] [--supervisor ID] [--answer X]",
       "Accept a placement request (counsellor): makes the placement and prints its id.",
       {needed("start"), needed("end"), {"kind"}, {"supervisor"}, {"answer"}},
       1,
       1,
       true,
       cmd_accept},
      {"placement-decline",
       "REQUEST-ID [--answer X]",
       "Decline a placement request (counsellor), with words for the pupil.",
       {{"answer"}},
       1,
       1,
       true,
       cmd_decline},
  };
}

}  // namespace werkex::cli
