// Child process of the crash test: writes experiences in a loop and reports on stdout the
// number of each write whose put() has returned, until it is killed.
//   werkex_crash_writer DB ACTIVITY_ID FIRST_NUMBER
#include <cstdio>
#include <cstdlib>
#include <string>

#include "werkex/store.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: werkex_crash_writer DB ACTIVITY_ID FIRST_NUMBER\n");
    return 2;
  }
  auto replica = werkex::Replica::open(argv[1]);
  if (!replica) {
    std::fprintf(stderr, "open: %s\n", replica.error().to_string().c_str());
    return 1;
  }
  for (long n = std::atol(argv[3]);; ++n) {
    werkex::json doc = {{"type", "experience"},
                        {"activity", argv[2]},
                        {"occurred_at", "2026-11-28T10:00:00Z"},
                        {"note", "write " + std::to_string(n)},
                        {"competencies", {"werkexploratie"}}};
    auto id = (*replica)->put(doc);
    if (!id) {
      std::fprintf(stderr, "put: %s\n", id.error().to_string().c_str());
      return 1;
    }
    // Only now is the write acknowledged to the parent.
    std::printf("%ld\n", n);
    std::fflush(stdout);
  }
}
