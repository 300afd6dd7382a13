// The replica and its entities: init, status, put, get, list, delete, restore, dump.
#include <algorithm>
#include <ostream>

#include "cli.hpp"
#include "werkex/device.hpp"
#include "werkex/ids.hpp"

namespace werkex::cli {

namespace {

Outcome cmd_init(Context& ctx, const Args& args) {
  // Checked before opening, because opening creates the file: a typo in --role must not
  // leave behind a database without an identity.
  WX_ASSIGN_OR_RETURN(auto schema, Schema::builtin());
  if (args.has("server")) {
    Status url = check_server_url(args.value("server"));
    if (!url) return make_error(WX_INVALID_ARGUMENT, "--" + url.error().message);
  }
  // With a server, the identity comes from enrolment (enroll CODE); without one it is given.
  if (args.has("server") && !args.has("user") && !args.has("role")) {
    WX_ASSIGN_OR_RETURN(auto replica, Replica::open(ctx.db_path));
    WX_RETURN_IF_ERROR(replica->set_setting("server", args.value("server")));
    print_line(ctx, replica_to_hex(replica->replica_id()));
    return Outcome();
  }
  Identity given{args.value("user"), args.value("role"), args.value("bucket"),
                 args.value("school-bucket")};
  Result<Identity> id = complete_identity(*schema, given);
  if (!id)
    return make_error(id.error().code,
                      "--" + id.error().message +
                          (given.user.empty() ? " (or give --server URL and enroll)" : ""));
  WX_ASSIGN_OR_RETURN(auto replica, Replica::open(ctx.db_path));
  WX_RETURN_IF_ERROR(replica->set_identity(*id));
  if (args.has("server")) WX_RETURN_IF_ERROR(replica->set_setting("server", args.value("server")));
  print_line(ctx, replica_to_hex(replica->replica_id()));
  return Outcome();
}

Outcome cmd_status(Context& ctx, const Args&) {
  WX_ASSIGN_OR_RETURN(json status, replica_status(*ctx.replica));
  print_json(ctx, status);
  return Outcome();
}

Outcome cmd_put(Context& ctx, const Args& args) {
  WX_ASSIGN_OR_RETURN(json doc, read_json_arg("json", args.value("json")));
  if (!doc.is_object())
    return make_error(WX_INVALID_ARGUMENT, "--json: expected an entity as a JSON object, got " +
                                               std::string(doc.type_name()));
  if (doc.contains("id") && doc["id"].is_string())
    warn_if_signed(ctx, doc["id"].get<std::string>());
  WX_ASSIGN_OR_RETURN(std::string id, ctx.replica->put(doc));
  print_line(ctx, id);
  return Outcome();
}

Outcome cmd_get(Context& ctx, const Args& args) {
  WX_ASSIGN_OR_RETURN(json doc, ctx.replica->get(args.operands()[0]));
  print_json(ctx, doc);
  return Outcome();
}

// A filter value is JSON when it reads as a string, integer or boolean ("true", "3",
// "\"3\""), and the literal text otherwise, so plain words need no quoting.
json filter_value(const std::string& raw) {
  json v = json::parse(raw, nullptr, false);
  if (!v.is_discarded() && (v.is_boolean() || v.is_number_integer() || v.is_string())) return v;
  return raw;
}

Outcome check_field(const Schema& schema, const std::string& type, std::string_view option,
                    const std::string& field) {
  Status s = check_query_field(schema, type, field);
  if (!s) return make_error(s.code(), "--" + std::string(option) + ": " + s.error().message);
  return Outcome();
}

Outcome cmd_list(Context& ctx, const Args& args) {
  Replica& r = *ctx.replica;
  Query q;
  q.type = args.operands()[0];
  CLI_RETURN_IF_ERROR(dossier_option(ctx, args, q.bucket));
  q.include_deleted = args.has("include-deleted");
  if (args.has("where")) {
    std::string where = args.value("where");
    size_t eq = where.find('=');
    if (eq == std::string::npos || eq == 0)
      return Outcome::usage("list: --where expects FIELD=VALUE, got '" + where + "'");
    q.field = where.substr(0, eq);
    q.equals = filter_value(where.substr(eq + 1));
    CLI_RETURN_IF_ERROR(check_field(r.schema(), q.type, "where", q.field));
  }
  if (args.has("order-by")) {
    q.order_by = args.value("order-by");
    CLI_RETURN_IF_ERROR(check_field(r.schema(), q.type, "order-by", q.order_by));
  }
  uint64_t limit = 0;
  CLI_RETURN_IF_ERROR(parse_count(args, "limit", 0, limit));
  q.limit = static_cast<size_t>(limit);
  WX_ASSIGN_OR_RETURN(auto docs, r.list(q));
  // A mistyped type would otherwise list nothing, silently.
  WX_RETURN_IF_ERROR(check_listed_type(r.schema(), q.type, !docs.empty()));
  print_json(ctx, json(docs));
  return Outcome();
}

Outcome cmd_delete(Context& ctx, const Args& args) {
  warn_if_signed(ctx, args.operands()[0]);
  WX_ASSIGN_OR_RETURN(RemoveReport report, ctx.replica->delete_entity(args.operands()[0]));
  print_json(ctx, report.to_json());
  return Outcome();
}

Outcome cmd_restore(Context& ctx, const Args& args) {
  std::optional<uint64_t> from;
  if (args.has("from")) {
    from = replica_from_hex(args.value("from"));
    if (!from)
      return make_error(
          WX_INVALID_ARGUMENT,
          "--from: expected a replica id of 16 hex digits, got '" + args.value("from") + "'");
  }
  const std::string& id = args.operands()[0];
  if (args.operands().size() == 1) {
    if (from) return Outcome::usage("restore: --from goes with a FIELD");
    return restore_from_trash(ctx, id);
  }
  const std::string& field = args.operands()[1];
  WX_ASSIGN_OR_RETURN(LostWrite restored, ctx.replica->restore_lost(id, field, from));
  print_json(ctx, {{"restored",
                    {{"id", id},
                     {"field", field},
                     {"value", restored.value},
                     {"replica", replica_to_hex(restored.stamp.replica)},
                     {"at", hlc_to_string(restored.stamp.hlc)}}}});
  return Outcome();
}

Outcome cmd_dump(Context& ctx, const Args&) {
  WX_ASSIGN_OR_RETURN(std::string text, ctx.replica->dump());
  ctx.out << text;  // byte for byte: converged replicas are compared with cmp
  return Outcome();
}

}  // namespace

std::vector<Command> entity_commands() {
  return {
      {"init",
       "--server URL | --user ID --role ROLE [--bucket B] [--school-bucket S] [--server URL]",
       "Create the replica and print its replica id; on an existing one, replace the identity.\n"
       "      With only --server the identity comes from 'enroll CODE'. A pupil's bucket defaults\n"
       "      to pupil:<ID>; the school bucket to school:default.",
       {{"user"}, {"role"}, {"bucket"}, {"school-bucket"}, {"server"}},
       0,
       0,
       false,
       cmd_init},
      {"status",
       "",
       "Print this replica's id, identity, last sequence number and entity counts, and its "
       "blobs: pending upload, failed (with the server's reason), remote only, policy.",
       {},
       0,
       0,
       true,
       cmd_status},
      {"put",
       "--json DOC",
       "Create an entity (DOC without \"id\"; prints the new id) or update the fields given.",
       {{"json", true, false, true}},
       0,
       0,
       true,
       cmd_put},
      {"get",
       "ID",
       "Print an entity (with \"_conflicts\" holding values lost to concurrent writes).",
       {},
       1,
       1,
       true,
       cmd_get},
      {"list",
       "TYPE [--pupil NAME-OR-ID | --bucket B] [--where FIELD=VALUE] [--order-by FIELD] [--limit "
       "N]\n"
       "           [--include-deleted]",
       "Print the entities of a type as a JSON array, sorted by id or by FIELD. VALUE reads\n"
       "      true, false and integers as JSON; quote it (\"3\") to compare with a string.",
       {{"bucket"}, {"pupil"}, {"where"}, {"order-by"}, {"limit"}, {"include-deleted", false}},
       1,
       1,
       true,
       cmd_list},
      {"delete",
       "ID",
       "Delete an entity (a tombstone that syncs like any change) and print what changed:\n"
       "      {\"deleted\", \"type\", \"references_removed\"}. Deleting a blob takes its sha256 "
       "out\n"
       "      of the entries listing it, in the same transaction.",
       {},
       1,
       1,
       true,
       cmd_delete},
      {"restore",
       "ID [FIELD [--from REPLICA]]",
       "ID alone: bring a deleted entry back from the trash (see trash); prints it. With\n"
       "      FIELD: write a value FIELD lost to a concurrent write back as its newest value (the\n"
       "      most recent one, or the one from REPLICA as \"_conflicts\" lists it); prints it.",
       {{"from"}},
       1,
       2,
       true,
       cmd_restore},
      {"dump",
       "",
       "Print every entity in canonical form: identical bytes on converged replicas.",
       {},
       0,
       0,
       true,
       cmd_dump},
  };
}

}  // namespace werkex::cli
