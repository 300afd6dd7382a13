// App's stores, by engine (docs/design.md §1): the embedded SQLite files in the data folder,
// or a PostgreSQL database several server processes share.
#include "app.hpp"
#include "auth_store_sqlite.hpp"
#include "dossier_store_sqlite.hpp"
#include "group_commit.hpp"

#ifdef WERKEX_HAVE_POSTGRES
#include "auth_store_pg.hpp"
#include "blob_holdings_pg.hpp"
#include "dossier_store_pg.hpp"
#include "pg_job_locks.hpp"
#include "pg_rate_buckets.hpp"
#endif

namespace werkex::server {

Status App::open_stores() {
  if (config_.store.engine == "sqlite") return open_sqlite_stores();
  if (config_.store.engine == "postgres") return open_postgres_stores();
  return make_error(WX_INVALID_ARGUMENT,
                    "unknown store engine '" + config_.store.engine + "' (sqlite or postgres)");
}

Status App::open_sqlite_stores() {
  ReplicaOptions options;
  options.clock = &clock_;
  options.max_clock_skew_ms = config_.max_clock_skew_ms;
  // NORMAL: commits only write the WAL; GroupCommit fsyncs it before any answer goes out.
  options.durable = false;
  const std::string path = config_.data_dir + "/dossiers.db";
  WX_ASSIGN_OR_RETURN(dossiers_, Replica::open(path, options));
  store_ = std::make_unique<SqliteDossierStore>(*dossiers_);
  mu_.attach(*dossiers_);
  commits_ = std::make_unique<GroupCommit>(dossiers_->database(), mu_, path + "-wal");
  if (dossiers_->identity().role.empty())
    WX_RETURN_IF_ERROR(dossiers_->set_identity({"server", "admin", "", ""}));
  WX_ASSIGN_OR_RETURN(auth_, SqliteAuthStore::open(config_.data_dir + "/server.db"));
  return Status::ok();
}

// SQLite: server.db, given holdings once for blobs stored before them. PostgreSQL: the
// database, taking over once what a deployment kept in the data folder's server.db before.
Status App::open_blob_holdings() {
#ifdef WERKEX_HAVE_POSTGRES
  if (!on_sqlite()) {
    WX_ASSIGN_OR_RETURN(auto pg, PgBlobHoldings::open(config_.store.conninfo));
    WX_ASSIGN_OR_RETURN(bool adopt, pg->needs_migration());
    if (adopt) {
      WX_ASSIGN_OR_RETURN(size_t copied, pg->adopt_sqlite(config_.data_dir + "/server.db"));
      if (copied)
        std::fprintf(stdout, "{\"event\":\"blob_holdings_adopted\",\"holdings\":%zu}\n", copied);
      WX_RETURN_IF_ERROR(pg->migrated(now_ms()));
    }
    holdings_ = std::move(pg);
    return Status::ok();
  }
#endif
  WX_ASSIGN_OR_RETURN(holdings_, BlobHoldings::open(config_.data_dir + "/server.db"));
  WX_ASSIGN_OR_RETURN(bool migrate, holdings_->needs_migration());
  if (!migrate) return Status::ok();
  WX_RETURN_IF_ERROR(migrate_blob_holdings());
  return holdings_->migrated(now_ms());
}

Result<std::unique_ptr<DossierStore>> App::open_reader() {
#ifdef WERKEX_HAVE_POSTGRES
  if (!on_sqlite()) {
    PgDossierOptions options;
    options.conninfo = config_.store.conninfo;
    options.read_only = true;
    WX_ASSIGN_OR_RETURN(auto reader, PgDossierStore::open(std::move(options)));
    return std::unique_ptr<DossierStore>(std::move(reader));
  }
#endif
  WX_ASSIGN_OR_RETURN(auto replica, Replica::open(config_.data_dir + "/dossiers.db"));
  return std::unique_ptr<DossierStore>(std::make_unique<SqliteDossierStore>(std::move(replica)));
}

#ifdef WERKEX_HAVE_POSTGRES
Status App::open_postgres_stores() {
  if (config_.store.conninfo.empty())
    return make_error(WX_INVALID_ARGUMENT, "store engine 'postgres' needs a conninfo");
  PgDossierOptions options;
  options.conninfo = config_.store.conninfo;
  options.clock = &clock_;
  options.max_clock_skew_ms = config_.max_clock_skew_ms;
  WX_ASSIGN_OR_RETURN(store_, PgDossierStore::open(std::move(options)));
  // Each call commits on its own, durably: nothing to batch, nobody to wait for.
  commits_ = std::make_unique<CommitIsDurable>();
  WX_ASSIGN_OR_RETURN(auth_, PgAuthStore::open(config_.store.conninfo));
  // One limit per device and per address, whichever process a request reaches.
  WX_ASSIGN_OR_RETURN(shared_buckets_, PgRateBuckets::open(config_.store.conninfo));
  limiter_.share(shared_buckets_.get(), "device:");
  enroll_limiter_.share(shared_buckets_.get(), "enroll:");
  // One roster import of a school at a time, whichever process it reaches.
  WX_ASSIGN_OR_RETURN(job_locks_, PgJobLocks::open(config_.store.conninfo));
  jobs_->share(job_locks_.get());
  return Status::ok();
}
#else
Status App::open_postgres_stores() {
  return make_error(WX_INVALID_ARGUMENT,
                    "this werkex-server was built without PostgreSQL (WERKEX_WITH_POSTGRES=OFF)");
}
#endif

}  // namespace werkex::server
