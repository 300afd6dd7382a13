// Replica::wipe (store.hpp): a lost device's local data, removed from the database file.
#include "replica_impl.hpp"

namespace werkex {

Status Replica::wipe() {
  sql::Db& db = impl_->db;
  // Freed pages are overwritten with zeros, not left readable in the file.
  WX_RETURN_IF_ERROR(db.exec("PRAGMA secure_delete=ON"));
  {
    WX_ASSIGN_OR_RETURN(auto tx, impl_->begin_write());
    WX_RETURN_IF_ERROR(db.exec(
        "DELETE FROM entities; DELETE FROM changes; DELETE FROM quarantine; DELETE FROM peers; "
        "DELETE FROM knowledge; "
        "DELETE FROM blobs; DELETE FROM meta WHERE key LIKE 'setting.%' OR key LIKE "
        "'identity.%'"));
    // Made by BlobStore::open, so not in every file.
    WX_ASSIGN_OR_RETURN(auto failures,
                        sql::Stmt::prepare(db,
                                           "SELECT count(*) FROM sqlite_master WHERE "
                                           "type = 'table' AND name = 'blob_failures'"));
    WX_ASSIGN_OR_RETURN(bool row, failures.step());
    const bool has_failures = row && failures.int64(0) > 0;
    failures.reset();
    if (has_failures) {
      WX_RETURN_IF_ERROR(db.exec("DELETE FROM blob_failures"));
    }
    WX_RETURN_IF_ERROR(tx.commit());
  }
  impl_->identity = Identity{};
  // The WAL still holds the rows' last versions until it is checkpointed and truncated.
  WX_RETURN_IF_ERROR(db.exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  return db.exec("VACUUM");
}

}  // namespace werkex
