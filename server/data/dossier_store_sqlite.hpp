// SqliteDossierStore: the DossierStore (dossier_store.hpp) over a synclib Replica on SQLite,
// the embedded default: one process, one dossiers.db, one writer.
//
// It borrows the Replica, which App owns and opens (with the server's clock, its skew limit
// and durable = false: GroupCommit fsyncs the WAL before an answer goes out), and whose
// identity is the server's ("admin") whenever a call here runs: App::write_as lends it to a
// staff member only inside its own transaction, under the same lock. The cursors are the
// Replica's sequence numbers, taken under SQLite's one write lock, so they become visible in
// the order they were taken. Not thread-safe, like the Replica: call it under the dossier
// lock.
#pragma once

#include <memory>

#include "dossier_store.hpp"

namespace werkex::server {

class SqliteDossierStore final : public DossierStore {
 public:
  explicit SqliteDossierStore(Replica& replica) : r_(replica) {}
  // Over a Replica of its own (a second connection to dossiers.db, for a reader such as the
  // export that runs beside the server's own).
  explicit SqliteDossierStore(std::unique_ptr<Replica> owned)
      : owned_(std::move(owned)), r_(*owned_) {}

  uint64_t replica_id() const override;
  const Schema& schema() const override;

  Result<json> get(const std::string& id) const override;
  Result<std::vector<Change>> field_states(const std::string& id) const override;
  Result<std::vector<json>> list(const Query& query) const override;
  Result<size_t> count(const Query& query) const override;
  Result<uint64_t> bucket_seq(const std::string& bucket) const override;
  Status check_signoff_authority(const json& signoff) const override;

  Result<Bundle> changes_since(uint64_t cursor, size_t limit,
                               const ChangeFilter& filter) const override;
  uint64_t last_seq() const override;

  Result<ApplyReport> apply_push(const Bundle& push, const ServerWrites& then) override;
  Result<std::string> put(const json& doc) override;
  Result<std::string> put_as(const Identity& writer, const json& doc) override;
  Result<std::string> create_as(const Identity& writer, const json& doc) override;
  Status remove_as(const Identity& writer, const std::string& id) override;
  Status purge_bucket(const std::string& bucket) override;
  // One BEGIN IMMEDIATE transaction (Replica::write_together): the write lock is taken at
  // once, so a later write in it never finds the file changed under a read; committing one
  // that wrote nothing writes no WAL frame.
  Status together(const std::function<Status()>& body) override;

 private:
  // `write` (put or create) with the Replica acting as `writer`, in one transaction.
  Result<std::string> write_as(const Identity& writer,
                               const std::function<Result<std::string>()>& write);

  std::unique_ptr<Replica> owned_;  // null when borrowed
  Replica& r_;
};

}  // namespace werkex::server
