// An app on the installed synclib: opens a replica in a temporary file, writes one entity,
// reads it back. `consumer DIR` exits 0 when the entity read is the one written.
#include <cstdio>
#include <string>

#include "werkex/store.hpp"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  auto replica = werkex::Replica::open(std::string(argv[1]) + "/consumer.db");
  if (!replica) return std::fprintf(stderr, "open: %s\n", replica.error().message.c_str()), 1;
  werkex::Identity me;
  me.user = "0190a000-0000-7000-8000-000000000001";
  me.role = "pupil";
  me.bucket = "pupil:" + me.user;
  me.school_bucket = "school:default";
  if (auto s = (*replica)->set_identity(me); !s)
    return std::fprintf(stderr, "identity: %s\n", s.error().message.c_str()), 1;
  auto id = (*replica)->put({{"type", "contact"}, {"name", "Piet"}});
  if (!id) return std::fprintf(stderr, "put: %s\n", id.error().message.c_str()), 1;
  auto doc = (*replica)->get(*id);
  if (!doc || doc->value("name", "") != "Piet") return std::fprintf(stderr, "get failed\n"), 1;
  std::printf("consumer: %s\n", doc->dump().c_str());
  return 0;
}
