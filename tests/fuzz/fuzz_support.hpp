// What the libFuzzer targets share: a fresh replica per input and the check that everything
// a replica holds can still be read back. A target reports a finding by abort(), so
// libFuzzer saves the input; it never asserts anything about wall-clock time.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "werkex/signoff.hpp"
#include "werkex/store.hpp"

namespace werkex::fuzz {

inline constexpr uint64_t kMillis = 1796000000000;  // a fixed "now", so runs replay exactly
inline const std::string kPupil = "0190a000-0000-7000-8000-000000000001";

inline std::string_view text_of(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

[[noreturn]] inline void finding(const std::string& what) {
  std::fprintf(stderr, "werkex fuzz finding: %s\n", what.c_str());
  std::abort();
}

// An in-memory replica on a fixed clock with `who` as its identity; aborts if it cannot open.
inline std::unique_ptr<Replica> memory_replica(ClockSource& clock, const Identity& who) {
  ReplicaOptions options;
  options.clock = &clock;
  options.durable = false;
  auto r = Replica::open(":memory:", options);
  if (!r) finding("cannot open an in-memory replica: " + r.error().message);
  auto replica = std::move(r).value();
  if (Status s = replica->set_identity(who); !s) finding("identity: " + s.error().message);
  return replica;
}

inline Identity pupil() {
  return Identity{kPupil, "pupil", "pupil:" + kPupil, "school:demo"};
}

// Every read of every entity the replica holds must succeed: nothing received may make an
// entity, the change feed or the dump unreadable.
inline void read_back_everything(const Replica& r) {
  Query all;
  all.include_deleted = true;
  auto docs = r.list(all);
  if (!docs) finding("list: " + docs.error().message);
  for (const json& d : *docs) {
    std::string id = d.value("id", "");
    if (auto got = r.get(id); !got) finding("get " + id + ": " + got.error().message);
    if (auto st = r.field_states(id); !st)
      finding("field_states " + id + ": " + st.error().message);
    if (auto c = canonical_content(r, id); !c)
      finding("canonical_content " + id + ": " + c.error().message);
  }
  if (auto c = r.changes_since(0); !c) finding("changes_since: " + c.error().message);
  if (auto d = r.dump(); !d) finding("dump: " + d.error().message);
}

}  // namespace werkex::fuzz
