// AuthStore: the server's own secrets and records, never synced: device tokens, one-time
// enrolment codes, and the access log of dossier reads. A separate SQLite file (server.db)
// beside the dossiers, so no bug in sync can ever ship a token to a device.
//
// Tokens and codes are random (libsodium) and stored only as SHA-256 hashes: a copy of the
// database does not let anyone act as a device. Thread-safe: one internal mutex.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "werkex/error.hpp"
#include "werkex/sqlite.hpp"

namespace werkex::server {

struct Device {
  std::string device_id;  // the replica id the device enrolled with
  std::string person;     // the roster person it acts for
};

class AuthStore {
 public:
  static Result<std::unique_ptr<AuthStore>> open(const std::string& path);

  // A one-time code for `person`, valid for `valid_hours`. Returns the code (shown once).
  Result<std::string> create_invite(const std::string& person, int valid_hours, uint64_t now_ms);
  // Uses up the code and issues a device token. WX_UNAUTHENTICATED for an unknown, used or
  // expired code (one message for all three: a guesser learns nothing).
  Result<std::pair<std::string, std::string>> redeem_invite(const std::string& code,
                                                            const std::string& device_id,
                                                            uint64_t now_ms);  // (token, person)
  // The device a bearer token belongs to; WX_UNAUTHENTICATED if unknown or revoked.
  // The device of a token that is known, not revoked, and used within `idle_expiry_ms`.
  Result<Device> authenticate(const std::string& token, uint64_t now_ms, uint64_t idle_expiry_ms);
  Status revoke_person_devices(const std::string& person, uint64_t now_ms);
  Status revoke_token(const std::string& token, uint64_t now_ms);
  // One read of a dossier: `changes` field changes pulled, or the blob with hash `blob`.
  Status log_read(uint64_t now_ms, const std::string& person, const std::string& device,
                  const std::string& bucket, size_t changes, const std::string& blob = "");
  Result<size_t> count_reads(const std::string& bucket);

 private:
  explicit AuthStore(sql::Db db) : db_(std::move(db)) {}
  std::mutex mu_;
  sql::Db db_;
};

std::string sha256_hex(std::string_view data);

}  // namespace werkex::server
