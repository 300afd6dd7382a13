// Replica: one device's dossier store, a SQLite database in WAL mode.
//
// The store keeps, per entity, the replicated state of every field (state-based, so history
// does not grow without bound) and, derived from it in the same transaction, the entity's
// JSON document for queries. Every local action and every received bundle is
// one transaction: when put() or apply() returns OK the data is on disk (synchronous=FULL;
// `durable = false` trades power-loss safety for speed in bulk imports that can be redone).
// Each action or received batch that changes an entity gives the changed field states one new
// local sequence number; changes_since(seq) is what a peer that has seen up to `seq` lacks.
//
// Local writes are checked against the schema and the replica's identity (its user, role and
// buckets); received changes are checked against the schema only (the server checks roles).
// A Replica is not thread-safe: use it from one thread at a time. Observers run on the
// thread that made the change, after its transaction committed.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "werkex/bundle.hpp"
#include "werkex/clock.hpp"
#include "werkex/error.hpp"
#include "werkex/schema.hpp"

namespace werkex {

namespace sql {
class Db;
class Transaction;
}  // namespace sql

// Who writes on this replica: a person id, their role, the bucket their own entities go to
// (a pupil's dossier "pupil:<id>") and their school's shared bucket ("school:<id>").
struct Identity {
  std::string user;
  std::string role;
  std::string bucket;
  std::string school_bucket;
};

// How far ahead of its own physical time a device accepts received stamps: 2 days. What the
// server sends is at most its own bound (10 minutes) ahead of the server's time, which the
// device's clock follows after every sync; the rest covers two devices handing bundles over
// offline whose clocks are hours apart (a wrong time zone is up to 14 hours).
inline constexpr uint64_t kDeviceMaxClockSkewMs = 2ull * 24 * 3600 * 1000;

struct ReplicaOptions {
  ClockSource* clock = nullptr;          // not owned; nullptr: the system clock
  std::shared_ptr<const Schema> schema;  // nullptr: the built-in schema
  bool durable = true;                   // false: synchronous=NORMAL
  // Received changes stamped more than this far ahead of the local clock's physical time
  // (corrected by the server's offset) are rejected with WX_CLOCK_SKEW, so one forged or
  // broken stamp cannot drag this replica's clock, and every later write, into the future.
  // Devices: kDeviceMaxClockSkewMs; the server sets its own (design.md: 10 minutes).
  // 0: no bound (tests and tools only; stamps above Hlc::kMaxValue are refused regardless).
  uint64_t max_clock_skew_ms = kDeviceMaxClockSkewMs;
};

// Which changes changes_since() returns.
struct ChangeFilter {
  std::string bucket;             // only this bucket ("": all)
  bool skip_from_server = false;  // leave out updates that only took over the server's state
  // The receiver's knowledge() (empty: unknown): states it has seen every write of are left
  // out, so nobody receives what it already has, whichever way it got it.
  std::vector<Stamp> known;
};

struct ApplyOptions {
  // The bundle is the server's: updates that leave a field exactly as the server sent it are
  // marked so that pushing (ChangeFilter::skip_from_server) does not echo them back.
  bool from_server = false;
};

// A change the server refused, kept on the device where the user can see it.
struct QuarantinedChange {
  std::string entity;
  std::string field;
  std::string code;
  std::string message;
  std::string at;  // RFC 3339, when it was refused
  // Whose change it was: the replica that stamped the refused value (hex; "" if unknown) and
  // the person, when known (this device's user, or the entity's author/signer).
  std::string replica;
  std::string author;
  // The field's value as this device held it when it was refused (the document's form), and
  // whether the refused state was withdrawn from the entity (withdraw_refused()): then this
  // entry is the only place the value is still kept on the device.
  json value;
  bool withdrawn = false;
  std::string type;  // the entity's type ("" if this device did not hold the entity)
  // The refusal's catalogue key and arguments (messages.hpp), so the app shows it in its
  // user's language long after the sync; "" and none for a refusal outside the catalogue.
  std::string key;
  MessageArgs args;
  // "<entity>/<field>": what drop_quarantined()/retry_quarantined() and the CLI take.
  std::string id() const { return entity + "/" + field; }
  // {"id","entity","type","field","replica","author","code","message","at","value",
  //  "withdrawn"}
  json to_json() const;
};

// Which entities a list() returns or an observer hears about (observers use only type and
// bucket). Empty strings match anything.
struct Query {
  std::string type;
  std::string bucket;
  std::string field;     // with `equals`: only entities whose field has this value
  json equals;           // (for set fields: contains it)
  std::string order_by;  // a field name; entities without it sort first; ties by id
  bool include_deleted = false;
  size_t limit = 0;   // 0: no limit
  size_t offset = 0;  // skip this many (paging)

