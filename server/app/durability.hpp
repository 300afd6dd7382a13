// Durability: when a handler's answer may go out. A handler reads mark() under the dossier
// lock before and after its writes, and calls wait_durable(after) without the lock before it
// answers: an acknowledged write survives a power cut.
//
// Two engines, two answers:
//   - SQLite (GroupCommit, group_commit.hpp): commits only write the WAL; the first waiter
//     fsyncs it for everyone who committed before it started.
//   - PostgreSQL (CommitIsDurable): COMMIT returns once the server flushed its WAL
//     (synchronous_commit = on, the default), so a write is durable when its call returned;
//     the mark never moves and nobody waits.
#pragma once

#include <cstdint>

#include "werkex/error.hpp"

namespace werkex::server {

class Durability {
 public:
  virtual ~Durability() = default;
  // The progress mark now; call with the dossier lock held, after the handler's writes.
  virtual int64_t mark() const = 0;
  // Returns once everything up to `mark` is durable; call without the dossier lock.
  // An error (WX_IO) when it cannot be made so: the answer must then not claim success.
  virtual Status wait_durable(int64_t mark) = 0;
};

class CommitIsDurable final : public Durability {
 public:
  int64_t mark() const override { return 0; }
  Status wait_durable(int64_t) override { return Status::ok(); }
};

}  // namespace werkex::server
