// The werkex sync server's application: the dossier store, the auth store, and the HTTP
// handlers registered on a Router.
//
// The dossier store is DossierStore (dossier_store.hpp), on the engine the config names
// (app_stores.cpp): a synclib Replica holding every bucket (dossiers.db), or PostgreSQL.
// Everything uses store(): the sync and its checks, key registration, disputes, blobs, the
// staff pages and their writes (write_as), the dashboard, roster import, exports (through a
// reader of their own, open_reader()), retention and the demo.
// Handlers run on the HTTP layer's worker threads; neither is thread-safe, so one mutex
// serialises every use of both (SQLite has one writer anyway). Handlers are pure
// request -> response functions and are tested through the real server process; the sync
// itself is SyncService's (sync_service.hpp), tested in-process too.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "access_cache.hpp"
#include "admin_jobs.hpp"
#include "auth_store.hpp"
#include "blob_holdings.hpp"
#include "blob_store.hpp"
#include "dossier_store.hpp"
#include "durability.hpp"
#include "group_commit.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "mailer.hpp"
#include "nightly_run.hpp"
#include "rate_limiter.hpp"
#include "retention.hpp"
#include "school/roster.hpp"
#include "sync_service.hpp"
#include "werkex/store.hpp"

namespace werkex::server {

// Where the dossiers and the server's records live (docs/design.md §1–2).
struct StoreConfig {
  // "sqlite": dossiers.db and server.db in the data folder, one process (the default).
  // "postgres": the database `conninfo` names (a libpq connection string), migrated by
  // `werkex-admin migrate --postgres`; several processes may share it.
  std::string engine = "sqlite";
  std::string conninfo;
};

struct AppConfig {
  // The data folder: the SQLite files (engine "sqlite"), and for every engine the blobs,
  // thumbnails, exports and backups; processes sharing a PostgreSQL database share it too.
  std::string data_dir;
  StoreConfig store;
  int supervisor_grace_days = 14;
  uint64_t max_clock_skew_ms = 10 * 60 * 1000;
  size_t default_page_limit = 500;
  size_t max_page_limit = 5000;
  RateLimit rate_limit;  // per device, over every authenticated request
  // A lost phone nobody reported stops working on its own after this long without a sync.
  uint64_t token_idle_expiry_ms = 180ull * 24 * 60 * 60 * 1000;
  // The largest blob PUT /v1/blobs accepts (413 above); the schema allows up to 100 MiB.
  uint64_t max_blob_bytes = 100ull * 1024 * 1024;
  // What one pupil's dossier may hold in blobs, uploads in progress counted at their declared
  // size (413 above): ~300 photos of 3 MB, years of a career dossier.
  uint64_t blob_dossier_quota_bytes = 1ull << 30;
  // What one device may upload in a UTC day (429 until midnight above): a day's photos, or
  // two of the largest blobs, but not a disk filled in an afternoon.
  uint64_t blob_device_daily_bytes = 256ull * 1024 * 1024;
  // An upload not continued for this long is deleted (and its quota freed): a phone that
  // comes back later starts that blob again from 0.
  uint64_t blob_partial_max_age_ms = 7ull * 24 * 60 * 60 * 1000;
  // Access-log rows kept in memory while server.db cannot be written (a full disk): reads
  // go on being served and recorded until this many wait, then they are refused (503).
  size_t access_log_buffer_rows = 100000;
  // Enrolment attempts per client address (unauthenticated: codes must not be guessable).
  RateLimit enroll_limit{10, 30};
  // The outbox's SMTP server (mailer.hpp); smtp_url empty: notes are only listed.
  MailConfig mail;
  // Where POST /v1/admin/backup puts its dated folders ("": <data_dir>/backups), and how many
  // it keeps (backup.hpp).
  std::string backup_dir;
  size_t backup_keep = 7;
  // How long the school keeps who left, the access log and the audit log (retention.hpp).
  RetentionPolicy retention;
  // Where POST /v1/admin/export writes the dossiers and portfolios ("": <data_dir>/exports).
  std::string export_dir;
  // The blob folder ("": <data_dir>/blobs). Processes on one PostgreSQL database, on however
  // many machines, share this folder (flock-capable) and nothing else of the data folder.
  std::string blob_dir;
  std::string blobs() const { return blob_dir.empty() ? data_dir + "/blobs" : blob_dir; }
  // The in-server nightly run (nightly_run.hpp), for schools without cron.
  NightlySchedule nightly;
};

// What a staff write's body reads and writes through (App::write_as): the store as the
// write's unit sees it, and put() judged as the staff member would be.
class StaffWriter {
 public:
  StaffWriter(DossierStore& store, Identity who) : store_(store), who_(std::move(who)) {}
  const EntityReader& reader() const { return store_; }
  Result<std::string> put(const json& doc) { return store_.put_as(who_, doc); }

