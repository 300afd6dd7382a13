// werkex-admin --data DIR [--postgres CONNINFO] <command>: school IT's tool for the server's
// records: the SQLite files in the data directory, or with --postgres the deployment's
// PostgreSQL database (the server's store.conninfo; stores.hpp).
//   invite PERSON_ID [--hours N]   print a one-time enrolment code for a roster person
//   revoke PERSON_ID               revoke every device token of that person
//   wipe PERSON_ID                 a lost or stolen phone: revoke every device token of that
//                                  person and order those devices to wipe the dossiers and
//                                  photos they hold when they next reach the server
//   reads BUCKET                   who read a dossier (the access log): a first line "N reads of
//                                  BUCKET", then one line per read, oldest first: time (UTC),
//                                  person id, name, role, device id or dashboard page, what
//   blobs BUCKET                   the bytes a dossier holds and is uploading (its quota)
//   pin PLACEMENT_ID               print 10 new one-time sign-off codes (8 digits) for the
//                                  placement's supervisor; every earlier code stops working
//   pin-reset PLACEMENT_ID         the same for a placement that has codes (after a lock, a
//                                  lost list): new codes, lock and failures cleared
//   revoke-key KEY_ID [--reason R] revoke a supervisor's sign-off key (the server writes it
//                                  at its next request; devices see it after their next sync)
//   audit TARGET                   the audit log of a placement or key (PINs, locks, keys)
//   admin-token LABEL [--school ID] print a new token for the admin API (the nightly job);
//                                  it replaces the label's earlier token. With --school (a
//                                  school entity's id) it acts for that school only: its
//                                  roster, its jobs (docs/design.md §8); without, for the
//                                  whole deployment
//   revoke-admin-token LABEL       end the label's admin token
//   restore BACKUP_FOLDER          make DIR (new or empty) from a backup folder, with a new
//                                  epoch: devices send their newer changes again (backup.hpp)
// --school SCHOOL_ID: act for that school of the deployment only: a person, placement, key or
// bucket of another school is refused, as is restore (school_scope.hpp).
// werkex-admin nightly --server URL …: the nightly school sync against the running server
// (nightly.hpp); it does not take --data.
// werkex-admin migrate --postgres CONNINFO: the PostgreSQL engine's schema (migrate.hpp).
// invite, revoke, wipe, pin, pin-reset, revoke-key, admin-token and revoke-admin-token are logged
// in the audit log (actor "werkex-admin"). Works while the server runs (SQLite WAL). Exit
// codes (tools/common/exit_codes.hpp): 2 usage, 10 + error code otherwise.
#include <cstdio>
#include <cstring>
#include <string>

#include "backup.hpp"
#include "blob_holdings.hpp"
#include "exit_codes.hpp"
#include "key_revocations.hpp"
#include "migrate.hpp"
#include "nightly.hpp"
#include "school_scope.hpp"
#include "signoff_codes.hpp"
#include "stores.hpp"
#include "werkex/clock.hpp"
#include "werkex/store.hpp"

using namespace werkex;

