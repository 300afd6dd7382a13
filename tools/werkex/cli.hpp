// The werkex device CLI: what every command shares.
//
// A command is a name, the options and operands it accepts, and a function run in a Context
// (the opened replica and the output stream). Commands report failure through an Outcome,
// which carries the exit code the process ends with: 2 for usage errors (the command line
// itself is wrong), 10 + wx_error_code for errors the library or the input reported. Nothing
// here throws on bad input; main() still catches nlohmann exceptions as a last line of defence.
#pragma once

#include <iosfwd>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "exit_codes.hpp"
#include "werkex/blob_sync.hpp"
#include "werkex/error.hpp"
#include "werkex/merge.hpp"
#include "werkex/messages.hpp"
#include "werkex/store.hpp"

namespace werkex::cli {

// Exit codes (0, 2, 10 + error code) are the tools' shared table (exit_codes.hpp).
using tools::exit_code_for;
using tools::kExitUsage;

// Success, or an exit code with the message main() prints as "werkex: <name>: <message>".
class [[nodiscard]] Outcome {
 public:
  Outcome() = default;
  Outcome(const Status& status);  // NOLINT: implicit, so library calls can be returned as is
  Outcome(const Error& error);    // NOLINT: implicit, for WX_RETURN_IF_ERROR/WX_ASSIGN_OR_RETURN
  static Outcome usage(std::string message);

  bool ok() const { return exit_code_ == 0; }
  int exit_code() const { return exit_code_; }
  const std::string& name() const { return name_; }
  const std::string& message() const { return message_; }
  // The message in `lang`: a library error rendered from its catalogue key (messages.hpp);
  // usage messages are the CLI's own and stay English.
  std::string message_in(Language lang) const;

 private:
  int exit_code_ = 0;
  std::string name_;
  std::string message_;
  std::optional<Error> error_;
};

#define CLI_RETURN_IF_ERROR(expr)                 \
  do {                                            \
    ::werkex::cli::Outcome cli_outcome_ = (expr); \
    if (!cli_outcome_.ok()) return cli_outcome_;  \
  } while (0)

struct OptionSpec {
  std::string_view name;  // without the leading "--"
  bool takes_value = true;
  bool repeatable = false;
  bool required = false;
};

// The parsed options and operands of one command. Values are checked to be UTF-8 while
// parsing (WX_INVALID_ARGUMENT otherwise), because they end up in JSON documents, which
// cannot hold anything else.
class Args {
 public:
  // Options may come in any order and as "--name value" or "--name=value"; "--" ends them.
  // Unknown options, missing values and repeated single options are usage errors.
  static Outcome parse(std::string_view command, std::span<const OptionSpec> specs,
                       std::span<char* const> argv, Args& out);

  bool has(std::string_view name) const { return options_.count(std::string(name)) > 0; }
  // The option's (last) value, or `fallback` when absent.
  std::string value(std::string_view name, std::string fallback = "") const;
  std::vector<std::string> values(std::string_view name) const;
  const std::vector<std::string>& operands() const { return operands_; }

 private:
  std::map<std::string, std::vector<std::string>> options_;
  std::vector<std::string> operands_;
};

struct Context {
  std::string db_path;
  Replica* replica = nullptr;  // not owned; null only for commands that open it themselves
  std::ostream& out;
};

struct Command {
  std::string_view name;
  std::string_view synopsis;  // the command line after "werkex --db PATH", for the usage text
  std::string_view summary;
  std::vector<OptionSpec> options;
  size_t min_operands = 0;
  size_t max_operands = 0;
  bool opens_replica = true;  // false: the command creates or opens the database itself
  Outcome (*run)(Context&, const Args&) = nullptr;
};

// The command groups, one per source file, in the order the usage text lists them.
std::vector<Command> entity_commands();
std::vector<Command> cycle_commands();
std::vector<Command> todo_commands();
std::vector<Command> sync_commands();
std::vector<Command> server_commands();
std::vector<Command> blob_commands();
std::vector<Command> signoff_commands();
std::vector<Command> trash_commands();
std::vector<Command> request_commands();
std::vector<Command> label_commands();
// restore with one operand (commands_trash.cpp): brings a deleted entry back from the trash.
Outcome restore_from_trash(Context& ctx, const std::string& id);

// Blobs in other commands (commands_blobs.cpp): sync's --network option (usage error when
// unknown), the upload after a sync round (adds "blobs" to `out`; an error when the upload
// stopped early, everything still queued).
Outcome parse_network(const Args& args, NetworkKind& out);
Outcome upload_blobs(Context& ctx, Transport& transport, NetworkKind network, json& out);

// The dossier a staff command is about: --pupil NAME-OR-ID (werkex/people.hpp), or --bucket B
// as it is stored; neither leaves `bucket` empty (the replica's own). Both: a usage error.
Outcome dossier_option(Context& ctx, const Args& args, std::string& bucket);

// Entities are flat and bundles a few levels deep; deeper JSON is refused before parsing,
// because nlohmann copies and prints values recursively and a hostile file nested a million
// levels deep would overflow the stack inside the library.
inline constexpr size_t kMaxJsonDepth = 64;
// Fails with `code` if `text` nests arrays/objects deeper than kMaxJsonDepth.
Status check_json_depth(std::string_view text, ErrorCode code, std::string_view what);

// Reads a whole file, or stdin for "-". A missing file is WX_NOT_FOUND, other failures WX_IO.
Result<std::string> read_input(const std::string& path);
// A JSON argument given literally, as "@file", or as "-" for stdin. Malformed JSON is
// WX_INVALID_ARGUMENT naming the option: "--json: not valid JSON: <parser message>".
Result<json> read_json_arg(std::string_view option, const std::string& arg);
// Like read_json_arg, for an option that adds fields to an entity: it must be an object.
Result<json> read_extra_fields(const Args& args, std::string_view option = "json");
// A non-negative decimal integer option; absent gives `fallback`.
Outcome parse_count(const Args& args, std::string_view option, uint64_t fallback, uint64_t& out);

void print_json(Context& ctx, const json& value);
void print_line(Context& ctx, std::string_view line);
// Before an edit of a signed entry: the warning of signoff_edit.hpp on stderr, if any.
void warn_if_signed(Context& ctx, const std::string& entity_id);

}  // namespace werkex::cli
