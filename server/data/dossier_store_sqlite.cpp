// The DossierStore on SQLite (dossier_store_sqlite.hpp): each call is the Replica's own.
#include "dossier_store_sqlite.hpp"

#include "werkex/signoff.hpp"

namespace werkex::server {

uint64_t SqliteDossierStore::replica_id() const {
  return r_.replica_id();
}

const Schema& SqliteDossierStore::schema() const {
  return r_.schema();
}

Result<json> SqliteDossierStore::get(const std::string& id) const {
  return r_.get(id);
}

Result<std::vector<Change>> SqliteDossierStore::field_states(const std::string& id) const {
  return r_.field_states(id);
}

Result<std::vector<json>> SqliteDossierStore::list(const Query& query) const {
  return r_.list(query);
}

Result<size_t> SqliteDossierStore::count(const Query& query) const {
  return r_.count(query);
}

Result<uint64_t> SqliteDossierStore::bucket_seq(const std::string& bucket) const {
  return r_.bucket_seq(bucket);
}

Status SqliteDossierStore::check_signoff_authority(const json& signoff) const {
  return werkex::check_signoff_authority(r_, signoff);
}

Result<Bundle> SqliteDossierStore::changes_since(uint64_t cursor, size_t limit,
                                                 const ChangeFilter& filter) const {
  return r_.changes_since(cursor, limit, filter);
}

uint64_t SqliteDossierStore::last_seq() const {
  return r_.last_seq();
}

// One SQLite transaction: Replica::apply and the server's puts inside write_together nest in
// it, so a failure anywhere rolls all of it back.
Result<ApplyReport> SqliteDossierStore::apply_push(const Bundle& push, const ServerWrites& then) {
  Result<ApplyReport> applied = ApplyReport{};
  WX_RETURN_IF_ERROR(r_.write_together([&]() -> Status {
    applied = r_.apply(push);
    if (!applied) return applied.status();
    return then ? then(*applied) : Status::ok();
  }));
  return applied;
}

Result<std::string> SqliteDossierStore::put(const json& doc) {
  return r_.put(doc);
}

Result<std::string> SqliteDossierStore::put_as(const Identity& writer, const json& doc) {
  return write_as(writer, [&] { return r_.put(doc); });
}

Result<std::string> SqliteDossierStore::create_as(const Identity& writer, const json& doc) {
  return write_as(writer, [&] { return r_.create(doc); });
}

Status SqliteDossierStore::remove_as(const Identity& writer, const std::string& id) {
  return write_as(writer,
                  [&]() -> Result<std::string> {
                    WX_RETURN_IF_ERROR(r_.remove(id));
                    return id;
                  })
      .status();
}

Status SqliteDossierStore::purge_bucket(const std::string& bucket) {
  return r_.purge_bucket(bucket);
}

Result<std::string> SqliteDossierStore::write_as(
    const Identity& writer, const std::function<Result<std::string>()>& write) {
  const Identity server = r_.identity();
  std::string id;
  Status s = r_.write_together([&]() -> Status {
    WX_RETURN_IF_ERROR(r_.set_identity(writer));
    auto written = write();
    WX_RETURN_IF_ERROR(r_.set_identity(server));
    if (!written) return written.error();
    id = std::move(written).value();
    return Status::ok();
  });
  if (!s) {
    // Rolled back, the identity with it; set again in case the store kept it in memory.
    (void)r_.set_identity(server);
    return s.error();
  }
  return id;
}

Status SqliteDossierStore::together(const std::function<Status()>& body) {
  return r_.write_together(body);
}

}  // namespace werkex::server
