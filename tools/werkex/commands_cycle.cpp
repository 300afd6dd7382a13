// The dossier cycle as verbs (werkex::Dossier): activity, prepare, experience, reflect,
// next-step, contact, comment, reply, and cycle to see where activities stand.
#include <algorithm>

#include "cli.hpp"
#include "werkex/dossier.hpp"
#include "werkex/people.hpp"

namespace werkex::cli {

namespace {

Outcome print_id(Context& ctx, const Result<std::string>& id) {
  if (!id) return id.error();
  print_line(ctx, *id);
  return Outcome();
}

Outcome cmd_activity(Context& ctx, const Args& args) {
  ActivityPlan p;
  p.kind = args.value("kind");
  p.title = args.value("title");
  p.builds_on = args.value("builds-on");
  p.expected_yield = args.value("expected-yield");
  p.use_of_yield = args.value("use-of-yield");
  p.from_next_step = args.value("from-next-step");
  p.chosen_by_pupil = !args.has("assigned");
  WX_ASSIGN_OR_RETURN(p.extra, read_extra_fields(args));
  // Staff plan in a pupil's dossier: named, not given as a bucket.
  if (args.has("pupil")) {
    if (p.extra.contains("bucket"))
      return Outcome::usage("activity: give --pupil or a bucket in --json, not both");
    WX_ASSIGN_OR_RETURN(std::string bucket, pupil_bucket(*ctx.replica, args.value("pupil")));
    p.extra["bucket"] = bucket;
  }
  return print_id(ctx, Dossier(*ctx.replica).plan_activity(p));
}

Outcome cmd_prepare(Context& ctx, const Args& args) {
  PreparationDraft d;
  d.activity = args.value("activity");
  d.known_about_self = args.value("known-about-self");
  d.known_about_work = args.value("known-about-work");
  d.want_to_find_out = args.value("want-to-find-out");
  d.learning_goals = args.value("learning-goals");
  d.learning_verbs = args.values("verb");
  WX_ASSIGN_OR_RETURN(d.extra, read_extra_fields(args));
  return print_id(ctx, Dossier(*ctx.replica).prepare(d));
}

Outcome cmd_experience(Context& ctx, const Args& args) {
  ExperienceDraft d;
  d.activity = args.value("activity");
  d.occurred_at = args.value("at");
  d.note = args.value("note");
  d.emotion = args.value("emotion");
  d.photos = args.values("photo");
  WX_ASSIGN_OR_RETURN(d.extra, read_extra_fields(args));
  return print_id(ctx, Dossier(*ctx.replica).record_experience(d));
}

Outcome cmd_link(Context& ctx, const Args& args) {
  warn_if_signed(ctx, args.operands()[0]);
  WX_RETURN_IF_ERROR(
      Dossier(*ctx.replica).link_experience(args.operands()[0], args.value("activity")));
  return print_id(ctx, Result<std::string>(args.operands()[0]));
}

Outcome cmd_reflect(Context& ctx, const Args& args) {
  ReflectionDraft d;
  d.experiences = args.values("experience");
  d.with_whom = args.values("with");
  d.qualities = args.values("quality");
  d.motives = args.values("motive");
  d.red_thread = args.value("red-thread");
  d.conversation_rules = args.values("rule");
  WX_ASSIGN_OR_RETURN(d.extra, read_extra_fields(args));
  return print_id(ctx, Dossier(*ctx.replica).reflect(d));
}

Outcome cmd_next_step(Context& ctx, const Args& args) {
  NextStepDraft d;
  d.reflection = args.value("reflection");
  d.description = args.value("description");
  d.action = args.value("action");
  d.direction = args.values("direction");
  WX_ASSIGN_OR_RETURN(d.extra, read_extra_fields(args));
  return print_id(ctx, Dossier(*ctx.replica).choose_next_step(d));
}

Outcome cmd_contact(Context& ctx, const Args& args) {
  WX_ASSIGN_OR_RETURN(json extra, read_extra_fields(args));
  return print_id(ctx, Dossier(*ctx.replica).add_contact(args.value("name"), extra));
}

Outcome cmd_comment(Context& ctx, const Args& args) {
  return print_id(ctx, Dossier(*ctx.replica).comment(args.value("on"), args.value("body")));
}

// A reply is a comment on a comment; naming something else is a slip worth saying so.
Outcome cmd_reply(Context& ctx, const Args& args) {
  const std::string& on = args.operands()[0];
  auto target = ctx.replica->get(on);
  if (!target && target.error().code == WX_NOT_FOUND)
    return make_error(WX_INVALID_ARGUMENT, "reply: no comment " + on + " on this replica");
  if (!target) return target.error();
  if (target->value("type", "") != "comment")
    return make_error(WX_INVALID_ARGUMENT,
                      "reply: " + on + " is not a comment (use 'comment --on' for an entry)");
  return print_id(ctx, Dossier(*ctx.replica).comment(on, args.operands()[1]));
}

Outcome cmd_cycle(Context& ctx, const Args& args) {
  Dossier dossier(*ctx.replica);
  if (!args.operands().empty()) {
    WX_ASSIGN_OR_RETURN(CyclePhase phase, dossier.cycle(args.operands()[0]));
    print_json(ctx, phase.to_json());
    return Outcome();
  }
  std::string bucket;
  CLI_RETURN_IF_ERROR(dossier_option(ctx, args, bucket));
  WX_ASSIGN_OR_RETURN(auto phases, dossier.cycles(bucket));
  json out = json::array();
  for (const CyclePhase& p : phases) out.push_back(p.to_json());
  print_json(ctx, out);
  return Outcome();
}

}  // namespace

std::vector<Command> cycle_commands() {
  const OptionSpec extra{"json"};
  auto many = [](std::string_view name, bool required = false) {
    return OptionSpec{name, true, true, required};
  };
  auto needed = [](std::string_view name) { return OptionSpec{name, true, false, true}; };
  return {
      {"activity",
       "--kind K [--title T] [--builds-on X] [--expected-yield X] [--use-of-yield X]\n"
       "           [--from-next-step ID] [--assigned] [--pupil NAME-OR-ID] [--json EXTRA]",
       "Plan an activity with its why; --from-next-step links the next step that led to it.",
       {needed("kind"),
        {"title"},
        {"builds-on"},
        {"expected-yield"},
        {"use-of-yield"},
        {"from-next-step"},
        {"assigned", false},
        {"pupil"},
        extra},
       0,
       0,
       true,
       cmd_activity},
      {"prepare",
       "--activity ID [--known-about-self X] [--known-about-work X] [--want-to-find-out X]\n"
       "           [--learning-goals X] [--verb V]... [--json EXTRA]",
       "Record the preparation of an activity (verbs: leren, oefenen, uitproberen, laten_zien).",
       {needed("activity"),
        {"known-about-self"},
        {"known-about-work"},
        {"want-to-find-out"},
        {"learning-goals"},
        many("verb"),
        extra},
       0,
       0,
       true,
       cmd_prepare},
      {"experience",
       "[--activity ID] [--at RFC3339] [--note X] [--emotion E] [--photo SHA256]... [--json "
       "EXTRA]",
       "Record an experience, in an activity or unplanned (link it later with 'link'; --at\n"
       "      defaults to now).",
       {{"activity"}, {"at"}, {"note"}, {"emotion"}, many("photo"), extra},
       0,
       0,
       true,
       cmd_experience},
      {"link",
       "EXPERIENCE-ID --activity ID",
       "Take an experience (one that happened unplanned) into an activity of the same dossier.",
       {needed("activity")},
       1,
       1,
       true,
       cmd_link},
      {"reflect",
       "--experience ID... [--with W]... [--quality Q]... [--motive M]... [--red-thread X]\n"
       "           [--rule R]... [--json EXTRA]",
       "Record a reflection on one or more experiences.",
       {many("experience", true),
        many("with"),
        many("quality"),
        many("motive"),
        {"red-thread"},
        many("rule"),
        extra},
       0,
       0,
       true,
       cmd_reflect},
      {"next-step",
       "--reflection ID --description X [--action A] [--direction D]... [--json EXTRA]",
       "Choose the next step that follows from a reflection.",
       {needed("reflection"), needed("description"), {"action"}, many("direction"), extra},
       0,
       0,
       true,
       cmd_next_step},
      {"contact",
       "--name N [--json EXTRA]",
       "Add a network contact.",
       {needed("name"), extra},
       0,
       0,
       true,
       cmd_contact},
      {"comment",
       "--on ID --body X",
       "Comment on a dossier entry, in the entry's dossier (staff; pupils on their own).",
       {needed("on"), needed("body")},
       0,
       0,
       true,
       cmd_comment},
      {"reply",
       "COMMENT-ID TEXT",
       "Answer a comment: the reply threads under it (pupils on their own dossier).",
       {},
       2,
       2,
       true,
       cmd_reply},
      {"cycle",
       "[ID] [--pupil NAME-OR-ID | --bucket B]",
       "Print the cycle phases of one activity, or of every activity in a dossier (default:\n"
       "      this replica's own; staff name the pupil) and its unplanned experiences as a JSON\n"
       "      array with the activity's title and the pupil's name; 'signoff' is the best\n"
       "      sign-off status (valid, pending, stale, refused, invalid, revoked).",
       {{"bucket"}, {"pupil"}},
       0,
       1,
       true,
       cmd_cycle},
  };
}

}  // namespace werkex::cli