  // The entities of `type` in `bucket` whose `field` is (or, for a set, contains) `value`.
  static Query where(std::string type, std::string bucket, std::string field, json value) {
    Query q;
    q.type = std::move(type);
    q.bucket = std::move(bucket);
    q.field = std::move(field);
    q.equals = std::move(value);
    return q;
  }
};

struct RejectedChange {
  std::string entity;
  std::string field;
  Error error;
};

// [{"entity","field","code","message"}]: how refusals are reported everywhere.
json rejected_changes_json(const std::vector<RejectedChange>& rejected);

struct ApplyReport {
  size_t received = 0;
  size_t applied = 0;    // changed this replica's state
  size_t unchanged = 0;  // already known (duplicates, older states)
  std::vector<RejectedChange> rejected;
  json to_json() const;  // {"received","applied","unchanged","rejected"}
};

// A reference another entity held to a deleted one, removed in the delete's transaction.
struct RemovedReference {
  std::string entity;
  std::string type;
  std::string field;
  json value;  // what was removed (a blob's sha256)
};

// What delete_entity() did: the entity it marked deleted and what else changed with it.
struct RemoveReport {
  std::string id;
  std::string type;
  std::vector<RemovedReference> references_removed;
  json to_json()
      const;  // {"deleted","type","references_removed":[{"entity","type","field","value"}]}
};

struct ChangeEvent {
  std::string entity;
  std::string type;
  std::string bucket;
  bool deleted = false;
};

using Observer = std::function<void(const std::vector<ChangeEvent>&)>;

// What reads entities as documents and field states: a Replica, and the server's dossier
// stores on any engine. The sign-off checks (signoff.hpp) judge against it, so the server
// judges the same way on SQLite and on PostgreSQL.
class EntityReader {
 public:
  virtual ~EntityReader() = default;
  // The entity's document; WX_NOT_FOUND if the store has never held it.
  virtual Result<json> get(const std::string& id) const = 0;
  // The entity's replicated field states, one Change per field or set element in (field,
  // element) order. WX_NOT_FOUND if the store has never held it.
  virtual Result<std::vector<Change>> field_states(const std::string& id) const = 0;
  virtual Result<std::vector<json>> list(const Query& query) const = 0;
  // How many entities list(query) gives; a store that can count without reading overrides it.
  virtual Result<size_t> count(const Query& query) const {
    WX_ASSIGN_OR_RETURN(auto all, list(query));
    return all.size();
  }
  // The changes a server refused that this store keeps back (a device's quarantine). A store
  // that never pushes to a server (the server's own) holds none.
  virtual Result<std::vector<QuarantinedChange>> quarantined() const {
    return std::vector<QuarantinedChange>{};
  }
  // The schema the store judges and documents with.
  virtual const Schema& schema() const = 0;
  // The store's change feed: the newest sequence number (cursor), and the changes after
  // `seq` that `filter` lets through, at most `limit` entity updates (0: all), as a bundle
  // whose upto_seq is where to continue. Caches of what is read (the staff dashboard's) and
  // incremental exports follow it. Every store gives a change a number above every one a
  // reader has already seen.
  virtual uint64_t last_seq() const = 0;
  virtual Result<Bundle> changes_since(uint64_t seq, size_t limit = 0,
                                       const ChangeFilter& filter = {}) const = 0;
};

class Replica : public EntityReader {
 public:
  // Opens or creates the replica at `path`. A new replica gets a fresh random replica id.
  static Result<std::unique_ptr<Replica>> open(const std::string& path,
                                               ReplicaOptions options = {});
  ~Replica() override;
  Replica(const Replica&) = delete;
  Replica& operator=(const Replica&) = delete;

  uint64_t replica_id() const;
  // Gives a replica that holds no change yet (last_seq() == 0) a new random replica id: what
  // a fresh device does when the server says its id is taken (two installs from one copied
  // database). WX_CONFLICT once the replica holds changes, whose stamps name the old id.
  Status renew_replica_id();
  const Schema& schema() const override;
  HybridClock& clock();
  const std::string& path() const;