namespace {

int fail(const Error& e) {
  std::fprintf(stderr, "werkex-admin: %s: %s\n", error_code_name(e.code), e.message.c_str());
  return tools::exit_code_for(e.code);
}

int usage() {
  std::fprintf(stderr,
               "usage: werkex-admin --data DIR [--postgres CONNINFO] [--school SCHOOL_ID] "
               "COMMAND …, COMMAND one of:\n"
               "       werkex-admin --data DIR invite PERSON_ID [--hours N]\n"
               "       werkex-admin --data DIR revoke PERSON_ID\n"
               "       werkex-admin --data DIR wipe PERSON_ID\n"
               "       werkex-admin --data DIR reads BUCKET\n"
               "       werkex-admin --data DIR blobs BUCKET\n"
               "       werkex-admin --data DIR pin PLACEMENT_ID\n"
               "       werkex-admin --data DIR pin-reset PLACEMENT_ID\n"
               "       werkex-admin --data DIR revoke-key KEY_ID [--reason R]\n"
               "       werkex-admin --data DIR audit TARGET\n"
               "       werkex-admin --data DIR admin-token LABEL [--school SCHOOL_ID]\n"
               "       werkex-admin --data DIR revoke-admin-token LABEL\n"
               "       werkex-admin --data NEW_DIR restore BACKUP_FOLDER\n"
               "       werkex-admin nightly --server URL (--roster DIR | --sis FILE --mapping "
               "FILE) …\n"
               "       werkex-admin migrate --postgres CONNINFO\n");
  return tools::kExitUsage;
}

// Sign-off administration (issue 4). The dossiers are only read here: while the server runs
// it is their one writer, so a key revocation is queued in server.db for it to write.
int signoff_command(const admin::StoreLocation& where, server::AuthStore& auth,
                    const std::string& command, const std::string& target,
                    const std::string& reason, uint64_t now) {
  if (command == "audit") {
    auto entries = auth.audit_entries(target);
    if (!entries) return fail(entries.error());
    for (auto& e : *entries)
      std::printf("%s %s %s %s %s\n", rfc3339_utc(e.at_ms).c_str(), e.actor.c_str(),
                  e.action.c_str(), e.target.c_str(), e.detail.c_str());
    return 0;
  }
  if (command == "pin" || command == "pin-reset") {
    auto dossiers = admin::open_dossiers(where);
    if (!dossiers) return fail(dossiers.error());
    auto placement = (*dossiers)->get(target);
    if (!placement || placement->value("type", "") != "placement")
      return fail(make_error(WX_NOT_FOUND, "no placement " + target));
    auto codes =
        server::issue_signoff_codes(auth, target, "werkex-admin", command == "pin-reset", now);
    if (!codes) return fail(codes.error());
    for (const std::string& code : *codes) std::printf("%s\n", code.c_str());
    return 0;
  }
  auto dossiers = admin::open_dossiers(where);
  if (!dossiers) return fail(dossiers.error());
  // revoke-key
  if (reason.size() > 200)
    return fail(make_error(WX_INVALID_ARGUMENT, "--reason is longer than 200 characters"));
  auto key = server::find_signing_key(**dossiers, target);
  if (!key) return fail(key.error());
  Status s = auth.queue_key_revocation(target, reason, now);
  if (s) s = auth.audit(now, "werkex-admin", "key_revoked", target, reason);
  if (!s) return fail(s.error());
  std::printf("key %s revoked; devices see it after their next sync\n", target.c_str());
  return 0;
}

// The access log of one bucket: the count first (scripts read the first number), then each
// read with who (id, name and role from the roster, when the dossiers are there), when, and
// through which device or dashboard page.
int reads_command(const admin::StoreLocation& where, server::AuthStore& auth,
                  const std::string& bucket) {
  auto rows = auth.reads(bucket);
  if (!rows) return fail(rows.error());
  auto dossiers = admin::open_dossiers(where);
  std::printf("%zu reads of %s\n", rows->size(), bucket.c_str());
  for (const server::AccessRead& r : *rows) {
    json person = json::object();
    if (dossiers)
      if (auto doc = (*dossiers)->get(r.person)) person = *doc;
    std::string what = r.blob.empty() ? std::to_string(r.changes) + " changes" : "blob " + r.blob;
    std::printf("%s\t%s\t%s\t%s\t%s\t%s\n", rfc3339_utc(r.at_ms).c_str(), r.person.c_str(),
                person.value("name", "?").c_str(), person.value("role", "?").c_str(),
                r.device.c_str(), what.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "nightly") == 0)
    return admin::nightly_main(argc - 2, argv + 2);
  if (argc >= 2 && std::strcmp(argv[1], "migrate") == 0)
    return admin::migrate_main(argc - 2, argv + 2);
  if (argc < 5 || std::strcmp(argv[1], "--data") != 0) return usage();
  admin::StoreLocation where{argv[2], ""};
  if (std::strcmp(argv[3], "--postgres") == 0) {
    where.postgres = argv[4];
    argc -= 2;
    argv += 2;
    if (argc < 5 || where.postgres.empty()) return usage();
  }
  std::string scope;  // --school: the one school this run acts for (school_scope.hpp)
  if (std::strcmp(argv[3], "--school") == 0) {
    scope = argv[4];
    argc -= 2;
    argv += 2;
    if (argc < 5 || scope.empty()) return usage();
  }
  std::string data = where.data, command = argv[3], target = argv[4];
  int hours = 24 * 7;
  std::string reason, school;
  if (argc == 7 && std::strcmp(argv[5], "--school") == 0 && command == "admin-token")
    school = argv[6];
  else if (argc == 7 && std::strcmp(argv[5], "--hours") == 0)
    hours = std::atoi(argv[6]);
  else if (argc == 7 && std::strcmp(argv[5], "--reason") == 0 && command == "revoke-key")
    reason = argv[6];
  else if (argc != 5)
    return usage();
  if (hours <= 0) return usage();
  if (!scope.empty()) {
    if (!school.empty() && school != scope) return usage();
    if (command == "restore")  // refused before anything opens a file in the new folder
      return fail(make_error(WX_PERMISSION_DENIED,
                             "'restore' acts for the whole deployment, not for one school"));
    school = command == "admin-token" ? scope : school;
    auto dossiers = admin::open_dossiers(where);
    if (!dossiers) return fail(dossiers.error());
    if (Status s = admin::check_in_school(**dossiers, scope, command, target); !s)
      return fail(s.error());
  }
  if (command == "restore") {  // before anything opens a file in the new folder
    Status s = server::restore_backup(target, data);
    if (!s) return fail(s.error());
    std::printf(
        "restored %s into %s; start the server on it: devices send what it lacks at "
        "their next sync\n",
        target.c_str(), data.c_str());
    return 0;
  }
  SystemClockSource clock;
  uint64_t now = clock.now_millis();
  auto auth = admin::open_auth(where);
  if (!auth) return fail(auth.error());
  if (command == "invite") {
    // Only a person on the roster can be invited: the code grants exactly their access.
    auto dossiers = admin::open_dossiers(where);
    if (!dossiers) return fail(dossiers.error());
    auto person = (*dossiers)->get(target);
    if (!person || person->value("type", "") != "person")
      return fail(make_error(WX_NOT_FOUND, "no person " + target + " on the roster"));
    auto code = (*auth)->create_invite(target, hours, now);
    if (!code) return fail(code.error());
    Status s = (*auth)->audit(now, "werkex-admin", "invite_issued", target,
                              std::to_string(hours) + " hours");
    if (!s) return fail(s.error());
    std::printf("%s\n", code->c_str());
    return 0;
  }
  if (command == "admin-token") {
    if (!school.empty()) {  // only a school the deployment holds
      auto dossiers = admin::open_dossiers(where);
      if (!dossiers) return fail(dossiers.error());
      auto found = (*dossiers)->get(school);
      if (!found || found->value("type", "") != "school")
        return fail(make_error(WX_NOT_FOUND, "no school " + school + " in this deployment"));
    }
    auto token = (*auth)->create_admin_token(target, school, now);
    if (!token) return fail(token.error());
    Status s = (*auth)->audit(now, "werkex-admin", "admin_token_issued", target,
                              school.empty() ? "deployment" : "school " + school);
    if (!s) return fail(s.error());
    std::printf("%s\n", token->c_str());
    return 0;
  }
  if (command == "revoke-admin-token") {
    Status s = (*auth)->revoke_admin_tokens(target, now);
    if (s) s = (*auth)->audit(now, "werkex-admin", "admin_token_revoked", target);
    return s ? 0 : fail(s.error());
  }
  if (command == "revoke") {
    Status s = (*auth)->revoke_person_devices(target, now);
    if (s) s = (*auth)->audit(now, "werkex-admin", "devices_revoked", target);
    return s ? 0 : fail(s.error());
  }
  if (command == "wipe") {
    Status s = (*auth)->order_wipe(target, now);
    if (s) s = (*auth)->audit(now, "werkex-admin", "devices_wiped", target);
    if (!s) return fail(s.error());
    std::printf("devices of %s revoked; they wipe their dossiers when they next sync\n",
                target.c_str());
    return 0;
  }
  if (command == "pin" || command == "pin-reset" || command == "revoke-key" || command == "audit")
    return signoff_command(where, **auth, command, target, reason, now);
  if (command == "blobs") {
    auto holdings = admin::open_holdings(where);
    if (!holdings) return fail(holdings.error());
    auto u = (*holdings)->usage(target);
    if (!u) return fail(u.error());
    std::printf("%s\n", json({{"bucket", target},
                              {"held_bytes", u->held_bytes},
                              {"held", u->held},
                              {"uploading_bytes", u->uploading_bytes},
                              {"uploading", u->uploading}})
                            .dump()
                            .c_str());
    return 0;
  }
  if (command == "reads") return reads_command(where, **auth, target);
  return usage();
}
