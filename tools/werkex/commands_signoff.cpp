// Supervisor sign-off (werkex/signoff_flow.hpp): signing with the device key, the offline QR
// hand-over as payload strings, PIN sign-off on the pupil's phone, status and revocation.
#include <cmath>
#include <iostream>

#include "cli.hpp"
#include "werkex/signoff_flow.hpp"

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
  if (ops.front().rfind(kSignRequestPrefix, 0) == 0) {
    if (ops.size() != 1) return Outcome::usage("sign: a sign request payload comes alone");
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

std::vector<Command> signoff_commands() {
  return {
      {"sign",
       "ID... --date D [--hours H] [--attendance A] [--assessment TEXT] [--placement P]\n"
       "       | werkex-sign:v1:... [--hours H] [--attendance A] [--assessment TEXT]",
       "Supervisor: sign a pupil's entries with this device's key and store the sign-off\n"
       "      (prints its id); or sign a pupil's request payload offline and print the\n"
       "      werkex-sig:v1: payload for the pupil's phone (its size on stderr).",
       kStatementOptions, 1, kManyOperands, true, cmd_sign},
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
       "      valid, stale, invalid, revoked or pending; without ID, every sign-off here.",
       {},
       0,
       1,
       true,
       cmd_signoff_status},
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