  const Identity& identity() const;
  Status set_identity(const Identity& identity);
  // Free-form settings kept with the replica (server URL, token, …).
  Result<std::optional<std::string>> setting(const std::string& key) const;
  Status set_setting(const std::string& key, const std::string& value);

  // Creates (no "id") or updates (with "id") an entity from a flat JSON document, writing
  // only the fields given. Returns the id. Fails, writing nothing, on any invalid field.
  Result<std::string> put(const json& doc);
  // Creates an entity under the id `doc` gives: for an id made elsewhere that is already part
  // of what was signed (a sign-off handed over by QR). Same checks as put(); WX_CONFLICT if an
  // entity with that id exists.
  Result<std::string> create(const json& doc);
  // Marks the entity deleted (a tombstone that syncs like any field). Deleting a blob also
  // removes its sha256 from the entries that list it (an experience's photos) in the same
  // transaction, unless another blob entity with that content is still attached there, so
  // no device is left with a photo it can never fetch. Fails, changing nothing, if any of
  // those writes is refused. remove() is delete_entity() without the report.
  Status remove(const std::string& id);
  Result<RemoveReport> delete_entity(const std::string& id);
  // Writes the tombstone back to false: a deleted entity comes back with all its fields
  // (store_trash.cpp). The same role checks as a delete; WX_CONFLICT if it is not deleted.
  // Apps call restore() of werkex/trash.hpp, which keeps to the trash's 30 days.
  Status undelete(const std::string& id);
  // Writes a value that lost a concurrent write back as the newest value of `field` (which
  // settles the conflict: the other lost values are cleared with it): the most recent one,
  // or the one written by `from_replica`. Returns what was restored; WX_NOT_FOUND if none.
  Result<LostWrite> restore_lost(const std::string& id, const std::string& field,
                                 std::optional<uint64_t> from_replica = std::nullopt);

  // The entity's document; WX_NOT_FOUND if this replica has never seen it.
  Result<json> get(const std::string& id) const override;
  // The entity's replicated field states, one Change per field or set element in (field,
  // element) order, for readers that need the stamps (sign-off content hashes).
  // WX_NOT_FOUND if this replica has never seen it.
  Result<std::vector<Change>> field_states(const std::string& id) const override;
  Result<std::vector<json>> list(const Query& query) const override;
  // Streams the matching documents' JSON text to `visit` without holding them all: what a
  // long list should use on a phone. `visit` returns false to stop early.
  Status scan(const Query& query, const std::function<bool(std::string_view doc)>& visit) const;
  Result<size_t> count(const Query& query) const override;
  // Canonical JSON array of every entity, sorted by id, keys sorted: equal on converged replicas.
  Result<std::string> dump() const;

  // The highest local sequence number; changes_since(s) returns states with seq > s.
  uint64_t last_seq() const override;
  // The highest sequence number of a change in `bucket` now (0: none): a cheap test of
  // whether anything in one bucket changed (one index lookup), for caches of what is read
  // from a bucket. Every write or applied change gives it a number never seen before; only
  // withdraw_refused() (a device taking back what the server refused) and purge_bucket()
  // change a bucket without one.
  Result<uint64_t> bucket_seq(const std::string& bucket) const;
  // Changes of at most `limit` entity updates (0: all; one update is the fields one action or
  // batch changed in one entity); the bundle's upto says how far it reaches.
  Result<Bundle> changes_since(uint64_t seq, size_t limit = 0,
                               const ChangeFilter& filter = {}) const override;
  // Merges a received bundle in one transaction. Invalid changes are rejected, each with its
  // reason, and the rest applied. Records how far this replica has seen the sender.
  Result<ApplyReport> apply(const Bundle& bundle, const ApplyOptions& options = {});
  // After the server refused changes stamped too far ahead (this phone's clock ran ahead):
  // gives every state this replica stamped after `limit_millis` in updates after `since_seq`
  // that did not come from the server a fresh stamp from the corrected clock, oldest first,
  // so their order among themselves and above everyone else's stamps is kept. Those stamps
  // were never accepted anywhere, so replacing them is safe. Correct the clock's offset
  // first. Returns how many stamps were replaced.
  Result<size_t> restamp_ahead(uint64_t since_seq, uint64_t limit_millis);
  // The `upto` of the last bundle applied from `replica` (0 if none).
  Result<uint64_t> peer_seq(uint64_t replica) const;
  // This replica's version vector, sorted by replica: for each replica, the stamp up to which
  // every write of it is reflected in this replica's states. Its own entry covers every write
  // committed to this file; another replica's entry rises when a bundle of that sender's
  // whole state (Bundle::knowledge, a bundle with no bucket filter and no limit cut) is
  // applied without a refusal and without a gap (its since at most this replica's peer_seq
  // of the sender): the receiver then reflects all the sender reflected. Dropping states
  // (purge_bucket, withdraw_refused, wipe) forgets the entries of others. Give it to a
  // sender as ChangeFilter::known.
  Result<std::vector<Stamp>> knowledge() const;