 private:
  DossierStore& store_;
  Identity who_;
};

// A `blob` entity naming a hash, as /v1/blobs sees it.
struct BlobEntity {
  std::string id;
  std::string bucket;
  uint64_t size = 0;  // as declared by the entity
};

class App {
 public:
  static Result<std::unique_ptr<App>> open(AppConfig config, http::Metrics& metrics);
  // Whether the dossiers are the embedded SQLite Replica (sqlite_replica() may be called).
  bool on_sqlite() const { return dossiers_ != nullptr; }

  void register_routes(http::Router& router);
  // The admin API (admin_handler.cpp), for the admin listener only: never on the public one.
  void register_admin_routes(http::Router& router);

  // The dossiers as the sync path and the access rules use them (dossier_store.hpp).
  DossierStore& store() { return *store_; }
  // The same dossiers as the SQLite Replica (engine "sqlite" only: on_sqlite()), for the
  // bench, which seeds a deployment's dossiers straight into it. The server's own code goes
  // through store(). Under dossier_mutex().
  Replica& sqlite_replica() { return *dossiers_; }
  AuthStore& auth() { return *auth_; }
  // The admin API's services (admin_handler.cpp), shared by its handlers and the in-server
  // nightly run; each reports its steps to `progress` when given, and returns once what it
  // wrote is durable.
  // The roster import: applies a problem-free roster (roster_import.hpp) under the dossier
  // lock, giving each new person an enrolment code in the same transaction; returns what
  // POST /v1/admin/roster answers. `only_school`: a school's admin token's school, into
  // which alone the roster may write (roster_import.hpp).
  Result<json> import_roster(const school::Roster& roster, const std::string& actor,
                             JobProgress* progress = nullptr, const std::string& only_school = "");
  // The dossiers that changed (or `only` those, or all with `force`) into export_dir, read
  // through a connection of their own: what POST /v1/admin/export answers. A deployment of
  // several schools files each in its own folder; `only_school` (a school's admin token)
  // exports that school alone, into its folder.
  Result<json> export_now(std::vector<std::string> only, bool force, const std::string& actor,
                          JobProgress* progress = nullptr, const std::string& only_school = "");
  // A backup into backup_dir (backup.hpp): what POST /v1/admin/backup answers.
  Result<json> backup_now(const std::string& actor, JobProgress* progress = nullptr);
  // Retention (retention.hpp). `only_school` (a school's admin token): that school's leavers
  // alone, and none of the logs, which are the deployment's.
  Result<RetentionReport> apply_retention(const RetentionPolicy& policy, const std::string& actor,
                                          JobProgress* progress = nullptr,
                                          const std::string& only_school = "");
  // One admin job at a time, whoever starts it (admin_jobs.hpp).
  AdminJobs& admin_jobs() { return *jobs_; }
  const AppConfig& config() const { return config_; }
  // Starts the in-server nightly timer, if the config names one (nightly_run.hpp).
  void start_nightly(std::function<void(const std::string&)> log);
  DossierMutex& dossier_mutex() { return mu_; }
  // compute_access() for `person` on the server's today, through the cache
  // (access_cache.hpp). Call it holding dossier_mutex().
  Result<AccessPtr> access_of(const std::string& person);
  // One read of `bucket` by a staff member through the dashboard (`page`: the page or JSON
  // route, e.g. "web:/leerling"), into the access log as record_read does for devices.
  Status record_staff_read(const std::string& person, const std::string& page,
                           const std::string& bucket, size_t changes);
  uint64_t now_ms();
  // The file of blob `sha` when `bucket` holds it completely (BlobHoldings), else
  // WX_NOT_FOUND: the staff dashboard serves a pupil's photo only from that pupil's dossier.
  Result<std::string> held_blob_file(const std::string& bucket, const std::string& sha);
  // Writes into the dossier store for a staff member (the dashboard's forms, staff_write.cpp):
  // under the dossier lock, `body` runs as one unit of the store (DossierStore::together),
  // its writes judged as `identity`'s (so the schema's write roles apply, as they do to a
  // device of that role), and the call returns once what was written is durable. When `body`
  // fails nothing is written and its error is returned. Either engine.
  Status write_as(const Identity& identity, const std::function<Status(StaffWriter&)>& body);

