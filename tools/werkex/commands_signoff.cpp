// Supervisor sign-off (werkex/signoff_flow.hpp): signing with the device key, the offline QR
// hand-over as payload strings, PIN sign-off on the pupil's phone, status and revocation.
#include <algorithm>
#include <cmath>
#include <iostream>

#include "cli.hpp"
#include "werkex/signoff_count.hpp"
#include "werkex/signoff_edit.hpp"
#include "werkex/signoff_flow.hpp"
#include "werkex/signoff_preview.hpp"

namespace werkex::cli {

namespace {

Outcome parse_statement(const Args& args, Statement& st) {
  st.date = args.value("date");
  st.placement = args.value("placement");
  st.attendance = args.value("attendance");
  st.assessment = args.value("assessment");
  if (args.has("hours")) {
    std::string v = args.value("hours");
    char* end = nullptr;
    double h = std::strtod(v.c_str(), &end);
    if (v.empty() || end != v.c_str() + v.size() || !std::isfinite(h))
      return Outcome::usage("--hours: expected a number, got '" + v + "'");
    st.hours = h;
  }
  return Outcome();
}

const std::vector<OptionSpec> kStatementOptions = {
    {"date"}, {"hours"}, {"attendance"}, {"assessment"}, {"placement"}};

// A payload operand, or "-" to read it from stdin (a QR scanner piping its text).
Result<std::string> payload_arg(const std::string& operand) {
  if (operand != "-") return operand;
  return read_input("-");
}

Outcome cmd_sign(Context& ctx, const Args& args) {
  Statement st;
  CLI_RETURN_IF_ERROR(parse_statement(args, st));
  Signoffs signoffs(*ctx.replica);
  const auto& ops = args.operands();
  if (args.has("preview") && ops.front().rfind(kSignRequestPrefix, 0) != 0)
    return Outcome::usage("sign: --preview shows a werkex-sign:v1: request payload");
  if (ops.front().rfind(kSignRequestPrefix, 0) == 0) {
    if (ops.size() != 1) return Outcome::usage("sign: a sign request payload comes alone");
    // What she signs, shown first: only the preview with --preview, else on stderr.
    WX_ASSIGN_OR_RETURN(json preview, preview_sign_request(*ctx.replica, ops.front(), st));
    if (args.has("preview")) {
      print_json(ctx, preview);
      return Outcome();
    }
    std::cerr << preview_text(preview);
    WX_ASSIGN_OR_RETURN(std::string sig, signoffs.sign_request(ops.front(), st));
    print_line(ctx, sig);
    std::cerr << "werkex: signature payload: " << sig.size() << " bytes\n";
    return Outcome();
  }
  if (st.date.empty()) return Outcome::usage("sign: --date is required when signing entries");
  WX_ASSIGN_OR_RETURN(std::string id, signoffs.sign(ops, st));
  print_line(ctx, id);
  return Outcome();
}

Outcome cmd_sign_request(Context& ctx, const Args& args) {
  Statement st;
  CLI_RETURN_IF_ERROR(parse_statement(args, st));
  WX_ASSIGN_OR_RETURN(std::string payload, Signoffs(*ctx.replica).request(args.operands(), st));
  print_line(ctx, payload);
  std::cerr << "werkex: sign request: " << payload.size() << " bytes\n";
  return Outcome();
}

Outcome cmd_sign_accept(Context& ctx, const Args& args) {
  WX_ASSIGN_OR_RETURN(std::string payload, payload_arg(args.operands().front()));
  WX_ASSIGN_OR_RETURN(std::string id, Signoffs(*ctx.replica).accept(payload));
  print_line(ctx, id);
  return Outcome();
}

Outcome cmd_sign_pin(Context& ctx, const Args& args) {
  Statement st;
  CLI_RETURN_IF_ERROR(parse_statement(args, st));
  WX_ASSIGN_OR_RETURN(std::string id,
                      Signoffs(*ctx.replica).sign_with_pin(args.operands(), st, args.value("pin")));
  print_line(ctx, id);
  return Outcome();
}

Outcome cmd_signoff_status(Context& ctx, const Args& args) {
  auto one = [&](const std::string& id) -> Result<json> {
    WX_ASSIGN_OR_RETURN(SignoffStatus st, signoff_status(*ctx.replica, id));
    json j = st.to_json();
    j["id"] = id;
    return j;
  };
  if (!args.operands().empty()) {
    WX_ASSIGN_OR_RETURN(json j, one(args.operands().front()));
    print_json(ctx, j);
    return Outcome();
  }
  Query q;
  q.type = "signoff";
  WX_ASSIGN_OR_RETURN(auto all, ctx.replica->list(q));
  json out = json::array();
  for (const json& s : all) {
    WX_ASSIGN_OR_RETURN(json j, one(s["id"].get<std::string>()));
    out.push_back(std::move(j));
  }
  WX_ASSIGN_OR_RETURN(auto refused, refused_signoffs(*ctx.replica));
  for (const std::string& id : refused) {
    WX_ASSIGN_OR_RETURN(json j, one(id));
    out.push_back(std::move(j));
  }
  print_json(ctx, out);
  return Outcome();
}

// Every sign-off here with its status and statement, and the hours per placement that
// count (signoff_count.hpp): a day signed twice counts once.
Outcome cmd_signoffs(Context& ctx, const Args&) {
  Query q;
  q.type = "signoff";
  WX_ASSIGN_OR_RETURN(auto all, ctx.replica->list(q));
  json rows = json::array(), hours = json::array();
  std::vector<std::string> placements;
  for (const json& s : all) {
    const std::string id = s["id"].get<std::string>();
    WX_ASSIGN_OR_RETURN(SignoffStatus st, signoff_status(*ctx.replica, id));
    json row = st.to_json();
    row["id"] = id;
    for (const char* k : {"placement", "statement_date", "signer", "hours", "attendance"})
      if (s.contains(k)) row[k] = s[k];
    row["counts"] = counts_for_hours(st.state);
    rows.push_back(std::move(row));
    const std::string p = s.value("placement", "");
    if (std::find(placements.begin(), placements.end(), p) == placements.end())
      placements.push_back(p);
  }
  WX_ASSIGN_OR_RETURN(auto refused, refused_signoffs(*ctx.replica));
  for (const std::string& id : refused) {
    WX_ASSIGN_OR_RETURN(SignoffStatus st, signoff_status(*ctx.replica, id));
    json row = st.to_json();
    row["id"] = id;
    row["counts"] = false;
    rows.push_back(std::move(row));
  }
  for (const std::string& p : placements) {
    WX_ASSIGN_OR_RETURN(double h, placement_hours(*ctx.replica, p));
    hours.push_back({{"placement", p}, {"hours", h}});
  }
  print_json(ctx, {{"signoffs", rows}, {"hours", hours}});
  return Outcome();
}

Outcome cmd_signoff_remove(Context& ctx, const Args& args) {
  return remove_refused_signoff(*ctx.replica, args.operands().front());
}

Outcome cmd_signed_by(Context& ctx, const Args& args) {
  WX_ASSIGN_OR_RETURN(auto by, signed_by(*ctx.replica, args.operands().front()));
  json out = json::array();
  for (const SignedBy& b : by) out.push_back(b.to_json());
  print_json(ctx, out);
  return Outcome();
}

Outcome cmd_signoff_revoke(Context& ctx, const Args& args) {
  return Signoffs(*ctx.replica).revoke(args.operands().front(), args.value("reason"));
}

std::vector<OptionSpec> with(std::vector<OptionSpec> extra) {
  std::vector<OptionSpec> all = kStatementOptions;
  all.insert(all.end(), extra.begin(), extra.end());
  return all;
}

constexpr size_t kManyOperands = 1000;

}  // namespace

void warn_if_signed(Context& ctx, const std::string& entity_id) {
  auto warning = edit_warning(*ctx.replica, entity_id);
  if (warning && !warning->empty()) std::cerr << "werkex: let op: " << *warning << "\n";
}

std::vector<Command> signoff_commands() {
  return {
      {"sign",
       "ID... --date D [--hours H] [--attendance A] [--assessment TEXT] [--placement P]\n"
       "       | werkex-sign:v1:... [--hours H] [--attendance A] [--assessment TEXT]",
       "Supervisor: sign a pupil's entries with this device's key and store the sign-off\n"
       "      (prints its id); or sign a pupil's request payload offline and print the\n"
       "      werkex-sig:v1: payload for the pupil's phone (its size on stderr). A request\n"
       "      is shown first on stderr (pupil, placement, day, hours, each entry); with\n"
       "      --preview only that is printed, as JSON, and nothing is signed.",
       with({{"preview", false}}), 1, kManyOperands, true, cmd_sign},
      {"sign-request",
       "ID... [--date D] [--placement P]",
       "Pupil: print a werkex-sign:v1: payload (for a QR code) asking the placement's\n"
       "      supervisor to sign these entries offline; its size in bytes goes to stderr.",
       {{"date"}, {"placement"}},
       1,
       kManyOperands,
       true,
       cmd_sign_request},
      {"sign-accept",
       "PAYLOAD|-",
       "Pupil: check a werkex-sig:v1: payload against this phone's entries and store the\n"
       "      sign-off (prints its id); it syncs later like any entry.",
       {},
       1,
       1,
       true,
       cmd_sign_accept},
      {"sign-pin",
       "ID... --pin CODE [--date D] [--hours H] [--attendance A] [--assessment TEXT] "
       "[--placement P]",
       "On the pupil's phone, the supervisor types one of her one-time codes (werkex-admin\n"
       "      pin): stores a PIN sign-off (prints its id), pending until the next sync sends\n"
       "      the code to the server, which checks and burns it; the code then leaves the phone.",
       with({{"pin", true, false, true}}), 1, kManyOperands, true, cmd_sign_pin},
      {"signoff-status",
       "[ID]",
       "Print a sign-off's derived status as JSON {id, state, method, reason, changed}:\n"
       "      valid, stale, superseded, pending, refused, invalid or revoked; a stale one adds\n"
       "      explanation (in words) and why; without ID, every sign-off here.",
       {},
       0,
       1,
       true,
       cmd_signoff_status},
      {"signoffs",
       "",
       "Every sign-off here as JSON {signoffs: [status + statement_date, hours, counts],\n"
       "      hours: [{placement, hours}]}: only valid ones count, a day signed again counts once.",
       {},
       0,
       0,
       true,
       cmd_signoffs},
      {"signoff-remove",
       "ID",
       "Pupil: take away a sign-off the server refused (a wrong code); ask again with a new one.",
       {},
       1,
       1,
       true,
       cmd_signoff_remove},
      {"signed-by",
       "ID",
       "The valid or pending sign-offs that an edit of this entry would make stale, as JSON\n"
       "      [{signoff, signer, signer_name, statement_date, state}] (edits warn on stderr).",
       {},
       1,
       1,
       true,
       cmd_signed_by},
      {"signoff-revoke",
       "ID --reason R",
       "Supervisor or counsellor: revoke a sign-off (it stays, with status revoked).",
       {{"reason", true, false, true}},
       1,
       1,
       true,
       cmd_signoff_revoke},
  };
}

}  // namespace werkex::cli
