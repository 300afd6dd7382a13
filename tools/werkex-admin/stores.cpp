// werkex-admin's stores (stores.hpp).
#include "stores.hpp"

#include "auth_store_sqlite.hpp"

#ifdef WERKEX_HAVE_POSTGRES
#include "auth_store_pg.hpp"
#include "blob_holdings_pg.hpp"
#include "dossier_store_pg.hpp"
#endif

namespace werkex::admin {

#ifndef WERKEX_HAVE_POSTGRES
namespace {

Status no_postgres() {
  return make_error(WX_INVALID_ARGUMENT,
                    "this werkex-admin was built without PostgreSQL (WERKEX_WITH_POSTGRES=OFF)");
}

}  // namespace
#endif

Result<std::unique_ptr<server::AuthStore>> open_auth(const StoreLocation& where) {
  if (where.postgres.empty()) {
    WX_ASSIGN_OR_RETURN(auto auth, server::SqliteAuthStore::open(where.data + "/server.db"));
    return std::unique_ptr<server::AuthStore>(std::move(auth));
  }
#ifdef WERKEX_HAVE_POSTGRES
  WX_ASSIGN_OR_RETURN(auto auth, server::PgAuthStore::open(where.postgres));
  return std::unique_ptr<server::AuthStore>(std::move(auth));
#else
  return no_postgres().error();
#endif
}

Result<std::unique_ptr<server::BlobHoldings>> open_holdings(const StoreLocation& where) {
  if (where.postgres.empty()) return server::BlobHoldings::open(where.data + "/server.db");
#ifdef WERKEX_HAVE_POSTGRES
  WX_ASSIGN_OR_RETURN(auto holdings, server::PgBlobHoldings::open(where.postgres));
  return std::unique_ptr<server::BlobHoldings>(std::move(holdings));
#else
  return no_postgres().error();
#endif
}

Result<std::unique_ptr<EntityReader>> open_dossiers(const StoreLocation& where) {
  if (where.postgres.empty()) {
    WX_ASSIGN_OR_RETURN(auto replica, Replica::open(where.data + "/dossiers.db"));
    return std::unique_ptr<EntityReader>(std::move(replica));
  }
#ifdef WERKEX_HAVE_POSTGRES
  server::PgDossierOptions options;
  options.conninfo = where.postgres;
  options.read_only = true;  // werkex-admin reads the dossiers; it is not a server process
  WX_ASSIGN_OR_RETURN(auto store, server::PgDossierStore::open(std::move(options)));
  return std::unique_ptr<EntityReader>(std::move(store));
#else
  return no_postgres().error();
#endif
}

}  // namespace werkex::admin