 private:
  App(AppConfig config, http::Metrics& metrics)
      : config_(std::move(config)),
        metrics_(metrics),
        limiter_(config_.rate_limit),
        enroll_limiter_(config_.enroll_limit) {}
  http::Response handle_sync(const http::Request& req, http::RequestLog& log);
  http::Response health(const http::Request& req);              // GET /healthz
  http::Response not_on_this_engine(const http::Request& req);  // 501 (admin_routes.cpp)
  http::Response handle_enroll(const http::Request& req, http::RequestLog& log);
  // POST /v1/keys (keys_handler.cpp): a supervisor registers a sign-off public key.
  http::Response handle_keys(const http::Request& req, http::RequestLog& log);
  // GET /v1/notifications, POST /v1/signoffs/{id}/dispute (notify.cpp): the supervisor's
  // notes of sign-offs made in her name and the step to dispute one.
  http::Response handle_notifications(const http::Request& req, http::RequestLog& log);
  http::Response handle_dispute(const http::Request& req, const std::string& id,
                                http::RequestLog& log);
  // The device behind the request's bearer token, once its rate limit allows the request.
  Result<Device> authenticate(const http::Request& req, http::RequestLog& log);
  // Who the request's admin token is (WX_UNAUTHENTICATED without a live one).
  Result<AdminPrincipal> authenticate_admin(const http::Request& req, http::RequestLog& log);
  // The same for a step that is the whole deployment's (backup, nightly):
  // WX_PERMISSION_DENIED for a school's token (docs/design.md §8).
  Result<AdminPrincipal> authenticate_deployment_admin(const http::Request& req,
                                                       const std::string& step,
                                                       http::RequestLog& log);
  // POST /v1/admin/roster (admin_handler.cpp): the nightly roster import.
  http::Response handle_roster(const http::Request& req, http::RequestLog& log);
  // POST /v1/admin/backup (admin_handler.cpp): a backup while the server serves (backup.hpp).
  http::Response handle_backup(const http::Request& req, http::RequestLog& log);
  // POST /v1/admin/export (admin_handler.cpp): the nightly dossier exports.
  http::Response handle_export(const http::Request& req, http::RequestLog& log);
  // POST /v1/admin/nightly (admin_handler.cpp): the in-server nightly run, now.
  http::Response handle_nightly(const http::Request& req, http::RequestLog& log);
  // POST /v1/admin/retention (admin_handler.cpp, retention.cpp).
  http::Response handle_retention(const http::Request& req, http::RequestLog& log);
  // Runs an admin step as a job (admin_routes.cpp): 202 with the job's URL when the client
  // sends `Prefer: respond-async`, else the step's own answer once it ended; 409 while
  // another job runs.
  http::Response admin_step(const http::Request& req, const std::string& kind, AdminJobs::Work work,
                            const AdminPrincipal& admin, http::RequestLog& log);
  // GET /v1/admin/jobs and /v1/admin/jobs/{id} (admin_routes.cpp).
  http::Response handle_jobs(const http::Request& req, const std::string& id,
                             http::RequestLog& log);
  Status erase_pupil(const json& person, uint64_t now_ms, const std::string& actor,
                     RetentionReport& report);
  // AuthStore::log_read, and the gauge of rows waiting for disk space.
  Status record_read(const Device& device, const std::string& bucket, size_t changes,
                     const std::string& blob = "");
  // Runs a handler that may write dossiers and answers only once its writes are on disk.
  http::Response durable(const http::Request& req, const std::function<http::Response()>& handler);
  // `res`, once what was written between GroupCommit marks `before` and `after` is on disk;
  // an error answer if it cannot be made so. For handlers that read the marks under the
  // dossier lock they hold anyway (the sync), instead of durable()'s two more.
  http::Response once_durable(const http::Request& req, http::Response res, int64_t before,
                              int64_t after, std::optional<uint64_t> batch = std::nullopt);
  // error_response, plus Retry-After when the device is over its rate limit.
  http::Response refuse(const http::Request& req, const Error& e);
  http::Response refuse_device(const http::Request& req, const Error& e);
  // A sync the service refused, as the device reads it (sync_handler.cpp).
  http::Response sync_refusal(const http::Request& req, const SyncOutcome& outcome);
  // Blobs (blob_handler.cpp): HEAD/PUT/GET /v1/blobs/{sha}; the contract is in README.md.
  Status open_blobs();
  // holdings_ on the store's engine (app_stores.cpp).
  Status open_blob_holdings();
  // The dossier and auth stores of config_.store's engine (app_stores.cpp).
  Status open_stores();
  Status open_sqlite_stores();
  Status open_postgres_stores();
  // A second connection to the dossiers that only reads, outside the dossier lock: the
  // export's, so phones keep syncing while portfolios are made (it sees committed data only).
  Result<std::unique_ptr<DossierStore>> open_reader();
  // The service behind POST /v1/sync, on this App's stores, cache, clock and hooks.
  void open_sync_service();
  void register_blob_routes(http::Router& router);
  http::Response handle_blob_head(const http::Request& req, const std::string& sha,
                                  http::RequestLog& log);
  http::Response handle_blob_put(const http::Request& req, const std::string& sha,
                                 http::RequestLog& log);
  http::Response handle_blob_get(const http::Request& req, const std::string& sha,
                                 http::RequestLog& log);
  // Blob entities with that hash, one per bucket the device's person may read (for_write:
  // the one bucket it may write); not_found, or permission_denied when readable only.
  // Takes mu_. (blob_access.cpp, with the rest of who holds which bytes.)
  Result<std::vector<BlobEntity>> find_blobs(const Device& device, const std::string& sha,
                                             bool for_write);
  // The complete holding among `entities`' buckets, if any.
  Result<std::optional<std::pair<BlobEntity, Holding>>> held_blob(
      const std::vector<BlobEntity>& entities, const std::string& sha);
  http::Response blob_refuse(const http::Request& req, const Error& e, http::RequestLog& log);
  // PUT's checks before any byte is stored: quotas (413 dossier, 429 device per day).
  Status check_blob_quotas(const Device& device, const BlobEntity& entity, uint64_t total,
                           uint64_t fresh);
  // `bucket` no longer holds `sha`: its upload and holding go; the bytes once no one holds them.
  // Whether the file went too. The file goes under the hash's lock (BlobStore::remove_unheld),
  // so an upload finishing in any process never completes a holding whose file is gone.
  Result<bool> forget_blob(const std::string& bucket, const std::string& sha);
  // After a push: the blobs whose entity it deleted are forgotten. Caller holds mu_.
  Status forget_deleted_blobs(const std::vector<Change>& applied);
  // Deletes uploads left unfinished for blob_partial_max_age_ms (at most once a minute).
  void sweep_blobs_if_due();
  Status migrate_blob_holdings();

