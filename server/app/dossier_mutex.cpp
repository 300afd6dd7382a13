// The dossier lock and its batch of syncs (dossier_mutex.hpp).
#include "dossier_mutex.hpp"

#include <algorithm>
#include <cstdio>

namespace werkex::server {

DossierMutex::~DossierMutex() {
  std::lock_guard lock(m_);
  (void)commit_batch();  // a failure is logged; there is nobody left to answer
}

void DossierMutex::lock() {
  m_.lock();
  // A failure is the batch's: remembered for its syncs, and this caller starts clean.
  (void)commit_batch();
}

Result<uint64_t> DossierMutex::join_batch() {
  if (open_) return batch_;
  // No replica attached (engine "postgres"): each store call commits its own transaction,
  // durable when it returns, so there is nothing to batch; the number only names the sync.
  if (!replica_) return ++batch_;
  WX_ASSIGN_OR_RETURN(sql::Transaction tx, replica_->begin_transaction());
  open_.emplace(std::move(tx));
  opened_at_ = sqlite3_total_changes64(replica_->database().raw());
  return ++batch_;
}

void DossierMutex::close_if_unwritten() {
  if (open_ && sqlite3_total_changes64(replica_->database().raw()) == opened_at_)
    (void)commit_batch();  // nothing written: nothing to fail but the lock's release
}

Status DossierMutex::commit_batch() {
  if (!open_) return Status::ok();
  sql::Transaction tx = std::move(*open_);
  open_.reset();
  Status s = tx.commit();  // rolled back if it fails
  std::lock_guard lock(failures_mu_);
  if (s) {
    ++committed_;
    return s;
  }
  std::fprintf(stderr, "werkex-server: a batch of syncs could not be committed: %s\n",
               s.error().to_string().c_str());
  failed_.push_back(batch_);
  if (failed_.size() > kFailuresKept) failed_.pop_front();
  return s;
}

bool DossierMutex::failed(uint64_t batch) const {
  std::lock_guard lock(failures_mu_);
  return std::find(failed_.begin(), failed_.end(), batch) != failed_.end();
}

uint64_t DossierMutex::batches_committed() const {
  std::lock_guard lock(failures_mu_);
  return committed_;
}

}  // namespace werkex::server
