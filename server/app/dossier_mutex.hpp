// DossierMutex: the lock every user of the server's dossier connection takes, and the open
// batch of syncs whose writes wait in one transaction for GroupCommit (flat combining).
//
// Why: with one transaction per sync, each commit writes its pages to the WAL on its own
// (two pwrites a page, a dozen pages a sync) and takes SQLite's file locks again. Syncs that
// arrive while GroupCommit fsyncs instead join one open transaction, each as a savepoint that
// fails alone; the next fsync's leader commits them together, so pages they share (the ends
// of the changes table and its indexes, the peers table) are written once (issue 14).
//
// Invariants:
//   - A sync takes the lock with lock_for_sync() and join_batch(): its writes go into the
//     open batch. Every other user takes it with lock() (std::lock_guard), which commits the
//     open batch first: handlers, staff pages, imports and exports see and write a connection
//     with no transaction left open, exactly as without batching.
//   - GroupCommit's leader takes lock() before it reads its mark and fsyncs, so a sync whose
//     mark is durable was committed (or its batch failed) before that fsync.
//   - A batch whose COMMIT fails is rolled back whole and remembered: each of its syncs sees
//     failed(batch) after its wait and answers an error (a device sends an unanswered push
//     again; merging it again is idempotent). A sync that only read from a batch that later
//     failed may have sent a device changes the server no longer holds: their author's
//     device still holds them and pushes them again, so everyone converges.
// Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

#include "werkex/sqlite.hpp"
#include "werkex/store.hpp"

namespace werkex::server {

class DossierMutex {
 public:
  DossierMutex() = default;
  // A batch still open is committed: its writes are valid merges that nobody was answered
  // for yet. Must run before the attached replica closes.
  ~DossierMutex();
  DossierMutex(const DossierMutex&) = delete;
  DossierMutex& operator=(const DossierMutex&) = delete;

  // The replica whose connection the lock guards and whose syncs it batches; without one
  // (PostgreSQL), the lock only locks and join_batch() opens no transaction.
  void attach(Replica& replica) { replica_ = &replica; }

  void lock();  // the lock, with the open batch committed (BasicLockable)
  void unlock() { m_.unlock(); }
  void lock_for_sync() { m_.lock(); }  // the lock, with the batch left open

  // Under the lock: opens a batch if none is open; returns its number for failed().
  Result<uint64_t> join_batch();
  // Under the lock: commits the open batch now (nothing if none). Its error is the batch's.
  Status commit_batch();
  // Under the lock, at the end of a sync: a batch nobody has written in yet is closed (an
  // empty COMMIT, no I/O). A written batch has syncs waiting for GroupCommit, whose leader
  // commits it; an unwritten one would otherwise hold SQLite's write lock, and pin the WAL,
  // until the next request.
  void close_if_unwritten();
  // Whether batch `batch` was rolled back instead of committed. Any thread.
  bool failed(uint64_t batch) const;
  uint64_t batches_committed() const;  // for tests

 private:
  static constexpr size_t kFailuresKept = 4096;

  std::mutex m_;
  Replica* replica_ = nullptr;
  std::optional<sql::Transaction> open_;  // GUARDED_BY(m_)
  uint64_t batch_ = 0;                    // the open (or last) batch's number; GUARDED_BY(m_)
  int64_t opened_at_ = 0;  // the connection's total_changes when it opened; GUARDED_BY(m_)
  mutable std::mutex failures_mu_;
  std::deque<uint64_t> failed_;  // the last kFailuresKept failed batches; GUARDED_BY(failures_mu_)
  uint64_t committed_ = 0;       // GUARDED_BY(failures_mu_)
};

}  // namespace werkex::server