  // Forgets every entity of a bucket this replica may no longer see (access ended).
  Status purge_bucket(const std::string& bucket);
  // Forgets everything this device holds (a lost phone, device_wipe.hpp): every entity,
  // change, refusal, upload row, peer mark, setting (token, signing key, PIN codes) and the
  // identity, with SQLite's secure_delete on and the file vacuumed and its WAL truncated, so
  // the bytes are gone from the file too. The replica id stays; the replica is then like a
  // new one that was never enrolled. Blob files are the BlobStore's (remove_unreferenced).
  Status wipe();
  // The buckets this replica holds entities of.
  Result<std::vector<std::string>> buckets() const;

  // Refused changes, kept visible (design.md: never silently dropped). Recording the same
  // entity and field again replaces the earlier entry; clear() when the user has seen them.
  Status quarantine(const std::vector<RejectedChange>& rejected);
  // The server refused `refused` of the changes this replica pushed in `pushed` (a bundle
  // changes_since() made). Records each in the quarantine with the value it had here and, in
  // the same transaction, withdraws every refused state that is still here unchanged (a
  // later local write keeps its own): the field falls back to nothing, and an entity left
  // with no field (one the server never accepted, such as a refused sign-off) disappears.
  // Returns the buckets withdrawn from: pull them again from the start, and the server's
  // states of those fields come back, so this replica ends equal to a fresh one that never
  // held the refused changes (design.md, "Refused pushes").
  Result<std::vector<std::string>> withdraw_refused(const std::vector<RejectedChange>& refused,
                                                    const Bundle& pushed);
  Result<std::vector<QuarantinedChange>> quarantined() const override;
  Status clear_quarantine();
  // Forgets one entry (the user has seen it and gives the change up locally; the value stays
  // on this device). WX_NOT_FOUND if there is no such entry.
  Status drop_quarantined(const std::string& entity, const std::string& field);
  // Queues the refused field again, so the next sync pushes it again (e.g. after the access
  // that was missing was granted), and forgets the entry: a withdrawn value is written back
  // as a new local write of the field; otherwise the field's current states get a new local
  // seq, unchanged stamps and values. If the server refuses again, the change comes back
  // into the quarantine. WX_NOT_FOUND if there is no such entry or the entity is no longer
  // on this device (then drop the entry).
  Status retry_quarantined(const std::string& entity, const std::string& field);

  uint64_t add_observer(Query query, Observer observer);
  void remove_observer(uint64_t token);

  // Runs `body` as one transaction: the put()s and remove()s it makes, and what it writes
  // through database(), commit together (one fsync) or, if `body` or the commit fails, not
  // at all. Observers hear of the changes after the commit. For one user action that is
  // several writes (attaching a photo: the blob entity, the experience's photos, the queue).
  Status write_together(const std::function<Status()>& body);
  // A write transaction the caller keeps open across calls and ends (commit(), or rollback
  // when dropped): for a server storing many requests' writes with one commit (one WAL write
  // and one fsync for all of them). Begun like every write (the write lock taken, caught up
  // with other processes). The writes made while it is open nest in it, each fails alone,
  // and they are stored only when it commits. Observers hear of each write when it is
  // released into the transaction, before that commit: use it where none rely on durability.
  Result<sql::Transaction> begin_transaction();
  // The SQLite connection, for synclib components that keep tables of their own next to the
  // entities (the blob store's upload queue). Entities go through put()/get() only.
  sql::Db& database();

  class Impl;

 private:
  explicit Replica(std::unique_ptr<Impl> impl);
  // The tombstone alone (store_write.cpp); remove() adds what follows from it.
  Status remove_one(const std::string& id);
  Status unlink_blob(const json& blob, RemoveReport& report);
  std::unique_ptr<Impl> impl_;
};

}  // namespace werkex
