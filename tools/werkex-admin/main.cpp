// werkex-admin --data DIR <command>: school IT's tool for the server's data directory.
//   invite PERSON_ID [--hours N]   print a one-time enrolment code for a roster person
//   revoke PERSON_ID               revoke every device token of that person
//   reads BUCKET                   how many times a dossier was read (the access log)
// Works while the server runs (SQLite WAL). Exit codes: 2 usage, 10 + error code otherwise.
#include <cstdio>
#include <cstring>
#include <string>

#include "auth_store.hpp"
#include "werkex/clock.hpp"
#include "werkex/store.hpp"

using namespace werkex;

namespace {

int fail(const Error& e) {
  std::fprintf(stderr, "werkex-admin: %s: %s\n", error_code_name(e.code), e.message.c_str());
  return 10 + static_cast<int>(e.code);
}

int usage() {
  std::fprintf(stderr,
               "usage: werkex-admin --data DIR invite PERSON_ID [--hours N]\n"
               "       werkex-admin --data DIR revoke PERSON_ID\n"
               "       werkex-admin --data DIR reads BUCKET\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5 || std::strcmp(argv[1], "--data") != 0) return usage();
  std::string data = argv[2], command = argv[3], target = argv[4];
  int hours = 24 * 7;
  if (argc == 7 && std::strcmp(argv[5], "--hours") == 0)
    hours = std::atoi(argv[6]);
  else if (argc != 5)
    return usage();
  if (hours <= 0) return usage();
  SystemClockSource clock;
  uint64_t now = clock.now_millis();
  auto auth = server::AuthStore::open(data + "/server.db");
  if (!auth) return fail(auth.error());
  if (command == "invite") {
    // Only a person on the roster can be invited: the code grants exactly their access.
    auto dossiers = Replica::open(data + "/dossiers.db");
    if (!dossiers) return fail(dossiers.error());
    auto person = (*dossiers)->get(target);
    if (!person || person->value("type", "") != "person")
      return fail(make_error(WX_NOT_FOUND, "no person " + target + " on the roster"));
    auto code = (*auth)->create_invite(target, hours, now);
    if (!code) return fail(code.error());
    std::printf("%s\n", code->c_str());
    return 0;
  }
  if (command == "revoke") {
    Status s = (*auth)->revoke_person_devices(target, now);
    return s ? 0 : fail(s.error());
  }
  if (command == "reads") {
    auto n = (*auth)->count_reads(target);
    if (!n) return fail(n.error());
    std::printf("%zu\n", *n);
    return 0;
  }
  return usage();
}
