// werkex: the device command-line tool. Drives one replica (a SQLite file) the way an app
// would: entities, the dossier cycle, and bundles exchanged by file. Tests and the demo use
// it, so its output formats and exit codes are a contract (see usage()).
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>

#include "cli.hpp"

namespace werkex::cli {

namespace {

// One line per code, generated from the shared enum so the table cannot drift from it.
const char* code_meaning(ErrorCode code) {
  switch (code) {
    case WX_OK:
      return "";
    case WX_INVALID_ARGUMENT:
      return "bad input: malformed JSON, unknown field or type, wrong value";
    case WX_NOT_FOUND:
      return "no such entity or file; or the database does not exist (run init)";
    case WX_CONFLICT:
      return "contradicts stored state: a deleted entity, a written-once field";
    case WX_PERMISSION_DENIED:
      return "this replica's role or dossier may not write that";
    case WX_IO:
      return "the file system or database failed";
    case WX_CORRUPT:
      return "a damaged database, or a file that is not a valid bundle";
    case WX_CLOCK_SKEW:
      return "a timestamp is too far ahead of this device's clock";
    case WX_UNAUTHENTICATED:
      return "missing, expired or revoked token";
    case WX_UNAVAILABLE:
      return "the network or server is unreachable; retry later";
    case WX_TOO_LARGE:
      return "a value or file exceeds a limit";
    case WX_INTERNAL:
      return "a bug in werkex; please report it";
    case WX_RATE_LIMITED:
      return "the server asks this device to slow down; retry later";
    case WX_CLOSED:
      return "the replica was closed (a bug in the app using the library)";
  }
  return "";
}

std::string usage(const std::vector<Command>& commands) {
  std::ostringstream u;
  u << "usage: werkex --db PATH <command> [options]\n"
       "       (WERKEX_DB=PATH in the environment stands in for --db;\n"
       "        --lang nl|en before the command, else WERKEX_LANG, else the locale, chooses\n"
       "        the language of errors)\n\n"
       "An entity is a flat JSON object: {\"id\": ..., \"type\": ..., \"<field>\": value, ...}.\n"
       "--json takes the JSON itself, @FILE to read it from a file, or - for stdin.\n"
       "Commands that create an entity print its id; get, list, cycle, status and import\n"
       "print JSON; dump prints the canonical form, identical on converged replicas.\n"
       "attach prints the blob entity's id and the file's SHA-256; photos are kept in\n"
       "PATH.blobs/ and uploaded by sync after the entities (see blob-policy).\n\n"
       "Commands:\n";
  for (const Command& c : commands) {
    u << "  " << c.name;
    if (!c.synopsis.empty()) u << ' ' << c.synopsis;
    u << "\n      " << c.summary << '\n';
  }
  u << "\nExit codes:\n"
       "  0   success\n"
       "  2   usage: unknown command or option, missing option or operand\n";
  for (int code = WX_INVALID_ARGUMENT; code <= WX_ERROR_CODE_MAX; ++code) {
    auto c = static_cast<ErrorCode>(code);
    std::string name = error_code_name(c);
    u << "  " << exit_code_for(c) << "  " << name
      << std::string(name.size() < 18 ? 18 - name.size() : 1, ' ') << code_meaning(c) << '\n';
  }
  u << "Errors are printed on stderr as 'werkex: <code name>: <message>'.\n";
  return u.str();
}

const Command* find_command(const std::vector<Command>& commands, std::string_view name) {
  for (const Command& c : commands)
    if (c.name == name) return &c;
  return nullptr;
}

// What `--now MS` gives the replica: the system clock shifted so that it read MS when the
// command started, exactly as on a phone whose clock is set wrong. For tests of clock skew
// and re-stamping end to end; it grants nothing a user could not do by setting the device's
// clock, which the server bounds (max_clock_skew_s) whatever the stamps say.
class ShiftedClockSource final : public ClockSource {
 public:
  explicit ShiftedClockSource(uint64_t now_ms)
      : shift_(static_cast<int64_t>(now_ms) - static_cast<int64_t>(system_.now_millis())) {}
  uint64_t now_millis() override {
    int64_t t = static_cast<int64_t>(system_.now_millis()) + shift_;
    return t < 0 ? 0 : static_cast<uint64_t>(t);
  }

