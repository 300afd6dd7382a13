// Bundles by file: export what this replica holds, import what another replica exported.
// Together they are sync without a server (two phones, a USB stick, a test).
#include <iostream>

#include "cli.hpp"
#include "werkex/ids.hpp"
#include "werkex/posix_file.hpp"

namespace werkex::cli {

namespace {

Outcome cmd_export(Context& ctx, const Args& args) {
  uint64_t since = 0, limit = 0;
  CLI_RETURN_IF_ERROR(parse_count(args, "since", 0, since));
  CLI_RETURN_IF_ERROR(parse_count(args, "limit", 0, limit));
  WX_ASSIGN_OR_RETURN(Bundle bundle, ctx.replica->changes_since(since, static_cast<size_t>(limit)));
  std::string text;
  if (args.has("binary")) {
    WX_ASSIGN_OR_RETURN(text, bundle_to_binary(bundle));
  } else {
    text = bundle_to_json(bundle).dump() + "\n";
  }
  if (!args.has("out")) {
    ctx.out << text;
    return Outcome();
  }
  // A reader of the file sees the old one or the whole new one, never a part (posix_file.hpp).
  return posix::write_file_atomically(args.value("out"), text);
}

// A bundle file is untrusted input. bundle_from_text reports malformed ones as WX_CORRUPT;
// the depth check keeps it from recursing off the stack, and should a shape it does not
// expect still make nlohmann throw, that file is just as corrupt.
Result<Bundle> parse_bundle(std::string_view text, const std::string& source) {
  if (text.starts_with("WXB1")) {
    auto binary = bundle_from_binary(text);
    if (!binary) return make_error(WX_CORRUPT, source + ": " + binary.error().message);
    return binary;
  }
  WX_RETURN_IF_ERROR(check_json_depth(text, WX_CORRUPT, source));
  Result<Bundle> bundle = make_error(WX_INTERNAL, "unreachable");
  try {
    bundle = bundle_from_text(text);
  } catch (const json::exception& e) {
    bundle = make_error(WX_CORRUPT,
                        "bundle: document: unexpected shape (" + std::string(e.what()) + ")");
  }
  if (!bundle) return make_error(WX_CORRUPT, source + ": " + bundle.error().message);
  return bundle;
}

Outcome cmd_import(Context& ctx, const Args& args) {
  const std::string& source = args.operands()[0];
  WX_ASSIGN_OR_RETURN(std::string text, read_input(source));
  WX_ASSIGN_OR_RETURN(Bundle bundle, parse_bundle(text, source == "-" ? "stdin" : source));
  WX_ASSIGN_OR_RETURN(ApplyReport report, ctx.replica->apply(bundle));
  json printed = {{"from", replica_to_hex(bundle.from_replica)}, {"upto", bundle.upto_seq}};
  printed.update(report.to_json());
  print_json(ctx, printed);
  // The rest of the bundle is applied and the report lists each refusal; the exit code stays
  // 0 so a sync script moves on, but a person running it by hand should notice.
  if (!report.rejected.empty())
    std::cerr << "werkex: warning: " << report.rejected.size() << " of " << report.received
              << " changes rejected; see \"rejected\" in the report\n";
  return Outcome();
}

}  // namespace

std::vector<Command> sync_commands() {
  return {
      {"export",
       "[--since N] [--limit N] [--binary] [--out FILE]",
       "Write the changes after local sequence N as a bundle (to stdout, or atomically to FILE);\n"
       "      --binary: the compact binary form (bundle.hpp) instead of JSON text.",
       {{"since"}, {"limit"}, {"binary", false}, {"out"}},
       0,
       0,
       true,
       cmd_export},
      {"import",
       "FILE|-",
       "Merge a bundle (JSON or binary) from another replica and print a report of what it\n"
       "      changed.\n"
       "      A file that is not a complete bundle changes nothing and exits 16 (corrupt); single\n"
       "      changes the schema refuses are listed under \"rejected\", the rest applied (exit 0).",
       {},
       1,
       1,
       true,
       cmd_import},
  };
}

}  // namespace werkex::cli
