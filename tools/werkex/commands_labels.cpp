// labels [ENUM]: the Dutch and English words of the schema's choices (Schema::enum_labels),
// what an app shows in its pickers; writes accept these labels in place of the ids.
#include "cli.hpp"

namespace werkex::cli {

namespace {

Outcome cmd_labels(Context& ctx, const Args& args) {
  std::string name = args.operands().empty() ? "" : args.operands().front();
  WX_ASSIGN_OR_RETURN(json labels, ctx.replica->schema().enum_labels_of(name));
  print_json(ctx, labels);
  return Outcome();
}

}  // namespace

std::vector<Command> label_commands() {
  return {
      {"labels",
       "[ENUM]",
       "Print the labels of the schema's choices as JSON: for ENUM (emotion, activity_kind,\n"
       "      competency, conversation_rule, ...) {\"<id>\": {\"nl\": ..., \"en\": ...}}, else "
       "every\n"
       "      enum. Conversation rules carry rule_nl and explanation_nl (handvat 15). Anywhere a\n"
       "      choice is written (put, experience --emotion, ...) its Dutch or English label may\n"
       "      stand for the id: 'geërgerd' is stored as geergerd.",
       {},
       0,
       1,
       true,
       cmd_labels},
  };
}

}  // namespace werkex::cli