  AppConfig config_;
  http::Metrics& metrics_;
  SystemClockSource clock_;
  RateLimiter limiter_;
  std::unique_ptr<Replica> dossiers_;  // engine "sqlite" only; null on PostgreSQL
  // The dossier connection's lock, and its batch of syncs: declared after dossiers_, so a
  // batch still open is ended before the connection closes.
  DossierMutex mu_;
  AccessCache access_cache_;             // GUARDED_BY(mu_)
  std::unique_ptr<DossierStore> store_;  // GUARDED_BY(mu_)
  std::unique_ptr<AuthStore> auth_;
  std::string epoch_;  // AuthStore::epoch at start: fixed while the server runs
  std::unique_ptr<Durability> commits_;
  std::unique_ptr<BlobStore> blobs_;        // thread-safe itself: used outside mu_
  std::unique_ptr<BlobHoldings> holdings_;  // thread-safe itself
  std::mutex sweep_mu_;
  uint64_t last_sweep_ms_ = 0;  // GUARDED_BY(sweep_mu_)
  RateLimiter enroll_limiter_;  // per client address
  // Both limiters' buckets, when the store is shared by several processes (PostgreSQL).
  std::unique_ptr<SharedBuckets> shared_buckets_;
  // The admin jobs' locks across processes (PostgreSQL); outlives jobs_.
  std::unique_ptr<JobLocks> job_locks_;
  std::unique_ptr<Mailer> mailer_;     // null without smtp_url; stops before auth_ closes
  std::unique_ptr<SyncService> sync_;  // POST /v1/sync without HTTP; used under mu_
  // Last: destroyed first, each waiting for the admin job it runs, which uses all the above.
  std::unique_ptr<AdminJobs> jobs_;
  std::unique_ptr<NightlyRunner> nightly_;  // when the config has a "nightly" entry
};

}  // namespace werkex::server
