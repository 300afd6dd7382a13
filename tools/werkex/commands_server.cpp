// Talking to the sync server: enrol this device, sync, and see what the server refused.
#include "cli.hpp"
#include "http_transport.hpp"
#include "werkex/blob_store.hpp"
#include "werkex/sync_session.hpp"

namespace werkex::cli {

namespace {

Outcome cmd_enroll(Context& ctx, const Args& args) {
  tools::HttpTransport transport;
  SyncSession session(*ctx.replica, transport);
  WX_RETURN_IF_ERROR(session.enroll(args.operands()[0]));
  const Identity& me = ctx.replica->identity();
  print_json(ctx, {{"user", me.user},
                   {"role", me.role},
                   {"bucket", me.bucket},
                   {"school_bucket", me.school_bucket}});
  return Outcome();
}

// Entities first, then blob bytes: the server accepts bytes only for a blob entity it has.
Outcome cmd_sync(Context& ctx, const Args& args) {
  NetworkKind network = NetworkKind::wifi;
  CLI_RETURN_IF_ERROR(parse_network(args, network));
  SyncOptions options;
  std::string wire = args.value("wire", "json");
  auto format = wire_format_from_name(wire);
  if (!format) return Outcome::usage("--wire: expected json, cbor or msgpack, got '" + wire + "'");
  options.wire = *format;
  WX_ASSIGN_OR_RETURN(BlobStore store, BlobStore::open(*ctx.replica));
  options.blobs = &store;  // a revoked dossier's photos go with it
  tools::HttpTransport transport;
  SyncSession session(*ctx.replica, transport, options);
  WX_ASSIGN_OR_RETURN(SyncReport report, session.run());
  json out = report.to_json();
  Outcome blobs = upload_blobs(ctx, transport, network, out);
  print_json(ctx, out);
  return blobs;
}

// `quarantine drop|retry ENTITY/FIELD`: one entry, by the id the listing shows.
Outcome quarantine_entry(Context& ctx, const Args& args) {
  const std::string& verb = args.operands()[0];
  if (verb != "drop" && verb != "retry")
    return Outcome::usage("quarantine: expected 'drop ID' or 'retry ID', got '" + verb + "'");
  if (args.operands().size() != 2)
    return Outcome::usage("quarantine " + verb + ": give the entry's id (ENTITY/FIELD)");
  if (args.has("clear")) return Outcome::usage("quarantine " + verb + ": --clear goes alone");
  const std::string& id = args.operands()[1];
  size_t slash = id.rfind('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == id.size())
    return make_error(WX_INVALID_ARGUMENT,
                      "quarantine " + verb + ": '" + id + "' is not an entry id (ENTITY/FIELD)");
  const std::string entity = id.substr(0, slash), field = id.substr(slash + 1);
  if (verb == "drop") {
    WX_RETURN_IF_ERROR(ctx.replica->drop_quarantined(entity, field));
  } else {
    WX_RETURN_IF_ERROR(ctx.replica->retry_quarantined(entity, field));
  }
  print_json(ctx, {{verb == "drop" ? "dropped" : "queued_again", id}});
  return Outcome();
}

Outcome cmd_quarantine(Context& ctx, const Args& args) {
  if (!args.operands().empty()) return quarantine_entry(ctx, args);
  WX_ASSIGN_OR_RETURN(auto items, ctx.replica->quarantined());
  json out = json::array();
  for (auto& q : items) out.push_back(q.to_json());
  print_json(ctx, out);
  if (args.has("clear")) WX_RETURN_IF_ERROR(ctx.replica->clear_quarantine());
  return Outcome();
}

}  // namespace

std::vector<Command> server_commands() {
  return {
      {"enroll",
       "CODE",
       "Trade a one-time enrolment code from school for this device's token and identity.",
       {},
       1,
       1,
       true,
       cmd_enroll},
      {"sync",
       "[--network wifi|cellular|none] [--wire json|cbor|msgpack]",
       "Push this device's changes to the server and pull what it may see (init --server URL "
       "first), then upload queued photos as the blob policy allows on that network (default "
       "wifi); prints what went, under \"blobs\". --wire picks the body format (default json).",
       {{"network"}, {"wire"}},
       0,
       0,
       true,
       cmd_sync},
      {"quarantine",
       "[--clear] | drop ID | retry ID",
       "List the changes the server refused, each with its id (ENTITY/FIELD), whose it was\n"
       "      (replica, author), the code and the reason; --clear forgets them all. 'drop ID'\n"
       "      forgets one; 'retry ID' queues it to be pushed again at the next sync.",
       {{"clear", false}},
       0,
       2,
       true,
       cmd_quarantine},
  };
}

}  // namespace werkex::cli
