// GroupCommit: durable answers without one fsync per request under the dossier lock.
//
// The dossier store runs with synchronous=NORMAL in WAL mode, so a commit only writes the WAL
// (no fsync) and the dossier mutex is held for CPU work alone. Before a handler's answer goes
// out, wait_durable() makes sure the WAL is on disk up to that handler's commit: the first
// waiter fsyncs the WAL for everyone who committed before it started, the others wait for
// that fsync (or the next one). Many devices pushing at once thus share fsyncs, and an
// acknowledged change survives a power cut exactly as with synchronous=FULL.
//
// The progress mark is SQLite's total_changes on the dossier connection, read under the
// dossier mutex; the leader reads it after lock() committed the open batch of syncs
// (dossier_mutex.hpp), so no transaction is half-done when it is read. Checkpoints are SQLite's:
// it fsyncs the WAL before copying it into the database file. Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

#include "dossier_mutex.hpp"
#include "durability.hpp"
#include "werkex/error.hpp"
#include "werkex/sqlite.hpp"

namespace werkex::server {

class GroupCommit final : public Durability {
 public:
  GroupCommit(const sql::Db& db, DossierMutex& db_mutex, std::string wal_path)
      : db_(db), db_mutex_(db_mutex), wal_path_(std::move(wal_path)) {}

  // The progress mark now; call with the dossier mutex held, after the handler's writes.
  int64_t mark() const override;
  // Returns once everything up to `mark` is on disk; call without the dossier mutex.
  // WX_IO if the fsync failed: the answer must then not claim success.
  Status wait_durable(int64_t mark) override;
  // How many fsyncs ran: fewer than the waits when requests shared them.
  uint64_t fsyncs() const { return fsyncs_.load(); }

 private:
  Status fsync_wal();

  const sql::Db& db_;
  DossierMutex& db_mutex_;  // lock() commits the open batch of syncs (dossier_mutex.hpp)
  std::string wal_path_;
  std::mutex mu_;
  std::condition_variable synced_;
  int64_t durable_ = 0;
  bool syncing_ = false;
  std::atomic<uint64_t> fsyncs_{0};
};

}  // namespace werkex::server
