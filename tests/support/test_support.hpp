// Shared test fixtures: temporary directories, replicas on a manual clock, identities.
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "werkex/store.hpp"

namespace werkex::test {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it at scope end.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/werkex-test-XXXXXX";
    char* made = mkdtemp(tmpl.data());
    REQUIRE(made != nullptr);
    path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline constexpr uint64_t kStartMillis = 1796000000000;  // 2026-11-28, a fixed "now"

inline Identity pupil_identity(const std::string& user = "0190a000-0000-7000-8000-000000000001") {
  return Identity{user, "pupil", "pupil:" + user, "school:demo"};
}

inline Identity role_identity(const std::string& role, const std::string& pupil_bucket,
                              const std::string& user = "0190a000-0000-7000-8000-0000000000ff") {
  return Identity{user, role, pupil_bucket, "school:demo"};
}

// Opens (or creates) a replica on `clock` with the given identity; fails the test on error.
inline std::unique_ptr<Replica> open_replica(const std::string& path, ClockSource& clock,
                                             const Identity& who, bool durable = true) {
  ReplicaOptions options;
  options.clock = &clock;
  options.durable = durable;
  auto r = Replica::open(path, options);
  if (!r) FAIL("open " << path << ": " << r.error().to_string());
  auto replica = std::move(r).value();
  auto s = replica->set_identity(who);
  if (!s) FAIL("identity: " << s.error().to_string());
  return replica;
}

template <typename T>
T expect_ok(Result<T> r) {
  if (!r) FAIL(r.error().to_string());
  return std::move(r).value();
}

inline void expect_ok(const Status& s) {
  if (!s) FAIL(s.error().to_string());
}

}  // namespace werkex::test
