// DossierStore: the server's store of every school's dossiers, as the sync path and the
// access rules use it (issue 14: storage behind interfaces). SyncService, compute_access and
// its cache, the push and sign-off checks, POST /v1/keys, the dispute and the blob lookups
// take this interface, so a second engine (PostgreSQL, issue 15) comes without touching them.
// SqliteDossierStore (dossier_store_sqlite.hpp) is the embedded engine, over a synclib
// Replica; PgDossierStore (pg/dossier_store_pg.hpp) the PostgreSQL one (docs/design.md).
//
// What it holds is synclib's model: entities of the schema's types in buckets ("school:…",
// "pupil:…"), each field a state merged by its rule (merge.hpp); a document as get() gives
// it is the merged values plus "id", "type" and "bucket" (Replica::get's form).
//
// Invariants every engine keeps:
//   - Every stored field change gets a cursor from one increasing sequence, and a reader
//     that has seen cursor N has seen every change at or below N: no change becomes
//     visible with a cursor lower than one already handed out (a pull never misses a change
//     that committed late).
//   - bucket_seq(b) changes whenever anything in bucket b is written (AccessCache keeps an
//     answer only while the buckets it read keep their seq).
//   - apply_push stores the push and the server's own writes in one transaction: all of it
//     or none of it; inside together() that transaction is part of the unit's. Merging what the
//     store already holds changes nothing (a retried push applies nothing new), and merges give
//     what synclib's merge() gives, on any engine.
//   - The server's own writes (put, and those inside apply_push) carry replica_id() and
//     the server's clock, under the server's identity (role "admin").
//   - Nothing here is thread-safe: callers serialise every call (App's dossier mutex). An
//     engine shared by several processes makes each call atomic against the others.
//
// The staff pages and their writes (App::write_as), the dashboard read models, the exports
// and retention use it too: the server runs the same on either engine.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "werkex/store.hpp"

namespace werkex::server {

class DossierStore : public EntityReader {
 public:
  // Who the server is: the replica id its own writes carry (schema(), EntityReader's: the
  // schema it judges with).
  virtual uint64_t replica_id() const = 0;

  // Lookups (the access rules, the push and sign-off checks), EntityReader's: get(), the live
  // or deleted entity's document; WX_NOT_FOUND if the store never held it. field_states():
  // its fields' states as changes (WX_NOT_FOUND likewise). list(): the live entities
  // matching `query`, as get() gives them, by id; the callers set only type, bucket and
  // field/equals (a set field matches when it contains the value), and an engine may refuse
  // the rest (WX_INVALID_ARGUMENT).

  // A number that changes whenever anything in `bucket` is written (0 for an empty bucket).
  virtual Result<uint64_t> bucket_seq(const std::string& bucket) const = 0;
  // synclib's check_signoff_authority (signoff.hpp) against this store: key known, the
  // signer's, not revoked, signature valid; placement, supervisor and date.
  virtual Status check_signoff_authority(const json& signoff) const = 0;

  // EntityReader's change feed: changes_since(cursor, limit, filter), the changes after
  // `cursor` that `filter` lets through (the sync sets its bucket; the dashboard's cache and
  // the exports none), and last_seq(), the newest cursor of the whole store, so a page with
  // upto_seq below it may have more.
  // changes_since(), and whether the store held changes after the page's upto_seq when it was
  // read (a device then pulls again at once). An engine that reads both in one round trip
  // overrides it; this asks last_seq() after.
  struct Page {
    Bundle bundle;
    bool more = false;
  };
  virtual Result<Page> page_since(uint64_t cursor, size_t limit, const ChangeFilter& filter) const {
    WX_ASSIGN_OR_RETURN(Bundle b, changes_since(cursor, limit, filter));
    const bool more = b.upto_seq < last_seq();
    return Page{std::move(b), more};
  }

  // What apply_push runs inside its transaction once the push is merged: the server's own
  // writes (get() and put() on this store see and join the transaction). `applied` says
  // what the merge did. An error rolls back the push with them.
  using ServerWrites = std::function<Status(const ApplyReport& applied)>;
  // Merges the push and runs `then` (may be empty) in one transaction; on any error nothing
  // is stored and the error is returned. The caller skips it for an empty push with no
  // server writes: a pull alone opens no transaction (so it is served on a full disk).
  virtual Result<ApplyReport> apply_push(const Bundle& push, const ServerWrites& then) = 0;
  // One write as the server: `doc` names an existing entity by "id" and the fields to set,
  // or a new one by "type" and "bucket" (without "id": the id is made). Returns the id.
  virtual Result<std::string> put(const json& doc) = 0;
  // One write under the server's replica id but judged as `writer` would be (the schema's
  // write roles, a pupil only in her own dossier): for what the server fills in on a
  // person's behalf, such as the author of a comment she pushed without one.
  virtual Result<std::string> put_as(const Identity& writer, const json& doc) = 0;
  // Creates an entity under the "id" `doc` gives, judged as `writer` would be (put_as):
  // for an id that names a bucket before its entity exists (a school's, "school:<id>").
  // WX_CONFLICT if an entity with that id exists.
  virtual Result<std::string> create_as(const Identity& writer, const json& doc) = 0;

  // Deletes the live entity `id` (a tombstone that syncs), judged as `writer` would be:
  // retention's erasure of a pupil's placements and person record.
  virtual Status remove_as(const Identity& writer, const std::string& id) = 0;
  // Forgets every entity and change of `bucket` outright, without a tombstone: retention's
  // erasure of a dossier (nothing of it stays on the server; the devices lose it with the
  // person). bucket_seq(bucket) is then 0.
  virtual Status purge_bucket(const std::string& bucket) = 0;

  // Runs `body` (the calls above, at most one apply_push in it) as one unit: its reads see
  // one state of the store, and what it writes is stored when it returns OK and the unit
  // commits, or not at all (its error, or the commit's, is returned). A body that writes
  // nothing writes nothing to disk. One sync round trip is one unit: a dozen lookups, the
  // push and the pages share one transaction instead of one each (SQLite: its file locks
  // taken once, not per statement).
  virtual Status together(const std::function<Status()>& body) = 0;

  // Whether the store can be reached now, for /healthz (an engine over a network connection
  // reconnects once if it was lost); an embedded file is always there.
  virtual Status check_connection() { return Status::ok(); }
};

}  // namespace werkex::server