 private:
  SystemClockSource system_;
  int64_t shift_;
};

// Parses the value of --now: Unix epoch milliseconds.
Outcome parse_now(std::string_view text, std::optional<ShiftedClockSource>& clock) {
  uint64_t v = 0;
  bool digits = !text.empty() && text.size() <= 15 &&
                std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits) v = std::stoull(std::string(text));
  if (!digits || v > Hlc::kMaxMillis)
    return Outcome::usage("--now: expected Unix epoch milliseconds, got '" + std::string(text) +
                          "'");
  clock.emplace(v);
  return Outcome();
}

Outcome no_replica(const std::string& path) {
  return make_error(WX_NOT_FOUND, "no replica at '" + path + "': run 'werkex --db " + path +
                                      " init --user ID --role ROLE' first");
}

Outcome run_command(const Command& cmd, std::string db_path, std::span<char* const> argv,
                    ClockSource* clock) {
  // Every command also takes --db (so it may follow the command) and --help.
  std::vector<OptionSpec> specs = cmd.options;
  specs.push_back({"db"});
  specs.push_back({"help", false});
  Args args;
  CLI_RETURN_IF_ERROR(Args::parse(cmd.name, specs, argv, args));
  if (args.has("help")) {
    std::cout << usage({cmd});
    return Outcome();
  }
  if (args.has("db")) {
    if (!db_path.empty()) return Outcome::usage("--db given twice");
    db_path = args.value("db");
  }
  if (db_path.empty()) {
    const char* env = std::getenv("WERKEX_DB");
    if (env && *env) db_path = env;
  }
  if (db_path.empty()) return Outcome::usage("no database: give --db PATH or set WERKEX_DB");
  size_t n = args.operands().size();
  if (n < cmd.min_operands || n > cmd.max_operands) {
    std::string name(cmd.name);
    return Outcome::usage(name + ": got " + std::to_string(n) + " operand" + (n == 1 ? "" : "s") +
                          "; usage: werkex --db PATH " + name + " " + std::string(cmd.synopsis));
  }

  Context ctx{db_path, nullptr, std::cout};
  std::unique_ptr<Replica> replica;
  if (cmd.opens_replica) {
    // Replica::open creates a missing database; only init may do that, so a mistyped path
    // does not silently start an empty dossier.
    std::error_code ec;
    if (!std::filesystem::exists(db_path, ec)) {
      if (ec && ec != std::errc::no_such_file_or_directory)
        return make_error(WX_IO, "cannot access '" + db_path + "': " + ec.message());
      return no_replica(db_path);
    }
    ReplicaOptions options;
    options.clock = clock;
    WX_ASSIGN_OR_RETURN(replica, Replica::open(db_path, options));
    ctx.replica = replica.get();
  }
  return cmd.run(ctx, args);
}

// The language of messages: --lang, else WERKEX_LANG, else the locale (LC_ALL, LC_MESSAGES,
// LANG) when it is Dutch or English; English otherwise.
Language message_language(std::optional<std::string_view> flag) {
  if (flag) return language_from_tag(*flag, Language::en);
  for (const char* var : {"WERKEX_LANG", "LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* v = std::getenv(var);
    if (v && *v) return language_from_tag(v, Language::en);
  }
  return Language::en;
}

int report(const Outcome& o, Language lang = Language::en) {
  if (!o.ok()) std::cerr << "werkex: " << o.name() << ": " << o.message_in(lang) << '\n';
  return o.exit_code();
}

int run(int argc, char** argv) {
  std::vector<Command> commands;
  for (auto group :
       {entity_commands, cycle_commands, todo_commands, sync_commands, server_commands,
        blob_commands, signoff_commands, trash_commands, request_commands, label_commands})
    for (Command& c : group()) commands.push_back(std::move(c));
  commands.push_back({"help", "", "Print this text.", {}, 0, 0, false, nullptr});

  std::span<char* const> rest(argv + 1, argc > 0 ? argc - 1 : 0);
  std::string db_path;
  std::optional<ShiftedClockSource> clock;
  std::optional<std::string_view> lang_flag;
  while (!rest.empty()) {
    std::string_view a = rest.front();
    if (a == "--help" || a == "-h" || a == "help") {
      std::cout << usage(commands);
      return 0;
    }
    // Hidden, for tests: the device clock reads this (see ShiftedClockSource). Only before
    // the command, so it never passes for one of the command's options.
    if (a == "--now" || a.substr(0, 6) == "--now=") {
      if (clock) return report(Outcome::usage("--now given twice"));
      if (a == "--now" && rest.size() < 2)
        return report(Outcome::usage("option '--now' needs a value"));
      std::string_view v = a == "--now" ? std::string_view(rest[1]) : a.substr(6);
      rest = rest.subspan(a == "--now" ? 2 : 1);
      Outcome parsed = parse_now(v, clock);
      if (!parsed.ok()) return report(parsed);
      continue;
    }
    if (a == "--lang" || a.substr(0, 7) == "--lang=") {
      if (lang_flag) return report(Outcome::usage("--lang given twice"));
      if (a == "--lang" && rest.size() < 2)
        return report(Outcome::usage("option '--lang' needs a value: nl or en"));
      lang_flag = a == "--lang" ? std::string_view(rest[1]) : a.substr(7);
      if (*lang_flag != "nl" && *lang_flag != "en")
        return report(
            Outcome::usage("--lang: expected nl or en, got '" + std::string(*lang_flag) + "'"));
      rest = rest.subspan(a == "--lang" ? 2 : 1);
      continue;
    }
    if (a == "--db" || a.substr(0, 5) == "--db=") {
      if (!db_path.empty()) return report(Outcome::usage("--db given twice"));
      if (a == "--db") {
        if (rest.size() < 2) return report(Outcome::usage("option '--db' needs a value"));
        db_path = rest[1];
        rest = rest.subspan(2);
      } else {
        db_path = std::string(a.substr(5));
        rest = rest.subspan(1);
      }
      if (db_path.empty()) return report(Outcome::usage("--db: the path is empty"));
      continue;
    }
    break;
  }
  if (rest.empty()) {
    std::cerr << usage(commands);
    return kExitUsage;
  }
  std::string_view name = rest.front();
  const Command* cmd = find_command(commands, name);
  if (!cmd || !cmd->run) {
    std::string what =
        !name.empty() && name.front() == '-' ? "unknown option '" : "unknown command '";
    return report(Outcome::usage(what + std::string(name) + "'"));
  }
  Outcome o = run_command(*cmd, db_path, rest.subspan(1), clock ? &*clock : nullptr);
  std::cout.flush();
  if (o.ok() && !std::cout) o = make_error(WX_IO, "cannot write to standard output");
  return report(o, message_language(lang_flag));
}

}  // namespace

}  // namespace werkex::cli

int main(int argc, char** argv) {
  // The library does not throw, and the CLI checks its input; these catch what slipped by
  // (e.g. a JSON value of an unexpected type) so bad input never ends in an abort.
  try {
    return werkex::cli::run(argc, argv);
  } catch (const nlohmann::json::exception& e) {
    return werkex::cli::report(werkex::make_error(WX_INVALID_ARGUMENT, e.what()));
  } catch (const std::exception& e) {
    return werkex::cli::report(werkex::make_error(WX_INTERNAL, e.what()));
  }
}
